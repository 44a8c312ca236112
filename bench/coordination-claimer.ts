// One claimer of the coordination benchmark (bench/coordination.ts): opens the store, waits for "go", then
// claims runs and completes each at once (training is a no-op) until none is queued, timing every claim.
import { METRIC_CATALOGUE, openStore, type MetricsRow, type RunRecord } from "@tsa/tracker";
import { hostname } from "node:os";

// Every metric of the store's catalogue at 1, so a metric added there needs nothing here.
const metrics = {
  ...Object.fromEntries(METRIC_CATALOGUE.map((m) => [m.field, 1])),
  n: 1,
  tp: 1,
  fp: 0,
  tn: 0,
  fn: 0,
} as unknown as MetricsRow;
const record: RunRecord = {
  metrics: {
    val: { ...metrics, attentionMassInWindow: null, attentionPeakInWindow: null },
    test: { ...metrics, attentionMassInWindow: null, attentionPeakInWindow: null },
  },
  epochs: [{ epoch: 1, trainLoss: 0.5, valLoss: 0.5, trainAccuracy: 1, valAccuracy: 1, durationMs: 0 }],
  attention: [],
  trainDurationMs: 0,
  bestEpoch: 1,
  stoppedEarly: false,
  didNotLearn: false,
  backend: "none",
  kernels: "none",
};

const store = await openStore(process.argv[2]!);
const owner = `${hostname()}:${process.pid}`;
process.send!({ type: "ready" });
process.once("message", async () => {
  const claims: Array<{ id: string; ms: number }> = [];
  let lost = 0;
  for (;;) {
    const t0 = performance.now();
    const claimed = await store.claimNext(owner);
    const ms = performance.now() - t0;
    if (claimed === null) break;
    claims.push({ id: claimed.run.id, ms });
    if (!(await store.completeRun(claimed.claim, record))) lost++;
  }
  await store.close();
  process.send!({ type: "done", claims, lost }, () => process.exit(0));
});
