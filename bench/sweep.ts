// Sweep throughput: the real runner (runSweep: worker processes, SQLite) on experiments/smoke.yaml-sized
// runs, with 1 and with 2 workers, each on a fresh temporary database so nothing is skipped.
import { loadExperiment, runSweep, type Experiment } from "@tsa/runner";
import type { ModelName } from "@tsa/models";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SMOKE = fileURLToPath(new URL("../experiments/smoke.yaml", import.meta.url));

export function smokeExperiment(models: readonly ModelName[]): Experiment {
  const experiment = loadExperiment(SMOKE, { displayName: "experiments/smoke.yaml" });
  const chosen = experiment.models.filter((m) => models.includes(m));
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
}

export async function measureThroughput(experiment: Experiment, workers: number, onRunEnd: () => void): Promise<Throughput> {
  const dir = mkdtempSync(join(tmpdir(), "tsa-bench-"));
  const ends: number[] = [];
  try {
    const summary = await runSweep(experiment, {
      dbPath: join(dir, "bench.sqlite"),
      file: SMOKE,
      concurrency: workers,
      onEvent: (e) => {
        if (e.type !== "run-end") return;
        ends.push(performance.now());
        onRunEnd();
      },
    });
    const seconds = summary.durationMs / 1000;
    const warm = ends[workers - 1];
    const last = ends[ends.length - 1];
    const steadyRunsPerMinute = warm !== undefined && last !== undefined && last > warm ? ((ends.length - workers) * 60_000) / (last - warm) : null;
    return { runsPerMinute: (summary.completed.length * 60) / seconds, steadyRunsPerMinute, runs: summary.completed.length, failed: summary.failed.length, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
