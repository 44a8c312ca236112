// A sweep worker: a child process with its own tfjs and its own store connection. It trains the runs
// the parent has claimed for it, one at a time, writing epochs and results itself as they come, so the
// parent never holds a run's data. It exits with its parent (IPC disconnect), and ignores Ctrl-C: the
// parent decides what an interrupt means.
import { RunFailedError } from "@tsa/errors";
import { isArchiveData } from "@tsa/data";
import { selectBackend, trainAndEvaluate, trainAndEvaluateOn, type BackendInfo, type RunHooks } from "@tsa/models";
import { openStore, type Store } from "@tsa/tracker";
import type { FromWorker, ToWorker } from "./messages.js";
import { runRecord } from "./record.js";
import { archiveRunSplits } from "../experiment/archive.js";
import type { RunPlan } from "../experiment/index.js";

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

/**
 * A run on its data: an archive problem's files (as they were when the run was enqueued: `series`), or the
 * series generated from its config and seed.
 */
function train(plan: RunPlan, series: string | null, on: BackendInfo, hooks: RunHooks) {
  const { spec: model, train, seed } = plan;
  return isArchiveData(plan.data)
    ? trainAndEvaluateOn(archiveRunSplits(plan.data, seed, series), { model, train, seed }, on, hooks)
    : trainAndEvaluate({ model, data: plan.data, train, seed }, on, hooks);
}

/** The run in flight, when a stop arrives: in its last epoch it finishes (stopping would throw it all away). */
let inLastEpoch = false;
function stopCurrent(): void {
  if (!inLastEpoch) current?.abort();
}

async function runOne({
  plan,
  claim,
  location,
  backend: requested,
  heartbeatMs,
  series,
}: Extract<ToWorker, { type: "run" }>): Promise<void> {
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
    // The heartbeat starts before the backend loads (seconds, the first time): the claim is only as old as its last beat.
    store ??= await openStore(location);
    const db = store;
    // A run this process no longer holds (requeued, then retaken elsewhere) is abandoned, not written.
    let lost = false;
    const loseClaim = () => {
      if (!lost)
        // eslint-disable-next-line no-restricted-properties -- the runner's one print: a worker says on stderr that it lost its claim.
        process.stderr.write(`run ${plan.id} attempt ${claim.attempt}: the claim was lost (another attempt holds the run); stopping it\n`);
      lost = true;
      controller.abort();
    };
    // Epoch writes are chained: each waits for the one before, and training never waits for the database.
    let writes: Promise<unknown> = Promise.resolve();
    heartbeat = setInterval(() => {
      db.heartbeat(claim).then(
        (held) => held || loseClaim(),
        () => {},
      );
    }, heartbeatMs);
    backend ??= await selectBackend(requested);
    // Fault injection for the tests: a run whose worker always dies mid-run (a native crash, the OOM killer).
    if (process.env.TSA_FAULT_CRASH_MODEL === plan.model) process.kill(process.pid, "SIGKILL");
    const outcome = await train(plan, series, backend, {
      signal: controller.signal,
      onEpoch: (epoch) => {
        writes = writes.then(() => db.recordEpoch(claim, epoch)).then((held) => held || loseClaim());
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
    await writes;
    if (lost || !(await db.completeRun(claim, runRecord(outcome)))) {
      if (!lost) loseClaim();
      done({ status: "interrupted", error: "the claim was lost: another attempt holds the run" });
      return;
    }
    done({ status: "completed", testF1: outcome.metrics.test.f1, didNotLearn: outcome.didNotLearn });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    if (error.name === "AbortError") {
      await store?.interruptRun(claim).catch(() => {});
      done({ status: "interrupted", error: "interrupted" });
    } else {
      const epoch = error instanceof RunFailedError ? error.epoch : null;
      const reason = error instanceof RunFailedError ? error.message : `${error.name}: ${error.message}`;
      try {
        await store?.failRun(claim, reason, epoch);
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
