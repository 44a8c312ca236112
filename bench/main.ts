// `yarn bench`: seconds per training epoch at the reference scale for each model, the PyTorch reference's
// seconds per epoch measured in the same command with the same thread count, their ratio, and sweep
// throughput (runs per minute) with 1 and 2 workers; `yarn bench coordination` measures the shared run queue
// instead. Never part of a test run. See bench/README.md.
import { kernelThreads, kernels } from "@tsa/kernels";
import { selectBackend } from "@tsa/models";
import { BenchUsageError, USAGE, benchPreset, parseBenchArgs } from "./args.js";
import { OPENBLAS_ADVICE, describeBlas, isFairYardstick, pytorchBlas, type PytorchBlas } from "./blas.js";
import { measureEpoch, type EpochMeasurement } from "./epoch.js";
import { profileBilstmAttention } from "./profile.js";
import { measurePytorch, pytorchUnavailable } from "./pytorch.js";
import { DEFAULT_PYTHON, TORCH_INSTALL_ADVICE } from "./pytorch/program.js";
import { referenceSplits } from "./scale.js";
import { measureThroughput, smokeExperiment, type Throughput } from "./sweep.js";

/** The --json shape (issue 3). */
interface BenchResult {
  models: Record<string, { secondsPerEpoch: number }>;
  pytorch: { secondsPerEpoch: number; blas: PytorchBlas | null } | null;
  /** What our large products run on (the kernels' GEMM). */
  gemm: string;
  threads: number;
  runsPerMinute: { "1": number | null; "2": number | null };
}

