// The yardstick's verdict on which PyTorch is fit to compare against (no PyTorch is started here).
import { describe, expect, it } from "vitest";
import { describeBlas, isFairYardstick, type PytorchBlas } from "./blas.js";

const debian = (libraries: string[], kind: PytorchBlas["kind"]): PytorchBlas => ({
  torch: "1.13.0a0",
  blas_info: "generic",
  mkldnn: true,
  libraries,
  kind,
  threads: 2,
  sgemm_gflops: kind === "reference" ? 3 : 150,
});

describe("the BLAS yardstick", () => {
  it("marks a PyTorch on the reference BLAS loudly and gives it no ratio", () => {
    const blas = debian(["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"], "reference");
    expect(describeBlas(blas)).toContain("REFERENCE BLAS, NOT A FAIR YARDSTICK: apt-get install -y libopenblas0-pthread");
    expect(isFairYardstick(blas)).toBe(false);
  });

  it("names the optimised library and its measured sgemm, and allows a ratio", () => {
    const blas = debian(["/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"], "optimised");
    expect(describeBlas(blas)).toBe(
      "torch 1.13.0a0, BLAS libopenblasp-r0.3.21.so, sgemm 2400×640×256 150 GFLOP/s at 2 thread(s), oneDNN convolutions",
    );
    expect(isFairYardstick(blas)).toBe(true);
  });

  it("gives no ratio when the BLAS could not be found out", () => {
    expect(describeBlas(null)).toContain("BLAS unknown");
    expect(isFairYardstick(null)).toBe(false);
  });
});
