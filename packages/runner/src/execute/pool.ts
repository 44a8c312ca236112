import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { DoneMessage, FromWorker, ToWorker } from "./messages.js";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

/** Our sources are TypeScript run by tsx: a worker needs its loader, resolved here so any cwd works. */
function tsxLoader(): string {
  const tsxPackage = createRequire(import.meta.url).resolve("tsx/package.json");
  return pathToFileURL(join(dirname(tsxPackage), "dist", "loader.mjs")).href;
}

interface Slot {
  child: ChildProcess;
  busy: boolean;
}

/**
 * A fixed set of worker processes, started lazily and reused across runs (tfjs and the wasm module
 * load once per worker). `run` hands one claimed run to an idle worker and resolves when it is done;
 * a worker that dies mid-run (a crash, the OOM killer) resolves as a failure and is replaced.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];

  constructor(
    private readonly size: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private spawn(): Slot {
    const child = fork(WORKER, [], {
      execArgv: ["--import", tsxLoader()],
      env: this.env,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      // Its own process group: a terminal's Ctrl-C goes to the foreground group only, so it reaches the sweep,
      // which stops its workers itself, and never a worker that is still loading tfjs (its handler not yet
      // installed). A worker still exits with the sweep: on IPC disconnect.
      detached: true,
    });
    const slot = { child, busy: false };
    this.slots.push(slot);
    return slot;
  }

  /** An idle worker's pid, starting one if there is room (the caller bounds concurrency to `size`). */
  acquire(): { pid: number; slot: Slot } {
    const slot = this.slots.find((s) => !s.busy && s.child.exitCode === null && s.child.connected) ?? this.spawn();
    if (this.slots.filter((s) => s.busy).length >= this.size) throw new Error("worker pool over capacity");
    slot.busy = true;
    return { pid: slot.child.pid ?? -1, slot };
  }

  run(slot: Slot, message: Extract<ToWorker, { type: "run" }>, onMessage: (m: FromWorker) => void): Promise<DoneMessage> {
    return new Promise((resolve) => {
      const child = slot.child;
      const finish = (done: DoneMessage) => {
        child.off("message", listener);
        child.off("exit", onExit);
        slot.busy = false;
        resolve(done);
      };
      const listener = (m: FromWorker) => {
        if (m.runId !== message.plan.id) return;
        if (m.type === "done") finish(m);
        else onMessage(m);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        const index = this.slots.indexOf(slot);
        if (index >= 0) this.slots.splice(index, 1);
        // Killed by an interrupt (someone's Ctrl-C or kill -INT reached it): the run was interrupted, not broken.
        const interrupted = signal === "SIGINT" || code === 130;
        finish({
          type: "done",
          runId: message.plan.id,
          status: interrupted ? "interrupted" : "failed",
          error: interrupted ? "interrupted" : `its worker process exited (${signal ?? `code ${code}`}) during the run`,
          failedEpoch: null,
          testF1: null,
          didNotLearn: false,
          backend: "",
          kernels: "",
        });
      };
      child.on("message", listener);
      child.once("exit", onExit);
      // A worker that has just died cannot take the run: its exit handler above ends it.
      child.send(message, (error) => void error);
    });
  }

  /** Asks every busy worker to stop its run; each marks it interrupted and reports done. */
  stopAll(): void {
    for (const slot of this.slots)
      if (slot.busy && slot.child.connected) slot.child.send({ type: "stop" } satisfies ToWorker, (error) => void error);
  }

  /**
   * Ends every worker now, synchronously (for a process that is exiting: its workers, in their own process
   * group, would otherwise go on with a long batch until they next look at their IPC channel).
   */
  killAll(): void {
    for (const slot of this.slots) if (slot.child.exitCode === null) slot.child.kill("SIGTERM");
  }

  /** Ends every worker (they exit on disconnect); kills any that does not within a second. */
  async close(): Promise<void> {
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            if (slot.child.exitCode !== null || !slot.child.connected) return resolve();
            const timer = setTimeout(() => slot.child.kill("SIGKILL"), 1000);
            slot.child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            slot.child.disconnect();
          }),
      ),
    );
    this.slots.length = 0;
  }
}
