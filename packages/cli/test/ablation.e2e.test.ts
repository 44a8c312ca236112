// Models as parts through the real CLI: a model.pooling axis and a named variant are trained, recorded with
// their parts, queried by part, and compared in the report and the table; a database written before models
// had parts resumes without redoing a single run.
import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, queryDb, runCli, tinyExperimentYaml, type CliResult, type Workspace } from "./support.js";

const Database = loadBetterSqlite3();

const YAML = tinyExperimentYaml("parts", {
  models: ["bilstm", "{ name: bilstm-z, preset: bilstm, normalize: zscore }"],
  seeds: [1, 2],
  extra: "sweep:\n  model.pooling: [mean, last, attention]\ncompare: { axis: model.pooling, treatment: attention, control: mean }",
});
const GRID = 2 * 3 * 2;

describe("an ablation sweep, end to end", () => {
  let ws: Workspace;
  let sweep: CliResult;

  beforeAll(async () => {
    ws = makeWorkspace();
    sweep = await runCli(["sweep", ws.experiment("parts", YAML), "--db", ws.db, "--reports-dir", ws.reports, "--concurrency", "2"]);
  });

  it("trains every level of the axis for the preset and the variant, and records each run's parts", () => {
    expect(sweep.code, sweep.stderr).toBe(0);
    const rows = queryDb<{ model: string; point: string; config: string }>(
      ws.db,
      "SELECT model, point, config FROM runs WHERE status = 'completed'",
    )!;
    expect(rows).toHaveLength(GRID);
    for (const row of rows) {
      const config = JSON.parse(row.config) as {
        parts: { encoder: string; pooling: string; normalize: string };
        code: { generator: number; model: number };
      };
      expect(config.parts.pooling).toBe((JSON.parse(row.point) as Record<string, string>)["model.pooling"]);
      expect(config.parts.encoder).toBe("bilstm");
      expect(config.parts.normalize).toBe(row.model === "bilstm-z" ? "zscore" : "none");
      expect(config.code).toEqual({ generator: 1, model: 1 });
    }
    const view = queryDb<{ n: number }>(
      ws.db,
      "SELECT COUNT(*) AS n FROM run_summary WHERE pooling = 'last' AND normalize = 'zscore' AND encoder = 'bilstm'",
    );
    expect(view).toEqual([{ n: 2 }]);
  });

  it("finds runs by part with runs --where, and shows the parts of one run", async () => {
    const runs = await runCli([
      "runs",
      "--db",
      ws.db,
      "--where",
      "model.pooling=last",
      "--where",
      "model.normalize=zscore",
      "--format",
      "json",
    ]);
    expect(runs.code, runs.stderr).toBe(0);
    const listed = JSON.parse(runs.stdout) as Array<{ id: string; model: string }>;
    expect(listed.map((r) => r.model)).toEqual(["bilstm-z", "bilstm-z"]);
    const show = await runCli(["show", listed[0]!.id, "--db", ws.db]);
    expect(show.stdout).toContain("model bilstm-z · seed");
    expect(show.stdout).toMatch(/\nparts zscore→bilstm→last\n/);
  });

  it("exports each run's parts as model.<part> columns, the keys runs --where takes", async () => {
    const out = await runCli(["export", "parts", "--db", ws.db, "--format", "jsonl"]);
    expect(out.code, out.stderr).toBe(0);
    const records = out.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(GRID);
    const points = new Map(
      queryDb<{ id: string; point: string }>(ws.db, "SELECT id, point FROM runs")!.map((r) => [
        r.id,
        JSON.parse(r.point) as Record<string, string>,
      ]),
    );
    for (const r of records) {
      expect(r["model.pooling"]).toBe(points.get(r.id as string)!["model.pooling"]);
      expect(r["model.encoder"]).toBe("bilstm");
      expect(r["model.normalize"]).toBe(r.model === "bilstm-z" ? "zscore" : "none");
      expect(r["model.units"]).toBe(32);
    }
  });

  it("opens the report with the comparison compare: asks for, and labels the variant by name", () => {
    const html = readFileSync(join(ws.reports, "parts.html"), "utf8");
    expect(html).toMatch(/pooling=attention against pooling=mean: /);
    expect(html).toContain("bilstm-z");
    expect(html).toContain('id="ablation"');
  });

  it("prints each level against the reference in yarn table", async () => {
    const table = await runCli(["table", "parts", "--db", ws.db, "--format", "md"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("pooling=attention − pooling=mean");
    // compare: picks the headline, but every level is still set against the reference.
    expect(table.stdout).toContain("pooling=last − pooling=mean");
    expect(table.stdout).toMatch(/\| bilstm-z \|/);
  });

  it("rejects a part that cannot build before anything is written", async () => {
    const bad = ws.experiment("bad", YAML.replace("[mean, last, attention]", "[mean, last, attention]\n  model.encoder: [bilstm, cnn]"));
    const other = makeWorkspace();
    const result = await runCli(["sweep", bad, "--db", other.db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.yaml: sweep\.model\.pooling\[1\]: expected a pooling other than 'last' for encoder 'cnn'/);
  });
});

describe("a database written before models had parts", () => {
  const fixture = fileURLToPath(new URL("./fixtures/legacy-d24e3c2/", import.meta.url));

  it("resumes without redoing a single completed run", async () => {
    const ws = makeWorkspace();
    copyFileSync(join(fixture, "runs.sqlite"), ws.db);
    const before = queryDb<{ id: string; finished_at: string }>(ws.db, "SELECT id, finished_at FROM runs ORDER BY id");
    expect(before).toHaveLength(4);
    const result = await runCli(["sweep", join(fixture, "legacy.yaml"), "--db", ws.db, "--reports-dir", ws.reports]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("0 run(s) done now, 4 already done, of 4");
    expect(queryDb(ws.db, "SELECT id, finished_at FROM runs ORDER BY id")).toEqual(before);
  });

  it("redoes a completed run whose recorded code is older, and says so", async () => {
    const ws = makeWorkspace();
    copyFileSync(join(fixture, "runs.sqlite"), ws.db);
    const db = new Database(ws.db);
    // As if the cnn run had been made by generator version 0: its result is stale.
    db.prepare(`UPDATE runs SET config = json_set(config, '$.code', json('{"generator":0,"model":1}')) WHERE model = 'cnn'`).run();
    db.close();
    const result = await runCli(["sweep", join(fixture, "legacy.yaml"), "--db", ws.db, "--reports-dir", ws.reports]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr + result.stdout).toContain(
      "1 completed run(s) made by older code (data generator or model parts) or from problem files since edited redone",
    );
    expect(result.stdout).toContain("1 run(s) done now, 3 already done, of 4");
    const cnn = queryDb<{ config: string; status: string }>(ws.db, "SELECT config, status FROM runs WHERE model = 'cnn'")![0]!;
    expect([cnn.status, (JSON.parse(cnn.config) as { code: unknown }).code]).toEqual(["completed", { generator: 1, model: 1 }]);
  });
});
