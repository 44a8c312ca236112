// The query commands (runs, show, sql, table, export) through the real CLI, on a database built by one tiny
// real sweep. Every expected value is computed here, by hand, from the database's own rows read with
// better-sqlite3: never from the code under test.
import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
import { METRIC_CATALOGUE, TABLE_METRICS } from "@tsa/tracker";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileHash, makeWorkspace, runCli, tinyExperimentYaml, type CliResult, type Workspace } from "./support.js";

const Database = loadBetterSqlite3();

// 3 models × 2 sweep points × 2 seeds = 12 runs, a few seconds of training. At these sizes nearly every run
// learns (validation loss below chance); the expectations below still follow the rows as they are (a run that
// did not learn counts at its score, and its cell says how many learned; with --learned-only it is left out),
// and a guard checks the tables have complete rows to rank.
const EXPERIMENT = "tiny";
const MODELS = ["ffn", "cnn", "bilstm-attention"];
const LENGTHS = [
  [0.3, 0.5],
  [0.5, 0.8],
];
const LABELS = ["0.3–0.5", "0.5–0.8"];
const YAML = tinyExperimentYaml(EXPERIMENT, {
  models: MODELS,
  size: 320,
  epochs: 3,
  extra: `sweep:\n  data.length: ${JSON.stringify(LENGTHS)}`,
});

interface Row {
  id: string;
  model: string;
  seed: number;
  status: string;
  did_not_learn: number;
  point: string;
  config: string;
  epochs_run: number;
  duration_ms: number;
  backend: string;
  kernels: string;
  f1: number;
  accuracy: number;
  precision: number;
  recall: number;
  roc_auc: number;
  balanced_accuracy: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}
type Metric = "f1" | "accuracy" | "precision" | "recall" | "roc_auc";

/** Every run with its test metrics, straight from the tables, in insertion order. */
function readRows(db: string): Row[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(
        `SELECT r.id, r.model, r.seed, r.status, r.did_not_learn, r.point, r.config, r.epochs_run, r.duration_ms, r.backend, r.kernels,
                m.f1, m.accuracy, m.precision, m.recall, m.roc_auc, m.balanced_accuracy, m.tp, m.fp, m.tn, m.fn
         FROM runs r JOIN metrics m ON m.run_id = r.id AND m.split = 'test' ORDER BY r.rowid`,
      )
      .all() as Row[];
  } finally {
    conn.close();
  }
}

// Hand statistics: mean, sample standard deviation, ranks with ties averaged (1 = highest).
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sampleStd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const rankOf = (xs: number[], x: number) => {
  const above = xs.filter((y) => y > x).length;
  const equal = xs.filter((y) => y === x).length;
  return above + (equal + 1) / 2;
};
const lengthOf = (r: Row) => (JSON.parse(r.point) as { "data.length": number[] })["data.length"];
const atPoint = (rows: Row[], p: number) => rows.filter((r) => JSON.stringify(lengthOf(r)) === JSON.stringify(LENGTHS[p]));
const completed = (rows: Row[]) => rows.filter((r) => r.status === "completed");
const usable = (rows: Row[]) => completed(rows).filter((r) => r.did_not_learn === 0);
/** ` (1/2 learned)` where not every completed run learned. */
const learnedNote = (runs: Row[]) =>
  usable(runs).length < completed(runs).length ? ` (${usable(runs).length}/${completed(runs).length} learned)` : "";

/** Minimal RFC 4180 reader: quoted fields with "" and commas. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (quoted || (ch !== "," && ch !== "\n")) field += ch;
    else {
      endField();
      if (ch === "\n") {
        rows.push(row);
        row = [];
      }
    }
  }
  if (field !== "" || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}
const csvRecords = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, j) => [h, r[j]!])));
};

interface Cell {
  n: number;
  note: string;
  learned: number;
  completed: number;
  mean: number;
  std: number;
  text: string;
  bold: boolean;
  underline: boolean;
  marked: boolean;
  bySeed: Map<number, number>;
}

/**
 * One row of a paper-style table by hand: mean ± std per model over every completed run (`learnedOnly`: over
 * those that learned), the learned count where not all did, best bold, second underlined, the paired-t mark.
 */
