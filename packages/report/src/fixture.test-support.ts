import type { ClassificationMetrics } from "@tsa/models";
import type { ExperimentResults, RunResult } from "@tsa/tracker";

const metrics = (f1: number): ClassificationMetrics => ({
  n: 100, accuracy: f1, precision: f1, recall: f1, f1, rocAuc: Math.min(1, f1 + 0.01), rocAucThresholded: f1,
  tp: 45, fp: 5, tn: 45, fn: 5, attentionMassInWindow: null, attentionPeakInWindow: null,
});

/**
 * Results shaped like a real two-point sweep: 4 models × 3 seeds. F1 values are chosen so the answers
 * are known: at length 0.02–0.05 attention beats cnn (the best baseline) by 0.1 on every seed.
 */
export function sweepResults(f1: (model: string, point: number, seed: number) => number = defaultF1): ExperimentResults {
  const lengths = [[0.02, 0.05], [0.3, 0.5]];
  const runs: RunResult[] = [];
  lengths.forEach((length, p) => {
    for (const model of ["ffn", "cnn", "bilstm", "bilstm-attention"]) {
      for (const seed of [1, 2, 3]) {
        const value = f1(model, p, seed);
        const signal = Array.from({ length: 40 }, (_, t) => (t >= 10 && t < 20 ? Math.sin(1) : Math.sin(t / 4)));
        runs.push({
          id: `${model}-${p}-${seed}`.replace(/[^a-z0-9]/g, "0").padEnd(16, "0"),
          experiment: "demo", model, seed, point: { "data.length": length }, status: "completed", error: null, failedEpoch: null,
          config: { data: { length, size: 100 }, train: { lr: 0.001 } }, backend: "wasm", kernels: "native", gitCommit: "0123456789abcdef",
          versions: { node: "v20" }, startedAt: "2026-11-24T10:00:00Z", finishedAt: "2026-11-24T10:00:05Z", durationMs: 5000, trainDurationMs: 4000,
          epochsRun: 3, bestEpoch: 3, stoppedEarly: false, didNotLearn: false,
          test: model === "bilstm-attention" ? { ...metrics(value), attentionMassInWindow: 0.6, attentionPeakInWindow: 0.8 } : metrics(value),
          val: metrics(value),
          epochs: [1, 2, 3].map((epoch) => ({ epoch, trainLoss: 0.7 / epoch, valLoss: 0.72 / epoch, trainAccuracy: 0.5 + epoch / 10, valAccuracy: 0.5 + epoch / 10, durationMs: 100 })),
          attention: model === "bilstm-attention" ? [
            { seriesIndex: 3, label: 1, window: [10, 20], signal, weights: signal.map((_, t) => (t >= 10 && t < 20 ? 0.08 : 0.2 / 30)) },
            { seriesIndex: 4, label: 0, window: null, signal: signal.map((_, t) => Math.sin(t / 4)), weights: signal.map(() => 1 / 40) },
          ] : [],
        });
      }
    }
  });
  return {
    experiment: { name: "demo", description: "A demo sweep.", file: "experiments/demo.yaml", createdAt: "2026-11-24T10:00:00Z", spec: { name: "demo", sweep: { "data.length": lengths } } },
    runs,
  };
}

function defaultF1(model: string, point: number, seed: number): number {
  const base = { ffn: 0.6, cnn: 0.8, bilstm: 0.7, "bilstm-attention": point === 0 ? 0.9 : 0.8 }[model] ?? 0.5;
  // Seed noise that is the same for every model, so paired differences are exact.
  return base + [0, 0.01, -0.01][seed - 1]!;
}
