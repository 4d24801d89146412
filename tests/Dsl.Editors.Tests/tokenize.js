// Tokenizes .scheme text with the extension's TextMate grammar, as VS Code does (vscode-textmate + vscode-oniguruma).
// Request on stdin (JSON): { "modules": DIR, "grammar": FILE, "files": [PATH...], "snippets": [TEXT...] }
// Answer on stdout (JSON): { "files": { PATH: SCOPES }, "snippets": [[{ "text", "scopes": [...] }...]...] }
// SCOPES is the golden text: each source line, then one line per token with its text and scopes (the root scope
// source.scheme-dsl left out; tokens that are only whitespace in the root scope too).
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const request = JSON.parse(fs.readFileSync(0, 'utf8'));
  request.modules = path.resolve(request.modules);
  const textmate = require(path.join(request.modules, 'vscode-textmate'));
  const oniguruma = require(path.join(request.modules, 'vscode-oniguruma'));
  const wasm = fs.readFileSync(path.join(request.modules, 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: patterns => new oniguruma.OnigScanner(patterns),
      createOnigString: text => new oniguruma.OnigString(text),
    }),
    loadGrammar: async () => textmate.parseRawGrammar(fs.readFileSync(request.grammar, 'utf8'), request.grammar),
  });
  const grammar = await registry.loadGrammar('source.scheme-dsl');
  if (!grammar) {
    throw new Error(`no grammar with scope source.scheme-dsl in ${request.grammar}`);
  }

  const tokenize = text => {
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    let stack = textmate.INITIAL;
    const result = [];
    for (const line of lines) {
      // A guard against hanging, not a speed test: a grammar regex that backtracks exponentially fails the test on
      // the line it chokes on. Tokenizing is linear in the line's length (a 20,000-character line takes well under 1 s).
      const tokens = grammar.tokenizeLine(line, stack, 10000);
      if (tokens.stoppedEarly) {
        throw new Error(`tokenizing stopped early (over 10 s) on the line: ${line.slice(0, 200)}`);
      }
      stack = tokens.ruleStack;
      result.push({
        line,
        tokens: tokens.tokens.map(t => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) })),
      });
    }
    return result;
  };

  const golden = lines => lines.map((l, i) =>
    `${i + 1}: ${l.line}\n` + l.tokens
      .filter(t => t.text.length > 0 && !(t.scopes.length === 0 && /^\s*$/.test(t.text)))
      .map(t => `  ${JSON.stringify(t.text)} ${t.scopes.join(' ')}\n`).join('')).join('');

  const answer = { files: {}, snippets: [] };
  for (const file of request.files || []) {
    answer.files[file] = golden(tokenize(fs.readFileSync(file, 'utf8')));
  }
  for (const snippet of request.snippets || []) {
    answer.snippets.push(tokenize(snippet).flatMap(l => l.tokens));
  }
  process.stdout.write(JSON.stringify(answer));
}

main().catch(error => {
  process.stderr.write(`tokenize.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
