// What a new user trips over (issue 14), through the documented command lines: reports of a scratch
// database beside it, README's pipelines run literally, Ctrl-C through a pseudo-terminal (`script`, as a
// terminal sends it: to the whole foreground process group), progress on an 80-column terminal, the
// resume hint, and every bad flag stopped before anything is written.
import { TABLE_METRICS } from "@tsa/tracker";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, queryDb, REPO_ROOT, runCli, runStates, tinyExperimentYaml, type Workspace } from "./support.js";

const TSA = join(REPO_ROOT, "tsa");
/** A terminal's control sequences (colours, cursor moves, clearing). */
const CONTROL = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

/** A shell command in a pseudo-terminal of 80 columns; `interruptWhen` decides when to type Ctrl-C. */
function inTerminal(
  command: string,
  options: { env?: NodeJS.ProcessEnv; interruptWhen?: () => boolean } = {},
): Promise<{ output: string; raw: string; code: number | null }> {
  const child = spawn("script", ["-qfec", `stty cols 80 rows 40; ${command}`, "/dev/null"], {
    cwd: REPO_ROOT,
    // `script` runs the command with $SHELL, /bin/sh where it is unset (CI): dash, run with -c, dies of the
    // terminal's SIGINT even when the command it waits for handles it and exits 130, so the status and
    // anything after the command are lost. bash (as any interactive shell) waits for the command's own exit.
    env: { ...process.env, FORCE_COLOR: "0", SHELL: "/bin/bash", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  const watch = options.interruptWhen;
  if (watch !== undefined) {
    const timer = setInterval(() => {
      if (!watch()) return;
      clearInterval(timer);
      child.stdin.write("\x03");
    }, 50);
    child.on("close", () => clearInterval(timer));
  }
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ code, raw: output, output: output.replace(CONTROL, "").replace(/\r/g, "") })),
  );
}

