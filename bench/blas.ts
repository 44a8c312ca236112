// Which BLAS each side of a speed comparison multiplies with (issue 27): Debian's python3-torch calls whatever
// libblas.so.3 the system points at, the reference BLAS (about 3 GFLOP/s here) unless libopenblas0-pthread is
// installed, and a ratio against that PyTorch flatters us. `yarn bench` and `yarn bench conv` print this
// beside every PyTorch figure and mark a ratio against a reference BLAS.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface PytorchBlas {
  torch: string;
  /** torch.__config__'s BLAS_INFO: "generic" means "the system's libblas.so.3". */
  blas_info: string | null;
  mkldnn: boolean;
  /** BLAS libraries mapped into the process. */
  libraries: string[];
  kind: "optimised" | "reference";
  threads: number;
  sgemm_gflops: number;
}

export const OPENBLAS_ADVICE = "apt-get install -y libopenblas0-pthread beside python3-torch";

/** Runs bench/pytorch/blas.py; null when it fails (the caller already knows whether torch imports). */
export function pytorchBlas(python: string, threads: number): PytorchBlas | null {
  const program = fileURLToPath(new URL("./pytorch/blas.py", import.meta.url));
  const run = spawnSync(python, [program, "--threads", String(threads)], { encoding: "utf8" });
  if (run.status !== 0) return null;
  try {
    return JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as PytorchBlas;
  } catch {
    return null;
  }
}

/** Whether a ratio against this PyTorch is honest: only when it multiplies with an optimised BLAS we could see. */
export function isFairYardstick(blas: PytorchBlas | null): boolean {
  return blas !== null && blas.kind === "optimised";
}

/** One line for the tables: version, the BLAS library, its measured sgemm, and a loud mark when it is the reference BLAS. */
export function describeBlas(blas: PytorchBlas | null): string {
  if (blas === null) return "BLAS unknown (bench/pytorch/blas.py failed)";
  const library = blas.libraries.map((l) => l.split("/").pop()).join(" + ") || `BLAS_INFO=${blas.blas_info}`;
  const line = `torch ${blas.torch}, BLAS ${library}, sgemm 2400×640×256 ${blas.sgemm_gflops.toFixed(0)} GFLOP/s at ${blas.threads} thread(s)${blas.mkldnn ? ", oneDNN convolutions" : ""}`;
  return blas.kind === "reference" ? `${line} — REFERENCE BLAS, NOT A FAIR YARDSTICK: ${OPENBLAS_ADVICE}` : line;
}
