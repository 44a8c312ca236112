// Every command README.md and docs/*.md show in an `sh` block is run here, literally, on a tiny database (a
// SQLite file, and a PostgreSQL database for the several-machines recipe). A command that cannot run in a
// test is either checked with --dry-run (hours-long sweeps, a worker that waits for ever) or listed below
// with the reason; a command matching no rule fails the test, so a new one in the docs is never unrun.
import { spawn } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docCommands, DRY_RUN, NOT_RUNNABLE, substitutions, wayOf } from "./doc-commands.js";
import { createDatabase, type TestDatabase } from "./postgres.js";
import { makeWorkspace, queryDb, REPO_ROOT, runCli, tinyExperimentYaml, type Workspace } from "./support.js";

function shell(line: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-c", line], {
      cwd: REPO_ROOT,
      env: { ...process.env, FORCE_COLOR: "0", ...env },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe("the commands README.md and docs/ show", () => {
  let ws: Workspace;
  let pg: TestDatabase;
  let runId: string;
  const commands = docCommands();

  beforeAll(async () => {
    ws = makeWorkspace("tsa-docs-");
    // Experiment files are read where the user types, as paths relative to INIT_CWD: the repository's own.
    symlinkSync(join(REPO_ROOT, "experiments"), join(ws.dir, "experiments"));
    pg = await createDatabase();
    const length = tinyExperimentYaml("length", {
      models: ["ffn"],
      seeds: [1],
      epochs: 1,
      extra: "sweep:\n  data.length: [[0.1, 0.2], [0.2, 0.3]]",
    });
    const tiny = (name: string, extra = "") =>
      ws.experiment(name, tinyExperimentYaml(name, { models: ["ffn"], seeds: [1], epochs: 1, extra }));
    const tuned = "tune:\n  space:\n    model.normalize: [none, diff]\n  budget: 2\n  seeds: [100]";
    for (const [file, db] of [
      [ws.experiment("length", length), ws.db],
      [tiny("smoke"), ws.db],
      [tiny("paper"), ws.db],
      [tiny("fair-noise", tuned), ws.db],
      [join(ws.dir, "length.yaml"), pg.url],
    ] as const) {
      // As a user in their own folder: a PostgreSQL database's reports go to ./reports/<database>.postgres/ there.
      const seeded = await runCli(["sweep", file, "--db", db, "-j", "1"], { env: { INIT_CWD: ws.dir } });
      expect(seeded.code, seeded.stderr).toBe(0);
    }
    runId = queryDb<{ id: string }>(ws.db, "SELECT id FROM runs ORDER BY id LIMIT 1")![0]!.id;
  }, 300_000);

  afterAll(async () => {
    await pg?.drop();
  });

  /** A command as it runs here: the docs' placeholders swapped for the test's database, run and server. */
  const here = (text: string) => substitutions(ws.db, pg.url, runId).reduce((t, [from, to]) => t.split(from).join(to), text);

  it("finds the commands, each runnable, checked with --dry-run or listed with its reason", () => {
    expect(commands.length).toBeGreaterThanOrEqual(20);
    const unknown = commands.filter((c) => wayOf(here(c.text)) === undefined).map((c) => `${c.file}: ${c.text}`);
    expect(unknown, "commands no rule covers: run them, dry-run them or list them in NOT_RUNNABLE with a reason").toEqual([]);
    // No rule lingers for a command the docs no longer show.
    for (const [pattern] of [...NOT_RUNNABLE, ...DRY_RUN])
      expect(
        commands.some((c) => pattern.test(c.text)),
        String(pattern),
      ).toBe(true);
  });

  it("runs each, in order block by block, and each ends with exit code 0", async () => {
    let env: NodeJS.ProcessEnv = {};
    let block = "";
    const ran: string[] = [];
    for (const command of commands) {
      if (`${command.file}#${command.block}` !== block)
        [block, env] = [`${command.file}#${command.block}`, { TSA_DB: ws.db, INIT_CWD: ws.dir }];
      const line = here(command.text);
      const way = wayOf(line)!;
      if (way.how === "not runnable") continue;
      if (way.how === "set") {
        env = { ...env, [way.name]: way.value };
        continue;
      }
      const dry = way.how === "dry run" && !line.includes("--dry-run");
      const result = await shell(dry ? `${line} --dry-run` : line, { SLURM_CPUS_PER_TASK: "2", ...env });
      expect(result.code, `${command.file}: ${line}\n${result.out}`).toBe(0);
      if (way.how === "dry run") expect(result.out, line).toMatch(/dry run: nothing/);
      ran.push(line);
    }
    expect(ran.length).toBeGreaterThanOrEqual(15);
    // What the commands wrote went where the user was (INIT_CWD), not into the repository.
    expect(existsSync(join(ws.dir, "paper", "length.tex"))).toBe(true);
    expect(existsSync(join(REPO_ROOT, "paper"))).toBe(false);
    const database = new URL(pg.url).pathname.slice(1);
    expect(existsSync(join(REPO_ROOT, "reports", `${database}.postgres`))).toBe(false);
  }, 600_000);
});
