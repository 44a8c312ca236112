// `report` and `table` on a sweep over archive problems (issue 24, 5), as the runner records one: runs written
// into a temporary database through the store's own claim and complete calls (config.data = { problem, … },
// point { "data.problem": … }), then the real CLI reads them and the project's datasets/published-accuracy.json.
import { METRIC_CATALOGUE, openStore, type MetricsRow } from "@tsa/tracker";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, runCli, type Workspace } from "./support.js";

const PROBLEMS = ["GunPoint", "ItalyPowerDemand", "BasicMotions"];
const MODELS = ["cnn", "bilstm-attention", "fcn"];
/** Test accuracy per problem and model (seed 1; seed 2 is 0.02 lower). */
const ACCURACY: Record<string, number[]> = {
  GunPoint: [0.96, 0.92, 0.98],
  ItalyPowerDemand: [0.95, 0.96, 0.94],
  BasicMotions: [0.9, 1, 0.95],
};
const CLASSES: Record<string, number> = { GunPoint: 2, ItalyPowerDemand: 2, BasicMotions: 4 };

const metrics = (accuracy: number, classes: number): MetricsRow =>
  ({
    ...Object.fromEntries(METRIC_CATALOGUE.map((m) => [m.field, m.nullable ? null : accuracy])),
    f1: accuracy - 0.1,
    n: 150,
    ...(classes === 2 ? { tp: 70, fp: 5, tn: 70, fn: 5 } : { tp: Number.NaN, fp: Number.NaN, tn: Number.NaN, fn: Number.NaN }),
    attentionMassInWindow: null,
    attentionPeakInWindow: null,
  }) as unknown as MetricsRow;

async function recordArchiveSweep(db: string): Promise<void> {
  const store = await openStore(db);
  try {
    const spec = {
      name: "archive",
      description: "",
      data: { problem: "GunPoint" },
      sweep: { "data.problem": PROBLEMS },
      models: MODELS,
      seeds: [1, 2],
    };
    await store.upsertExperiment({ name: "archive", description: "Archive problems.", file: "experiments/archive.yaml", spec });
    const runs = PROBLEMS.flatMap((problem) =>
      MODELS.flatMap((model) =>
        [1, 2].map((seed) => ({
          id: `${problem}-${model}-${seed}`,
          experiment: "archive",
          model,
          seed,
          point: { "data.problem": problem },
          config: { experiment: "archive", model, seed, data: { problem, validation: 0.2, zNormalize: false }, train: { lr: 0.001 } },
          backend: "wasm",
          kernels: "native",
          gitCommit: "abc123",
          versions: { node: "20" },
          priority: 0,
        })),
      ),
    );
    await store.enqueueRuns(runs);
    const byId = new Map(runs.map((r) => [r.id, r]));
    for (let next = await store.claimNext("test", "archive"); next !== null; next = await store.claimNext("test", "archive")) {
      const run = byId.get(next.run.id)!;
      const [problem, model] = [run.point["data.problem"], run.model];
      const accuracy = ACCURACY[problem]![MODELS.indexOf(model)]! - (run.seed === 2 ? 0.02 : 0);
      const signal = Array.from({ length: 12 }, (_, t) => Math.sin(t));
      await store.completeRun(next.claim, {
        epochs: [{ epoch: 1, trainLoss: 0.5, valLoss: 0.4, trainAccuracy: 0.8, valAccuracy: 0.85, durationMs: 10 }],
        bestEpoch: 1,
        stoppedEarly: false,
        didNotLearn: false,
        metrics: { val: metrics(accuracy, CLASSES[problem]!), test: metrics(accuracy, CLASSES[problem]!) },
        attention:
          model === "bilstm-attention"
            ? Array.from({ length: CLASSES[problem]! }, (_, label) => ({
                seriesIndex: label,
                label,
                window: null,
                signal,
                weights: signal.map(() => 1 / 12),
              }))
            : [],
        backend: "wasm",
        kernels: "native",
        trainDurationMs: 10,
      });
    }
  } finally {
    await store.close();
  }
}

describe("report and table on archive problems: accuracy, the published figures beside ours, the mean rank", () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = makeWorkspace("tsa-archive-e2e-");
    await recordArchiveSweep(ws.db);
  });

  it("table: accuracy per problem with the published columns and the mean rank, by default", async () => {
    const { code, stdout, stderr } = await runCli(["table", "archive", "--db", ws.db]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("**archive: test accuracy per problem**");
    expect(stdout).toContain(
      "| problem | cnn | bilstm-attention | fcn | fcn (published) | resnet (published) | mlp (published) | time-cnn (published) | encoder (published) |",
    );
    // GunPoint: the published row of datasets/published-accuracy.json beside ours; BasicMotions is not in it.
    expect(stdout).toContain(
      "| GunPoint | <ins>0.9500 ± 0.0141</ins> | 0.9100 ± 0.0141 | **0.9700 ± 0.0141** | 1.000 | 0.991 | 0.928 | 0.948 | 0.784 |",
    );
    expect(stdout).toMatch(/\| BasicMotions \| .* \| – \| – \| – \| – \| – \|/);
    // Ranks: GunPoint fcn, cnn, attention; ItalyPowerDemand attention, cnn, fcn; BasicMotions attention, fcn, cnn.
    expect(stdout).toContain("| *mean rank* | 2.33 | 1.67 | 2.00 |");
    expect(stdout).toContain("Fawaz");
    // Our fcn against the published one: 0.97 over 2 seeds against 1.000 on GunPoint (the t interval clipped at 1).
    expect(stdout).toContain("| GunPoint · fcn | 0.9700 [0.8429, 1.0000] | 1.000 | −0.0300 | 2 |");
    // Attention's wins/ties/losses against each baseline follow; no F1 table unless asked.
    expect(stdout).toContain("| cnn | 2 (ItalyPowerDemand, BasicMotions) | 0 | 1 (GunPoint) |");
    expect(stdout).not.toContain("test F1");
  }, 120_000);

  it("table --metric f1 --format csv: the per-problem accuracy table, then the F1 table, raw numbers", async () => {
    const { code, stdout, stderr } = await runCli(["table", "archive", "--db", ws.db, "--metric", "f1", "--format", "csv"]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("archive: test accuracy per problem,GunPoint,fcn (published),1,,1,,,1.000");
    expect(stdout).toContain("archive: test accuracy per problem,mean rank,bilstm-attention,1.6666666666666667,,,,,1.67");
    expect(stdout).toContain("archive: test F1,BasicMotions,bilstm-attention,0.89");
  }, 120_000);

  it("report: an Archive problems section with the published figures, and α over real series", async () => {
    const { code, stderr } = await runCli(["report", "archive", "--db", ws.db, "--reports-dir", ws.reports]);
    expect(code, stderr).toBe(0);
    const html = readFileSync(join(ws.reports, "archive.html"), "utf8");
    expect(html).toContain("<h2>Archive problems</h2>");
    expect(html).toContain("<th>fcn (published)</th>");
    expect(html).toContain("<td>0.963</td>");
    expect(html).toContain("No bars: with 3 problems no pair of models can be significantly different");
    expect(html).toContain("test accuracy of every completed run");
    expect(html).toContain("Class 0 test series");
  }, 120_000);
});
