// Loads the extension's client (extension.js) with a stand-in for the `vscode` module and for
// vscode-languageclient's LanguageClient, activates it, and prints (JSON) the server command it would start for
// each value of schemeDsl.server.path given on argv. Usage: node client-check.js EXTENSION_DIR PATH...
'use strict';
const Module = require('module');
const path = require('path');

const [extensionDir, ...paths] = process.argv.slice(2);
const started = [];
let setting;
const vscode = {
  workspace: {
    getConfiguration: section => ({ get: key => (section === 'schemeDsl' && key === 'server.path' ? setting : section === 'schemeDsl' && key === 'server.args' ? [] : undefined) }),
    workspaceFolders: undefined,
    createFileSystemWatcher: glob => ({ glob }),
    onDidChangeConfiguration: () => ({ dispose() {} }),
  },
  commands: { registerCommand: () => ({ dispose() {} }) },
  window: { showErrorMessage: message => started.push({ error: message }) },
};
class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    started.push({ id, command: serverOptions.run.command, args: serverOptions.run.args, transport: serverOptions.run.transport,
      selector: clientOptions.documentSelector });
  }
  start() { return Promise.resolve(); }
  stop() { return Promise.resolve(); }
}
const stand_ins = { vscode, 'vscode-languageclient/node': { LanguageClient, TransportKind: { stdio: 0, ipc: 1 } } };
const load = Module._load;
Module._load = function (request, ...rest) {
  return Object.prototype.hasOwnProperty.call(stand_ins, request) ? stand_ins[request] : load.call(this, request, ...rest);
};

(async () => {
  const extension = require(path.resolve(extensionDir, 'extension.js'));
  for (const value of paths) {
    setting = value === '-' ? undefined : value;
    await extension.activate({ subscriptions: [] });
    await extension.deactivate();
  }
  process.stdout.write(JSON.stringify(started));
})().catch(error => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
