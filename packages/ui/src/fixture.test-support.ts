// A small store as a sweep leaves it, written through the tracker's own API (claims, epochs, results), for
// the UI's tests: two models × two points × two seeds completed, and one run still training.
import { openStore, type EpochRow, type MetricsRow, type RunRecord, type Store } from "@tsa/tracker";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const EXPERIMENT = {
  name: "smoke",
  description: "A tiny sweep",
  file: "experiments/smoke.yaml",
  spec: {
    name: "smoke",
    data: { size: 600, numPoints: 32 },
    sweep: {
      "data.length": [
        [0.15, 0.3],
        [0.3, 0.5],
      ],
    },
    models: ["cnn", "bilstm-attention"],
    seeds: [1, 2],
    train: { epochs: 12, patience: 12, batchSize: 16, lr: 0.01 },
  },
};

const LENGTHS = [
  [0.15, 0.3],
  [0.3, 0.5],
];

export function epochRow(epoch: number, offset = 0): EpochRow {
  return {
    epoch,
    trainLoss: 0.7 / epoch + offset,
    valLoss: 0.69 / epoch + offset + 0.02,
    trainAccuracy: 1 - 0.5 / epoch,
    valAccuracy: 1 - 0.55 / epoch,
    durationMs: 100 + epoch,
  };
}

function metrics(f1: number): MetricsRow {
  return {
    n: 120,
    accuracy: f1,
    precision: f1,
    recall: f1,
    f1,
    rocAuc: f1,
    balancedAccuracy: f1,
    logLoss: 1 - f1,
    tp: 55,
    fp: 5,
    tn: 55,
    fn: 5,
    attentionMassInWindow: null,
    attentionPeakInWindow: null,
  };
}

function record(model: string, f1: number, epochs: number): RunRecord {
  const signal = Array.from({ length: 32 }, (_, t) => Math.sin(t / 3));
  const weights = signal.map((_, t) => (t >= 10 && t < 16 ? 0.1 : 0.4 / 26));
  return {
    metrics: { val: metrics(f1 - 0.01), test: metrics(f1) },
    epochs: Array.from({ length: epochs }, (_, i) => epochRow(i + 1)),
    attention: model === "bilstm-attention" ? [{ seriesIndex: 3, label: 1, window: [10, 16], signal, weights }] : [],
    trainDurationMs: 1200,
    bestEpoch: epochs,
    stoppedEarly: false,
    didNotLearn: false,
    backend: "wasm",
    kernels: "native",
  };
}

export function runId(model: string, point: number, seed: number): string {
  const hex = (n: number) => n.toString(16).padStart(4, "0");
  return `${model === "cnn" ? "c0" : "a0"}${hex(point)}${hex(seed)}${"0".repeat(54)}`;
}

/** The run still training: `writeEpoch(epoch)` records its next epoch, as a training run does. */
export interface Fixture {
  location: string;
  liveRunId: string;
  writeEpoch(epoch: number): Promise<void>;
  close(): Promise<void>;
}

/** Enqueues a run and claims it for `owner`, as a worker would: its claim fences the writes. */
async function claimRun(store: Store, run: ReturnType<typeof newRun>, owner: string) {
  await store.enqueueRuns([{ ...run, priority: 0 }]);
  const claimed = await store.claimNext(owner);
  if (claimed === null || claimed.run.id !== run.id) throw new Error(`fixture: ${owner} did not get run ${run.id}`);
  return claimed.claim;
}

export async function makeFixture(location = join(mkdtempSync(join(tmpdir(), "tsa-ui-")), "runs.sqlite")): Promise<Fixture> {
  const store: Store = await openStore(location);
  await store.upsertExperiment(EXPERIMENT);
  for (const model of ["cnn", "bilstm-attention"]) {
    for (const [p, length] of LENGTHS.entries()) {
      for (const seed of [1, 2]) {
        const claim = await claimRun(store, newRun(model, p, seed, length), "fixture");
        await store.completeRun(claim, record(model, (model === "cnn" ? 0.8 : 0.9) + p * 0.05 + seed * 0.01, 4 + seed));
      }
    }
  }
  const live = newRun("bilstm-attention", 9, 7, [0.3, 0.5]);
  const claim = await claimRun(store, live, "trainer");
  await store.recordEpoch(claim, epochRow(1));
  return {
    location,
    liveRunId: live.id,
    writeEpoch: async (epoch) => {
      await store.recordEpoch(claim, epochRow(epoch));
    },
    close: () => store.close(),
  };
}

function newRun(model: string, point: number, seed: number, length: number[]) {
  return {
    id: runId(model, point, seed),
    experiment: EXPERIMENT.name,
    model,
    seed,
    point: { "data.length": length },
    config: { experiment: "smoke", model, seed, data: { length, noise: 0, size: 600, numPoints: 32 }, train: { lr: 0.01 }, parts: {} },
    backend: "wasm",
    kernels: "native",
    gitCommit: null,
    versions: {},
  };
}
