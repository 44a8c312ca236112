// `yarn test`: every package's tests through turbo (one package at a time: tfjs training and the native
// builds each want both cores), the repository's own (test/: the lint rules; left out when turbo is given
// arguments such as --filter), then one closing line CI can read: "tests: N passed, N failed".
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const reports = [...readdirSync("packages").map((p) => join("packages", p)), ...(args.length ? [] : ["."])].map((dir) =>
  join(dir, ".vitest-report.json"),
);
for (const file of reports) rmSync(file, { force: true });

const turbo = spawnSync("yarn", ["-s", "turbo", "run", "test", "--concurrency=1", ...args], { stdio: "inherit" });
const own = args.length ? { status: 0 } : spawnSync("yarn", ["-s", "vitest", "run", "--config", "vitest.shared.ts"], { stdio: "inherit" });

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports.filter((f) => existsSync(f))) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(turbo.status === 0 && own.status === 0 && failed === 0 ? 0 : 1);
