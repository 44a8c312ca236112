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
  return { ...experiment, name: "bench-throughput", models: chosen.length > 0 ? chosen : experiment.models };
}

export interface Throughput {
  runsPerMinute: number;
  runs: number;
  failed: number;
  seconds: number;
}

export async function measureThroughput(experiment: Experiment, workers: number, onRunEnd: () => void): Promise<Throughput> {
  const dir = mkdtempSync(join(tmpdir(), "tsa-bench-"));
  try {
    const summary = await runSweep(experiment, {
      dbPath: join(dir, "bench.sqlite"),
      file: SMOKE,
      concurrency: workers,
      onEvent: (e) => {
        if (e.type === "run-end") onRunEnd();
      },
    });
    const seconds = summary.durationMs / 1000;
    return { runsPerMinute: (summary.completed.length * 60) / seconds, runs: summary.completed.length, failed: summary.failed.length, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
