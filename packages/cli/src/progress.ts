import type { RunPlan, SweepEvent } from "@tsa/runner";
import { formatPoint } from "@tsa/report/tables";
import cliProgress from "cli-progress";
import { engineEventLine, queueProgressText } from "./queue-progress.js";

const describe = (plan: RunPlan) =>
  `${plan.model.padEnd(16)} ${formatPoint(plan.point) || "-"} seed ${plan.seed}${plan.tuning?.role === "trial" ? ` (trial ${plan.tuning.trial + 1})` : ""}`;

/** `bilstm at data.noise=0.2: model.normalize=diff, train.patienceFrom=learning (val_loss 0.1234)` */
/** `2 comparison(s) still open: their next look's seeds enqueued (+8 run(s), 48 in all)`; null for a tuned sweep's evaluations (the chosen lines said it). */
export function moreLine(event: Extract<SweepEvent, { type: "more" }>): string | null {
  if (event.comparisons === null) return null;
  const open = event.comparisons.filter((c) => c.verdict === null).length;
  const done = event.alreadyCompleted > 0 ? `, ${event.alreadyCompleted} of them already completed` : "";
  return `${open} comparison(s) still open: their next look's seeds enqueued (+${event.added} run(s)${done}, ${event.total} in all)`;
}

export function chosenLines(event: Extract<SweepEvent, { type: "chosen" }>): string[] {
  const lines = event.choices.map(
    (c) =>
      `  ${c.model}${c.point === null ? "" : ` at ${formatPoint(c.point) || "-"}`}: ${Object.entries(c.choice)
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .join(", ")} (validation score ${c.score.toFixed(4)})`,
  );
  return [`chosen on validation, ${event.evaluations} evaluation run(s) enqueued:`, ...lines];
}

/** `42s`, `3m05s`, `1h02m`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Where a sweep stands: runs done and failed, elapsed time, and an ETA from the scheduler's expected costs
 * (the cost of the runs finished so far against the time they took, applied to the cost still to run).
 */
export class SweepClock {
  total = 0;
  done = 0;
  failed = 0;
  private started = Date.now();
  private pendingCost = 0;
  private finishedCost = 0;

  start(event: Extract<SweepEvent, { type: "start" }>): void {
    this.started = Date.now();
    this.total = event.total;
    this.done = event.alreadyCompleted;
    this.pendingCost = event.expectedCost;
  }

  /** Runs added after the start (evaluations, a next look): the total grows, those completed before count as done. */
  more(event: Extract<SweepEvent, { type: "more" }>): void {
    this.total = event.total;
    this.done += event.alreadyCompleted;
  }

  /** A run that ended: completed and failed runs count as done; an interrupted, requeued or lost one is still to do. */
  end(event: Extract<SweepEvent, { type: "run-end" }>): void {
    if (event.status !== "completed" && event.status !== "failed") return;
    this.finishedCost += event.expectedCost;
    this.done++;
    if (event.status === "failed") this.failed++;
  }

  elapsedMs(now = Date.now()): number {
    return now - this.started;
  }

  /** Milliseconds left, or null until a run has finished. */
  etaMs(now = Date.now()): number | null {
    if (this.finishedCost <= 0) return null;
    return (this.elapsedMs(now) * Math.max(0, this.pendingCost - this.finishedCost)) / this.finishedCost;
  }

  /** `1 failed · 1m12s elapsed · ETA 2m30s` */
  text(now = Date.now()): string {
    const eta = this.etaMs(now);
    return [
      this.failed > 0 ? `${this.failed} failed` : "",
      `${duration(this.elapsedMs(now))} elapsed`,
      eta === null ? "ETA –" : `ETA ${duration(eta)}`,
    ]
      .filter((x) => x !== "")
      .join(" · ");
  }
}

type Epoch = Extract<SweepEvent, { type: "epoch" }>["epoch"];

/**
 * A run trained without a validation split (the archive's published protocol) has no validation loss: it
 * comes as NaN from the models, and as null once it has crossed from the worker as JSON.
 */
const hasValidation = (epoch: Epoch) => typeof epoch.valLoss === "number" && Number.isFinite(epoch.valLoss);

/** `train 0.6931  val 0.6930`, or the training loss alone where the run has no validation split. */
export const epochLosses = (epoch: Epoch) =>
  `train ${epoch.trainLoss.toFixed(4)}  ${hasValidation(epoch) ? `val ${epoch.valLoss.toFixed(4)}` : "(no validation split)"}`;

/** The loss a progress bar shows after an epoch: validation's, else training's. */
export const epochLoss = (epoch: Epoch) =>
  hasValidation(epoch) ? `${epoch.valLoss.toFixed(4)} (val)` : `${epoch.trainLoss.toFixed(4)} (train)`;

