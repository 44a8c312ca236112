// What a new user still tripped over at second contact (issue 25): every bad --db, backend, environment
// value and stray argument stopped at once with one line and exit 2, before anything is written; the
// messages name ./tsa; a range written as `runs` prints it selects those runs.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, queryDb, REPO_ROOT, runCli, tinyExperimentYaml, type Workspace } from "./support.js";

describe("second contact", () => {
  let ws: Workspace;
  let file: string;

  beforeAll(async () => {
    ws = makeWorkspace("tsa-second-");
    file = ws.experiment(
      "ranges",
      tinyExperimentYaml("ranges", { models: ["ffn"], seeds: [1], epochs: 1, extra: "sweep:\n  data.length: [[0.15, 0.3], [0.3, 0.5]]" }),
    );
    const seeded = await runCli(["sweep", file, "--db", ws.db]);
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 120_000);

  it("fails the first connection to an unreachable PostgreSQL within seconds, with one line (no 2-minute wait)", async () => {
    const started = Date.now();
    const result = await runCli(["runs", "--db", "postgres://tsa@127.0.0.1:1/x"]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: postgres:\/\/tsa@127\.0\.0\.1:1\/x: cannot connect to the PostgreSQL server \(.+\); .+\n$/);
  }, 60_000);

  it("refuses a --db URL of a scheme it does not know, writing nothing where the user is", async () => {
    const here = makeWorkspace("tsa-scheme-");
    const result = await runCli(["sweep", file, "--db", "mysql://foo/bar"], { env: { INIT_CWD: here.dir } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: --db mysql://foo/bar: unknown database scheme 'mysql' (a SQLite file path or a postgres:// URL)\n");
    expect(readdirSync(here.dir)).toEqual([]);
  });

  it("names the missing folder of a --db instead of creating it", async () => {
    const db = join(ws.dir, "nonexistentdir", "x.sqlite");
    const result = await runCli(["sweep", file, "--db", db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: ${db}: its folder ${join(ws.dir, "nonexistentdir")} does not exist; create it or choose another --db\n`,
    );
    expect(existsSync(join(ws.dir, "nonexistentdir"))).toBe(false);
  });

  it("still creates the default database's folder (results/) on a first sweep", async () => {
    const here = makeWorkspace("tsa-default-");
    const result = await runCli(["sweep", file], { env: { INIT_CWD: here.dir } });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(here.dir, "results", "runs.sqlite"))).toBe(true);
  }, 120_000);

  it("refuses a backend that is not installed before anything is written, naming those that are", async () => {
    const db = join(ws.dir, "backend.sqlite");
    const result = await runCli(["sweep", file, "--backend", "tensorflow", "--db", db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --backend tensorflow: not installed here \(.*\); installed: wasm, cpu\n$/);
    expect(existsSync(db)).toBe(false);
  });

  it.each([
    [{ TSA_GRACE_MS: "abc" }, "TSA_GRACE_MS: expected a number of milliseconds > 0, got 'abc'"],
    [{ TSA_GRACE_MS: "-5" }, "TSA_GRACE_MS: expected a number of milliseconds > 0, got '-5'"],
    [{ TSA_HEARTBEAT_MS: "0" }, "TSA_HEARTBEAT_MS: expected a number of milliseconds > 0, got '0'"],
    [
      { TSA_GRACE_MS: "1000", TSA_HEARTBEAT_MS: "1000" },
      "TSA_GRACE_MS: expected more than TSA_HEARTBEAT_MS (1000 ms: a run would be taken from its living worker), got 1000",
    ],
  ])("%j: exit 2, one line, nothing written", async (env, message) => {
    const db = join(ws.dir, "timings.sqlite");
    const result = await runCli(["sweep", file, "--db", db], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: ${message}\n`);
    expect(existsSync(db)).toBe(false);
  });

  it("says 'unexpected argument' for a stray word, not 'unknown option'", async () => {
    const result = await runCli(["sweep", file, "extra-arg", "--db", join(ws.dir, "never.sqlite")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unexpected argument 'extra-arg' (usage: ./tsa sweep <file>)\n");
  });

  it("names ./tsa, never a yarn script, in its messages", async () => {
    const [show, sql] = await Promise.all([runCli(["show", "zzzz", "--db", ws.db]), runCli(["sql", "DELETE FROM runs", "--db", ws.db])]);
    expect(show.code).toBe(2);
    expect(show.stderr).toBe("error: no run id starts with 'zzzz' (see ./tsa runs)\n");
    expect(sql.code).toBe(2);
    expect(sql.stderr).not.toMatch(/yarn/);
  });

  it.each(["data.length=0.15–0.3", "data.length=0.15-0.3", "data.length=[0.15,0.3]"])(
    "runs --where %s: a range as runs prints it selects its runs",
    async (where) => {
      const result = await runCli(["runs", "--where", where, "--db", ws.db, "--format", "json"]);
      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as Array<{ point: unknown }>).map((r) => r.point)).toEqual([{ "data.length": [0.15, 0.3] }]);
    },
  );

  it("says why a --where on a range axis matched nothing", async () => {
    const result = await runCli(["runs", "--where", "data.length=0.15", "--db", ws.db]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^note: no runs match; data\.length is a range, write data\.length=\[min,max\] \(e\.g\. data\.length=\[0\.(15,0\.3|3,0\.5)\]\)\n$/,
    );
  });

  it("checks a sweep with --dry-run: the file, flags and environment, then says what would run, writing nothing", async () => {
    const db = join(ws.dir, "dry.sqlite");
    const result = await runCli(["sweep", file, "--dry-run", "--db", db, "-j", "2"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${file}: experiment 'ranges', 2 runs (1 model × 2 points × 1 seed); dry run: nothing trained or written\n`);
    expect(existsSync(db)).toBe(false);
    const bad = await runCli(["sweep", file, "--dry-run", "--db", db], { env: { TSA_GRACE_MS: "abc" } });
    expect(bad.code).toBe(2);
  });

  it("checks a worker with --dry-run without connecting", async () => {
    const result = await runCli(["worker", "--dry-run", "--experiment", "length", "-j", "2", "--db", "postgres://tsa@127.0.0.1:1/x"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      "worker: would take runs of experiment 'length' from postgres://tsa@127.0.0.1:1/x, 2 at a time; dry run: nothing claimed\n",
    );
  });

  it("says every problem of an experiment file at once, one error line each, with the name meant", async () => {
    const typos = ws.experiment("typos", "name: typos\ndata: { size: 100, nosie: 0.1 }\nmodels: [ffn, bilstm-atention]\nseeds: [1]\n");
    const db = join(ws.dir, "typos.sqlite");
    const result = await runCli(["sweep", typos, "--db", db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        `error: ${typos}: models[1]: expected one of "ffn", "cnn", "bilstm", "bilstm-attention", "fcn", "resnet" (did you mean "bilstm-attention"?), got "bilstm-atention"`,
        `error: ${typos}: data.nosie: expected no such key here (did you mean 'noise'?), got key 'nosie'`,
        "",
      ].join("\n"),
    );
    expect(existsSync(db)).toBe(false);
  });

  it("fits runs to an 80-column terminal, prints every column when piped, and --columns picks them", async () => {
    const tty = await inTerminal(`${join(REPO_ROOT, "tsa")} runs --db ${ws.db}`);
    expect(tty.code, tty.output).toBe(0);
    const lines = tty.output.split("\n").filter((l) => l.trim() !== "");
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^id +.*model.*test_f1/);
    const piped = await runCli(["runs", "--db", ws.db]);
    expect(piped.stdout.split("\n")[0]!.split(/ +/)).toEqual(RUN_HEADERS);
    const picked = await runCli(["runs", "--db", ws.db, "--columns", "id,model,test_f1"]);
    expect(picked.stdout.split("\n")[0]!.split(/ +/)).toEqual(["id", "model", "test_f1"]);
    const bad = await runCli(["runs", "--db", ws.db, "--columns", "id,modl"]);
    expect(bad.code).toBe(2);
    const every = [...RUN_HEADERS.slice(0, 6), "did_not_learn", ...RUN_HEADERS.slice(6), "role", "trial"];
    expect(bad.stderr).toBe(`error: --columns: unknown column 'modl'; did you mean 'model'? (columns: ${every.join(", ")})\n`);
  });

  it("keeps every line of show within 80 columns", async () => {
    const id = queryDb<{ id: string }>(ws.db, "SELECT id FROM runs LIMIT 1")![0]!.id;
    const result = await runCli(["show", id, "--db", ws.db]);
    expect(result.code, result.stderr).toBe(0);
    for (const line of result.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(result.stdout).toMatch(/^versions: node v\d+/m);
  });
  it("takes one set of --format values in every command that prints rows (runs, sql, export)", async () => {
    const sql = "SELECT model, test_f1 FROM run_summary ORDER BY id";
    const [runsJsonl, sqlJsonl, exportJson, exportMd, exportTable, runsJson, exportJsonl] = await Promise.all([
      runCli(["runs", "--db", ws.db, "--format", "jsonl"]),
      runCli(["sql", sql, "--db", ws.db, "--format", "jsonl"]),
      runCli(["export", "ranges", "--db", ws.db, "--format", "json"]),
      runCli(["export", "ranges", "--db", ws.db, "--format", "md"]),
      runCli(["export", "ranges", "--db", ws.db, "--format", "table"]),
      runCli(["runs", "--db", ws.db, "--format", "json"]),
      runCli(["export", "ranges", "--db", ws.db, "--format", "jsonl"]),
    ]);
    for (const r of [runsJsonl, sqlJsonl, exportJson, exportMd, exportTable]) expect(r.code, r.stderr).toBe(0);
    const lines = (text: string) => text.trimEnd().split("\n");
    expect(lines(runsJsonl.stdout).map((l) => JSON.parse(l) as unknown)).toEqual(JSON.parse(runsJson.stdout));
    expect(lines(sqlJsonl.stdout).map((l) => Object.keys(JSON.parse(l) as object))).toEqual([
      ["model", "test_f1"],
      ["model", "test_f1"],
    ]);
    expect(JSON.parse(exportJson.stdout)).toEqual(lines(exportJsonl.stdout).map((l) => JSON.parse(l) as unknown));
    expect(lines(exportMd.stdout)[1]).toMatch(/^\| --- \|/);
    expect(lines(exportTable.stdout)[0]).toMatch(/^id +experiment +model /);
  });
});

const RUN_HEADERS = ["id", "experiment", "model", "point", "seed", "status", "test_f1", "test_accuracy", "epochs", "duration_s"];

/** A terminal's control sequences (colours, cursor moves, clearing). */
const CONTROL = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

/** A shell command in a pseudo-terminal of 80 columns, as a user's terminal runs it. */
function inTerminal(command: string): Promise<{ output: string; code: number | null }> {
  const child = spawn("script", ["-qfec", `stty cols 80 rows 40; ${command}`, "/dev/null"], {
    cwd: REPO_ROOT,
    env: { ...process.env, FORCE_COLOR: "0", SHELL: "/bin/bash" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output: output.replace(CONTROL, "").replace(/\r/g, "") })));
}
