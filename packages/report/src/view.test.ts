import { ExperimentSpecError } from "@tsa/errors";
import type { Experiment } from "@tsa/runner";
import { describe, expect, it } from "vitest";
import { advantageOf, summaryOf } from "./analysis.js";
import { sweepResults, twoAxisResults } from "./fixture.test-support.js";
import { readExperiment, viewsOf, type ReportedExperiment } from "./view.js";

// The runner stores its validated `Experiment` as the spec: it must be what the report reads (a compile-time check).
const stored = (experiment: Experiment): ReportedExperiment => experiment;

describe("readExperiment: the stored spec, parsed once at the edge", () => {
  const at = (spec: unknown) => ({ ...sweepResults().experiment, spec });

  it("reads the runner's experiment as the report's shape", () => {
    const experiment = {
      name: "x",
      description: "",
      data: { size: 600 },
      sweep: { "model.pooling": ["mean", "last"] },
      models: ["bilstm", { name: "bilstm-z", preset: "bilstm", normalize: "zscore" }],
      seeds: [1, 2],
      train: { epochs: 3 },
      model: {},
      compare: { axis: "model.pooling", treatment: "last", control: "mean" },
    } as Experiment;
    expect(readExperiment(at(stored(experiment)))).toEqual({
      sweep: experiment.sweep,
      models: experiment.models,
      compare: experiment.compare,
      data: experiment.data,
      train: experiment.train,
      seeds: experiment.seeds,
    });
    // Older specs (and the tests' fixtures) leave keys out: no sweep, no models.
    expect(readExperiment(at({ name: "demo" }))).toMatchObject({ sweep: {}, models: [] });
  });

  it.each([
    [null, "(top level): expected the validated experiment (an object), got null"],
    [{ sweep: [1] }, "sweep: expected an object of axis: [values], got [1]"],
    [{ sweep: { "data.length": 0.1 } }, "sweep.data.length: expected a list of values, got 0.1"],
    [{ models: ["ffn", { preset: "bilstm" }] }, 'models[1]: expected a model name or a variant with a name, got {"preset":"bilstm"}'],
    [{ compare: { treatment: "a" } }, 'compare: expected { treatment, control } (names or sweep values), got {"treatment":"a"}'],
    [{ seeds: ["1"] }, 'seeds: expected a list of seeds, got ["1"]'],
  ])("names the key of a malformed spec: %j", (spec, message) => {
    const read = () => readExperiment(at(spec));
    expect(read).toThrow(ExperimentSpecError);
    expect(read).toThrow(`experiments/demo.yaml (experiment 'demo' as stored): ${message}`);
  });
});

describe("one view of results", () => {
  it("computes axes, points, models and each metric's summary once per view, and shares the facts between views", () => {
    const views = viewsOf(twoAxisResults());
    expect(views.all.axes).toEqual(["data.length", "data.location"]);
    expect(views.all.points.map((p) => p.label)).toEqual([
      "length 0.02–0.05, location 0–0.3",
      "length 0.02–0.05, location 0.6–0.9",
      "length 0.3–0.5, location 0–0.3",
      "length 0.3–0.5, location 0.6–0.9",
    ]);
    expect(views.all.models).toEqual(["ffn", "cnn", "bilstm", "bilstm-attention"]);
    expect(views.learned.points).toBe(views.all.points);
    expect([views.all.learnedOnly, views.learned.learnedOnly]).toEqual([false, true]);
    // A second reader of a view's summary or advantage gets the same object, not a recomputation.
    expect(summaryOf(views.all, "f1")).toBe(summaryOf(views.all, "f1"));
    expect(advantageOf(views.learned, "f1")).toBe(advantageOf(views.learned, "f1"));
    expect(summaryOf(views.learned, "f1")).not.toBe(summaryOf(views.all, "f1"));
    // The conditional view leaves out attention's seed 3 at (short, late), which did not learn.
    const cell = (view: typeof views.all) => summaryOf(view, "f1").find((c) => c.model === "bilstm-attention" && c.point.order === 1)!;
    expect([cell(views.all).n, cell(views.learned).n]).toEqual([3, 2]);
  });
});
