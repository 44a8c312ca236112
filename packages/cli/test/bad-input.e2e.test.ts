// The malformed-experiment corpus (packages/runner/test/fixtures/bad) through the real CLI: each file gives
// exit code 2 and one line naming file, key path, expectation and value, and the database is untouched —
// neither created when absent nor changed when it holds runs. Plus the grid-size guard and its --yes.
import { loadExperiment } from "@tsa/runner";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  fileHash,
  makeWorkspace,
  queryDb,
  REPO_ROOT,
  runCli,
  startCli,
  tinyExperimentYaml,
  waitFor,
  type CliResult,
  type Workspace,
} from "./support.js";

const FIXTURES = join(REPO_ROOT, "packages/runner/test/fixtures/bad");
const CORPUS = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".yaml"))
  .sort();
// Each CLI start costs a second or two of CPU: a few at a time keeps the corpus quick on two cores.
const AT_ONCE = 4;

/** The library's own message for a fixture (the unit tests check its words key by key). */
function expectedMessage(file: string): string {
  try {
    loadExperiment(file);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${file} loads: it does not belong in the bad corpus`);
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("the bad-input corpus through yarn sweep", () => {
  let ws: Workspace;
  let hashWithRuns: string;
  let results: Array<{ fixture: string; file: string; db: string; result: CliResult }>;

  beforeAll(async () => {
    ws = makeWorkspace("tsa-bad-");
    // A database with a real run in it, to show a bad file changes nothing in it.
    const good = ws.experiment("good", tinyExperimentYaml("good", { models: ["ffn"], seeds: [1], epochs: 1 }));
    const seeded = await runCli(["sweep", good, "--db", ws.db, "--reports-dir", ws.reports]);
    expect(seeded.code, seeded.stderr).toBe(0);
    hashWithRuns = fileHash(ws.db);
    // Half the corpus meets the database with runs, half a path where no database (nor folder) exists yet.
    results = await inBatches(CORPUS, AT_ONCE, async (fixture) => {
      const file = join(FIXTURES, fixture);
      const db = CORPUS.indexOf(fixture) % 2 === 0 ? ws.db : join(ws.dir, `absent-${fixture}`, "runs.sqlite");
      return { fixture, file, db, result: await runCli(["sweep", file, "--db", db, "--reports-dir", ws.reports]) };
    });
    // About 40 CLI starts: half a minute on an idle two-core machine, much more when it is shared.
  }, 300_000);

  it("has at least 30 malformed files", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
  });

  it("exits 2 on each, with one line naming file, key path, expectation and the value found", () => {
    for (const { fixture, file, result } of results) {
      expect(result.code, `${fixture}: ${result.stderr}`).toBe(2);
      expect(result.stdout, fixture).toBe("");
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines, fixture).toHaveLength(1);
      expect(lines[0], fixture).toMatch(new RegExp(`^error: ${escape(file)}: [^:]+: expected .+, got .+$`));
      expect(lines[0], fixture).toBe(`error: ${expectedMessage(file)}`);
    }
  });

  it("leaves a database with runs byte for byte unchanged", () => {
    expect(results.filter((r) => r.db === ws.db).length).toBeGreaterThanOrEqual(CORPUS.length / 2 - 1);
    expect(fileHash(ws.db)).toBe(hashWithRuns);
    expect(queryDb<{ n: number }>(ws.db, "SELECT COUNT(*) AS n FROM runs")).toEqual([{ n: 1 }]);
  });

  it("creates no database (nor its folder) where there was none", () => {
    const absent = results.filter((r) => r.db !== ws.db);
    expect(absent.length).toBeGreaterThanOrEqual(CORPUS.length / 2 - 1);
    for (const { fixture, db } of absent) expect(existsSync(join(db, "..")), fixture).toBe(false);
  });
});

describe("a grid over the run limit", () => {
  // 1,001 tiny runs: one ffn model, one seed, 1,001 learning rates.
  const lrs = Array.from({ length: 1001 }, (_, i) => Number((0.001 + i * 1e-6).toFixed(6)));
  const yaml = tinyExperimentYaml("huge", { models: ["ffn"], seeds: [1], epochs: 1, extra: `sweep:\n  train.lr: [${lrs.join(", ")}]` });

  it("is refused without --yes (exit 2, nothing written)", async () => {
    const ws = makeWorkspace("tsa-huge-");
    const file = ws.experiment("huge", yaml);
    const result = await runCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`error: ${file}: sweep: expected at most 1000 runs (pass --yes to run a larger grid), got 1001 runs`);
    expect(fileHash(ws.db)).toBe("absent");
  });

  it("runs with --yes (stopped with Ctrl-C once its first run is done)", async () => {
    const ws = makeWorkspace("tsa-huge-yes-");
    const file = ws.experiment("huge", yaml);
    const cli = startCli(["sweep", file, "--yes", "--db", ws.db, "--reports-dir", ws.reports, "--concurrency", "1"]);
    await waitFor(
      () => queryDb<{ n: number }>(ws.db, "SELECT COUNT(*) AS n FROM runs WHERE status = 'completed'")?.[0]?.n,
      "a run completed",
      cli,
    );
    cli.child.kill("SIGINT");
    const result = await cli.result;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain("1001 runs: 0 already completed, 1001 to run");
    expect(queryDb<{ status: string }>(ws.db, "SELECT status FROM runs WHERE status = 'running'")).toEqual([]);
  });
});
