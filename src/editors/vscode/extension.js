// The VS Code client: starts the language server (`scheme lsp`, LSP over stdio) for .scheme files.
// Everything language-aware (diagnostics, hover, completion, rename, formatting ...) is the server's; this file only
// finds the command, starts it, and restarts it when its settings change.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

const LANGUAGE_ID = 'scheme-dsl';
let client;

/**
 * The command that runs the server. `schemeDsl.server.path` may name a command on PATH (`scheme`), an executable,
 * or the compiler's `scheme.dll` from a build or the Scheme.Dsl package's tools/ folder, which `dotnet` runs.
 */
function serverCommand(configuration) {
  const configured = (configuration.get('server.path') || 'scheme').trim();
  const extra = configuration.get('server.args') || [];
  if (configured.toLowerCase().endsWith('.dll')) {
    return { command: 'dotnet', args: [configured, 'lsp', ...extra] };
  }
  return { command: configured, args: ['lsp', ...extra] };
}

async function start(context) {
  const configuration = vscode.workspace.getConfiguration('schemeDsl');
  const { command, args } = serverCommand(configuration);
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  const executable = {
    command,
    args,
    transport: TransportKind.stdio,
    options: folder ? { cwd: folder.uri.fsPath } : undefined,
  };
  client = new LanguageClient(
    'schemeDsl',
    'Scheme language server',
    { run: executable, debug: executable },
    {
      documentSelector: [{ language: LANGUAGE_ID }],
      // The server re-checks a suite when a file it imports or loads changes on disk, not only in the editor.
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{scheme,md,json,txt}') },
    });
  try {
    await client.start();
  } catch (error) {
    // A missing server must not break highlighting: say what to set, once.
    vscode.window.showErrorMessage(
      `Could not start the Scheme language server (${command} ${args.join(' ')}): ${error && error.message ? error.message : error}. ` +
      'Set "schemeDsl.server.path" to the scheme command or to scheme.dll.');
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    try {
      await running.stop();
    } catch {
      // Stopping a server that never started is not an error for the user.
    }
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('schemeDsl.restartServer', async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async event => {
      if (event.affectsConfiguration('schemeDsl.server')) {
        await stop();
        await start(context);
      }
    }));
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverCommand };
