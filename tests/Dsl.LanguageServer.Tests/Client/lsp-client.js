// A real LSP client for the language server's end-to-end test: the npm vscode-languageserver-protocol connection
// (vscode-jsonrpc underneath, the library VS Code's own client is built on) drives `scheme lsp` over stdio through a
// plan of steps written by the xunit test, and prints what the server answered as one JSON document.
//
// usage: node lsp-client.js MODULES_DIR PLAN.json OUT.json   (MODULES_DIR holds node_modules/vscode-languageserver-protocol)
'use strict';
const path = require('path');
const fs = require('fs');
const { spawn } = require('child_process');

const [modules, planFile, outFile] = process.argv.slice(2);
const lsp = require(path.join(path.resolve(modules), 'node_modules', 'vscode-languageserver-protocol', 'node'));
const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));

const server = spawn(plan.command[0], plan.command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', d => { stderr += d; });
const exited = new Promise(resolve => server.on('exit', code => resolve(code)));
const connection = lsp.createProtocolConnection(new lsp.StreamMessageReader(server.stdout), new lsp.StreamMessageWriter(server.stdin));

// The latest diagnostics per URI, and who waits for which version.
const diagnostics = new Map();
const waiters = [];
connection.onNotification('textDocument/publishDiagnostics', params => {
  diagnostics.set(params.uri, params);
  for (const w of waiters.splice(0)) {
    if (!w.check()) waiters.push(w);
  }
});
connection.listen();

function waitDiagnostics(uri, version, timeoutMs) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const p = diagnostics.get(uri);
      if (p && (version === undefined || p.version === version)) { resolve(p); return true; }
      return false;
    };
    if (check()) return;
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} version ${version} within ${timeoutMs} ms`)), timeoutMs);
    waiters.push({ check: () => { if (check()) { clearTimeout(timer); return true; } return false; } });
  });
}

async function run() {
  const results = [];
  const init = await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: plan.rootUri,
    capabilities: { textDocument: { hover: { contentFormat: ['markdown'] }, rename: { prepareSupport: true } } },
    initializationOptions: { debounceMilliseconds: 20 },
  });
  results.push({ op: 'initialize', result: init });
  await connection.sendNotification('initialized', {});
  for (const step of plan.steps) {
    switch (step.op) {
      case 'notify':
        await connection.sendNotification(step.method, step.params);
        results.push({ op: 'notify', method: step.method });
        break;
      case 'diagnostics':
        results.push({ op: 'diagnostics', result: await waitDiagnostics(step.uri, step.version, 60000) });
        break;
      case 'request':
        try {
          results.push({ op: 'request', method: step.method, result: await connection.sendRequest(step.method, step.params) });
        } catch (e) {
          results.push({ op: 'request', method: step.method, error: { code: e.code, message: e.message } });
        }
        break;
      default:
        throw new Error(`unknown step ${step.op}`);
    }
  }
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  const exitCode = await exited;
  fs.writeFileSync(outFile, JSON.stringify({ results, exitCode, stderr }));
}

run().then(() => process.exit(0), e => {
  fs.writeFileSync(outFile, JSON.stringify({ failure: String(e && e.stack || e), stderr }));
  server.kill();
  process.exit(1);
});
