import type { BackendName } from "@tsa/models";
import { Engine, type EngineEvent, type QueueSummary } from "./engine.js";
import type { QueueTimings } from "./timings.js";

export interface QueueOptions extends Partial<QueueTimings> {
  /** The run store: a SQLite file path or a postgres:// URL (the same value as every command's --db). */
  location: string;
  /** Only this experiment's runs (default: any). */
  experiment?: string;
  /** Runs at once, each in its own worker process. */
  concurrency?: number;
  /** Keep polling when the queue is empty, instead of returning once nothing is queued or running. */
  wait?: boolean;
  backend?: BackendName | "auto";
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
}

/**
 * A worker on a store's queue (`tsa worker`): the engine with local workers only, taking whatever is queued
 * (highest expected cost first). Returns when nothing is queued or running any more (or, with `wait`, when
 * stopped); a run it was stopped in goes back to the queue for whoever is next.
 */
export async function runQueue(options: QueueOptions): Promise<QueueSummary> {
  const { wait, concurrency, ...rest } = options;
  const engine = await Engine.open({
    ...rest,
    ...(concurrency === undefined ? {} : { concurrency: Math.max(1, concurrency) }),
    stopped: "requeue",
    untilDrained: wait !== true,
  });
  try {
    engine.work();
    await engine.finished();
  } catch (e) {
    await engine.close();
    throw e;
  }
  return engine.close();
}
