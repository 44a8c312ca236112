// Archive problems through the real CLI: a tiny sweep over cases cut from GunPoint (univariate, two classes)
// and BasicMotions (six channels, four string-labelled classes) trains, records and reports every run, and
// `runs --where data.problem=…` finds them; a sweep over malformed problems exits 2 naming every file at its
// line before anything is written.
import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
import { cpSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileHash, makeWorkspace, queryDb, REPO_ROOT, runCli } from "./support.js";

const Database = loadBetterSqlite3();

const FIXTURES = join(REPO_ROOT, "packages/runner/test/fixtures");

const yaml = (name: string) =>
  [
    `name: ${name}`,
    `description: Cases cut from two archive problems, for the CLI's end-to-end test.`,
    `data: { folder: ${join(FIXTURES, "archive")} }`,
    `sweep: { data.problem: [GunPoint, BasicMotions] }`,
    `models: [ffn, cnn, bilstm-attention]`,
    `seeds: [1, 2]`,
    `train: { epochs: 2, patience: 5, batchSize: 8, lr: 0.01 }`,
    "",
  ].join("\n");

interface Row {
  model: string;
  status: string;
  config: string;
  split: string;
  n: number;
  accuracy: number;
}

describe("a sweep over archive problems", () => {
  it("trains every model on each problem's own splits, records them by problem, and reports them", async () => {
    const ws = makeWorkspace("tsa-archive-");
    const file = ws.experiment("tiny-archive", yaml("tiny-archive"));
    const result = await runCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports, "-j", "2"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("12 run(s) done now, 0 already done, of 12");
    // The summary leads with the archive's yardstick, as the report does.
    expect(result.stdout).toMatch(/point +model +runs +test accuracy +± std +learned/);

    const rows = queryDb<Row>(
      ws.db,
      "SELECT r.model, r.status, r.config, m.split, m.n, m.accuracy FROM runs r JOIN metrics m ON m.run_id = r.id ORDER BY r.id, m.split",
    )!;
    expect(rows.every((r) => r.status === "completed")).toBe(true);
    const byProblem = (problem: string, split: string) =>
      rows.filter((r) => (JSON.parse(r.config) as { data: { problem: string } }).data.problem === problem && r.split === split);
    // 10 GunPoint train cases (2 held out for validation), 8 test; 12 BasicMotions (4 held out), 8 test.
    expect(byProblem("GunPoint", "val").map((r) => r.n)).toEqual(Array(6).fill(2));
    expect(byProblem("BasicMotions", "val").map((r) => r.n)).toEqual(Array(6).fill(4));
    expect(byProblem("BasicMotions", "test").map((r) => r.n)).toEqual(Array(6).fill(8));
    for (const r of rows) expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(rows[0]!.config).data).not.toHaveProperty("folder");

    const where = await runCli(["runs", "--db", ws.db, "--where", "data.problem=BasicMotions", "--format", "json"]);
    expect(where.code, where.stderr).toBe(0);
    const listed = JSON.parse(where.stdout) as Array<{ model: string }>;
    expect(listed.map((r) => r.model).sort()).toEqual(["bilstm-attention", "bilstm-attention", "cnn", "cnn", "ffn", "ffn"]);

    const sql = await runCli([
      "sql",
      "SELECT problem, validation, COUNT(*) AS runs FROM run_summary GROUP BY problem ORDER BY problem",
      "--db",
      ws.db,
      "--format",
      "csv",
    ]);
    expect(sql.stdout.trim().split("\n")).toEqual(["problem,validation,runs", "BasicMotions,0.2,6", "GunPoint,0.2,6"]);

    // A four-class run shows its scores, and no confusion counts (there is no one positive class).
    const id = queryDb<{ id: string }>(ws.db, "SELECT id FROM runs WHERE config LIKE '%BasicMotions%' LIMIT 1")![0]!.id;
    const show = await runCli(["show", id, "--db", ws.db]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/balanced accuracy/);
    expect(show.stdout).not.toContain("NaN");

    const html = readFileSync(join(ws.reports, "tiny-archive.html"), "utf8");
    expect(html).toContain("BasicMotions");
    expect(html).toContain("GunPoint");
    const table = await runCli(["table", "tiny-archive", "--db", ws.db, "--format", "md"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("BasicMotions");

    // The same file again finds every run done: the ids depend on the problem, not on where it was read.
    const again = await runCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports]);
    expect(again.stdout).toContain("0 run(s) done now, 12 already done, of 12");
  });

  it("trains under the published protocol on the whole train file, with no validation split to report", async () => {
    const ws = makeWorkspace("tsa-archive-published-");
    const file = ws.experiment(
      "published",
      `name: published\ndata: { problem: GunPoint, folder: ${join(FIXTURES, "archive")}, validation: 0 }\nmodels: [fcn]\nseeds: [1]\ntrain: { protocol: fawaz2019, epochs: 2, batchSize: 16 }\n`,
    );
    const result = await runCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/fcn seed 1 epoch 2\/2: train \d\.\d{4} {2}\(no validation split\)/);
    const metrics = queryDb<{ split: string; n: number }>(ws.db, "SELECT split, n FROM metrics ORDER BY split")!;
    expect(metrics).toEqual([
      { split: "test", n: 8 },
      { split: "val", n: 0 },
    ]);
  });

  it("redoes the runs of a problem file edited since, and plans a run queued before the edit on the files as they are", async () => {
    const ws = makeWorkspace("tsa-archive-edited-");
    cpSync(join(FIXTURES, "archive", "GunPoint"), join(ws.dir, "data", "GunPoint"), { recursive: true });
    const file = ws.experiment(
      "edited",
      `name: edited\ndata: { problem: GunPoint, folder: data }\nmodels: [ffn]\nseeds: [1, 2]\ntrain: { epochs: 1, batchSize: 8 }\n`,
    );
    const sweep = () => runCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports]);
    const series = () =>
      queryDb<{ seed: number; series: string }>(
        ws.db,
        "SELECT seed, json_extract(config, '$.code.series') AS series FROM runs ORDER BY seed",
      )!;
    expect((await sweep()).code).toBe(0);
    const [before] = series();
    expect(before!.series).toMatch(/^[0-9a-f]{16}$/);

    const train = join(ws.dir, "data", "GunPoint", "GunPoint_TRAIN.ts");
    writeFileSync(train, readFileSync(train, "utf8").replace("-0.6478854,", "-0.6478855,"));
    utimesSync(train, new Date(), new Date(Date.now() + 5_000));
    const again = await sweep();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr + again.stdout).toContain(
      "2 completed run(s) made by older code (data generator or model parts) or from problem files since edited redone",
    );
    expect(again.stdout).toContain("2 run(s) done now, 0 already done, of 2");
    const after = series();
    expect(after.map((r) => r.series)).toEqual([after[0]!.series, after[0]!.series]);
    expect(after[0]!.series).not.toBe(before!.series);

    // A run left in the queue since before an edit (a stopped sweep's; its record names the old series) is planned
    // on the files as they are when the sweep resumes. (A worker refuses one nobody planned afresh: engine.test.ts.)
    const db = new Database(ws.db);
    db.prepare(`UPDATE runs SET status = 'queued', config = json_set(config, '$.code.series', ?) WHERE seed = 2`).run(before!.series);
    db.close();
    const resumed = await sweep();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("1 run(s) done now, 1 already done, of 2");
    expect(series().map((r) => r.series)).toEqual([after[0]!.series, after[0]!.series]);
  });

  it("refuses a sweep over malformed problems with every file at its line, before writing anything", async () => {
    const bad = join(FIXTURES, "bad-archive");
    const names = readdirSync(bad, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const ws = makeWorkspace("tsa-archive-bad-");
    const file = ws.experiment(
      "bad",
      `name: bad\ndata: { folder: ${bad} }\nsweep: { data.problem: [${names.join(", ")}] }\nmodels: [ffn]\nseeds: [1]\n`,
    );
    const result = await runCli(["sweep", file, "--db", ws.db]);
    expect(result.code).toBe(2);
    const errors = result.stderr.split("\n").filter((line) => line.startsWith("error: "));
    expect(names.length).toBeGreaterThanOrEqual(20);
    expect(errors).toHaveLength(names.length);
    for (const name of names.filter((n) => n !== "NoTestFile"))
      expect(
        errors.some((line) => new RegExp(`^error: .*/${name}/${name}_T(RAIN|EST)\\.tsv?:\\d+: expected .+, got .+`).test(line)),
        name,
      ).toBe(true);
    expect(errors.some((line) => /sweep\.data\.problem\[\d+\]: expected a problem with .*got "NoTestFile"/.test(line))).toBe(true);
    expect(fileHash(ws.db)).toBe("absent");
  });
});
