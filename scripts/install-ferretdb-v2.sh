#!/usr/bin/env bash
# Installs the embedded database, FerretDB v2 on PostgreSQL 15 with Microsoft's DocumentDB extension
# (see docs/embedded-database.md):
#   1. Debian packages: PostgreSQL 15, its build headers and the libraries DocumentDB links (apt, root);
#   2. three extensions no Debian package serves, built from vendor/postgres-extensions/ (checksums
#      verified) into /usr/lib/postgresql/15 (root): pgvector, pg_cron (Debian's 1.4 is too old for
#      DocumentDB's second-level schedules), DocumentDB 0.108 (pg_documentdb_core + pg_documentdb + its
#      extended RUM, the index access method that returns rows in index order);
#   3. `go install` of FerretDB v2.7.0 into tools/bin.
# Each step is skipped when its result is there: packages by dpkg, the extensions by a stamp file next to
# them naming the vendored sources' checksums, FerretDB by tools/bin/ferretdb.build. A warm run takes well
# under a second.
#
# EMBEDDED_PG_ROOT=<dir>: instead of the system's, a private copy of Debian's PostgreSQL 15 under <dir>
# (copied from the system's on the first run; PostgreSQL finds its files relative to its binaries) gets
# the extensions: a new extension build can be tried while other clones' tests use the system's. The
# platform then runs on it when started with the same EMBEDDED_PG_ROOT (scripts/lib/postgres.ts).
set -euo pipefail

VERSION=v2.7.0
PG=15
# bumped when the extension build recipe changes (forces a rebuild)
RECIPE=2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/vendor/postgres-extensions"
BIN="$ROOT/tools/bin/ferretdb"
PG_ROOT="${EMBEDDED_PG_ROOT:-}"
PGHOME="$PG_ROOT/usr/lib/postgresql/$PG"
PGLIB="$PGHOME/lib"
PG_CONFIG="$PGHOME/bin/pg_config"
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
if [ -n "$PG_ROOT" ] && [ ! -x "$PGHOME/bin/postgres" ]; then
  say "copying Debian's PostgreSQL $PG into $PG_ROOT (EMBEDDED_PG_ROOT)"
  mkdir -p "$PG_ROOT/usr/lib/postgresql" "$PG_ROOT/usr/share/postgresql" "$PG_ROOT/usr/include"
  cp -a "/usr/lib/postgresql/$PG" "$PG_ROOT/usr/lib/postgresql/"
  cp -a "/usr/share/postgresql/$PG" "$PG_ROOT/usr/share/postgresql/"
  cp -a /usr/include/postgresql "$PG_ROOT/usr/include/"
  rm -f "$PGLIB/daas-extensions.stamp"
  chmod -R a+rX "$PG_ROOT" # the postgres user runs it
fi
want="recipe=$RECIPE $(sha256sum "$VENDOR/SHA256SUMS" | cut -d' ' -f1)"
built() {
  [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ] &&
    [ -f "$PGLIB/pg_documentdb.so" ] && [ -f "$PGLIB/pg_documentdb_core.so" ] &&
    [ -f "$PGLIB/pg_documentdb_extended_rum.so" ] &&
    [ -f "$PGLIB/pg_cron.so" ] && [ -f "$PGLIB/vector.so" ]
}
if ! built; then
  # One build at a time on this machine (another clone's setup may be at it): wait, then look again.
  exec 9>"/tmp/daas-postgres-extensions.lock"
  flock 9
fi
if ! built; then
  say "building PostgreSQL extensions from vendor/postgres-extensions into $PGHOME (first time only, about 3 min on 2 cores)"
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
  pgx=(PG_CONFIG="$PG_CONFIG" with_llvm=no)
  quiet make -C "$WORK/pgvector" $jobs OPTFLAGS="" "${pgx[@]}"
  quiet as_root make -C "$WORK/pgvector" install "${pgx[@]}"
  say "  2/3 pg_cron 1.6.3 (about 5 s)"
  quiet make -C "$WORK/pg_cron" $jobs "${pgx[@]}"
  quiet as_root make -C "$WORK/pg_cron" install "${pgx[@]}"
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
  # Debian builds PostgreSQL with dtrace probes, so its headers include systemtap's <sys/sdt.h>; the
  # extended RUM's copy of tuplesort fires two probes. Rather than one more package, they compile to nothing.
  mkdir -p "$WORK/include/sys"
  printf '#define DTRACE_PROBE%s(...) do {} while (0)\n' '' 1 2 3 4 5 6 7 8 >"$WORK/include/sys/sdt.h"
  copt="-DBSON_SUBTYPE_SENSITIVE=0x08 -Wno-error=switch -I$WORK/include"
  say "  3/3 DocumentDB 0.108 with its extended RUM (about 2.5 min)"
  for part in pg_documentdb_core pg_documentdb internal/pg_documentdb_extended_rum; do
    quiet make -C "$WORK/documentdb/$part" $jobs COPT="$copt" "${pgx[@]}"
    quiet as_root make -C "$WORK/documentdb/$part" install COPT="$copt" "${pgx[@]}"
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