const startLine = (event: Extract<SweepEvent, { type: "start" }>) =>
  `${event.total} runs: ${event.alreadyCompleted} already completed, ${event.toRun} to run, ${event.concurrency === 0 ? "enqueued for other workers" : `${event.concurrency} at a time`}` +
  (event.requeued.length > 0 ? `; ${event.requeued.length} run(s) of a stopped sweep or worker requeued` : "") +
  (event.outdated > 0
    ? `; ${event.outdated} completed run(s) made by older code (data generator or model parts) or from problem files since edited redone`
    : "");

export interface Progress {
  onEvent(event: SweepEvent): void;
  stop(): void;
  log(line: string): void;
}

/**
 * On a terminal: a bar for the sweep (runs done / total, failures, elapsed, ETA) and one per active run
 * (epoch n/N, loss), each cut to the terminal's width. Elsewhere (CI, a pipe): one line per run start,
 * epoch and end.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

/**
 * What both renderers log alike, after their own handling of the event: the queue's notices, a tuned
 * experiment's choices, a sequential look's new seeds, the queue's progress while the sweep only watches.
 */
function noticeLines(event: SweepEvent): string[] {
  switch (event.type) {
    case "stale":
    case "unplannable":
      return [engineEventLine(event)];
    case "chosen":
      return chosenLines(event);
    case "more": {
      const line = moreLine(event);
      return line === null ? [] : [line];
    }
    case "watch":
      return [queueProgressText(event.progress)];
    case "start":
    case "run-start":
    case "run-end":
    case "epoch":
    case "batch":
      // Each renderer shows these its own way (a line, or a bar).
      return [];
  }
}

class LineProgress implements Progress {
  private readonly clock = new SweepClock();
  constructor(private readonly stream: NodeJS.WriteStream) {}
  log(line: string) {
    this.stream.write(`${line}\n`);
  }
  onEvent(event: SweepEvent) {
    switch (event.type) {
      case "start":
        this.clock.start(event);
        this.log(startLine(event));
        break;
      case "run-start":
        this.log(`[${this.clock.done + 1}/${this.clock.total}] start ${describe(event.plan)} (${event.plan.id})`);
        break;
      case "epoch":
        this.log(
          `    ${event.plan.model} seed ${event.plan.seed} epoch ${event.epoch.epoch}/${event.plan.train.epochs}: ${epochLosses(event.epoch)}  (${(event.epoch.durationMs / 1000).toFixed(1)} s)`,
        );
        break;
      case "run-end":
        this.clock.end(event);
        if (event.status === "requeued" || event.status === "lost") {
          this.log(`    ${engineEventLine(event)}`);
          break;
        }
        this.log(
          `[${this.clock.done}/${this.clock.total}] ${event.status} ${describe(event.plan)}` +
            (event.testF1 !== null ? ` test F1 ${event.testF1.toFixed(4)}${event.didNotLearn ? " (did not learn)" : ""}` : "") +
            (event.status === "failed" ? `: ${event.error}` : "") +
            ` (${this.clock.text()})`,
        );
        break;
      case "more":
        this.clock.more(event);
        break;
    }
    for (const line of noticeLines(event)) this.log(line);
  }
  stop() {}
}

interface RunLine {
  plan: RunPlan;
  epoch: number;
  batch: number;
  batches: number;
  loss: string;
}

const bar = (fraction: number, size: number) => {
  const full = Math.max(0, Math.min(size, Math.round(fraction * size)));
  return `${"█".repeat(full)}${"░".repeat(size - full)}`;
};

/**
 * How far a run is through its epoch budget (early stopping may end it sooner): the epochs done plus the
 * share of the current epoch's batches. `epoch` is the epoch in progress (1-based), 0 before the first.
 */
export function runFraction(line: { epoch: number; batch: number; batches: number }, epochs: number): number {
  if (epochs <= 0 || line.epoch === 0) return 0;
  const inEpoch = line.batches === 0 ? 0 : line.batch / line.batches;
  return Math.min(1, (line.epoch - 1 + inEpoch) / epochs);
}

/**
 * A logged line broken into rows of at most `width` characters, at spaces where it can: a row the terminal
 * wraps itself is one row to it but one line to the bars' redraw, which then writes over its tail.
 */
