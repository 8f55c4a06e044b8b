#!/usr/bin/env bash
# Installs the embedded database, FerretDB v2 on PostgreSQL 15 with Microsoft's DocumentDB extension
# (see docs/embedded-database.md):
#   1. Debian packages: PostgreSQL 15, its build headers and the libraries DocumentDB links (apt, root);
#   2. three extensions no Debian package serves, built from vendor/postgres-extensions/ (checksums
#      verified) into /usr/lib/postgresql/15 (root): pgvector, pg_cron (Debian's 1.4 is too old for
#      DocumentDB's second-level schedules), DocumentDB (pg_documentdb_core + pg_documentdb);
#   3. `go install` of FerretDB v2.7.0 into tools/bin.
# Each step is skipped when its result is there: packages by dpkg, the extensions by a stamp file next to
# them naming the vendored sources' checksums, FerretDB by tools/bin/ferretdb.build. A warm run takes well
# under a second.
set -euo pipefail

VERSION=v2.7.0
PG=15
# bumped when the extension build recipe changes (forces a rebuild)
RECIPE=1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/vendor/postgres-extensions"
BIN="$ROOT/tools/bin/ferretdb"
PGLIB="/usr/lib/postgresql/$PG/lib"
STAMP="$PGLIB/daas-extensions.stamp"
PACKAGES=(postgresql-$PG postgresql-server-dev-$PG postgresql-$PG-postgis-3 postgresql-$PG-rum libbson-dev
  libpcre2-dev libintelrdfpmath-dev libicu-dev libkrb5-dev pkg-config build-essential xz-utils)

say() { echo "[setup] $*" >&2; }
die() {
  echo "[setup] ERROR: $*" >&2
  echo "[setup]        (or set MONGODB_URI to use your own MongoDB, or EMBEDDED_DB=ferretdb-v1)" >&2
  exit 1
}
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else die "this step needs root: run \`sudo npm run setup\` once (it installs Debian packages and PostgreSQL extensions)"
  fi
}

# --- 1. Debian packages ----------------------------------------------------------------------------
# one dpkg-query for all (a warm run should take no time)
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" postgresql-$PG-cron 2>/dev/null |
  sed -n 's/ install ok installed$//p' || true)"
missing=()
for p in "${PACKAGES[@]}"; do
  grep -qx "$p" <<<"$installed" || missing+=("$p")
done
if grep -qx "postgresql-$PG-cron" <<<"$installed"; then
  die "Debian's postgresql-$PG-cron is installed; DocumentDB needs pg_cron >= 1.5, built here from source. Remove it: apt-get remove postgresql-$PG-cron"
fi
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "needs Debian/Ubuntu apt-get to install: ${missing[*]}"
  say "installing Debian packages (first time only, about 1 min): ${missing[*]}"
  start=$(date +%s)
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
  say "packages installed in $(( $(date +%s) - start )) s"
fi

# --- 2. PostgreSQL extensions from vendored sources --------------------------------------------------
want="recipe=$RECIPE $(sha256sum "$VENDOR/SHA256SUMS" | cut -d' ' -f1)"
built() {
  [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ] &&
    [ -f "$PGLIB/pg_documentdb.so" ] && [ -f "$PGLIB/pg_documentdb_core.so" ] &&
    [ -f "$PGLIB/pg_cron.so" ] && [ -f "$PGLIB/vector.so" ]
}
if ! built; then
  # One build at a time on this machine (another clone's setup may be at it): wait, then look again.
  exec 9>"/tmp/daas-postgres-extensions.lock"
  flock 9
fi
if ! built; then
  say "building PostgreSQL extensions from vendor/postgres-extensions (first time only, about 2 min on 2 cores)"
  start=$(date +%s)
  (cd "$VENDOR" && sha256sum --quiet -c SHA256SUMS) || die "vendor/postgres-extensions: checksum mismatch"
  WORK="$ROOT/tools/build/postgres-extensions"
  rm -rf "$WORK"
  mkdir -p "$WORK"
  for name in pgvector pg_cron documentdb; do
    mkdir "$WORK/$name"
    tar -xJf "$VENDOR/$name-src.tar.xz" -C "$WORK/$name"
  done
  jobs="-j$(nproc)"
  quiet() { # a build's output only when it fails
    local log="$WORK/build.log"
    "$@" >>"$log" 2>&1 || { tail -n 40 "$log" >&2; die "failed: $*"; }
  }
  say "  1/3 pgvector 0.8.0 (about 15 s)"
  quiet make -C "$WORK/pgvector" $jobs OPTFLAGS="" with_llvm=no
  quiet as_root make -C "$WORK/pgvector" install with_llvm=no
  say "  2/3 pg_cron 1.6.3 (about 5 s)"
  quiet make -C "$WORK/pg_cron" $jobs with_llvm=no
  quiet as_root make -C "$WORK/pg_cron" install with_llvm=no
  # DocumentDB on Debian 12: libbson is 1.23 (DocumentDB pins 1.28), whose only missing piece is the
  # BSON_SUBTYPE_SENSITIVE constant; the Intel decimal library is Debian's static libbidgcc000.a, which
  # DocumentDB's own scripts would download instead: a pkg-config file points its build at it.
  mkdir -p "$WORK/pkgconfig"
  cat >"$WORK/pkgconfig/intelmathlib.pc" <<EOF
Name: intelmathlib
Description: Intel decimal floating-point math library (Debian libintelrdfpmath-dev)
Version: 2.0
Libs: -L/usr/lib/$(gcc -print-multiarch) -l:libbidgcc000.a
Cflags: -I/usr/include/intelrdfpmath
EOF
  export PKG_CONFIG_PATH="$WORK/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  copt='-DBSON_SUBTYPE_SENSITIVE=0x08 -Wno-error=switch'
  say "  3/3 DocumentDB 0.107 (about 1.5 min)"
  for part in pg_documentdb_core pg_documentdb; do
    quiet make -C "$WORK/documentdb/$part" $jobs COPT="$copt" with_llvm=no
    quiet as_root make -C "$WORK/documentdb/$part" install COPT="$copt" with_llvm=no
  done
  echo "$want" | as_root tee "$STAMP" >/dev/null
  rm -rf "$WORK"
  say "PostgreSQL extensions built in $(( $(date +%s) - start )) s"
fi

# --- 3. FerretDB v2 ------------------------------------------------------------------------------------
if [ -x "$BIN" ] && [ "$(cat "$BIN.build" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; fi
  done
fi
command -v go >/dev/null 2>&1 || die "Go (>= 1.24) is needed to build FerretDB $VERSION (Debian: apt-get install golang-go, or the official tarball)"
say "building FerretDB $VERSION into tools/bin (first time only, about 4 min on 2 cores)"
start=$(date +%s)
mkdir -p "$ROOT/tools/bin"
rm -f "$BIN" "$BIN.build" # an older build (FerretDB v1 lived here before)
GOBIN="$ROOT/tools/bin" GOFLAGS=-buildvcs=false go install "github.com/FerretDB/FerretDB/v2/cmd/ferretdb@$VERSION"
echo "$VERSION" >"$BIN.build"
say "FerretDB $VERSION built in $(( $(date +%s) - start )) s"
