// `yarn test`: every package's tests through turbo (one package at a time: tfjs training and the native
// builds each want both cores), then one closing line CI can read: "tests: N passed, N failed".
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const reports = readdirSync("packages").map((p) => join("packages", p, ".vitest-report.json"));
for (const file of reports) rmSync(file, { force: true });

const turbo = spawnSync("yarn", ["-s", "turbo", "run", "test", "--concurrency=1", ...process.argv.slice(2)], {
  stdio: "inherit",
});

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
process.exit(turbo.status === 0 && failed === 0 ? 0 : 1);
