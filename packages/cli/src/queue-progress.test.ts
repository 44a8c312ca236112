import { describe, expect, it } from "vitest";
import { queueProgressText } from "./queue-progress.js";

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
