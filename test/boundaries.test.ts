// The packages' "Never:" lines as lint rules (eslint.config.js): each forbidden import, print, argv or exit
// fails `yarn lint` with its reason, the owner's own imports pass, and the tree as it is has no such thing.
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const RULES = ["@typescript-eslint/no-restricted-imports", "no-console", "no-restricted-properties"];
const root = fileURLToPath(new URL("..", import.meta.url));
const eslint = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => RULES.includes(ruleId) });

async function restrictions(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.map((m) => m.message);
}

/** [file, import, what the message must say] */
const forbidden: Array<[string, string, string]> = [
  ["packages/report/src/x.ts", 'import * as tf from "@tensorflow/tfjs";', "@tsa/report: no tfjs here."],
  ["packages/report/src/x.ts", 'import { buildModel } from "@tsa/models";', "@tsa/report: this package loads tfjs"],
  ["packages/report/src/x.ts", 'import { readFileSync } from "node:fs";', "@tsa/report: no file system here."],
  ["packages/report/src/x.ts", 'import cliProgress from "cli-progress";', "@tsa/report: argv and the terminal belong to @tsa/cli."],
  ["packages/report/src/x.ts", 'import { openStore } from "@tsa/tracker";', "@tsa/report: no database here"],
  ["packages/report/src/testing/x.ts", 'import { openStore } from "@tsa/tracker";', "@tsa/report: no database here"],
  ["packages/report/src/x.ts", 'console.log("done");', "Unexpected console statement."],
  ["packages/cli/src/commands/runs.ts", 'import * as tf from "@tensorflow/tfjs";', "@tsa/cli query commands: no tfjs here."],
  ["packages/cli/src/commands/sweep.ts", 'import type { GlobalOptions } from "../main.js";', "@tsa/cli: main.ts imports the commands"],
  ["packages/cli/src/commands/runs.ts", 'import type { GlobalOptions } from "../main.js";', "@tsa/cli query commands: main.ts imports"],
  ["packages/cli/src/commands/table.ts", 'import { runSweep } from "@tsa/runner";', "@tsa/cli query commands: this package loads tfjs"],
  ["packages/cli/src/format/output.ts", 'import "@tensorflow/tfjs-backend-wasm";', "@tsa/cli query commands: no tfjs here."],
  ["packages/data/src/x.ts", 'import { readFileSync } from "node:fs";', "@tsa/data: no file system here."],
  ["packages/data/src/x.ts", 'import { readFile } from "fs/promises";', "@tsa/data: no file system here."],
  ["packages/data/src/x.ts", 'import * as tf from "@tensorflow/tfjs";', "@tsa/data: no tfjs here."],
  ["packages/data/src/x.ts", 'import Database from "better-sqlite3";', "@tsa/data: only @tsa/tracker speaks SQL."],
  ["packages/data/src/x.ts", 'import { buildModel } from "@tsa/models";', "@tsa/data: @tsa/data comes first in the data flow"],
  ["packages/errors/src/x.ts", 'import { makeDataset } from "@tsa/data";', "@tsa/errors: no other tsa package."],
  ["packages/errors/src/x.ts", 'import { z } from "zod";', "@tsa/errors: no other package."],
  ["packages/kernels/src/x.ts", 'import { UserInputError } from "@tsa/errors";', "@tsa/kernels: no other tsa package."],
  ["packages/kernels/src/x.ts", 'import { readFileSync } from "node:fs";', "@tsa/kernels: no file system here."],
  ["packages/kernels/src/x.ts", 'import "@tensorflow/tfjs-backend-wasm";', "@tsa/kernels: the tfjs backend is chosen by @tsa/models."],
  ["packages/models/src/x.ts", 'import { openStore } from "@tsa/tracker";', "@tsa/models: no database here."],
  ["packages/models/src/x.ts", 'import { writeFileSync } from "node:fs";', "@tsa/models: no file system here."],
  ["packages/runner/src/x.ts", 'import Database from "better-sqlite3";', "@tsa/runner: only @tsa/tracker speaks SQL."],
  ["packages/runner/src/x.ts", 'import Database from "better-sqlite3-13";', "@tsa/runner: only @tsa/tracker speaks SQL."],
  ["packages/runner/src/x.ts", 'import yargs from "yargs";', "@tsa/runner: argv and the terminal belong to @tsa/cli."],
  ["packages/tracker/src/x.ts", 'import * as tf from "@tensorflow/tfjs-node";', "@tsa/tracker: no tfjs here."],
  ["packages/tracker/src/x.ts", 'import type { RunOutcome } from "@tsa/models";', "@tsa/tracker: the store knows only its own entities"],
  ["packages/tracker/src/x.ts", 'import { DATA_CONFIG_FIELDS } from "@tsa/data";', "@tsa/tracker: the store knows only its own entities"],
  ["packages/runner/src/x.ts", 'import pg from "pg";', "@tsa/runner: only @tsa/tracker speaks SQL."],
  ["packages/report/src/testing/x.ts", 'import Database from "better-sqlite3";', "@tsa/report: only @tsa/tracker speaks SQL."],
  [
    "packages/runner/src/execute/x.ts",
    'import { trainAndEvaluate } from "../../../models/src/train.js";',
    "@tsa/runner: import another package by its name",
  ],
  [
    "packages/cli/test/x.test.ts",
    'import { openStore } from "../../tracker/src/index.js";',
    "@tsa/cli tests: import another package by its name",
  ],
  ["packages/runner/src/x.ts", 'export { makeDataset } from "@tsa/data/src/index.js";', "@tsa/runner: import another package by its name"],
  ["bench/x.ts", 'import { buildModel } from "../packages/models/src/index.js";', "bench: import another package by its name"],
  ["packages/models/src/config.ts", 'import * as tf from "@tensorflow/tfjs";', "@tsa/models config.ts, model-spec.ts: no tfjs here."],
  ["packages/models/src/model-spec.ts", 'import { conv1dSame } from "@tsa/kernels";', "@tsa/models config.ts, model-spec.ts: this package"],
  ["packages/models/src/config.ts", 'import { trainAndEvaluate } from "./run.js";', "another file of @tsa/models may load tfjs"],
  ["packages/runner/src/x.ts", 'console.log("done");', "Unexpected console statement."],
  ["packages/runner/src/x.ts", "process.stderr.write('done');", "@tsa/runner: the terminal belongs to @tsa/cli."],
  ["packages/runner/src/x.ts", "const args = process.argv.slice(2);", "@tsa/runner: argv belongs to @tsa/cli."],
  ["packages/tracker/src/x.ts", 'console.warn("slow");', "Unexpected console statement."],
  ["packages/errors/src/x.ts", "process.exit(2);", "@tsa/errors: the exit code is the CLI's"],
  ["packages/errors/src/x.ts", "process.stdout.write('x');", "@tsa/errors: the terminal belongs to @tsa/cli."],
  ["packages/ui/src/x.ts", 'import Database from "better-sqlite3";', "@tsa/ui: only @tsa/tracker speaks SQL."],
  ["packages/ui/src/x.ts", 'import { runSweep } from "@tsa/runner";', "@tsa/ui: this package loads tfjs"],
  ["packages/ui/src/x.ts", 'console.log("listening");', "Unexpected console statement."],
  ["packages/cli/src/commands/ui.ts", 'import * as tf from "@tensorflow/tfjs";', "@tsa/cli query commands: no tfjs here."],
];