function handRow(runs: Row[], metric: Metric, learnedOnly = false): Cell[] {
  const cells = MODELS.map((model) => {
    const all = runs.filter((r) => r.model === model);
    const good = learnedOnly ? usable(all) : completed(all);
    const values = good.map((r) => r[metric]);
    const n = values.length;
    const m = n === 0 ? Number.NaN : mean(values);
    const s = n < 2 ? 0 : sampleStd(values);
    const note = learnedNote(all);
    const text = (n === 0 ? "–" : n === 1 ? m.toFixed(4) : `${m.toFixed(4)} ± ${s.toFixed(4)}`) + note;
    return {
      n,
      note,
      learned: usable(all).length,
      completed: completed(all).length,
      mean: m,
      std: s,
      text,
      bold: false,
      underline: false,
      marked: false,
      bySeed: new Map(good.map((r) => [r.seed, r[metric]])),
    };
  });
  const distinct = [...new Set(cells.filter((c) => c.n > 0).map((c) => c.mean))].sort((a, b) => b - a);
  for (const c of cells) {
    c.bold = c.n > 0 && c.mean === distinct[0];
    c.underline = c.n > 0 && c.mean === distinct[1];
  }
  const best = cells.filter((c) => c.bold);
  const runnerUp = cells.find((c) => c.underline);
  if (best.length === 1 && runnerUp !== undefined) {
    const seeds = [...best[0]!.bySeed.keys()].filter((s) => runnerUp.bySeed.has(s));
    const d = seeds.map((s) => best[0]!.bySeed.get(s)! - runnerUp.bySeed.get(s)!);
    if (d.length === 2) {
      // Paired t with one degree of freedom: Student's t(1) is Cauchy, so p = 1 − (2/π)·atan|t|.
      const sd = sampleStd(d);
      const p = sd === 0 ? (mean(d) === 0 ? 1 : 0) : 1 - (2 / Math.PI) * Math.atan(Math.abs(mean(d) / (sd / Math.sqrt(2))));
      best[0]!.marked = mean(d) > 0 && p < 0.05;
    }
  }
  return cells;
}

/** Average rank and wins by hand, over the rows where every model has a result. */
function handFooter(rows: Cell[][]): { ranks: number[]; wins: number[] } {
  const complete = rows.filter((r) => r.every((c) => c.n > 0));
  const ranks = MODELS.map((_, j) =>
    mean(
      complete.map((r) =>
        rankOf(
          r.map((c) => c.mean),
          r[j]!.mean,
        ),
      ),
    ),
  );
  const wins = MODELS.map((_, j) => complete.filter((r) => r[j]!.bold).length);
  return { ranks, wins };
}

const mdCell = (c: Cell) => {
  let t = c.text + (c.marked ? " \\*" : "");
  if (c.bold) t = `**${t}**`;
  if (c.underline) t = `<ins>${t}</ins>`;
  return t;
};
const texCell = (c: Cell) => {
  const value = c.text.slice(0, c.text.length - c.note.length);
  const body = value.replace(" ± ", " \\pm ");
  let t = (c.n > 1 ? `$${c.bold ? `\\mathbf{${body}}` : body}$` : value.replace("–", "--")) + c.note;
  if (c.marked) t += "$^{*}$";
  if (c.bold && c.n <= 1) t = `\\textbf{${t}}`;
  if (c.underline) t = `\\underline{${t}}`;
  return t;
};

let ws: Workspace;
let rows: Row[];
const cli = (...args: string[]) => runCli([...args, "--db", ws.db]);

beforeAll(async () => {
  ws = makeWorkspace("tsa-query-");
  const sweep = await runCli(["sweep", ws.experiment(EXPERIMENT, YAML), "--db", ws.db, "--reports-dir", ws.reports, "--concurrency", "2"]);
  expect(sweep.code, sweep.stderr).toBe(0);
  rows = readRows(ws.db);
});
afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

describe("the tiny sweep behind these tests", () => {
  it("holds 12 completed runs, most of which learned", () => {
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.status === "completed")).toBe(true);
    expect(usable(rows).length).toBeGreaterThanOrEqual(10);
  });
});

