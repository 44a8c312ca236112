import type { QueueEvent } from "@tsa/runner";
import type { QueueProgress, Store } from "@tsa/tracker";

/** One line per queue event, on stderr: who (host:pid:pid) claims, finishes, loses or requeues what. */
export function queueEventLine(event: QueueEvent): string {
  if (event.type === "stale") {
    const parts = [];
    if (event.requeued.length > 0)
      parts.push(`requeued ${event.requeued.length} run(s) without heartbeat: ${event.requeued.map((id) => id.slice(0, 10)).join(", ")}`);
    if (event.failed.length > 0)
      parts.push(`failed ${event.failed.length} run(s) out of attempts: ${event.failed.map((id) => id.slice(0, 10)).join(", ")}`);
    return parts.join("; ");
  }
  const what = `${event.run.id.slice(0, 10)} ${event.run.experiment}/${event.run.model} seed ${event.run.seed} (attempt ${event.claim.attempt})`;
  if (event.type === "claimed") return `${event.claim.owner} runs ${what}`;
  return `${event.claim.owner} ${event.status} ${what}${event.error !== null && event.status !== "completed" ? `: ${event.error}` : ""}`;
}

/** `queued 3 · running 2 · completed 7 · failed 0`, then which host runs what. */
export function queueProgressText(p: QueueProgress): string {
  const counts = `queued ${p.queued} · running ${p.running} · completed ${p.completed} · failed ${p.failed} · interrupted ${p.interrupted}`;
  const hosts = new Map<string, string[]>();
  for (const r of p.inFlight) {
    const host = r.owner.split(":")[0] ?? r.owner;
    hosts.set(host, [...(hosts.get(host) ?? []), `${r.id.slice(0, 10)} ${r.model}/${r.seed}`]);
  }
  return [counts, ...[...hosts].map(([host, runs]) => `  ${host}: ${runs.join(", ")}`)].join("\n");
}

/** Shows the queue's progress every `everyMs` until nothing of the experiment is queued or running. */
export async function watchQueue(store: Store, experiment: string | undefined, everyMs: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const progress = await store.queueProgress(experiment);
    process.stderr.write(`${queueProgressText(progress)}\n`);
    if ((progress.queued === 0 && progress.running === 0) || signal?.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
