import { describe, expect, it } from "vitest";
import { parsePytorchSummary } from "../pytorch/program.js";
import { fromPytorchSummary, parseSeedResult } from "./results.js";

/** The program's output on a small dataset, shortened: epoch lines, then the summary. */
const OUTPUT = [
  '{"epoch": 1, "train_loss": 0.69, "val_loss": 0.68, "epoch_s": 3.1}',
  '{"epoch": 2, "train_loss": 0.60, "val_loss": 0.55, "epoch_s": 3.0}',
  JSON.stringify({
    anchor: "pytorch-1.13.0a0",
    program: "tsa-lab bench/pytorch/reference.py",
    seed: 4,
    threads: 1,
    n: 1000,
    t: 100,
    trainable_params: 13250,
    epochs_run: 2,
    median_epoch_s: 3.05,
    train_s: 6.4,
    val_loss: [0.68, 0.55],
    best_epoch: 2,
    best_val_loss: 0.55,
    test_acc: 0.84,
    test_precision: 0.93,
    test_recall: 0.73,
    test_f1: 0.82,
    test_roc_auc: 0.9,
  }),
  "",
].join("\n");

describe("the PyTorch program's summary", () => {
  it("is its last line, and maps onto a parity result", () => {
    expect(fromPytorchSummary(parsePytorchSummary(OUTPUT))).toEqual({
      variant: "pytorch",
      seed: 4,
      testF1: 0.82,
      testRocAuc: 0.9,
      testAccuracy: 0.84,
      epochsRun: 2,
      bestEpoch: 2,
      seconds: 6.4,
      valLoss: [0.68, 0.55],
    });
  });

  it("says what is wrong with output that is not a summary", () => {
    expect(() => parsePytorchSummary("Traceback (most recent call last):")).toThrow("last line is not JSON");
    expect(() => parsePytorchSummary('{"epoch": 1}')).toThrow("is not its summary");
    const noThreads = OUTPUT.replace('"threads":1,', "");
    expect(() => parsePytorchSummary(noThreads)).toThrow("no number 'threads'");
  });

  it("without --full has no test metrics: no parity result", () => {
    const summary = parsePytorchSummary(OUTPUT);
    delete summary.test_f1;
    expect(() => fromPytorchSummary(summary)).toThrow("no test metrics (was it run with --full?)");
  });
});

describe("parseSeedResult", () => {
  it("reads back a result file and names the file when it is not one", () => {
    const result = fromPytorchSummary(parsePytorchSummary(OUTPUT));
    expect(parseSeedResult(JSON.stringify(result), "seed-4/pytorch.json")).toEqual(result);
    expect(() => parseSeedResult("{", "seed-4/pytorch.json")).toThrow("seed-4/pytorch.json: not JSON");
    expect(() => parseSeedResult(JSON.stringify({ ...result, testF1: null }), "f.json")).toThrow("f.json: no number 'testF1'");
  });
});
