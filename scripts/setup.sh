#!/usr/bin/env bash
# Sets up a fresh machine for tsa-lab: Yarn 1, Debian's chromium (the report's browser test) and sqlite3 shell,
# OpenBLAS (libopenblas-dev, with pkg-config to find it: the native kernels' GEMM),
# a PostgreSQL server for the shared-store tests (Debian's postgresql, its cluster started, a role `tsa`),
# then the workspace dependencies (better-sqlite3 12 and our kernels build from source with node-gyp here;
# better-sqlite3 13 ships prebuilt, and is left out on Node 20: README.md, "Supported Node versions").
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
# The kernels' large products run on OpenBLAS (packages/kernels/README.md); binding.gyp finds it through
# pkg-config and falls back to its own loops without it.
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists openblas 2>/dev/null || missing+=(libopenblas-dev)
# The tests reach PostgreSQL at $TSA_TEST_PG_URL; only the default (this machine) is ours to install and start.
pg_local=${TSA_TEST_PG_URL:-postgres://tsa:tsa@localhost:5432/postgres}
pg_local=$([[ $pg_local == postgres://tsa:tsa@localhost:5432/* ]] && echo yes || echo no)
if [ "$pg_local" = yes ] && ! command -v pg_ctlcluster >/dev/null 2>&1; then missing+=(postgresql); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install ${missing[*]} (the browser test needs chromium)" >&2
  fi
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
if [ "$pg_local" = yes ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  # Start every cluster that is down (Debian's package creates and starts one; a container has no systemd).
  if ! pg_isready -q -h localhost -p 5432; then
    echo "setup: starting PostgreSQL"
    pg_lsclusters --no-header | while read -r version cluster _; do
      if [ "$(id -u)" = 0 ]; then pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
      else sudo pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true; fi
    done
    for _ in $(seq 1 30); do pg_isready -q -h localhost -p 5432 && break; sleep 0.5; done
  fi
  # The role the tests connect as (password auth over TCP, as a worker on another machine would): it may
  # create and drop the tests' own databases, nothing else.
  as_postgres psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'tsa'" | grep -q 1 ||
    as_postgres psql -qc "CREATE ROLE tsa LOGIN CREATEDB PASSWORD 'tsa'"
fi

command -v yarn >/dev/null 2>&1 || npm install -g yarn@1.22.22
# tfjs-node is optional: where its prebuilt download is unreachable yarn skips it and we use wasm.
yarn install --frozen-lockfile --non-interactive
