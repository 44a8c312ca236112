import type { RunPlan, SweepEvent } from "@tsa/runner";
import { formatPoint } from "@tsa/report/tables";
import cliProgress from "cli-progress";

const describe = (plan: RunPlan) =>
  `${plan.model.padEnd(16)} ${formatPoint(plan.point) || "-"} seed ${plan.seed}`;

export interface Progress {
  onEvent(event: SweepEvent): void;
  stop(): void;
  log(line: string): void;
}

/**
 * On a terminal: a bar for the sweep (runs done / total) and one per active run (epoch, batch, loss).
 * Elsewhere (CI, a pipe): one line per run start, epoch and end.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

class LineProgress implements Progress {
  private total = 0;
  private done = 0;
  constructor(private readonly stream: NodeJS.WriteStream) {}
  log(line: string) {
    this.stream.write(`${line}\n`);
  }
  onEvent(event: SweepEvent) {
    switch (event.type) {
      case "start":
        this.total = event.total;
        this.done = event.alreadyCompleted;
        this.log(`${event.total} runs: ${event.alreadyCompleted} already completed, ${event.toRun} to run, ${event.concurrency} at a time` +
          (event.reaped.length > 0 ? `; ${event.reaped.length} run(s) of a stopped sweep marked interrupted and redone` : ""));
        break;
      case "run-start":
        this.log(`[${this.done + 1}/${this.total}] start ${describe(event.plan)} (${event.plan.id})`);
        break;
      case "epoch":
        this.log(`    ${event.plan.model} seed ${event.plan.seed} epoch ${event.epoch.epoch}: train ${event.epoch.trainLoss.toFixed(4)}  val ${event.epoch.valLoss.toFixed(4)}  (${(event.epoch.durationMs / 1000).toFixed(1)} s)`);
        break;
      case "run-end":
        this.done++;
        this.log(`[${this.done}/${this.total}] ${event.status} ${describe(event.plan)}` +
          (event.testF1 !== null ? ` test F1 ${event.testF1.toFixed(4)}${event.didNotLearn ? " (did not learn)" : ""}` : "") +
          (event.status === "failed" ? `: ${event.error}` : ""));
        break;
      case "run-skipped":
        this.log(`    skip ${describe(event.plan)}: ${event.reason}`);
        break;
      case "batch":
        break;
    }
  }
  stop() {}
}

class BarProgress implements Progress {
  private readonly bars: cliProgress.MultiBar;
  private overall: cliProgress.SingleBar | null = null;
  private readonly active = new Map<string, cliProgress.SingleBar>();
  constructor(stream: NodeJS.WriteStream) {
    this.bars = new cliProgress.MultiBar(
      { stream, clearOnComplete: false, hideCursor: true, format: "{label} |{bar}| {value}/{total} {info}", barsize: 24, autopadding: true },
      cliProgress.Presets.shades_classic,
    );
  }
  log(line: string) {
    this.bars.log(`${line}\n`);
  }
  onEvent(event: SweepEvent) {
    switch (event.type) {
      case "start":
        this.overall = this.bars.create(event.total, event.alreadyCompleted, { label: "runs".padEnd(40), info: `${event.concurrency} at a time` });
        if (event.reaped.length > 0) this.log(`${event.reaped.length} run(s) of a stopped sweep marked interrupted; redoing them`);
        break;
      case "run-start":
        this.active.set(event.plan.id, this.bars.create(1, 0, { label: describe(event.plan).slice(0, 40).padEnd(40), info: "starting" }));
        break;
      case "batch": {
        const bar = this.active.get(event.plan.id);
        bar?.setTotal(event.batches);
        bar?.update(event.batch, { info: `epoch ${event.epoch} batch loss ${event.loss.toFixed(4)}` });
        break;
      }
      case "epoch":
        this.active.get(event.plan.id)?.update({ info: `epoch ${event.epoch.epoch} val loss ${event.epoch.valLoss.toFixed(4)}` });
        break;
      case "run-end": {
        const bar = this.active.get(event.plan.id);
        if (bar !== undefined) this.bars.remove(bar);
        this.active.delete(event.plan.id);
        this.overall?.increment();
        if (event.status !== "completed") this.log(`${event.status}: ${describe(event.plan)}${event.error ? `: ${event.error}` : ""}`);
        break;
      }
      case "run-skipped":
        break;
    }
  }
  stop() {
    this.bars.stop();
  }
}
