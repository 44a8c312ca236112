// Sweep throughput: the real runner (runSweep: worker processes, SQLite) on experiments/smoke.yaml-sized
// runs, with 1 and with 2 workers, each on a fresh temporary database so nothing is skipped.
import { loadExperiment, modelEntryName, runSweep, type Experiment } from "@tsa/runner";
import type { ModelName } from "@tsa/models";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SMOKE = fileURLToPath(new URL("../experiments/smoke.yaml", import.meta.url));

export function smokeExperiment(models: readonly ModelName[]): Experiment {
  const experiment = loadExperiment(SMOKE, { displayName: "experiments/smoke.yaml" });
  const chosen = experiment.models.filter((m) => (models as readonly string[]).includes(modelEntryName(m)));
  // Three seeds (24 runs with the four models), so each worker's one-off start is a small part of the total.
  return { ...experiment, name: "bench-throughput", models: chosen.length > 0 ? chosen : experiment.models, seeds: [1, 2, 3] };
}

export interface Throughput {
  /** Whole sweep: completed runs over the sweep's wall time, worker start-up included. */
  runsPerMinute: number;
  /**
   * Steady state: the runs that ended after every worker had finished its first run (start-up paid), over
   * the time from then to the last run's end. What an hour-long sweep sees.
   */
  steadyRunsPerMinute: number | null;
  runs: number;
  failed: number;
  seconds: number;
  /**
   * CPU seconds of this process and its finished workers (every thread: V8's compiler and GC helpers,
   * kernel threads) over wall seconds; null off Linux. Above 1 with one worker, the second core was
   * already partly in use.
   */
  coresBusy: number | null;
}

/** CPU seconds of this process plus its waited-for children (Linux /proc/self/stat), or null. */
function cpuSecondsWithChildren(): number | null {
  try {
    // Fields after the command name: utime, stime, cutime, cstime are the 12th to 15th.
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return ticks / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  } catch {
    return null;
  }
}

export async function measureThroughput(experiment: Experiment, workers: number, onRunEnd: () => void): Promise<Throughput> {
  const dir = mkdtempSync(join(tmpdir(), "tsa-bench-"));
  const ends: number[] = [];
  const cpuBefore = cpuSecondsWithChildren();
  try {
    const summary = await runSweep(experiment, {
      location: join(dir, "bench.sqlite"),
      file: SMOKE,
      concurrency: workers,
      onEvent: (e) => {
        if (e.type !== "run-end") return;
        ends.push(performance.now());
        onRunEnd();
      },
    });
    const seconds = summary.durationMs / 1000;
    const cpuAfter = cpuSecondsWithChildren();
    const coresBusy = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / seconds;
    const warm = ends[workers - 1];
    const last = ends[ends.length - 1];
    const steadyRunsPerMinute =
      warm !== undefined && last !== undefined && last > warm ? ((ends.length - workers) * 60_000) / (last - warm) : null;
    return {
      runsPerMinute: (summary.completed.length * 60) / seconds,
      steadyRunsPerMinute,
      runs: summary.completed.length,
      failed: summary.failed.length,
      seconds,
      coresBusy,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
