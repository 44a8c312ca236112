// One vitest configuration for every package: forks, because native addons (better-sqlite3, our kernels)
// are not safe under worker threads; a JSON report per package so CI can print one total.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    pool: "forks",
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
});