describe("yarn runs", () => {
  const out: Record<string, CliResult> = {};
  let threshold: number;
  beforeAll(async () => {
    // The median F1 at the first point: half its runs reach it.
    const f1s = atPoint(rows, 0)
      .map((r) => r.f1)
      .sort((a, b) => a - b);
    threshold = f1s[f1s.length / 2]!;
    const runs = (...args: string[]) => cli("runs", "--experiment", EXPERIMENT, ...args);
    [out.json, out.csv, out.where, out.table, out.md, out.badKey] = await Promise.all([
      runs("--format", "json"),
      runs("--model", "cnn", "--seed", "2", "--status", "completed", "--format", "csv"),
      runs(
        "--where",
        "data.length=[0.3, 0.5]",
        "--where",
        `f1>=${threshold}`,
        "--where",
        "model!=ffn",
        "--sort",
        "f1",
        "--desc",
        "--limit",
        "2",
        "--json",
      ),
      runs("--sort", "accuracy"),
      runs("--model", "bilstm-attention", "--format", "md"),
      runs("--where", "colour=red"),
    ]);
    [out.alias, out.balanced] = await Promise.all([
      runs("--where", "roc_auc_thresholded>=0.5", "--format", "json"),
      runs("--where", "balanced_accuracy>=0.5", "--format", "json"),
    ]);
  });

  it("takes balanced_accuracy, and roc_auc_thresholded as its old name, in --where", () => {
    for (const result of [out.alias!, out.balanced!]) expect(result.code, result.stderr).toBe(0);
    const ids = (result: CliResult) => (JSON.parse(result.stdout) as Array<{ id: string }>).map((r) => r.id);
    const expected = rows.filter((r) => r.balanced_accuracy >= 0.5).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(out.alias!)).toEqual(expected);
    expect(ids(out.balanced!)).toEqual(expected);
  });

  it("--format json: every run with raw values", () => {
    expect(out.json!.code, out.json!.stderr).toBe(0);
    const listed = JSON.parse(out.json!.stdout) as Array<Record<string, unknown>>;
    expect(listed.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    for (const [i, r] of rows.entries()) {
      expect(listed[i]).toEqual({
        id: r.id,
        experiment: EXPERIMENT,
        model: r.model,
        point: { "data.length": lengthOf(r) },
        seed: r.seed,
        status: r.status,
        did_not_learn: r.did_not_learn,
        test_f1: r.f1,
        test_accuracy: r.accuracy,
        epochs: r.epochs_run,
        duration_s: r.duration_ms / 1000,
      });
    }
  });

  it("--model, --seed, --status, --format csv: the matching runs with raw numbers", () => {
    expect(out.csv!.code, out.csv!.stderr).toBe(0);
    const expected = rows.filter((r) => r.model === "cnn" && r.seed === 2 && r.status === "completed");
    expect(expected).toHaveLength(2);
    const records = csvRecords(out.csv!.stdout);
    expect(records.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    for (const [i, r] of expected.entries()) {
      expect(records[i]!.test_f1).toBe(String(r.f1));
      expect(records[i]!.point).toBe(JSON.stringify({ "data.length": lengthOf(r) }));
    }
  });

  it("several --where conditions (config key, metric, model), --sort --desc and --limit", () => {
    expect(out.where!.code, out.where!.stderr).toBe(0);
    const expected = atPoint(rows, 0)
      .filter((r) => r.f1 >= threshold && r.model !== "ffn")
      .sort((a, b) => b.f1 - a.f1)
      .slice(0, 2);
    expect(expected.length).toBeGreaterThan(0);
    expect((JSON.parse(out.where!.stdout) as Array<{ id: string }>).map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it("--format table: aligned columns, short ids, numbers rounded for reading, sorted by --sort", () => {
    expect(out.table!.code, out.table!.stderr).toBe(0);
    const [header, rule, ...lines] = out.table!.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^id\s+experiment\s+model\s+point\s+seed\s+status\s+test_f1\s+test_accuracy\s+epochs\s+duration_s$/);
    expect(rule).toMatch(/^[─ ]+$/);
    const sorted = [...rows].sort((a, b) => a.accuracy - b.accuracy || rows.indexOf(a) - rows.indexOf(b));
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(sorted.map((r) => r.id.slice(0, 10)));
    const f1End = header!.indexOf("test_f1") + "test_f1".length;
    for (const [i, r] of sorted.entries()) {
      const line = lines[i]!;
      expect(line).toContain(`length=${LABELS[atPoint(rows, 0).includes(r) ? 0 : 1]}`);
      // Right-aligned under its header, four decimals.
      expect(line.slice(f1End - 6, f1End)).toBe(r.f1.toFixed(4));
      expect(line).toMatch(new RegExp(`\\s${(r.duration_ms / 1000).toFixed(1)}$`));
    }
  });

  it("--format md: a Markdown table with numbers rounded for reading", () => {
    expect(out.md!.code, out.md!.stderr).toBe(0);
    const lines = out.md!.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("| id | experiment | model | point | seed | status | test_f1 | test_accuracy | epochs | duration_s |");
    expect(lines[1]).toBe(`|${" --- |".repeat(10)}`);
    const expected = rows.filter((r) => r.model === "bilstm-attention");
    expect(lines.slice(2)).toEqual(
      expected.map(
        (r) =>
          `| ${r.id.slice(0, 10)} | ${EXPERIMENT} | bilstm-attention | length=${LABELS[atPoint(rows, 0).includes(r) ? 0 : 1]} | ${r.seed} | ${r.did_not_learn ? "did not learn" : "completed"} | ` +
          `${r.f1.toFixed(4)} | ${r.accuracy.toFixed(4)} | ${r.epochs_run} | ${(r.duration_ms / 1000).toFixed(1)} |`,
      ),
    );
  });

  it("refuses an unknown key with exit code 2, listing the valid keys", () => {
    expect(out.badKey!.code).toBe(2);
    expect(out.badKey!.stderr).toMatch(/unknown key 'colour'; valid keys: .*data\.length/);
  });
});

describe("yarn show", () => {
  const out: Record<string, CliResult> = {};
  let run: Row;
  let unique: string;
  let shared: string;
  let unknown: string;
  beforeAll(async () => {
    const ids = rows.map((r) => r.id).sort();
    run = rows.find((r) => r.model === "bilstm-attention")!;
    // Like git: the shortest prefix (at least 4 characters) that no other id shares.
    unique = run.id.slice(0, 4);
    while (ids.filter((id) => id.startsWith(unique)).length > 1) unique = run.id.slice(0, unique.length + 1);
    // The longest prefix two ids share, and a first character no id starts with.
    shared = ids.slice(1).reduce((best, id, i) => {
      let k = 0;
      while (id[k] === ids[i]![k]) k++;
      return k > best.length ? id.slice(0, k) : best;
    }, "");
    unknown = [..."0123456789abcdef"].find((c) => !ids.some((id) => id.startsWith(c)))!;
    [out.text, out.json, out.ambiguous, out.unknown] = await Promise.all([
      cli("show", unique),
      cli("show", run.id, "--json"),
      cli("show", shared),
      cli("show", unknown),
    ]);
  });

  it("shows one run by an unambiguous prefix: config, metrics, per-epoch curve, timings, environment", () => {
    expect(out.text!.code, out.text!.stderr).toBe(0);
    const text = out.text!.stdout;
    expect(text).toContain(
      `run ${run.id}\nexperiment ${EXPERIMENT} · model bilstm-attention · seed ${run.seed}\nparts bilstm→attention\npoint data.length=`,
    );
    expect(text).toContain(`environment: backend ${run.backend}, kernels ${run.kernels}`);
    expect(text).toContain(`duration ${(run.duration_ms / 1000).toFixed(1)} s`);
    // The test split's row of each metrics table, read in order: the catalogue's scores, then the counts.
    const testCells = text
      .split("\n")
      .filter((line) => line.startsWith("test "))
      .flatMap((line) => line.trim().split(/ +/).slice(1));
    const scores = [run.f1, run.accuracy, run.roc_auc, run.precision, run.recall, run.balanced_accuracy].map((v) => v.toFixed(4));
    expect(testCells.slice(0, scores.length)).toEqual(scores);
    expect(testCells).toContain(`${run.tn}/${run.fp}/${run.fn}/${run.tp}`);
    const conn = new Database(ws.db, { readonly: true });
    const epochs = conn.prepare("SELECT epoch, train_loss, val_loss FROM epochs WHERE run_id = ? ORDER BY epoch").all(run.id) as Array<{
      epoch: number;
      train_loss: number;
      val_loss: number;
    }>;
    conn.close();
    expect(epochs).toHaveLength(run.epochs_run);
    for (const e of epochs) expect(text).toMatch(new RegExp(`\\n +${e.epoch} +${e.train_loss.toFixed(4)} +${e.val_loss.toFixed(4)} `));
    expect(text).toMatch(/\nepochs {2}val loss [▁▂▃▄▅▆▇█]{3}\n/);
    expect(JSON.parse(text.slice(text.indexOf("\nconfig\n") + "\nconfig\n".length))).toEqual(JSON.parse(run.config));
  });

  it("--json gives the run's raw record", () => {
    expect(out.json!.code, out.json!.stderr).toBe(0);
    const shown = JSON.parse(out.json!.stdout) as { id: string; test: { f1: number; tp: number }; config: unknown; epochs: unknown[] };
    expect(shown.id).toBe(run.id);
    expect(shown.test.f1).toBe(run.f1);
    expect(shown.test.tp).toBe(run.tp);
    expect(shown.config).toEqual(JSON.parse(run.config));
    expect(shown.epochs).toHaveLength(run.epochs_run);
  });

  it("--json spells every key as run_summary does (snake_case) and flags as 0/1", () => {
    const shown = JSON.parse(out.json!.stdout) as Record<string, unknown> & {
      test: Record<string, number>;
      val: Record<string, number>;
      epochs: Array<Record<string, number>>;
    };
    const keys = [...Object.keys(shown), ...Object.keys(shown.test), ...Object.keys(shown.val), ...Object.keys(shown.epochs[0]!)];
    expect(keys.filter((k) => /[A-Z]/.test(k))).toEqual([]);
    expect(shown.did_not_learn).toBe(run.did_not_learn);
    expect([shown.test.balanced_accuracy, shown.test.roc_auc]).toEqual([run.balanced_accuracy, run.roc_auc]);
    expect(Object.keys(shown.test)).toEqual(METRIC_CATALOGUE.map((m) => m.name));
  });

  it("refuses an ambiguous prefix, listing every run it matches", () => {
    const matching = rows.filter((r) => r.id.startsWith(shared));
    expect(shared.length).toBeGreaterThan(0);
    expect(out.ambiguous!.code).toBe(2);
    expect(out.ambiguous!.stderr).toContain(`run id prefix '${shared}' is ambiguous; it matches ${matching.length} runs`);
    for (const r of matching) expect(out.ambiguous!.stderr).toContain(`${r.id}  ${EXPERIMENT} ${r.model} seed ${r.seed} data.length=`);
  });

  it("refuses a prefix no run has", () => {
    expect(unknown).toBeDefined();
    expect(out.unknown!.code).toBe(2);
    expect(out.unknown!.stderr).toContain(`no run id starts with '${unknown}'`);
  });
});

describe("yarn sql", () => {
  const QUERY = "SELECT model, COUNT(*) AS n, AVG(test_f1) AS mean_f1 FROM run_summary GROUP BY model ORDER BY model";
  const WRITES = ["DELETE FROM runs", "DROP VIEW run_summary"];
  const out: Record<string, CliResult> = {};
  let writes: CliResult[] = [];
  let hashBefore: string;
  beforeAll(async () => {
    hashBefore = fileHash(ws.db);
    [out.json, out.csv, out.table, out.md, ...writes] = await Promise.all([
      cli("sql", QUERY, "--format", "json"),
      cli("sql", QUERY, "--format", "csv"),
      cli("sql", QUERY),
      cli("sql", QUERY, "--format", "md"),
      ...WRITES.map((w) => cli("sql", w)),
    ]);
  });

  const expected = () =>
    [...MODELS].sort().map((model) => {
      const f1s = rows.filter((r) => r.model === model).map((r) => r.f1);
      return { model, n: f1s.length, mean_f1: mean(f1s) };
    });

  it("answers a SELECT on run_summary as json and csv with raw values", () => {
    expect(out.json!.code, out.json!.stderr).toBe(0);
    const json = JSON.parse(out.json!.stdout) as Array<{ model: string; n: number; mean_f1: number }>;
    expect(json.map(({ model, n }) => ({ model, n }))).toEqual(expected().map(({ model, n }) => ({ model, n })));
    json.forEach((r, i) => expect(r.mean_f1).toBeCloseTo(expected()[i]!.mean_f1, 12));
    expect(out.csv!.code, out.csv!.stderr).toBe(0);
    const csv = csvRecords(out.csv!.stdout);
    expect(csv.map((r) => r.model)).toEqual(expected().map((r) => r.model));
    csv.forEach((r, i) => expect(r.mean_f1).toBe(String(json[i]!.mean_f1)));
  });

  it("prints an aligned table and Markdown with numbers rounded for reading", () => {
    expect(out.table!.code, out.table!.stderr).toBe(0);
    const lines = out.table!.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^model +n +mean_f1$/);
    expect(lines.slice(2).map((l) => l.split(/ +/))).toEqual(expected().map((r) => [r.model, String(r.n), r.mean_f1.toFixed(4)]));
    expect(out.md!.stdout.trimEnd().split("\n")).toEqual([
      "| model | n | mean_f1 |",
      "| --- | --- | --- |",
      ...expected().map((r) => `| ${r.model} | ${r.n} | ${r.mean_f1.toFixed(4)} |`),
    ]);
  });

  it("refuses every write with a clear message and exit code 2, leaving the file unchanged", () => {
    for (const [i, result] of writes.entries()) {
      expect(result.code, WRITES[i]).toBe(2);
      expect(result.stderr, WRITES[i]).toContain(
        "queries are read-only: only statements that return rows without writing (SELECT, WITH …) are allowed",
      );
    }
    expect(fileHash(ws.db)).toBe(hashBefore);
    expect(readRows(ws.db)).toEqual(rows);
  });
});

describe("yarn table", () => {
  const out: Record<string, CliResult> = {};
  const hand = (metric: Metric, learnedOnly = false, from = rows) => LENGTHS.map((_, p) => handRow(atPoint(from, p), metric, learnedOnly));
  let csvFile: string;
  let paperDb: string;
  let flaggedDb: string;
  let flagged: Row[];
  beforeAll(async () => {
    csvFile = join(ws.dir, "tables", "tiny.csv");
    // `yarn table paper` picks the reference's table by the experiment's name: a copy of the database
    // with the experiment renamed to `paper`.
    paperDb = join(ws.dir, "paper.sqlite");
    const source = new Database(ws.db, { readonly: true });
    await source.backup(paperDb);
    source.close();
    const copy = new Database(paperDb);
    copy.pragma("foreign_keys = OFF");
    copy.exec(`UPDATE experiments SET name = 'paper'; UPDATE runs SET experiment = 'paper';`);
    copy.close();
    // Whether or not a tiny run stays at chance, one that did not learn is sure to be there: a copy with one
    // bilstm-attention run at the first point flagged.
    flaggedDb = join(ws.dir, "flagged.sqlite");
    const again = new Database(ws.db, { readonly: true });
    await again.backup(flaggedDb);
    again.close();
    const target = atPoint(rows, 0).find((r) => r.model === "bilstm-attention")!;
    const edit = new Database(flaggedDb);
    edit.prepare("UPDATE runs SET did_not_learn = 1 WHERE id = ?").run(target.id);
    edit.close();
    flagged = readRows(flaggedDb);
    [out.alias, out.balanced, out.every] = await Promise.all([
      cli("table", EXPERIMENT, "--metric", "roc_auc_thresholded"),
      cli("table", EXPERIMENT, "--metric", "balanced_accuracy"),
      cli("table", EXPERIMENT, "--metric", ...TABLE_METRICS.map((m) => m.name)),
    ]);
    [out.md, out.latex, out.csv, out.paper, out.learned, out.flagged] = await Promise.all([
      cli("table", EXPERIMENT),
      cli("table", EXPERIMENT, "--format", "latex", "--metric", "f1", "accuracy"),
      cli("table", EXPERIMENT, "--format", "csv", "--metric", "f1", "accuracy", "--out", csvFile),
      runCli(["table", "paper", "--db", paperDb, "--format", "md"]),
      runCli(["table", EXPERIMENT, "--db", flaggedDb, "--learned-only"]),
      runCli(["table", EXPERIMENT, "--db", flaggedDb]),
    ]);
  });

  it("has complete rows, so ranks and wins mean something", () => {
    for (const metric of ["f1", "accuracy"] as const) expect(hand(metric).some((r) => r.every((c) => c.n === 2))).toBe(true);
  });

  it("--format md (default, F1): mean ± std over seeds, best bold, second underlined, average rank and wins", () => {
    expect(out.md!.code, out.md!.stderr).toBe(0);
    const cells = hand("f1");
    const { ranks, wins } = handFooter(cells);
    expect(out.md!.stdout).toContain(
      [
        `**${EXPERIMENT}: test F1**`,
        "",
        `| anomaly length (fraction of the series) | ${MODELS.join(" | ")} |`,
        "| --- | ---: | ---: | ---: |",
        ...cells.map((row, p) => `| ${LABELS[p]} | ${row.map(mdCell).join(" | ")} |`),
        `| *average rank* | ${ranks.map((r) => r.toFixed(2)).join(" | ")} |`,
        `| *wins* | ${wins.join(" | ")} |`,
      ].join("\n"),
    );
    // Every complete row has at least one winner.
    expect(wins.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(cells.filter((r) => r.every((c) => c.n > 0)).length);
  });

  it("--learned-only: conditional on learning, the runs that did not learn left out, and the title and notes say so", () => {
    const table = (title: string, cells: Cell[][]) => {
      const { ranks, wins } = handFooter(cells);
      return [
        `**${title}**`,
        "",
        `| anomaly length (fraction of the series) | ${MODELS.join(" | ")} |`,
        "| --- | ---: | ---: | ---: |",
        ...cells.map((row, p) => `| ${LABELS[p]} | ${row.map(mdCell).join(" | ")} |`),
        ...(ranks.some((r) => Number.isNaN(r))
          ? []
          : [`| *average rank* | ${ranks.map((r) => r.toFixed(2)).join(" | ")} |`, `| *wins* | ${wins.join(" | ")} |`]),
      ].join("\n");
    };
    for (const result of [out.learned!, out.flagged!]) expect(result.code, result.stderr).toBe(0);
    // The flagged run's cell: counted at its score by default, left out conditional on learning, its learned count beside it either way.
    const dropped = completed(flagged).length - usable(flagged).length;
    expect(dropped).toBeGreaterThanOrEqual(1);
    expect(hand("f1", false, flagged)[0]![2]!.note).toMatch(/^ \(\d\/2 learned\)$/);
    expect(out.learned!.stdout).toContain(table(`${EXPERIMENT}: test F1 (conditional on learning)`, hand("f1", true, flagged)));
    expect(out.learned!.stdout).toContain(
      `_conditional on learning: ${dropped} completed run(s) that did not learn left out; a cell says how many of its runs learned when not all did_`,
    );
    expect(out.flagged!.stdout).toContain(table(`${EXPERIMENT}: test F1`, hand("f1", false, flagged)));
    expect(out.flagged!.stdout).toContain(
      "_every completed run counts at the score it reached, learned or not; a cell says how many of its runs learned when not all did_",
    );
    expect(out.flagged!.stdout).not.toContain("conditional on learning");
  });

  it("takes every metric the catalogue offers to tables, one table each", () => {
    expect(out.every!.code, out.every!.stderr).toBe(0);
    for (const m of TABLE_METRICS) expect(out.every!.stdout).toContain(`${EXPERIMENT}: test ${m.label}`);
  });

  it("takes balanced_accuracy, and roc_auc_thresholded as its old name (the README's promise)", () => {
    for (const result of [out.alias!, out.balanced!]) expect(result.code, result.stderr).toBe(0);
    expect(out.alias!.stdout).toContain(`${EXPERIMENT}: test balanced accuracy`);
    expect(out.alias!.stdout).toBe(out.balanced!.stdout);
  });

  it("--format latex with two metrics: one booktabs tabular each, \\pm in math, escaped ranges", () => {
    expect(out.latex!.code, out.latex!.stderr).toBe(0);
    const tex = out.latex!.stdout;
    for (const [metric, label] of [
      ["f1", "F1"],
      ["accuracy", "accuracy"],
    ] as const) {
      const cells = hand(metric);
      const { ranks, wins } = handFooter(cells);
      expect(tex).toContain(
        [
          "\\begin{table}[ht]",
          "\\centering",
          `\\caption{${EXPERIMENT}: test ${label}}`,
          "\\begin{tabular}{lrrr}",
          "\\toprule",
          `anomaly length (fraction of the series) & ${MODELS.join(" & ")} \\\\`,
          "\\midrule",
          ...cells.map((row, p) => `${LABELS[p]!.replace("–", "--")} & ${row.map(texCell).join(" & ")} \\\\`),
          "\\midrule",
          `average rank & ${ranks.map((r) => r.toFixed(2)).join(" & ")} \\\\`,
          `wins & ${wins.join(" & ")} \\\\`,
          "\\bottomrule",
          "\\end{tabular}",
        ].join("\n"),
      );
    }
    expect(tex).not.toMatch(/±|–/);
  });

  it("--format csv --out: a file with raw means and stds of both metrics, one header", () => {
    expect(out.csv!.code, out.csv!.stderr).toBe(0);
    expect(out.csv!.stdout).toContain("wrote");
    const records = csvRecords(readFileSync(csvFile, "utf8"));
    expect(records).toHaveLength(2 * (LENGTHS.length * MODELS.length + 2 * MODELS.length));
    for (const [metric, label] of [
      ["f1", "F1"],
      ["accuracy", "accuracy"],
    ] as const) {
      const cells = hand(metric);
      cells.forEach((row, p) =>
        row.forEach((c, j) => {
          const record = records.find(
            (r) => r.table === `${EXPERIMENT}: test ${label}` && r.point === LABELS[p] && r.column === MODELS[j],
          )!;
          expect(record.n).toBe(String(c.n));
          expect([record.learned, record.completed]).toEqual([String(c.learned), String(c.completed)]);
          if (c.n === 0) expect([record.mean, record.std]).toEqual(["", ""]);
          else {
            expect(Number(record.mean)).toBeCloseTo(c.mean, 12);
            expect(Number(record.std)).toBeCloseTo(c.std, 12);
          }
        }),
      );
      const { ranks } = handFooter(cells);
      MODELS.forEach((model, j) => {
        const record = records.find((r) => r.table === `${EXPERIMENT}: test ${label}` && r.point === "average rank" && r.column === model)!;
        expect(Number(record.mean)).toBeCloseTo(ranks[j]!, 12);
      });
    }
  });

  it("`table paper`: accuracy, precision, recall, F1, ROC AUC and confusion per model, with the reference's row", () => {
    expect(out.paper!.code, out.paper!.stderr).toBe(0);
    const metrics: Metric[] = ["accuracy", "precision", "recall", "f1", "roc_auc"];
    const perModel = MODELS.map((model) => completed(rows.filter((r) => r.model === model)));
    const best = metrics.map((m) => Math.max(...perModel.map((runs) => mean(runs.map((r) => r[m])))));
    const lines = perModel.map((runs, i) => {
      const cells = metrics.map((m, j) => {
        const values = runs.map((r) => r[m]);
        let text = values.length === 1 ? values[0]!.toFixed(4) : `${mean(values).toFixed(4)} ± ${sampleStd(values).toFixed(4)}`;
        if (m === "roc_auc") text += ` [${mean(runs.map((r) => r.balanced_accuracy)).toFixed(4)}]`;
        text += learnedNote(runs);
        return mean(values) === best[j] ? `**${text}**` : text;
      });
      const sum = (k: "tn" | "fp" | "fn" | "tp") => runs.reduce((s, r) => s + r[k], 0);
      return `| ${MODELS[i]} | ${cells.join(" | ")} | [[${sum("tn")}, ${sum("fp")}], [${sum("fn")}, ${sum("tp")}]] |`;
    });
    expect(out.paper!.stdout).toContain(
      [
        "| model | accuracy | precision | recall | F1 | ROC AUC | confusion [[tn, fp], [fn, tp]] |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...lines,
        "| bilstm-attention (reference article) | 0.9775 | 0.9855 | 0.9685 | 0.9769 | [0.9774] | [[1002, 14], [31, 953]] |",
      ].join("\n"),
    );
  });
});

describe("yarn export", () => {
  const out: Record<string, CliResult> = {};
  let jsonlFile: string;
  beforeAll(async () => {
    jsonlFile = join(ws.dir, "tiny.jsonl");
    [out.csv, out.jsonl] = await Promise.all([
      cli("export", EXPERIMENT),
      cli("export", EXPERIMENT, "--format", "jsonl", "--out", jsonlFile),
    ]);
  });

  /** Config leaves as dotted keys, by hand. */
  const leaves = (value: unknown, prefix: string): Array<[string, unknown]> =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.entries(value).flatMap(([k, v]) => leaves(v, `${prefix}.${k}`))
      : [[prefix, value]];

  it("--format jsonl --out: one record per run, every data and train key of the config a column", () => {
    expect(out.jsonl!.code, out.jsonl!.stderr).toBe(0);
    expect(existsSync(jsonlFile)).toBe(true);
    const records = readFileSync(jsonlFile, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    for (const [i, r] of rows.entries()) {
      const config = JSON.parse(r.config) as { data: unknown; train: unknown };
      const expected = [...leaves(config.data, "data"), ...leaves(config.train, "train")];
      expect(expected.length).toBeGreaterThan(10);
      for (const [key, value] of expected) expect(records[i]![key], key).toEqual(value);
      expect(records[i]).toMatchObject({
        model: r.model,
        seed: r.seed,
        status: r.status,
        did_not_learn: r.did_not_learn,
        test_f1: r.f1,
        test_tp: r.tp,
        test_balanced_accuracy: r.balanced_accuracy,
        epochs_run: r.epochs_run,
      });
    }
  });

  it("--format csv (default): the same records, arrays as JSON, numbers raw", () => {
    expect(out.csv!.code, out.csv!.stderr).toBe(0);
    const records = csvRecords(out.csv!.stdout);
    expect(records.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    for (const [i, r] of rows.entries()) {
      const config = JSON.parse(r.config) as { data: { length: number[]; size: number }; train: { lr: number } };
      expect(records[i]!["data.length"]).toBe(JSON.stringify(config.data.length));
      expect(records[i]!["data.size"]).toBe(String(config.data.size));
      expect(records[i]!["train.lr"]).toBe(String(config.train.lr));
      expect(records[i]!["test_f1"]).toBe(String(r.f1));
      expect(records[i]!["test_accuracy"]).toBe(String(r.accuracy));
    }
  });
});
