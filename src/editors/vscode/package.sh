#!/usr/bin/env bash
# Builds the VS Code extension's .vsix with @vscode/vsce (no publishing).
#   src/editors/vscode/package.sh [--out FILE.vsix]
# npm installs the pinned dependencies (package-lock.json) into node_modules/ here (gitignored); the .vsix bundles
# vscode-languageclient, the one runtime dependency. Default output: scheme-dsl-<version>.vsix in this folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || { echo "package.sh: --out needs a file name" >&2; exit 2; }; out="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (usage: package.sh [--out FILE.vsix])" >&2; exit 2 ;;
  esac
done
command -v npm >/dev/null 2>&1 || { echo "package.sh: npm is required (Debian: apt-get install nodejs npm)" >&2; exit 1; }
# @vscode/vsce 3.9 needs Node.js 20 (Debian 12's own nodejs is 18: use the NodeSource packages or a newer Debian).
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || { echo "package.sh: Node.js 20 or later is required to package the extension (found $(node --version))" >&2; exit 1; }
case "$out" in ''|/*) ;; *) out="$PWD/$out" ;; esac
cd "$here"
version="$(node -p "require('./package.json').version")"
[ -n "$out" ] || out="$here/scheme-dsl-$version.vsix"

# npm ci reinstalls from scratch; skip it when node_modules already matches the lock file.
if ! cmp -s package-lock.json node_modules/.package-lock.json.source 2>/dev/null; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.source
fi
npx --no-install vsce package --allow-missing-repository --skip-license --out "$out" 2>&1 \
  || { echo "package.sh: vsce could not package the extension" >&2; exit 1; }
echo "package.sh: wrote $out"
