import type { EngineEvent } from "@tsa/runner";
import type { QueueProgress } from "@tsa/tracker";

/** One line for an engine event, on stderr: who (host:pid:pid) claims, finishes, loses or requeues what. */
export function engineEventLine(event: EngineEvent): string {
  switch (event.type) {
    case "stale": {
      const parts = [];
      if (event.requeued.length > 0)
        parts.push(`requeued ${event.requeued.length} run(s) without heartbeat: ${event.requeued.map((id) => id.slice(0, 10)).join(", ")}`);
      if (event.failed.length > 0)
        parts.push(`failed ${event.failed.length} run(s) out of attempts: ${event.failed.map((id) => id.slice(0, 10)).join(", ")}`);
      return parts.join("; ");
    }
    case "unplannable":
      return `${event.claim.owner} failed ${event.run.id.slice(0, 10)} ${event.run.experiment}/${event.run.model} seed ${event.run.seed}: ${event.error}`;
    case "run-start":
    case "run-end": {
      const { plan, claim } = event;
      const what = `${plan.id.slice(0, 10)} ${plan.experiment}/${plan.model} seed ${plan.seed} (attempt ${claim.attempt})`;
      if (event.type === "run-start") return `${claim.owner} runs ${what}`;
      return `${claim.owner} ${event.status} ${what}${event.error !== null && event.status !== "completed" ? `: ${event.error}` : ""}`;
    }
    default:
      return "";
  }
}

/** A run's worker process (`host:pid`, without its training child's pid): two workers on one machine are two. */
const workerOf = (owner: string) => owner.split(":").slice(0, 2).join(":");

/**
 * `queued 3 · running 2 · completed 7 · failed 0`, then which worker process runs what; a run whose worker
 * has been silent for over `silentAfterMs` is marked, since it is requeued only after the grace period.
 */
export function queueProgressText(p: QueueProgress, silentAfterMs = 15_000): string {
  const counts = `queued ${p.queued} · running ${p.running} · completed ${p.completed} · failed ${p.failed} · interrupted ${p.interrupted}`;
  const workers = new Map<string, string[]>();
  for (const r of p.inFlight) {
    const silent = r.sinceHeartbeatMs > silentAfterMs ? ` (no heartbeat for ${Math.round(r.sinceHeartbeatMs / 1000)} s)` : "";
    workers.set(workerOf(r.owner), [...(workers.get(workerOf(r.owner)) ?? []), `${r.id.slice(0, 10)} ${r.model}/${r.seed}${silent}`]);
  }
  return [counts, ...[...workers].map(([worker, runs]) => `  ${worker}: ${runs.join(", ")}`)].join("\n");
}

/** Runs waiting in the queue with none running: how many, and for how long. */
export interface IdleSpell {
  queued: number;
  idleMs: number;
}

/**
 * Watches a sweep that only enqueues (-j 0): runs queued and none running for `afterMs` (the grace period)
 * means no worker is taking them, most often because workers started without --wait exited when the queue
 * emptied between a tuned sweep's phases or sequential looks. Told once per idle spell.
 */
export class IdleQueue {
  private since: number | null = null;
  private told = false;
  constructor(private readonly afterMs: number) {}

  observe(p: Pick<QueueProgress, "queued" | "running">, nowMs: number): IdleSpell | null {
    if (p.queued === 0 || p.running > 0) {
      this.since = null;
      this.told = false;
      return null;
    }
    this.since ??= nowMs;
    if (this.told || nowMs - this.since < this.afterMs) return null;
    this.told = true;
    return { queued: p.queued, idleMs: nowMs - this.since };
  }
}

/** What an idle spell means and what to do, with the command that starts a worker that waits. */
export function idleQueueText(spell: IdleSpell, workerCommand: string): string {
  return (
    `${spell.queued} run(s) queued and none running for ${Math.round(spell.idleMs / 1000)} s: no worker is taking them. ` +
    "A worker started without --wait exits once the queue is empty, as it is between a tuned sweep's trials and its evaluations and between sequential looks. " +
    `Start workers that wait: ${workerCommand} (this sweep waits for them; Ctrl-C stops it and leaves the queued runs to the next workers)`
  );
}
