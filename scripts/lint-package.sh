#!/usr/bin/env bash
# publint and attw (are the types wrong) on the tarball npm would publish, packed once without the
# prepack build (npm test has just built dist/; each tool packing on its own would build twice).
# The package is ESM only by design ("type": "module", no CommonJS build), so attw's rule for
# require() from CommonJS is off; every other resolution is checked, node10 included (Next.js and
# classic CommonJS TypeScript projects resolve types that way: `typesVersions` serves them).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --ignore-scripts --json --pack-destination "$work" | node -e \
  "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>console.log(JSON.parse(s)[0].filename))")"
attw "$work/$tarball" --ignore-rules cjs-resolves-to-esm
tar -xzf "$work/$tarball" -C "$work"
publint "$work/package" --pack false --strict
