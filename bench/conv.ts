// `yarn bench conv`: our native 1-D convolution beside PyTorch's Conv1d (oneDNN) at the FCN/ResNet shapes of
// issue 27, forward + backward, in one command: for each shape the two sides take turns, repeat by repeat,
// so a busy machine slows both alike. Prints ms and GFLOP/s of each side (medians) and our time over theirs.
import { kernels } from "@tsa/kernels";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_PYTHON, pytorchUnavailable, TORCH_INSTALL_ADVICE } from "./pytorch/program.js";
import { describeBlas, isFairYardstick, pytorchBlas } from "./blas.js";
import { median } from "./scale.js";

/** [channels, filters, kernel size]: the FCN's and ResNet's convolutions (Wang et al. 2017). */
export const CONV_SHAPES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 128, 8],
  [128, 256, 5],
  [256, 128, 3],
  [64, 64, 5],
  [128, 128, 8],
];

export const CONV_USAGE = `Usage: yarn bench conv [--lengths 24,150,500] [--batch 16] [--repeats 5] [--threads N] [--python PATH]`;

interface ConvShape {
  batch: number;
  channels: number;
  filters: number;
  kernel: number;
  length: number;
}

/** Multiply-adds × 2 of forward + backward (dx and dW are each as big as the forward). */
const flops = (s: ConvShape) => 3 * 2 * s.batch * s.length * s.channels * s.filters * s.kernel;

function timeOurs(s: ConvShape, repeats: number): number[] {
  const k = kernels();
  const shape = { batch: s.batch, steps: s.length, channels: s.channels, filters: s.filters, kernelSize: s.kernel };
  const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const x = rand(s.batch * s.length * s.channels);
  const w = rand(s.kernel * s.channels * s.filters);
  const bias = rand(s.filters);
  const dOut = rand(s.batch * s.length * s.filters);
  const step = () => {
    k.conv1dForward(shape, x, w, bias);
    k.conv1dBackward(shape, x, w, dOut);
  };
  step();
  return Array.from({ length: repeats }, () => {
    const start = performance.now();
    step();
    return performance.now() - start;
  });
}

/** PyTorch's side: a child that times one shape per request (bench/pytorch/conv.py). */
function startPytorch(python: string, threads: number) {
  const program = fileURLToPath(new URL("./pytorch/conv.py", import.meta.url));
  const child = spawn(python, [program, "--threads", String(threads)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done) throw new Error("bench/pytorch/conv.py ended early");
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  return {
    ready: next,
    async time(s: ConvShape, repeats: number): Promise<number[]> {
      child.stdin.write(`${JSON.stringify({ ...s, repeats })}\n`);
      return (await next()).ms as number[];
    },
    close: () => child.stdin.end(),
  };
}

const gflops = (s: ConvShape, ms: number) => flops(s) / ms / 1e6;

export async function convBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      lengths: { type: "string", default: "24,150,500" },
      batch: { type: "string", default: "16" },
      repeats: { type: "string", default: "5" },
      threads: { type: "string", default: "2" },
      python: { type: "string", default: DEFAULT_PYTHON },
    },
  });
  const lengths = values.lengths.split(",").map(Number);
  const [batch, repeats, threads] = [Number(values.batch), Number(values.repeats), Number(values.threads)];
  if ([batch, repeats, threads, ...lengths].some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`bench conv: expected positive integers\n${CONV_USAGE}`);
    process.exit(2);
  }
  process.env.TSA_KERNEL_THREADS = String(threads);
  const ours = kernels();
  if (ours.name !== "native") console.error("bench conv: the native addon did not load; timing the TypeScript kernels");
  const why = pytorchUnavailable(values.python);
  const torchBlas = why === null ? pytorchBlas(values.python, threads) : null;
  const torch = why === null ? startPytorch(values.python, threads) : null;
  if (torch !== null) await torch.ready();

  console.log(`1-D convolution, 'same' padding, forward + backward, batch ${batch}, ${threads} thread(s) a side; median of ${repeats}`);
  console.log(`  ours: ${ours.name} kernels, GEMM ${ours.gemm}`);
  console.log(`  PyTorch: ${torchBlas === null ? `not measured: ${why} (${TORCH_INSTALL_ADVICE})` : describeBlas(torchBlas)}`);
  const header = ["C→F", "k", "T", "ours ms", "GFLOP/s", "torch ms", "GFLOP/s", "ours/torch"];
  const widths = [10, 3, 5, 9, 8, 9, 8, 11];
  const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
  row(header);
  for (const length of lengths) {
    for (const [channels, filters, kernel] of CONV_SHAPES) {
      const s: ConvShape = { batch, channels, filters, kernel, length };
      const mine: number[] = [];
      const theirs: number[] = [];
      // Alternate: one repeat of ours, one of PyTorch's, so a burst of load lands on both.
      for (let r = 0; r < repeats; r++) {
        mine.push(...timeOurs(s, 1));
        if (torch !== null) theirs.push(...(await torch.time(s, 1)));
      }
      const [a, b] = [median(mine), theirs.length > 0 ? median(theirs) : null];
      row([
        `${channels}→${filters}`,
        String(kernel),
        String(length),
        a.toFixed(2),
        gflops(s, a).toFixed(0),
        b === null ? "–" : b.toFixed(2),
        b === null ? "–" : gflops(s, b).toFixed(0),
        b === null ? "–" : isFairYardstick(torchBlas) ? (a / b).toFixed(2) : "ref. BLAS",
      ]);
    }
  }
  torch?.close();
}
