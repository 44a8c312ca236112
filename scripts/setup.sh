#!/usr/bin/env bash
# Sets up a fresh machine for tsa-lab: Yarn 1, Debian's chromium (the report's browser test) and sqlite3 shell,
# then the workspace dependencies (better-sqlite3 and our kernels build from source with node-gyp here).
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
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

command -v yarn >/dev/null 2>&1 || npm install -g yarn@1.22.22
# tfjs-node is optional: where its prebuilt download is unreachable yarn skips it and we use wasm.
yarn install --frozen-lockfile --non-interactive