/** [file, import]: what the owners and the tests may do. */
const allowed: Array<[string, string]> = [
  ["packages/tracker/src/x.ts", 'import type Database from "better-sqlite3";'],
  ["packages/tracker/src/x.ts", 'import pg from "pg";'],
  ["packages/tracker/src/x.ts", 'import { StoreError } from "@tsa/errors";'],
  ["packages/cli/src/main.ts", 'import yargs from "yargs";'],
  ["packages/cli/src/progress.ts", 'import cliProgress from "cli-progress";'],
  ["packages/cli/test/x.test.ts", 'import type Database from "better-sqlite3";'],
  ["packages/cli/test/x.test.ts", 'import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";'],
  ["packages/cli/src/commands/sweep.ts", 'import { runSweep } from "@tsa/runner";'],
  ["packages/cli/src/commands/runs.ts", 'import { openStore } from "@tsa/tracker";'],
  ["packages/ui/src/x.ts", 'import { openRunBrowser } from "@tsa/tracker";'],
  ["packages/report/src/x.ts", 'import type { ClassificationMetrics } from "@tsa/models";'],
  ["packages/report/src/x.ts", 'import type { ExperimentResults } from "@tsa/tracker";'],
  ["packages/report/src/testing/x.ts", 'import { mkdtempSync } from "node:fs";'],
  ["packages/report/src/report.test.ts", 'import { writeFileSync } from "node:fs";'],
  ["packages/runner/src/x.ts", 'import * as tf from "@tensorflow/tfjs";'],
  ["packages/runner/src/execute/x.ts", 'import { loadExperiment } from "../spec/index.js";'],
  ["packages/kernels/src/test-support.ts", 'import "@tensorflow/tfjs-backend-wasm";'],
  ["packages/kernels/bench/x.ts", 'import { bidirectionalLstm } from "../src/index.js";'],
  ["packages/models/src/x.ts", 'import { conv1dSame } from "@tsa/kernels";'],
  ["packages/data/src/x.ts", 'import { UserInputError } from "@tsa/errors";'],
  ["packages/data/src/x.ts", 'import { createHash } from "node:crypto";'],
  ["packages/errors/src/x.test.ts", 'import { expect } from "vitest";'],
  ["packages/models/src/config.ts", 'import { PRESET_NAMES } from "./model-spec.js";'],
  ["packages/models/src/config.ts", 'import type { ClassificationMetrics } from "./metrics.js";'],
  ["packages/models/src/train.ts", 'import * as tf from "@tensorflow/tfjs";'],
  ["packages/cli/src/main.ts", 'console.log("done"); process.exit(2);'],
  ["packages/runner/src/x.test.ts", 'console.log("done");'],
  ["packages/runner/src/x.ts", "process.exit(0);"],
];

describe("package boundaries in eslint.config.js", () => {
  it.each(forbidden)("%s: %s fails", async (file, code, reason) => {
    const messages = await restrictions(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(reason);
  });

  it.each(allowed)("%s: %s passes", async (file, code) => {
    expect(await restrictions(file, code)).toEqual([]);
  });

  it("finds no forbidden import, print, argv or exit in the tree", async () => {
    const results = await eslint.lintFiles(["packages/*/{src,test,bench}/**/*.ts", "{bench,test}/**/*.ts"]);
    const found = results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(root.length)}:${m.line} ${m.message}`));
    expect(results.length).toBeGreaterThan(50);
    expect(found).toEqual([]);
  });
});
