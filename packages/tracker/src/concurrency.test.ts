// Several processes writing one database at once, as a sweep's workers (and a second sweep's) do: no write
// may fail with SQLITE_BUSY ("database is locked"), and a new file is created and migrated exactly once.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadBetterSqlite3 } from "./better-sqlite3.js";
import { SCHEMA_VERSION } from "./schema.js";
import { openStore } from "./store.js";
import { tempDbPath } from "./test-support.js";

const Database = loadBetterSqlite3();

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Runs a TypeScript snippet (ESM, imports relative to this folder) in a new process; resolves with its output. */
function runScript(source: string, onLine?: (line: string) => void): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", source], {
    cwd: here("."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
    for (const line of d.toString().split("\n")) if (line !== "") onLine?.(line);
  });
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
}

const storeUrl = () => new URL("./store.ts", import.meta.url).href;
const supportUrl = () => new URL("./test-support.ts", import.meta.url).href;

describe("concurrent writers", () => {
  it("record epochs, heartbeats and results from several processes without SQLITE_BUSY", async () => {
    const path = tempDbPath();
    const store = await openStore(path);
    for (const name of ["a", "b", "c"]) await store.upsertExperiment({ name, description: "", file: `${name}.yaml`, spec: {} });
    await store.close();
    // Each process trains its own runs, writing as a worker does: one epoch row at a time, a heartbeat
    // between them, then the results in one transaction.
    const worker = (name: string) => `
      import { openStore } from ${JSON.stringify(storeUrl())};
      import { newRun, outcome } from ${JSON.stringify(supportUrl())};
      const store = await openStore(${JSON.stringify(path)});
      for (let r = 0; r < 40; r++) {
        const id = "${name}-" + r;
        await store.enqueueRuns([{ ...newRun(id, { experiment: "${name}" }), priority: 0 }]);
        const claim = (await store.claimNext("${name}", "${name}"))?.claim;
        if (claim?.runId !== id) throw new Error("claim refused: " + id);
        for (let e = 1; e <= 10; e++) {
          await store.heartbeat(claim);
          if (!(await store.recordEpoch(claim, { ...outcome(0.5).epochs[0], epoch: e }))) throw new Error("lost " + id);
        }
        if (!(await store.completeRun(claim, outcome(0.5)))) throw new Error("lost " + id);
      }
      await store.close();
      console.log("done");`;
    const results = await Promise.all(["a", "b", "c"].map((name) => runScript(worker(name))));
    for (const r of results) expect(r.output.trim(), r.output).toBe("done");
    const check = await openStore(path, { readonly: true });
    expect(await check.listRuns({ status: "completed" })).toHaveLength(120);
    await check.close();
  });

  it("creates and migrates a new file once when another process is migrating it at the same moment", async () => {
    const path = tempDbPath();
    // The other process takes the write lock on the new file, and migrates it only after we have read its
    // (still 0) schema version: without a second look under the lock we would run migration 1 again.
    const other = `
      import { loadBetterSqlite3 } from ${JSON.stringify(new URL("./better-sqlite3.ts", import.meta.url).href)};
      import { MIGRATIONS } from ${JSON.stringify(new URL("./schema.ts", import.meta.url).href)};
      const Database = loadBetterSqlite3();
      const db = new Database(${JSON.stringify(path)});
      db.exec("BEGIN IMMEDIATE");
      console.log("locked");
      setTimeout(() => {
        MIGRATIONS.forEach((migrate) => migrate(db));
        db.pragma("user_version = ${SCHEMA_VERSION}");
        db.exec("COMMIT");
        db.close();
        console.log("migrated");
      }, 1500);`;
    let opened: Promise<string> = Promise.resolve("never");
    const done = runScript(other, (line) => {
      if (line !== "locked") return;
      // SQLite opens synchronously (it waits here for the other's lock), before openStore's promise exists.
      opened = openStore(path).then(
        (store) => store.close().then(() => "ok"),
        (e: unknown) => String(e),
      );
    });
    const { code, output } = await done;
    expect(await opened).toBe("ok");
    expect(code, output).toBe(0);
    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });
});
