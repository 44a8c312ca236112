// Seeds until decided, through the real CLI: a comparison decided at the first look gets no more seeds, an
// open one gets the next look's; stopped between looks, the sweep resumes to the same decisions without a
// duplicate run; on PostgreSQL two workers run every look while the sweep only decides.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sweepWithTwoWorkers, type TestDatabase } from "./postgres.js";
import { makeWorkspace, queryDb, runCli, startCli, waitFor, type Workspace } from "./support.js";

// At noise 0 the CNN learns and a frozen FFN (lr 1e-6) cannot: the CNN is ahead on all 7 seeds of the first
// look, which (2 comparisons, Pocock) is decided there. At noise 3 neither learns: open after the first look.
const YAML = (name: string) => `name: ${name}
data: { size: 300, numPoints: 32, length: [0.3, 0.5] }
sweep:
  data.noise: [0, 3]
models:
  - cnn
  - { name: ffn-frozen, preset: ffn, train: { lr: 0.000001 } }
compare: { treatment: cnn, control: ffn-frozen }
seeds: { looks: [7, 9], boundary: pocock, margin: 0.02, metric: accuracy }
train: { epochs: 8, patience: 8, batchSize: 16, lr: 0.01 }
`;
const TOTAL = 2 * 7 + 2 * 9;

interface Cell {
  model: string;
  noise: number;
  runs: number;
  seeds: string;
}

const CELLS_SQL = `SELECT model, json_extract(point, '$."data.noise"') AS noise, COUNT(*) AS runs, group_concat(seed) AS seeds
  FROM (SELECT * FROM runs ORDER BY seed) GROUP BY model, noise ORDER BY model, noise`;

const expectedCells = [
  { model: "cnn", noise: 0, runs: 7, seeds: "1,2,3,4,5,6,7" },
  { model: "cnn", noise: 3, runs: 9, seeds: "1,2,3,4,5,6,7,8,9" },
  { model: "ffn-frozen", noise: 0, runs: 7, seeds: "1,2,3,4,5,6,7" },
  { model: "ffn-frozen", noise: 3, runs: 9, seeds: "1,2,3,4,5,6,7,8,9" },
];

const VERDICTS = ["cnn vs ffn-frozen at noise=0: ahead, decided at n = 7 (look 1 of 2)", "cnn vs ffn-frozen at noise=3: "];

const sweepArgs = (ws: Workspace, file: string, jobs = "2") => ["sweep", file, "--db", ws.db, "--reports-dir", ws.reports, "-j", jobs];

describe("sequential seeds", () => {
  it("give the next look's seeds only to the comparison still open", async () => {
    const ws = makeWorkspace("tsa-seq-");
    const file = ws.experiment("seq", YAML("seq"));
    const result = await runCli(sweepArgs(ws, file));
    expect(result.code, result.stderr).toBe(0);
    expect(queryDb<Cell>(ws.db, CELLS_SQL)).toEqual(expectedCells);
    expect(result.stderr).toContain("1 comparison(s) still open: their next look's seeds enqueued (+4 run(s), 32 in all)");
    for (const line of VERDICTS) expect(result.stdout).toContain(line);
    expect(result.stdout).toContain(`${TOTAL} run(s) done now, 0 already done, of ${TOTAL}`);

    // The report and `./tsa table` state the same verdicts, with the seeds spent against the fixed design.
    const html = readFileSync(join(ws.reports, "seq.html"), "utf8");
    expect(html).toContain('<p class="lead">cnn vs ffn-frozen at noise=0: ahead, decided at n = 7 (look 1 of 2), mean difference +');
    expect(html).toMatch(
      /cnn vs ffn-frozen at noise=3: (undecided at n = 9 \(the most allowed\)|(ahead|behind|level), decided at n = 9 \(look 2 of 2\))/,
    );
    expect(html).toContain('<section id="sequential"');
    expect(html).toContain("32 runs spent of the 36 a fixed design with 9 seeds for every model and point would have spent (89%)");
    const table = await runCli(["table", "seq", "--db", ws.db, "--format", "md"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("**Seeds until decided: each comparison's verdict (test accuracy)**");
    expect(table.stdout).toMatch(
      /\| 0 \| cnn \| ffn-frozen \| ahead, decided at n = 7 \(look 1 of 2\) \| 1 \/ 7 \| \+0\.\d{3} \[\+0\.\d{3}, \+0\.\d{3}\] \|/,
    );
    expect(table.stdout).toMatch(/\| 3 \| cnn \| ffn-frozen \| [a-z]+[^|]* at n = 9 [^|]*\| 2 \/ 9 \|/);
    expect(table.stdout).toContain("cnn 16 of 18, ffn-frozen 16 of 18");
  });

  it("stopped between looks, resume to the same decisions without a duplicate run", async () => {
    const ws = makeWorkspace("tsa-seq-stop-");
    const file = ws.experiment("seq-stop", YAML("seq-stop"));
    const cli = startCli(sweepArgs(ws, file, "1"));
    // The second look is enqueued: stop while its runs are queued.
    await waitFor(() => cli.output().includes("comparison(s) still open"), "the second look was enqueued", cli);
    cli.child.kill("SIGINT");
    const stopped = await cli.result;
    expect(stopped.code, stopped.stderr).toBe(130);
    const before = queryDb<{ id: string; finished_at: string }>(
      ws.db,
      "SELECT id, finished_at FROM runs WHERE status = 'completed' ORDER BY id",
    )!;
    expect(before.length).toBeLessThan(TOTAL);

    const resumed = await runCli(sweepArgs(ws, file));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(queryDb<Cell>(ws.db, CELLS_SQL)).toEqual(expectedCells);
    for (const line of VERDICTS) expect(resumed.stdout).toContain(line);
    expect(resumed.stdout).toContain(`${TOTAL - before.length} run(s) done now, ${before.length} already done, of ${TOTAL}`);
    const after = queryDb<{ id: string; finished_at: string }>(ws.db, "SELECT id, finished_at FROM runs ORDER BY id")!;
    for (const run of before) expect(after).toContainEqual(run);
  });
});

describe("sequential seeds on PostgreSQL", () => {
  let db: TestDatabase | null = null;
  afterEach(async () => {
    await db?.drop();
    db = null;
  });

  it("runs every look with two workers while the sweep only decides", async () => {
    const ws = makeWorkspace("tsa-seq-pg-");
    const file = ws.experiment("seq-pg", YAML("seq-pg"));
    const worked = await sweepWithTwoWorkers(file, { TSA_POLL_MS: "200", INIT_CWD: ws.dir });
    db = worked.db;
    const result = worked.result;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const line of VERDICTS) expect(result.stdout).toContain(line);
    const rows = await db.query<{ model: string; noise: string; runs: number }>(
      `SELECT model, point::json->>'data.noise' AS noise, COUNT(*)::int AS runs FROM runs WHERE status = 'completed' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(rows.map((r) => [r.model, Number(r.noise), r.runs])).toEqual(expectedCells.map((c) => [c.model, c.noise, c.runs]));
    // Both workers trained (the sweep itself has none).
    const [owners] = await db.query<{ n: number }>("SELECT COUNT(DISTINCT split_part(owner, ':', 2))::int AS n FROM runs");
    expect(owners!.n).toBe(2);
  });
});
