import { describe, expect, it } from "vitest";
import { IdleQueue, idleQueueText, queueProgressText } from "./queue-progress.js";

const counts = { queued: 1, running: 3, completed: 0, failed: 0, interrupted: 0 };
const run = (id: string, owner: string, sinceHeartbeatMs = 1_000) => ({ id, model: "ffn", seed: 1, owner, attempts: 1, sinceHeartbeatMs });

describe("the enqueue monitor (issue 25 item 19)", () => {
  it("lists two workers on one machine apart, by process, not by host", () => {
    const text = queueProgressText({ ...counts, inFlight: [run("aaaaaaaaaa01", "box:100:101"), run("bbbbbbbbbb02", "box:200:201")] });
    expect(text.split("\n").slice(1)).toEqual(["  box:100: aaaaaaaaaa ffn/1", "  box:200: bbbbbbbbbb ffn/1"]);
  });

  it("marks a run whose worker has gone silent, until the grace period requeues it", () => {
    const text = queueProgressText({ ...counts, inFlight: [run("cccccccccc03", "box:300:301", 42_000)] }, 15_000);
    expect(text).toContain("  box:300: cccccccccc ffn/1 (no heartbeat for 42 s)");
  });
});

describe("a sweep that only enqueues (-j 0) with no worker taking its runs", () => {
  const progress = (queued: number, running: number) => ({ ...counts, queued, running, inFlight: [] });

  it("says so once the runs have waited the whole grace period with none running, once per idle spell", () => {
    const idle = new IdleQueue(10_000);
    expect(idle.observe(progress(4, 0), 0)).toBeNull();
    expect(idle.observe(progress(4, 0), 9_999)).toBeNull();
    expect(idle.observe(progress(4, 0), 10_000)).toEqual({ queued: 4, idleMs: 10_000 });
    expect(idle.observe(progress(4, 0), 20_000)).toBeNull();
    // A worker takes a run: a later idle spell is told again, timed from its own start.
    expect(idle.observe(progress(3, 1), 21_000)).toBeNull();
    expect(idle.observe(progress(3, 0), 22_000)).toBeNull();
    expect(idle.observe(progress(3, 0), 32_000)).toEqual({ queued: 3, idleMs: 10_000 });
  });

  it("says nothing while runs are running or nothing is queued", () => {
    const idle = new IdleQueue(1_000);
    expect([idle.observe(progress(0, 0), 0), idle.observe(progress(0, 0), 5_000)]).toEqual([null, null]);
    expect([idle.observe(progress(5, 2), 0), idle.observe(progress(5, 2), 5_000)]).toEqual([null, null]);
  });

  it("names the workers that exited and the command that starts one that waits", () => {
    const text = idleQueueText({ queued: 4, idleMs: 60_000 }, "./tsa worker --db postgres://tsa@db/x --wait");
    expect(text).toBe(
      "4 run(s) queued and none running for 60 s: no worker is taking them. A worker started without --wait exits once the queue is empty, " +
        "as it is between a tuned sweep's trials and its evaluations and between sequential looks. Start workers that wait: " +
        "./tsa worker --db postgres://tsa@db/x --wait (this sweep waits for them; Ctrl-C stops it and leaves the queued runs to the next workers)",
    );
  });
});
