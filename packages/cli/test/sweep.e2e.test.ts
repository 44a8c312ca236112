// The whole pipeline through the real CLI: a YAML file in, real tfjs training in worker processes, a real
// SQLite file and a real HTML report out; run again, nothing new starts; a second database built from the
// same file holds the same metrics.
import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, runCli, tinyExperimentYaml, type CliResult, type Workspace } from "./support.js";

const Database = loadBetterSqlite3();

const MODELS = ["ffn", "cnn", "bilstm", "bilstm-attention"];
const YAML = tinyExperimentYaml("e2e", {
  models: MODELS,
  seeds: [1],
  extra: "sweep:\n  data.length: [[0.1, 0.3], [0.3, 0.5]]",
});
const GRID = MODELS.length * 2;

interface RunRow {
  id: string;
  model: string;
  status: string;
  started_at: string;
  backend: string;
  kernels: string;
  config: string;
  point: string;
  epochs_run: number;
  best_epoch: number;
  versions: string;
  git_commit: string | null;
}

function readRuns(db: string): RunRow[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare("SELECT * FROM runs ORDER BY id").all() as RunRow[];
  } finally {
    conn.close();
  }
}

function testMetrics(db: string): Array<{ id: string; accuracy: number; f1: number; roc_auc: number; tp: number; fp: number }> {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare("SELECT run_id AS id, accuracy, f1, roc_auc, tp, fp FROM metrics WHERE split = 'test' ORDER BY run_id")
      .all() as never;
  } finally {
    conn.close();
  }
}

describe("yarn sweep, end to end", () => {
  let ws: Workspace;
  let file: string;
  let first: CliResult;

  beforeAll(async () => {
    ws = makeWorkspace();
    file = ws.experiment("e2e", YAML);
    first = await runCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports, "--concurrency", "2"]);
  });

  it("completes every run of the grid and says where the report and database are", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`${GRID} run(s) done now, 0 already done, of ${GRID}`);
    expect(first.stdout).toMatch(/report: .*e2e\.html/);
  });

  it("records each run with its config, point, backend, epochs and environment", () => {
    const runs = readRuns(ws.db);
    expect(runs).toHaveLength(GRID);
    for (const run of runs) {
      expect(run.status).toBe("completed");
      expect(run.backend).toBe("wasm");
      expect(["native", "typescript"]).toContain(run.kernels);
      expect(run.epochs_run).toBe(2);
      expect(run.best_epoch).toBeGreaterThanOrEqual(1);
      const config = JSON.parse(run.config) as { model: string; data: { length: number[]; size: number }; train: { epochs: number } };
      expect(config.model).toBe(run.model);
      expect(config.data.size).toBe(160);
      expect(JSON.parse(run.point)).toEqual({ "data.length": config.data.length });
      expect(JSON.parse(run.versions)).toHaveProperty("node", process.version);
    }
    expect(new Set(runs.map((r) => r.model))).toEqual(new Set(MODELS));
  });

  it("keeps per-epoch rows and test metrics that a plain sqlite3 shell can read through run_summary", () => {
    const shell = execFileSync("sqlite3", [ws.db, "select model, count(*) from run_summary group by model order by model"], {
      encoding: "utf8",
    });
    expect(shell.trim().split("\n")).toEqual(["bilstm|2", "bilstm-attention|2", "cnn|2", "ffn|2"]);
    const conn = new Database(ws.db, { readonly: true });
    try {
      expect(conn.prepare("SELECT COUNT(*) AS n FROM epochs").get()).toEqual({ n: GRID * 2 });
      const rows = conn.prepare("SELECT test_f1, test_accuracy, test_roc_auc FROM run_summary").all() as Array<Record<string, number>>;
      for (const row of rows) for (const value of Object.values(row)) expect(value).toBeGreaterThanOrEqual(0);
      // Attention maps are kept for the attention model only.
      const attention = conn
        .prepare("SELECT r.model, COUNT(*) AS n FROM attention a JOIN runs r ON r.id = a.run_id GROUP BY r.model")
        .all();
      expect(attention).toEqual([{ model: "bilstm-attention", n: expect.any(Number) }]);
    } finally {
      conn.close();
    }
  });

  it("writes a self-contained HTML report naming every model", () => {
    const html = readFileSync(join(ws.reports, "e2e.html"), "utf8");
    expect(html).not.toMatch(/<script[^>]+src=/);
    for (const model of MODELS) expect(html).toContain(model);
    expect(existsSync(join(ws.reports, "index.html"))).toBe(true);
  });

  it("starts no new run when the same sweep runs again", async () => {
    const before = readRuns(ws.db);
    const again = await runCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`0 run(s) done now, ${GRID} already done, of ${GRID}`);
    expect(readRuns(ws.db)).toEqual(before);
  });

  it("gives the same metrics from the same file in another database (same backend)", async () => {
    const other = makeWorkspace();
    const result = await runCli(["sweep", file, "--db", other.db, "--reports-dir", other.reports, "--concurrency", "1"]);
    expect(result.code, result.stderr).toBe(0);
    expect(testMetrics(other.db)).toEqual(testMetrics(ws.db));
  });

  it("rejects an unknown model before anything is written, naming the file and key", async () => {
    const bad = ws.experiment("bad", YAML.replace("models: [ffn,", "models: [transformer,"));
    const other = makeWorkspace();
    const result = await runCli(["sweep", bad, "--db", other.db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.yaml: models\[0\]: expected .*got "?transformer/);
    expect(existsSync(other.db)).toBe(false);
  });
});