export function wrapToWidth(text: string, width: number): string[] {
  const rows: string[] = [];
  for (const line of text.split("\n")) {
    let rest = line;
    while (rest.length > width) {
      const space = rest.lastIndexOf(" ", width);
      const cut = space > width / 2 ? space : width;
      rows.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
    rows.push(rest);
  }
  return rows;
}

/** A short name for a run in its bar: model, point, seed; cut first when the line is too long. */
const shortName = (plan: RunPlan) => `${plan.model} ${formatPoint(plan.point) || ""} s${plan.seed}`.replace(/\s+/g, " ");

/** `head` cut so that `head + tail` fits `width` (the tail, with the numbers, is kept whole). */
function fit(head: string, tail: string, width: number): string {
  const room = width - tail.length;
  if (room <= 0) return tail.slice(0, width);
  return (head.length > room ? `${head.slice(0, Math.max(0, room - 1))}…` : head.padEnd(room)) + tail;
}

class BarProgress implements Progress {
  private readonly bars: cliProgress.MultiBar;
  private overall: cliProgress.SingleBar | null = null;
  private readonly active = new Map<string, { bar: cliProgress.SingleBar; line: RunLine }>();
  private readonly clock = new SweepClock();
  private concurrency = 1;
  constructor(private readonly stream: NodeJS.WriteStream) {
    this.bars = new cliProgress.MultiBar(
      {
        stream,
        clearOnComplete: false,
        hideCursor: true,
        format: (_options, _params, payload: { render: () => string }) => payload.render(),
      },
      cliProgress.Presets.shades_classic,
    );
  }
  private width(): number {
    return Math.max(40, (this.stream.columns || 80) - 1);
  }
  private overallLine(): string {
    const size = this.width() < 100 ? 12 : 24;
    const fraction = this.clock.total === 0 ? 1 : this.clock.done / this.clock.total;
    return fit(
      "runs",
      ` ${bar(fraction, size)} ${this.clock.done}/${this.clock.total} · ${this.clock.text()} · ${this.concurrency} at a time`,
      this.width(),
    );
  }
  private runLine(line: RunLine): string {
    const size = this.width() < 100 ? 8 : 16;
    const epochText = line.epoch === 0 ? "starting" : `epoch ${line.epoch}/${line.plan.train.epochs}`;
    const loss = line.loss === "" ? "" : ` loss ${line.loss}`;
    return fit(`  ${shortName(line.plan)}`, ` ${bar(runFraction(line, line.plan.train.epochs), size)} ${epochText}${loss}`, this.width());
  }
  log(line: string) {
    for (const row of wrapToWidth(line, this.width())) this.bars.log(`${row}\n`);
  }
  onEvent(event: SweepEvent) {
    switch (event.type) {
      case "start":
        this.clock.start(event);
        this.concurrency = event.concurrency;
        // Said at the start, as without a terminal: a resumed sweep shows at once what was already done.
        this.log(startLine(event));
        this.overall = this.bars.create(event.total, event.alreadyCompleted, { render: () => this.overallLine() });
        break;
      case "run-start": {
        const line: RunLine = { plan: event.plan, epoch: 0, batch: 0, batches: 0, loss: "" };
        this.active.set(event.plan.id, { line, bar: this.bars.create(1, 0, { render: () => this.runLine(line) }) });
        break;
      }
      case "batch": {
        const run = this.active.get(event.plan.id);
        if (run === undefined) break;
        Object.assign(run.line, { epoch: event.epoch, batch: event.batch, batches: event.batches, loss: event.loss.toFixed(4) });
        run.bar.update(event.batch);
        break;
      }
      case "epoch": {
        const run = this.active.get(event.plan.id);
        if (run === undefined) break;
        // The epoch is done: the bar stands at epoch / budget until the next epoch's first batch.
        Object.assign(run.line, { epoch: event.epoch.epoch, batch: 1, batches: 1, loss: epochLoss(event.epoch) });
        run.bar.update(0);
        break;
      }
      case "run-end": {
        this.clock.end(event);
        // Logged before the bar goes: removing it redraws, which writes the log line out.
        if (event.status === "requeued" || event.status === "lost") this.log(engineEventLine(event));
        else if (event.status !== "completed")
          this.log(`${event.status}: ${describe(event.plan)}${event.status === "failed" && event.error ? `: ${event.error}` : ""}`);
        const run = this.active.get(event.plan.id);
        this.active.delete(event.plan.id);
        this.overall?.update(this.clock.done);
        if (run !== undefined) this.bars.remove(run.bar);
        break;
      }
      case "more":
        this.clock.more(event);
        this.overall?.setTotal(event.total);
        this.overall?.update(this.clock.done);
        break;
    }
    for (const line of noticeLines(event)) this.log(line);
  }
  stop() {
    // Runs stopped mid-way leave no bar behind to be mistaken for progress under the summary.
    for (const run of this.active.values()) this.bars.remove(run.bar);
    this.active.clear();
    // cli-progress drops lines logged since its last redraw when it stops: redraw first.
    this.bars.update();
    this.bars.stop();
  }
}
