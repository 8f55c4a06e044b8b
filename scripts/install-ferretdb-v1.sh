#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (MongoDB wire protocol on SQLite) into tools/bin/ferretdb-v1: the embedded
# database before FerretDB v2, kept as an option (EMBEDDED_DB=ferretdb-v1) to compare the two.
#
# Why not a plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`: that binary panics at
# start ("Invalid build/version/version.txt file content"), because the module zip does not carry the
# generated build/version/version.txt that FerretDB's own build writes. So we fetch the same module with
# `go mod download`, copy it, add that one generated file, apply one one-line patch, and `go build` it.
#
# The patch: FerretDB's SQLite backend creates its unique _id index on `_ferretdb_sjson->"_id"` but looks
# documents up by `_ferretdb_sjson->'$._id'`, an expression SQLite does not match to that index, so every
# lookup by _id scanned the whole table (4.9 ms at 2,000 one-KB documents, growing with the collection;
# 1.3 ms flat once patched). The patch makes lookups use the index's own expression. See
# docs/embedded-database.md.
set -euo pipefail

VERSION=v1.24.2
# bumped when the build changes; tools/bin/ferretdb-v1.build records the build a binary came from
BUILD="$VERSION+id-index-1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/tools"
BIN="$TOOLS/bin/ferretdb-v1"

if [ -x "$BIN" ] && [ "$(cat "$BIN.build" 2>/dev/null)" = "$BUILD" ]; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; fi
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "[setup] ERROR: Go (>= 1.24) is needed to build the embedded database FerretDB $VERSION." >&2
  echo "[setup]        Install Go (Debian: apt-get install golang-go, or the official tarball), or set MONGODB_URI" >&2
  echo "[setup]        to use your own MongoDB instead of the embedded database." >&2
  exit 1
fi

echo "[setup] building FerretDB $VERSION into tools/bin (first time only, about a minute)" >&2
start=$(date +%s)
mkdir -p "$TOOLS/bin"
SRC_DIR="$(cd "$TOOLS" && go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ -z "$SRC_DIR" ] || [ ! -d "$SRC_DIR" ]; then
  echo "[setup] ERROR: go mod download of github.com/FerretDB/FerretDB@$VERSION gave no source folder" >&2
  exit 1
fi
WORK="$TOOLS/ferretdb-src"
rm -rf "$WORK"
cp -r "$SRC_DIR" "$WORK"
chmod -R u+w "$WORK"
echo "$VERSION" > "$WORK/build/version/version.txt"
META="$WORK/internal/backends/sqlite/metadata/metadata.go"
sed -i "s|IDColumn = DefaultColumn + \"->'\$._id'\"|IDColumn = DefaultColumn + \"->\\\\\"_id\\\\\"\"|" "$META"
if ! grep -qF 'IDColumn = DefaultColumn + "->\"_id\""' "$META"; then
  echo "[setup] ERROR: could not apply the _id index patch to FerretDB $VERSION ($META changed?)" >&2
  exit 1
fi
(cd "$WORK" && go build -buildvcs=false -trimpath -o "$BIN.tmp" ./cmd/ferretdb)
mv "$BIN.tmp" "$BIN"
echo "$BUILD" > "$BIN.build"
rm -rf "$WORK"
# (no pipe into head: under pipefail, FerretDB writing its second line after head exits is a SIGPIPE failure)
version_text="$("$BIN" --version)"
echo "${version_text%%$'\n'*}" >&2
echo "[setup] FerretDB built in $(( $(date +%s) - start )) s" >&2
