import { describe, expect, it } from "vitest";
import { createProgress, duration, epochLoss, epochLosses, runFraction, SweepClock, wrapToWidth } from "./progress.js";

const plan = {} as never;
const claim = { runId: "r", attempt: 1, owner: "host:1:2" };

describe("SweepClock", () => {
  it("has no ETA before a run ends, then scales the elapsed time by the expected cost still to run", () => {
    const clock = new SweepClock();
    clock.start({ type: "start", total: 10, alreadyCompleted: 6, toRun: 4, requeued: [], outdated: 0, concurrency: 2, expectedCost: 100 });
    const t0 = Date.now();
    expect(clock.etaMs(t0)).toBeNull();
    expect(clock.text(t0)).toBe("0s elapsed · ETA –");
    clock.end({ type: "run-end", plan, claim, status: "completed", error: null, testF1: 0.9, didNotLearn: false, expectedCost: 25 });
    // A quarter of the cost in 30 s: three quarters left, 90 s.
    expect(clock.etaMs(t0 + 30_000)).toBeCloseTo(90_000, -2);
    clock.end({ type: "run-end", plan, claim, status: "failed", error: "x", testF1: null, didNotLearn: false, expectedCost: 25 });
    expect(clock.done).toBe(8);
    expect(clock.text(t0 + 60_000)).toMatch(/^1 failed · 1m0\ds elapsed · ETA 1m0\ds$/);
  });

  it("leaves interrupted runs to do: neither done nor finished cost", () => {
    const clock = new SweepClock();
    clock.start({ type: "start", total: 2, alreadyCompleted: 0, toRun: 2, requeued: [], outdated: 0, concurrency: 2, expectedCost: 10 });
    clock.end({
      type: "run-end",
      plan,
      claim,
      status: "interrupted",
      error: "interrupted",
      testF1: null,
      didNotLearn: false,
      expectedCost: 5,
    });
    expect(clock.done).toBe(0);
    expect(clock.etaMs()).toBeNull();
  });

  it("writes durations short", () => {
    expect([duration(4_400), duration(65_000), duration(3_725_000)]).toEqual(["4s", "1m05s", "1h02m"]);
  });
});

describe("a run's bar (issue 25 item 9)", () => {
  it("fills over the run's epoch budget, not over each epoch", () => {
    expect(runFraction({ epoch: 0, batch: 0, batches: 0 }, 12)).toBe(0);
    expect(runFraction({ epoch: 3, batch: 7, batches: 7 }, 12)).toBeCloseTo(3 / 12);
    expect(runFraction({ epoch: 4, batch: 2, batches: 4 }, 12)).toBeCloseTo(3.5 / 12);
    expect(runFraction({ epoch: 12, batch: 4, batches: 4 }, 12)).toBe(1);
  });
});

describe("a line logged above the bars (issue 25 item 9)", () => {
  it("is broken into rows that fit the terminal, at spaces, so a redraw cannot write over its tail", () => {
    const notice = "Interrupted: no new run will start; runs in flight are stopping (Ctrl-C again to quit at once).";
    const rows = wrapToWidth(notice, 79);
    expect(rows.every((r) => r.length <= 79)).toBe(true);
    expect(rows.join(" ")).toBe(notice);
    expect(rows).toHaveLength(2);
    expect(wrapToWidth("short", 79)).toEqual(["short"]);
    expect(wrapToWidth("x".repeat(100), 40)).toEqual(["x".repeat(40), "x".repeat(40), "x".repeat(20)]);
  });
});

describe("an epoch's losses", () => {
  const epoch = { epoch: 3, trainLoss: 0.5, valLoss: 0.25, trainAccuracy: 0.8, valAccuracy: 0.9, durationMs: 10 };
  it("shows the validation loss where the run has a validation split", () => {
    expect(epochLosses(epoch)).toBe("train 0.5000  val 0.2500");
    expect(epochLoss(epoch)).toBe("0.2500 (val)");
  });
  it("shows the training loss alone where it has none (NaN from the models, null after the worker's JSON)", () => {
    for (const valLoss of [Number.NaN, null as unknown as number]) {
      expect(epochLosses({ ...epoch, valLoss })).toBe("train 0.5000  (no validation split)");
      expect(epochLoss({ ...epoch, valLoss })).toBe("0.5000 (train)");
    }
  });
});

describe("both renderers", () => {
  /** A stream that keeps what is written; `tty` makes createProgress draw bars on it. */
  function stream(tty: boolean) {
    const written: string[] = [];
    const fake = {
      isTTY: tty,
      columns: 100,
      write: (chunk: string) => written.push(chunk) > 0,
      cursorTo: () => true,
      moveCursor: () => true,
      clearLine: () => true,
      clearScreenDown: () => true,
      on: () => fake,
      removeListener: () => fake,
    };
    return { fake: fake as unknown as NodeJS.WriteStream, text: () => written.join("") };
  }

  it.each([false, true])("log the queue's notices and a look's new seeds alike (terminal: %s)", (tty) => {
    const out = stream(tty);
    const progress = createProgress(out.fake);
    progress.onEvent({
      type: "start",
      total: 4,
      alreadyCompleted: 0,
      toRun: 4,
      requeued: [],
      outdated: 0,
      concurrency: 1,
      expectedCost: 4,
    });
    progress.onEvent({ type: "stale", requeued: ["abc"], failed: [] });
    progress.onEvent({ type: "more", total: 6, added: 2, alreadyCompleted: 0, comparisons: [{ verdict: null }] as never });
    progress.onEvent({ type: "more", total: 6, added: 0, alreadyCompleted: 0, comparisons: null });
    progress.stop();
    expect(out.text()).toContain("1 comparison(s) still open: their next look's seeds enqueued (+2 run(s), 6 in all)");
    expect(out.text()).toMatch(/abc/);
    expect(out.text().match(/still open/g)).toHaveLength(1);
  });
});
