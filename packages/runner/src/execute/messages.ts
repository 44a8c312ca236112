import type { BackendName, EpochRecord } from "@tsa/models";
import type { Claim } from "@tsa/tracker";
import type { RunPlan } from "../experiment/index.js";

/** Parent → worker. */
export type ToWorker =
  | {
      type: "run";
      plan: RunPlan;
      claim: Claim;
      location: string;
      backend: BackendName | "auto";
      heartbeatMs: number;
      /** An archive run's series hash as the store recorded it when it was enqueued (none: not recorded). */
      series: string | null;
    }
  | { type: "stop" };

export type RunEndStatus = "completed" | "failed" | "interrupted";

/** Worker → parent. */
export type FromWorker =
  | { type: "epoch"; runId: string; epoch: EpochRecord }
  | { type: "batch"; runId: string; epoch: number; batch: number; batches: number; loss: number }
  | {
      type: "done";
      runId: string;
      status: RunEndStatus;
      error: string | null;
      failedEpoch: number | null;
      testF1: number | null;
      didNotLearn: boolean;
      backend: string;
      kernels: string;
    };

export type DoneMessage = Extract<FromWorker, { type: "done" }>;
