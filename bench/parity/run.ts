// The parity run itself: per seed, the dataset once, then each variant on it; results kept per seed under
// `out` (see files.ts), the tables or the JSON at the end. Returns the exit code.
import { resolveTrainConfig, selectBackend, type BackendInfo } from "@tsa/models";
import { loadExperiment } from "@tsa/runner/experiment";
import { join } from "node:path";
import { runPytorchProgram } from "../pytorch/program.js";
import type { ParityOptions } from "./args.js";
import { datasetFolder, ensureDataset, readResult, writeResult } from "./files.js";
import { isCurrent, trainOurs } from "./ours.js";
import { fromPytorchSummary, type SeedResult } from "./results.js";
import { summarize } from "./summary.js";
import { curvesTable, seedTable, summaryTable } from "./table.js";
import type { Variant } from "./variants.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

export async function runParity(options: ParityOptions): Promise<number> {
  const experiment = loadExperiment(options.experiment);
  const protocol = resolveTrainConfig(experiment.train);
  const out = options.out ?? join("results", "parity", experiment.name);
  // Our kernels read this on every call: the same thread count as PyTorch's.
  process.env.TSA_KERNEL_THREADS = String(options.threads);

  const controller = new AbortController();
  const interrupt = () => {
    if (!controller.signal.aborted) log("interrupted: stopping the run in progress; finished results are kept in " + out);
    controller.abort();
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);

  log(
    `parity: ${experiment.name} (${options.experiment}), seeds ${options.seeds.join(", ")}, ${options.threads} thread(s) each, results in ${out}`,
  );
  let backend: BackendInfo | null = null;
  const results: SeedResult[] = [];
  let failed = 0;
  for (const seed of options.seeds) {
    if (controller.signal.aborted) break;
    // A result of ours trained by an older version of its model (see modelCodeVersion) is not this variant's.
    const keptResult = (variant: Variant): SeedResult | null => {
      const kept = readResult(out, seed, variant);
      if (kept === null || variant === "pytorch" || isCurrent(kept, variant, protocol)) return kept;
      log(
        `seed ${seed} ${variant}: its result is from an older version of the model (${kept.modelCodeVersion ?? 1}), ${options.reportOnly ? "not counted" : "training it again"}`,
      );
      return null;
    };
    if (options.reportOnly) {
      results.push(...options.variants.flatMap((variant) => keptResult(variant) ?? []));
      continue;
    }
    const data = await ensureDataset(out, seed, options.experiment, options.points, controller.signal);
    log(`seed ${seed}: dataset ${data} (${datasetFolder(out, seed)})`);
    for (const variant of options.variants) {
      if (controller.signal.aborted) break;
      const kept = keptResult(variant);
      if (kept !== null) {
        log(`seed ${seed} ${variant}: reused, test F1 ${kept.testF1.toFixed(4)}`);
        results.push(kept);
        continue;
      }
      const progress = (epoch: number, valLoss: number) => log(`  seed ${seed} ${variant} epoch ${epoch}: val loss ${valLoss.toFixed(4)}`);
      try {
        let result: SeedResult;
        if (variant === "pytorch") {
          const args = ["--full", "--epochs", String(protocol.epochs), "--seed", String(seed), "--threads", String(options.threads)];
          const summary = await runPytorchProgram([...args, "--data", datasetFolder(out, seed)], {
            python: options.python,
            signal: controller.signal,
            onLine: (line) => {
              const epoch = JSON.parse(line) as { epoch?: number; val_loss?: number };
              if (epoch.epoch !== undefined && epoch.val_loss !== undefined) progress(epoch.epoch, epoch.val_loss);
            },
          });
          result = fromPytorchSummary(summary);
        } else {
          backend ??= await selectBackend("auto");
          result = await trainOurs(datasetFolder(out, seed), variant, seed, protocol, backend, {
            onEpoch: progress,
            signal: controller.signal,
          });
        }
        writeResult(out, result);
        results.push(result);
        log(
          `seed ${seed} ${variant}: test F1 ${result.testF1.toFixed(4)}, ${result.epochsRun} epochs (best ${result.bestEpoch}), ${result.seconds.toFixed(0)} s`,
        );
      } catch (e) {
        if (controller.signal.aborted) break;
        failed++;
        log(`seed ${seed} ${variant}: failed: ${(e as Error).message}`);
      }
    }
  }

  report(results, options, out);
  if (controller.signal.aborted) return 130;
  return failed > 0 ? 1 : 0;
}

function report(results: SeedResult[], options: ParityOptions, out: string): void {
  const summary = summarize(results);
  if (options.json) {
    console.log(JSON.stringify({ experiment: options.experiment, threads: options.threads, out, results, summary }));
    return;
  }
  const seeds = (variant: Variant) => results.filter((r) => r.variant === variant).length;
  log(`finished: ${options.variants.map((v) => `${v} ${seeds(v)}/${options.seeds.length}`).join(", ")}`);
  console.log(seedTable(results).join("\n"));
  console.log();
  console.log(summaryTable(summary).join("\n"));
  if (options.curves) console.log(["", ...curvesTable(results)].join("\n"));
}
