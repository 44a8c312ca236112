// `yarn bench ui`: the UI at scale (issue 26). Generates a SQLite store of 100,000 runs and 5,000,000 epoch
// rows (or --runs/--epochs), starts `./tsa ui` on it in its own process, and prints the runs table's
// first-page latency, filter and sort latencies, the time the page takes to show in chromium, and the
// server's memory. Writes a screenshot with --screenshot. Never part of a test run.
import { openStore } from "@tsa/tracker";
import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { launchChromium } from "@tsa/report/testing";

const ROOT = new URL("..", import.meta.url).pathname;
const MODELS = ["ffn", "cnn", "bilstm", "bilstm-attention"];
const EXPERIMENTS = ["length", "location", "noise", "paper"];
const NOISES = [0, 0.05, 0.1, 0.2, 0.3];
const log = (line: string) => process.stderr.write(`${line}\n`);

/** A deterministic pseudo-random number in [0, 1) from an integer (the store's content does not matter, its size does). */
const noise01 = (i: number) => {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return x - Math.floor(x);
};

/** Fills the store: runs spread over 4 experiments, `epochsPerRun` epochs each, val and test metrics. */
async function generate(db: string, runs: number, epochsPerRun: number): Promise<void> {
  const experiments = EXPERIMENTS;
  const store = await openStore(db);
  for (const name of experiments) {
    await store.upsertExperiment({ name, description: `${name} sweep (generated)`, file: `experiments/${name}.yaml`, spec: { name } });
  }
  await store.close();
  const Database = loadBetterSqlite3();
  const sql = new Database(db);
  sql.pragma("journal_mode = WAL");
  sql.pragma("synchronous = OFF");
  const insertRun = sql.prepare(`INSERT INTO runs (id, experiment, model, seed, point, config, status, attempts, started_at, finished_at,
    duration_ms, train_duration_ms, epochs_run, best_epoch, stopped_early, did_not_learn, backend, kernels, git_commit, versions)
    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, 0, ?, 'wasm', 'native', 'bench', '{}')`);
  const insertEpoch = sql.prepare(
    "INSERT INTO epochs (run_id, epoch, train_loss, val_loss, train_accuracy, val_accuracy, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const insertMetrics = sql.prepare(`INSERT INTO metrics (run_id, split, n, accuracy, precision, recall, f1, roc_auc, balanced_accuracy,
    tp, fp, tn, fn) VALUES (?, ?, 800, ?, ?, ?, ?, ?, ?, 390, 10, 390, 10)`);
  const now = new Date().toISOString();
  const batch = sql.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `${i.toString(16).padStart(8, "0")}${"b".repeat(56)}`;
      const model = MODELS[i % MODELS.length]!;
      const noise = NOISES[Math.floor(i / 4) % NOISES.length]!;
      const seed = Math.floor(i / 20);
      const status = i % 1000 === 7 ? "failed" : i >= runs - 20 ? "running" : "completed";
      const length = [0.1, 0.2];
      const config = {
        experiment: experiments[i % 4],
        model,
        seed,
        data: { size: 4000, numPoints: 250, length, location: [0, 0.9], noise },
        train: { epochs: 50, patience: 5, batchSize: 32, lr: 0.001 },
        parts: { encoder: "bilstm", pooling: "attention", units: 32 },
      };
      const f1 = 0.5 + 0.5 * noise01(i);
      insertRun.run(
        id,
        experiments[i % 4],
        model,
        seed,
        JSON.stringify({ "data.noise": noise }),
        JSON.stringify(config),
        status,
        now,
        now,
        60_000 + 1000 * noise01(i + 1),
        59_000,
        epochsPerRun,
        epochsPerRun - 3,
        f1 < 0.55 ? 1 : 0,
      );
      for (let e = 1; e <= epochsPerRun; e++) insertEpoch.run(id, e, 0.7 / e, 0.69 / e + 0.01, 1 - 0.5 / e, 1 - 0.55 / e, 1200);
      if (status === "completed") for (const split of ["val", "test"]) insertMetrics.run(id, split, f1, f1, f1, f1, f1, f1);
    }
  });
  for (let from = 0; from < runs; from += 5000) {
    batch(from, Math.min(runs, from + 5000));
    log(`  ${Math.min(runs, from + 5000).toLocaleString("en")} runs written`);
  }
  sql.exec("ANALYZE");
  sql.close();
}

/**
 * The same store on PostgreSQL: a fresh database (created and dropped through `psql` on the admin URL), its
 * schema from the tracker, its rows from `generate_series` in the server (a client loop would take minutes).
 */
async function generatePostgres(adminUrl: string, runs: number, epochsPerRun: number): Promise<{ url: string; drop(): void }> {
  const name = `tsa_bench_ui_${process.pid}`;
  execFileSync("psql", [adminUrl, "-qc", `CREATE DATABASE ${name}`]);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = () => execFileSync("psql", [adminUrl, "-qc", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  try {
    const store = await openStore(url.toString());
    for (const experiment of EXPERIMENTS) {
      await store.upsertExperiment({
        name: experiment,
        description: `${experiment} sweep (generated)`,
        file: `experiments/${experiment}.yaml`,
        spec: { name: experiment },
      });
    }
    await store.close();
    const noise = `(ARRAY[0, 0.05, 0.1, 0.2, 0.3])[(i / 4) % 5 + 1]`;
    const model = `(ARRAY['ffn', 'cnn', 'bilstm', 'bilstm-attention'])[i % 4 + 1]`;
    const experiment = `(ARRAY['length', 'location', 'noise', 'paper'])[i % 4 + 1]`;
    const sql = `
      INSERT INTO runs (id, experiment, model, seed, point, config, status, attempts, started_at, finished_at, duration_ms,
        train_duration_ms, epochs_run, best_epoch, stopped_early, did_not_learn, backend, kernels, git_commit, versions)
      SELECT lpad(to_hex(i), 8, '0') || repeat('b', 56), ${experiment}, ${model}, i / 20,
        json_build_object('data.noise', ${noise})::text,
        json_build_object('experiment', ${experiment}, 'model', ${model}, 'seed', i / 20,
          'data', json_build_object('size', 4000, 'numPoints', 250, 'length', json_build_array(0.1, 0.2), 'location', json_build_array(0, 0.9), 'noise', ${noise}),
          'train', json_build_object('epochs', 50, 'patience', 5, 'batchSize', 32, 'lr', 0.001),
          'parts', json_build_object('encoder', 'bilstm', 'pooling', 'attention', 'units', 32))::text,
        CASE WHEN i % 1000 = 7 THEN 'failed' WHEN i >= ${runs - 20} THEN 'running' ELSE 'completed' END,
        1, now()::text, now()::text, 60000 + 1000 * random(), 59000, ${epochsPerRun}, ${epochsPerRun - 3}, 0, 0, 'wasm', 'native', 'bench', '{}'
      FROM generate_series(0, ${runs - 1}) AS i;
      INSERT INTO epochs (run_id, epoch, train_loss, val_loss, train_accuracy, val_accuracy, duration_ms)
      SELECT r.id, e, 0.7 / e, 0.69 / e + 0.01, 1 - 0.5 / e, 1 - 0.55 / e, 1200 FROM runs r CROSS JOIN generate_series(1, ${epochsPerRun}) AS e;
      INSERT INTO metrics (run_id, split, n, accuracy, precision, recall, f1, roc_auc, balanced_accuracy, tp, fp, tn, fn)
      SELECT r.id, s.split, 800, r.f, r.f, r.f, r.f, r.f, r.f, 390, 10, 390, 10
      FROM (SELECT id, 0.5 + 0.5 * random() AS f FROM runs WHERE status = 'completed' OFFSET 0) AS r CROSS JOIN (VALUES ('val'), ('test')) AS s(split);
      ANALYZE runs, epochs, metrics;`;
    execFileSync("psql", [url.toString(), "-v", "ON_ERROR_STOP=1", "-qc", sql]);
    return { url: url.toString(), drop };
  } catch (e) {
    // The generation's own error is the one to see (a server restarting mid-way, say), not the drop's.
    try {
      drop();
    } catch {
      log(`could not drop ${name}: drop it by hand`);
    }
    throw e;
  }
}

/** `./tsa ui` in its own process, so its memory is its own; resolves with its URL once it listens. */
function startServer(db: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(join(ROOT, "tsa"), ["ui", "--db", db, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /open (http:\S+)/.exec(out)?.[1];
      if (url !== undefined) resolve({ url, child });
    });
    child.once("exit", (code) => reject(new Error(`tsa ui exited (${code}): ${out}`)));
  });
}

const memoryMb = (pid: number, field: "VmRSS" | "VmHWM") =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;

/** Milliseconds of one GET, the response read whole; throws on a non-200. */
async function timed(url: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface StoreFigures {
  store: string;
  requests: Array<[string, number, number]>;
  showMs: number;
  filterShowMs: number;
  rssMb: number;
  peakMb: number;
}

/** Starts `./tsa ui` on `db` and measures it: requests (first and median of 5), the page in chromium, memory. */
async function measureStore(store: string, db: string, runs: number, screenshot: string | undefined): Promise<StoreFigures> {
  const { url, child } = await startServer(db);
  try {
    const api = (path: string) => new URL(path, url).toString();
    const requests: Array<[string, number, number]> = [];
    const measure = async (label: string, path: string) => {
      const first = await timed(api(path));
      const times = [];
      for (let i = 0; i < 5; i++) times.push(await timed(api(path)));
      requests.push([label, first, median(times)]);
    };
    await measure("first page (50 runs)", "/api/runs?limit=50");
    await measure(
      `last page (offset ${Math.max(0, runs - 50).toLocaleString("en")})`,
      `/api/runs?limit=50&offset=${Math.max(0, runs - 50)}`,
    );
    await measure("filter model=cnn, f1>=0.9", "/api/runs?limit=50&where=model%3Dcnn&where=f1%3E%3D0.9");
    await measure("filter data.noise=0.1 (config JSON)", "/api/runs?limit=50&where=data.noise%3D0.1");
    await measure("sort f1 descending", "/api/runs?limit=50&sort=f1&desc=1");
    await measure("sort data.noise (config JSON)", "/api/runs?limit=50&sort=data.noise");
    await measure(
      "filter + sort + 3 columns",
      "/api/runs?limit=50&where=experiment%3Dnoise&sort=f1&desc=1&columns=data.noise,train.lr,roc_auc",
    );
    await measure("experiments (counts, ETA)", "/api/experiments");
    const runId = `${(0).toString(16).padStart(8, "0")}${"b".repeat(56)}`;
    await measure("run page (its epochs)", `/api/runs/${runId}`);
    await measure("run curves SVG", `/api/runs/${runId}/curves.svg`);
    const { showMs, filterShowMs } = await inChromium(url, runs, screenshot);
    return { store, requests, showMs, filterShowMs, rssMb: memoryMb(child.pid!, "VmRSS"), peakMb: memoryMb(child.pid!, "VmHWM") };
  } finally {
    // Its connections must be gone before the PostgreSQL database can be dropped.
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

/** Time from navigation to the 50th row of the runs table, and from a filter's submit to its rows shown. */
async function inChromium(url: string, runs: number, screenshot: string | undefined): Promise<{ showMs: number; filterShowMs: number }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    // The browser's own start-up (first page of a fresh profile) is not the UI's: warm it on the page's assets.
    await page.goto(`${url}#/`);
    await page.locator('table[data-view="experiments"]').waitFor();
    const start = performance.now();
    await page.goto(`${url}#/runs?columns=data.noise,roc_auc`);
    await page.locator('table[data-view="runs"] tbody tr').nth(49).waitFor();
    const showMs = performance.now() - start;
    const filterStart = performance.now();
    await page.fill('input[name="where"]', "model=bilstm-attention; f1>=0.95");
    await page.click('button[type="submit"]');
    await page.waitForFunction(
      () => document.querySelector('table[data-view="runs"] tbody tr td:nth-child(4)')?.textContent === "bilstm-attention",
    );
    const filterShowMs = performance.now() - filterStart;
    if (screenshot !== undefined) {
      await page.goto(`${url}#/runs?columns=data.noise,roc_auc&sort=f1&desc=1`);
      // The previous rows stay until the new page arrives: wait for the unfiltered total.
      await page.locator(`.pager[data-total="${runs}"]`).waitFor();
      await page.screenshot({ path: screenshot });
      log(`screenshot: ${screenshot}`);
    }
    return { showMs, filterShowMs };
  } finally {
    await browser.close();
  }
}

