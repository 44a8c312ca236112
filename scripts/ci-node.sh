#!/usr/bin/env bash
# Checks tsa-lab on another Node (usage: bash scripts/ci-node.sh 22): installs that Node from the npm
# registry into .cache/node<version>, copies the checkout (tracked and untracked files, no node_modules) to a
# temporary folder so this checkout's install is left as it is, installs there from the lockfile with the
# native addons (better-sqlite3 12, @tsa/kernels) built against that Node's headers, then runs the tests that
# load them (kernels, tracker) and the smoke sweep. Prints one line with the counts and the better-sqlite3 that
# Node runs (12 or 13: packages/tracker/src/better-sqlite3.ts); exits non-zero on any failure, keeping the copy
# and its install log for a look.
set -euo pipefail

want="${1:-}"   # a major or major.minor (the newest release of that line), or one release (24.21.0)
if ! [[ "$want" =~ ^[0-9]+(\.[0-9]+){0,2}$ ]]; then
  echo "usage: bash scripts/ci-node.sh VERSION   (24: the newest 24 on the registry; 24.18: the newest 24.18; 24.21.0)" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
fail() { echo "ci-node $want: FAILED: $*" >&2; exit 1; }

# 1. Node from the registry: the `node` package brings the binary and its headers (include/node) for this
# platform as node-<platform>-<arch>.
cache="$root/.cache/node$want"
platform="$(node -p 'process.platform + "-" + process.arch')"
nodedir="$cache/node_modules/node/node_modules/node-$platform"
is_wanted() { [[ "$1" == "v$want" || "$1" == "v$want."* ]]; }
if [ ! -x "$nodedir/bin/node" ] || ! is_wanted "$("$nodedir/bin/node" --version)"; then
  echo "ci-node $want: installing node@$want from the npm registry into ${cache#"$root"/}"
  rm -rf "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node@$want" >/dev/null \
    || fail "npm install node@$want"
fi
[ -x "$nodedir/bin/node" ] || fail "no node binary at $nodedir/bin/node after installing node@$want"
[ -f "$nodedir/include/node/node_api.h" ] || fail "no headers at $nodedir/include/node"

# 2. A copy of the checkout, without anything built or installed.
work="$(mktemp -d "${TMPDIR:-/tmp}/tsa-node$want.XXXXXX")"
(cd "$root" && git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$work"
log="$work/ci-node.log"

# 3. That Node first on PATH (yarn, node-gyp and `node --import tsx` all find node there), and node-gyp
# pointed at its headers: npm's own config says nodedir=/usr (Node 20), which would build addons that
# fail to load with "was compiled against a different Node.js version".
# JOBS: node-gyp's make on every core (better-sqlite3 12's SQLite and its binding, our kernels' five files;
# better-sqlite3 13 ships prebuilt, and yarn leaves it out on Node 20).
export PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" JOBS=max
unset npm_config_target npm_config_runtime
cd "$work"
version="$(node --version)"
is_wanted "$version" || fail "PATH gives node $version, not $want"
echo "ci-node $want: node $version in $work; yarn install (addons built from source)"
if ! yarn install --frozen-lockfile --non-interactive >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  fail "yarn install on node $version (log: $log)"
fi
# The kernels' install falls back to TypeScript quietly; here the addon has to load.
node -e 'require(process.argv[1])' "$work/packages/kernels/build/Release/tsa_kernels.node" \
  || fail "@tsa/kernels' native addon did not build or load on node $version (yarn workspace @tsa/kernels build shows why)"
# The better-sqlite3 that the tracker loads on this Node (by its Node-API version), and its version.
sqlite="$(node --import tsx --input-type=module -e '
  import { betterSqlite3For, loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
  import { createRequire } from "node:module";
  new (loadBetterSqlite3())(":memory:").prepare("select 1").get();
  const name = betterSqlite3For(Number(process.versions.napi));
  console.log(`better-sqlite3 ${createRequire(import.meta.url)(`${name}/package.json`).version}`);
')" || fail "better-sqlite3 does not load on node $version"

# 4. The tests that load the addons, each counted from vitest's JSON report; their output goes to the log.
count() { node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.numPassedTests} passed${r.numFailedTests ? `, ${r.numFailedTests} failed` : ""}`)' "$1"; }
results=()
for pkg in kernels tracker; do
  report="packages/$pkg/.vitest-report.json"
  if ! TSA_KERNELS=native yarn -s workspace "@tsa/$pkg" test >>"$log" 2>&1; then
    tail -n 60 "$log" >&2
    [ -f "$report" ] && echo "ci-node $want: $pkg $(count "$report")" >&2
    fail "@tsa/$pkg tests on node $version (log: $log)"
  fi
  results+=("$pkg $(count "$report")")
done

# 5. The smoke sweep: tfjs (wasm backend) training with the native kernels, runs recorded in SQLite.
db="$work/smoke.sqlite"
if ! TSA_KERNELS=native yarn -s sweep experiments/smoke.yaml --db "$db" --reports-dir "$work/reports" >>"$log" 2>&1; then
  tail -n 40 "$log" >&2
  fail "yarn sweep experiments/smoke.yaml on node $version (log: $log)"
fi
summary="$(node --import tsx --input-type=module -e '
  import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
  const db = new (loadBetterSqlite3())(process.argv[1], { readonly: true });
  const all = db.prepare("SELECT COUNT(*) AS n FROM runs").get().n;
  const done = db.prepare("SELECT COUNT(*) AS n, GROUP_CONCAT(DISTINCT backend) AS b, GROUP_CONCAT(DISTINCT kernels) AS k FROM runs WHERE status = ?").get("completed");
  if (all === 0 || done.n !== all) { console.error(`${done.n} of ${all} runs completed`); process.exit(1); }
  console.log(`${done.n} runs completed (${done.b} backend, ${done.k} kernels)`);
' "$db")" || fail "smoke sweep on node $version: not every run completed (log: $log)"

echo "node $version ($sqlite): ${results[0]}, ${results[1]}, smoke sweep $summary; ${SECONDS} s"
cd "$root"
rm -rf "$work"