/** The lines of README's code blocks that pipe a command's output into another program. */
function readmePipelines(): string[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((b) => b.split("\n"))
    .filter((line) => /^(\.\/tsa|yarn -s) .*\| python3/.test(line))
    .map((line) => line.replace(/\s+#.*$/, ""));
}

describe("first contact", () => {
  let ws: Workspace;
  let file: string;

  beforeAll(async () => {
    ws = makeWorkspace("tsa-first-");
    file = ws.experiment("smoke", tinyExperimentYaml("smoke", { models: ["ffn"], seeds: [1], epochs: 1 }));
    // No --reports-dir, from the workspace: a scratch database's reports go beside it, never to reports/.
    const seeded = await runCli(["sweep", file, "--db", ws.db], { env: { INIT_CWD: ws.dir } });
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain(`report: runs.reports/smoke.html`);
  }, 120_000);

  it("writes a scratch database's reports beside it, each page naming its database", () => {
    expect(existsSync(join(ws.dir, "reports"))).toBe(false);
    const html = readFileSync(join(ws.dir, "runs.reports", "smoke.html"), "utf8");
    expect(html).toContain(`database <code>${ws.db}</code>`);
    expect(html).toContain(`<a href="index.html">`);
    const index = readFileSync(join(ws.dir, "runs.reports", "index.html"), "utf8");
    expect(index).toContain(`database <code>${ws.db}</code>`);
    expect(index).toMatch(/1 runs, 1 completed, [01] did not learn, last run \d{4}-\d\d-\d\d/);
  });

  it("says so when a shared --reports-dir held another database's reports", async () => {
    const other = join(ws.dir, "other.sqlite");
    copyFileSync(ws.db, other);
    const result = await runCli(["report", "smoke", "--db", other, "--reports-dir", join(ws.dir, "runs.reports")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      `note: ${join(ws.dir, "runs.reports")} held the reports of ${ws.db}; its index now lists those of ${other}\n`,
    );
    expect(readFileSync(join(ws.dir, "runs.reports", "smoke.html"), "utf8")).toContain(`database <code>${other}</code>`);
  }, 120_000);

  it("ends quietly when the reader of its output goes away (| head), with no stack trace", async () => {
    // 200,000 rows: far more than a pipe holds, so the writes after head exits fail with EPIPE.
    const rows = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT i FROM n";
    const line = `${TSA} sql "${rows}" --db ${ws.db} | head -2`;
    const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn("bash", ["-o", "pipefail", "-c", line], { cwd: REPO_ROOT });
      let [out, err] = ["", ""];
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("close", (code) => resolve({ code, out, err }));
    });
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out.split("\n")[0]!.trim()).toBe("i");
  });

  it("runs README's pipelines literally, their output parsed by the program they feed", async () => {
    const pipelines = readmePipelines();
    expect(pipelines.length).toBeGreaterThanOrEqual(4);
    for (const line of pipelines) {
      const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn("bash", ["-o", "pipefail", "-c", line], { cwd: REPO_ROOT, env: { ...process.env, TSA_DB: ws.db } });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        child.on("close", (code) => resolve({ code, out }));
      });
      expect(result.code, `${line}\n${result.out}`).toBe(0);
    }
  }, 120_000);

  it.each([
    [["sweep", "FILE", "-j", "abc"], "--concurrency: expected an integer >= 1, got 'abc'"],
    [["sweep", "FILE", "-j", "0"], "--concurrency: expected an integer >= 1, got 0"],
    [["sweep", "FILE", "-j", "-3"], "--concurrency: expected an integer >= 1, got -3"],
    [["sweep", "FILE", "--concurency", "2"], "unknown option --concurency; did you mean --concurrency?"],
    [
      ["swep", "FILE"],
      "unknown command 'swep'; did you mean 'sweep'? (commands: sweep, report, runs, show, sql, table, export, dataset, worker, ui)",
    ],
    [["sweep"], "sweep: expected <file>, got none (usage: ./tsa sweep <file>)"],
    [["runs", "--seed", "abc"], "--seed: expected an integer >= 0, got 'abc'"],
    [["runs", "--where", "f1>>0.9"], "--where: expected key<op>value with one of = != < <= > >= and a value, got 'f1>>0.9'"],
    [["runs", "--format", "xml"], '--format: expected one of "table", "md", "csv", "json", "jsonl", got "xml"'],
    [["table", "smoke", "--metric", "auc"], `--metric: expected one of ${TABLE_METRICS.map((m) => m.name).join(", ")}, got 'auc'`],
  ])("%j: exit 2, one line naming the flag, nothing written", async (args, message) => {
    const db = join(ws.dir, "never", "runs.sqlite");
    const result = await runCli([...args.map((a) => (a === "FILE" ? file : a)), "--db", db]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toBe(`error: ${message}\n`);
    expect(existsSync(join(db, ".."))).toBe(false);
  });

  it("names the nearest key of a --where it does not know", async () => {
    const result = await runCli(["runs", "--where", "f2>0.9", "--db", ws.db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --where: unknown key 'f2'; valid keys: .*; did you mean 'f1'\?\n$/);
  });

  it("names the experiments it knows when asked for one it does not", async () => {
    const result = await runCli(["runs", "-e", "nosuch", "--db", ws.db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: no experiment 'nosuch' in the database; known: smoke\n");
  });

  it("spells ROC AUC roc_auc everywhere (the old spellings still work) and knows its version", async () => {
    const [table, alias, where, exported, version] = await Promise.all([
      runCli(["table", "smoke", "--metric", "roc_auc", "--db", ws.db]),
      runCli(["table", "smoke", "--metric", "rocAuc", "--db", ws.db]),
      runCli(["runs", "--where", "roc_auc>=0", "--where", "test_f1>=0", "--db", ws.db, "--format", "json"]),
      runCli(["export", "smoke", "--format", "jsonl", "--db", ws.db]),
      runCli(["--version"]),
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(alias.stdout).toBe(table.stdout);
    expect(JSON.parse(where.stdout)).toHaveLength(1);
    expect(Object.keys(JSON.parse(exported.stdout) as object)).toContain("test_roc_auc");
    // Every test metric of the view under the view's own name in export (test_attention_mass, not …_in_window).
    const viewMetrics = queryDb<{ name: string }>(
      ws.db,
      "SELECT name FROM pragma_table_info('run_summary') WHERE name LIKE 'test\\_%' ESCAPE '\\'",
    )!;
    expect(viewMetrics.length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(JSON.parse(exported.stdout) as object)).toEqual(expect.arrayContaining(viewMetrics.map((c) => c.name)));
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, "packages/cli/package.json"), "utf8")).version);
  });

  it("gives every option of every command a help line", async () => {
    const helps = await Promise.all(
      ["", "sweep", "report", "runs", "show", "sql", "table", "export", "dataset", "worker"].map((c) =>
        runCli([...(c === "" ? [] : [c]), "--help"]),
      ),
    );
    for (const help of helps) {
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("--db");
      // An option line holding nothing but its name and type has no description.
      expect(help.stdout).not.toMatch(/^\s+(-\w, )?--[a-z-]+\s+\[/m);
    }
  }, 120_000);

  it("says in the paper table when the experiment's data is not the article's", async () => {
    const result = await runCli(["table", "smoke", "--paper", "--db", ws.db]);
    expect(result.stdout).toContain("(not the article's setup: size 160 (article 10000); numPoints 32 (article 500))");
  });
});

describe("Ctrl-C and progress in a terminal, through ./tsa", () => {
  let ws: Workspace;
  let file: string;
  // The exit status also goes to a file, so that a failure says what the command returned whatever the
  // terminal's output holds.
  const sweep = () => `${TSA} sweep ${file} --db ${ws.db} -j 2; s=$?; echo $s > ${ws.dir}/status; echo "EXIT=$s"`;
  const status = () => readFileSync(join(ws.dir, "status"), "utf8").trim();

  beforeAll(() => {
    ws = makeWorkspace("tsa-pty-");
    file = ws.experiment("pty", tinyExperimentYaml("pty", { models: ["ffn", "bilstm"], seeds: [1, 2], epochs: 6 }));
  });

  it("Ctrl-C while the workers start: runs interrupted (not failed), each said, summary and resume hint before the exit status 130", async () => {
    const { output } = await inTerminal(sweep(), { interruptWhen: () => runStates(ws.db).some((r) => r.status === "running") });
    expect(status(), output).toBe("130");
    expect(output).not.toMatch(/^\s+at /m);
    const states = runStates(ws.db);
    expect(
      states.filter((r) => r.status === "failed"),
      output,
    ).toEqual([]);
    const interrupted = states.filter((r) => r.status === "interrupted");
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    expect(output.match(/^interrupted: /gm)).toHaveLength(interrupted.length);
    const hint = output.indexOf(`Resume with: ${TSA} sweep ${file} --db ${ws.db} --concurrency 2\n`);
    expect(hint, output).toBeGreaterThan(0);
    const exit = output.indexOf("EXIT=130");
    if (exit >= 0) expect(hint).toBeLessThan(exit);
  }, 120_000);

  it("resumed on an 80-column terminal: said at the start, epochs of a total, elapsed and ETA, no line cut or wider than 80", async () => {
    const { output, raw } = await inTerminal(sweep());
    expect(status(), output).toBe("0");
    expect(output).toMatch(/^4 runs: 0 already completed, 4 to run, 2 at a time$/m);
    expect(output).toMatch(/epoch \d\/6 loss \d\.\d{4}/);
    expect(output).toMatch(/runs .* \d\/4 · \d+s elapsed · ETA /);
    // What the terminal shows on one row: text between line ends and cursor moves.
    for (const line of raw.replace(CONTROL, "\n").split(/\r|\n/)) expect(line.length, line).toBeLessThanOrEqual(80);
    const again = await inTerminal(sweep());
    expect(again.output.indexOf("4 runs: 4 already completed, 0 to run")).toBeLessThan(again.output.indexOf("run(s) done now"));
    expect(queryDb<{ n: number }>(ws.db, "SELECT COUNT(*) AS n FROM runs WHERE status = 'completed'")).toEqual([{ n: 4 }]);
  }, 240_000);
});