/** Everything the tables print. */
interface Measured {
  result: BenchResult;
  epochs: Record<string, EpochMeasurement>;
  pytorchNote: string;
  throughput: Record<"1" | "2", Throughput | null>;
  profile: ReturnType<typeof profileBilstmAttention> | null;
  batchesPerEpoch: number;
  batchesMeasured: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (line = "") => console.log(line);
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const pad = (cells: string[], widths: number[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");

async function main(): Promise<void> {
  // `yarn bench coordination`: the shared run queue, not training (bench/coordination.ts).
  if (process.argv[2] === "coordination") return (await import("./coordination.js")).coordinationBench(process.argv.slice(3));
  // `yarn bench ui`: the web UI over a generated store of 100,000 runs (bench/ui.ts).
  if (process.argv[2] === "ui") return (await import("./ui.js")).uiBench();
  // `yarn bench conv`: our convolution beside PyTorch's at the FCN/ResNet shapes (bench/conv.ts).
  if (process.argv[2] === "conv") return (await import("./conv.js")).convBench(process.argv.slice(3));
  // `yarn bench sequential`: sequential seeds' error rates, power and seeds spent, by simulation (bench/sequential.ts).
  if (process.argv[2] === "sequential") return (await import("./sequential.js")).sequentialBench();
  // `yarn bench strategy`: what a sweep's strategy reads each time it decides, before and after its narrow query (bench/strategy.ts).
  if (process.argv[2] === "strategy") return (await import("./strategy.js")).strategyBench(process.argv.slice(3));
  // `yarn bench archive`: a preset on an archive problem under the published protocol (bench/archive.ts).
  if (process.argv[2] === "archive") return (await import("./archive.js")).archiveBench(process.argv.slice(3));
  const options = parseBenchArgs(process.argv.slice(2));
  const backend = await selectBackend("auto");
  // The native LSTM uses one thread per direction, so at most 2 threads; PyTorch gets the same count.
  const threads = Math.min(2, kernelThreads());
  log(`backend ${backend.backend}, kernels ${kernels().name} (GEMM ${kernels().gemm}), ${threads} thread(s)`);

  const epochs: Record<string, EpochMeasurement> = {};
  let batchesPerEpoch = 0;
  if (!options.skip.has("epochs")) {
    log("generating the reference dataset…");
    const splits = referenceSplits();
    batchesPerEpoch = splits.batchesPerEpoch;
    for (const model of options.models) {
      log(`${model}: ${options.batches} batches × ${options.epochs} epoch(s) + validation pass…`);
      epochs[model] = await measureEpoch(model, splits, options.batches, options.epochs);
    }
  }
  const attentionEpoch = epochs["bilstm-attention"];
  const profile = options.profile && attentionEpoch !== undefined ? profileBilstmAttention(attentionEpoch) : null;

  let pytorch: { secondsPerEpoch: number; version: string; blas: PytorchBlas | null } | null = null;
  let pytorchNote = "skipped (--skip pytorch)";
  if (!options.skip.has("pytorch")) {
    const why = pytorchUnavailable();
    if (why !== null) pytorchNote = `not measured: ${why} (${TORCH_INSTALL_ADVICE})`;
    else {
      const blas = pytorchBlas(DEFAULT_PYTHON, threads);
      log(`pytorch: ${describeBlas(blas)}`);
      log(`pytorch reference: ${options.epochs} full epoch(s) at ${threads} thread(s) (about 60 s each)…`);
      const measured = await measurePytorch(options.epochs, threads, (line) => log(`  pytorch: ${line}`));
      pytorch = { ...measured, blas };
      pytorchNote = `${measured.version}; ${describeBlas(blas)}`;
    }
  }

  const throughput: Record<"1" | "2", Throughput | null> = { "1": null, "2": null };
  if (!options.skip.has("sweep")) {
    const experiment = smokeExperiment([...new Set(options.models.map(benchPreset))]);
    for (const workers of [1, 2] as const) {
      log(`sweep throughput: smoke-sized runs with ${workers} worker(s)…`);
      let done = 0;
      throughput[workers] = await measureThroughput(experiment, workers, () => log(`  run ${++done} done`));
    }
  }

  const result: BenchResult = {
    models: Object.fromEntries(Object.entries(epochs).map(([m, e]) => [m, { secondsPerEpoch: e.secondsPerEpoch }])),
    pytorch: pytorch === null ? null : { secondsPerEpoch: pytorch.secondsPerEpoch, blas: pytorch.blas },
    gemm: kernels().gemm,
    threads,
    runsPerMinute: { "1": throughput["1"]?.runsPerMinute ?? null, "2": throughput["2"]?.runsPerMinute ?? null },
  };
  if (options.json) {
    console.log(JSON.stringify(result));
    return;
  }
  printTables({ result, epochs, pytorchNote, throughput, profile, batchesPerEpoch, batchesMeasured: options.batches });
}

function printTables(measured: Measured): void {
  const torch = measured.result.pytorch?.secondsPerEpoch ?? null;
  if (Object.keys(measured.epochs).length > 0) printEpochs(measured);
  else if (torch !== null) out(`PyTorch reference: ${fmt(torch, 2)} s/epoch (${measured.pytorchNote})`);
  if (measured.throughput["1"] !== null || measured.throughput["2"] !== null) printThroughput(measured.throughput);
}

function printEpochs({ result, epochs, pytorchNote, profile, batchesPerEpoch, batchesMeasured }: Measured): void {
  const torch = result.pytorch?.secondsPerEpoch ?? null;
  // No ratio against a PyTorch on the reference BLAS: it would flatter us (issue 27).
  const fair = result.pytorch !== null && isFairYardstick(result.pytorch.blas);
  out(
    `Seconds per training epoch at the reference scale (7,000 train series × 500 points, batch 32, ${batchesPerEpoch} batches, + validation pass over 1,000), ${result.threads} thread(s).`,
  );
  out(
    `Extrapolated: ${batchesMeasured} training batches timed per epoch × ${batchesPerEpoch} / ${batchesMeasured}, plus the measured validation pass; median over epochs after one warm-up epoch.`,
  );
  const widths = [24, 12, 12, 12, 14];
  out(pad(["model", "ms/batch", "val pass s", "s/epoch", "× PyTorch"], widths));
  for (const [model, e] of Object.entries(epochs)) {
    out(
      pad(
        [
          model,
          fmt(e.trainMsPerBatch),
          fmt(e.valPassMs / 1000, 2),
          fmt(e.secondsPerEpoch, 2),
          torch === null ? "–" : fair ? fmt(e.secondsPerEpoch / torch, 3) : "ref. BLAS",
        ],
        widths,
      ),
    );
  }
  out(pad(["pytorch reference", "", "", torch === null ? "–" : fmt(torch, 2), torch === null ? "" : "1.000"], widths));
  out(`  ours: GEMM ${result.gemm}`);
  out(`  PyTorch: ${pytorchNote}${torch === null ? "" : "; its time excludes its validation pass, ours includes it"}`);
  if (torch !== null && !fair) out(`  No ratio: PyTorch does not multiply with an optimised BLAS here (${OPENBLAS_ADVICE}).`);
  for (const [model, e] of Object.entries(epochs)) {
    const reference = model.endsWith("+recipe") ? epochs[model.replace(/\+recipe$/, "")] : undefined;
    if (reference !== undefined)
      out(`  ${model} / ${model.replace(/\+recipe$/, "")}: ${fmt(e.secondsPerEpoch / reference.secondsPerEpoch, 3)}× per epoch`);
  }
  if (profile !== null) {
    const epoch = epochs["bilstm-attention"]!;
    const total = epoch.secondsPerEpoch * 1000;
    out();
    out("bilstm-attention: each part's share of an epoch (forward + backward per batch × batches; validation pass as measured)");
    const w = [32, 10, 10, 8];
    out(pad(["part", "ms/batch", "s/epoch", "share"], w));
    for (const row of profile) {
      const ms = row.msPerBatch * batchesPerEpoch;
      out(pad([row.part, fmt(row.msPerBatch), fmt(ms / 1000, 2), `${fmt((100 * ms) / total)}%`], w));
    }
    out(pad(["validation pass", "", fmt(epoch.valPassMs / 1000, 2), `${fmt((100 * epoch.valPassMs) / total)}%`], w));
  }
}

function printThroughput(throughput: Measured["throughput"]): void {
  out();
  out("Sweep throughput on experiments/smoke.yaml-sized runs (runSweep, worker processes, a temporary SQLite file)");
  out("whole sweep: completed runs over wall time, worker start-up included; steady: after every worker's first run;");
  out("cores busy: CPU time of the sweep and its workers (all their threads) over wall time");
  const w = [10, 8, 8, 10, 12, 14, 12];
  out(pad(["workers", "runs", "failed", "seconds", "runs/minute", "steady r/min", "cores busy"], w));
  for (const k of ["1", "2"] as const) {
    const t = throughput[k];
    if (t === null) continue;
    const steady = t.steadyRunsPerMinute === null ? "–" : fmt(t.steadyRunsPerMinute, 2);
    out(
      pad(
        [
          k,
          String(t.runs),
          String(t.failed),
          fmt(t.seconds),
          fmt(t.runsPerMinute, 2),
          steady,
          t.coresBusy === null ? "–" : fmt(t.coresBusy, 2),
        ],
        w,
      ),
    );
  }
  const [one, two] = [throughput["1"], throughput["2"]];
  if (one !== null && two !== null) {
    const steady =
      one.steadyRunsPerMinute !== null && two.steadyRunsPerMinute !== null
        ? `, steady ${fmt(two.steadyRunsPerMinute / one.steadyRunsPerMinute, 2)}×`
        : "";
    out(`2 workers / 1 worker: whole sweep ${fmt(two.runsPerMinute / one.runsPerMinute, 2)}×${steady}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof BenchUsageError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