function print(figures: StoreFigures, runs: number, epochsPerRun: number): void {
  const row = (label: string, ...ms: number[]) => console.log(`${label.padEnd(40)}${ms.map((m) => m.toFixed(0).padStart(11)).join("")}`);
  console.log(`\ntsa ui on ${figures.store}: ${runs.toLocaleString("en")} runs, ${(runs * epochsPerRun).toLocaleString("en")} epoch rows`);
  console.log(`${"request".padEnd(40)}${"first ms".padStart(11)}${"median ms".padStart(11)}`);
  for (const [label, first, med] of figures.requests) row(label, first, med);
  row("browser: runs table shown", figures.showMs);
  row("browser: filter applied and shown", figures.filterShowMs);
  console.log(`server memory: ${figures.rssMb.toFixed(0)} MB resident at the end, ${figures.peakMb.toFixed(0)} MB peak`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      runs: { type: "string", default: "100000" },
      epochs: { type: "string", default: "50" },
      db: { type: "string" },
      pg: { type: "string", default: process.env.TSA_TEST_PG_URL ?? "postgres://tsa:tsa@localhost:5432/postgres" },
      skip: { type: "string", default: "" },
      screenshot: { type: "string" },
    },
  });
  const runs = Number(values.runs);
  const epochsPerRun = Number(values.epochs);
  const skip = new Set(values.skip.split(","));
  if (!skip.has("sqlite")) {
    const db = values.db ?? join(mkdtempSync(join(tmpdir(), "tsa-bench-ui-")), "runs.sqlite");
    if (!existsSync(db)) {
      log(`SQLite: generating ${runs.toLocaleString("en")} runs × ${epochsPerRun} epochs in ${db}…`);
      const start = performance.now();
      await generate(db, runs, epochsPerRun);
      log(`  generated in ${((performance.now() - start) / 1000).toFixed(0)} s`);
    }
    print(await measureStore("SQLite", db, runs, values.screenshot), runs, epochsPerRun);
  }
  if (!skip.has("postgres")) {
    log(`PostgreSQL: generating ${runs.toLocaleString("en")} runs × ${epochsPerRun} epochs…`);
    const start = performance.now();
    const pg = await generatePostgres(values.pg, runs, epochsPerRun);
    log(`  generated in ${((performance.now() - start) / 1000).toFixed(0)} s`);
    try {
      print(await measureStore("PostgreSQL", pg.url, runs, undefined), runs, epochsPerRun);
    } finally {
      pg.drop();
    }
  }
}

export const uiBench = main;
