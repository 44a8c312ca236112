// A sweep worker: a child process with its own tfjs and its own SQLite connection. It trains the runs
// the parent has claimed for it, one at a time, writing epochs and results itself as they come, so the
// parent never holds a run's data. It exits with its parent (IPC disconnect), and ignores Ctrl-C: the
// parent decides what an interrupt means.
import { RunFailedError } from "@tsa/errors";
import { selectBackend, trainAndEvaluate, type BackendInfo } from "@tsa/models";
import { openStore, type Store } from "@tsa/tracker";
import type { FromWorker, ToWorker } from "./messages.js";

let backend: BackendInfo | null = null;
let store: Store | null = null;
let current: AbortController | null = null;

const send = (message: FromWorker) => process.send?.(message);

process.on("SIGINT", () => {});
process.on("disconnect", () => process.exit(0));
process.on("message", (message: ToWorker) => {
  if (message.type === "stop") stopCurrent();
  else void runOne(message);
});

/** The run in flight, when a stop arrives: in its last epoch it finishes (stopping would throw it all away). */
let inLastEpoch = false;
function stopCurrent(): void {
  if (!inLastEpoch) current?.abort();
}

async function runOne({ plan, owner, dbPath, backend: requested, heartbeatMs }: Extract<ToWorker, { type: "run" }>): Promise<void> {
  const controller = new AbortController();
  current = controller;
  let epochNow = 1;
  let lastBatchMessage = 0;
  let heartbeat: NodeJS.Timeout | undefined;
  const done = (fields: Partial<Extract<FromWorker, { type: "done" }>>) =>
    send({
      type: "done",
      runId: plan.id,
      status: "failed",
      error: null,
      failedEpoch: null,
      testF1: null,
      didNotLearn: false,
      backend: backend?.backend ?? "",
      kernels: backend?.kernels ?? "",
      ...fields,
    });
  try {
    backend ??= await selectBackend(requested);
    store ??= openStore(dbPath);
    const db = store;
    // A run this process no longer owns (reaped, then retaken elsewhere) is abandoned, not written.
    heartbeat = setInterval(() => {
      if (!db.heartbeat(plan.id, owner)) controller.abort();
    }, heartbeatMs);
    const outcome = await trainAndEvaluate({ model: plan.spec, data: plan.data, train: plan.train, seed: plan.seed }, backend, {
      signal: controller.signal,
      onEpoch: (epoch) => {
        if (!db.recordEpoch(plan.id, owner, epoch)) controller.abort();
        epochNow = epoch.epoch + 1;
        inLastEpoch = epochNow >= plan.train.epochs;
        send({ type: "epoch", runId: plan.id, epoch });
      },
      onBatch: (batch, batches, loss) => {
        const now = Date.now();
        if (now - lastBatchMessage < 250 && batch < batches) return;
        lastBatchMessage = now;
        send({ type: "batch", runId: plan.id, epoch: epochNow, batch, batches, loss });
      },
    });
    db.completeRun(plan.id, owner, outcome);
    done({ status: "completed", testF1: outcome.metrics.test.f1, didNotLearn: outcome.didNotLearn });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    if (error.name === "AbortError") {
      store?.interruptRun(plan.id, owner);
      done({ status: "interrupted", error: "interrupted" });
    } else {
      const epoch = error instanceof RunFailedError ? error.epoch : null;
      const reason = error instanceof RunFailedError ? error.message : `${error.name}: ${error.message}`;
      try {
        store?.failRun(plan.id, owner, reason, epoch);
      } finally {
        done({ status: "failed", error: reason, failedEpoch: epoch });
      }
    }
  } finally {
    clearInterval(heartbeat);
    current = null;
    inLastEpoch = false;
  }
}
