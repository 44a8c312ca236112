// `yarn bench archive`: one preset trained on one archive problem of datasets/ under a training protocol
// (default the published one, fawaz2019, on the whole train file), for a few epochs: seconds per epoch, the
// time the paper's 2,000 epochs would take, and test accuracy. How the runner feeds an archive problem to
// the models, end to end: parseTsFile → archiveProblem → archiveLabelledSplits → trainAndEvaluateOn.
import { archiveLabelledSplits, archiveProblem, parseTsFile } from "@tsa/data";
import { PRESET_NAMES, TrainConfigSchema, isPresetName, presetSpec, selectBackend, trainAndEvaluateOn } from "@tsa/models";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const ARCHIVE_USAGE =
  "usage: yarn bench archive [--problem GunPoint] [--model fcn] [--epochs 20] [--seed 1] [--batch-size 16] " +
  "[--protocol fawaz2019|early-stopping] [--validation-share 0]";

const datasets = new URL("../datasets/", import.meta.url);
const readTs = (problem: string, split: "TRAIN" | "TEST") => {
  const file = `${problem}/${problem}_${split}.ts`;
  return parseTsFile(readFileSync(new URL(file, datasets), "utf8"), `datasets/${file}`);
};

export async function archiveBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      problem: { type: "string", default: "GunPoint" },
      model: { type: "string", default: "fcn" },
      epochs: { type: "string", default: "20" },
      seed: { type: "string", default: "1" },
      "batch-size": { type: "string", default: "16" },
      protocol: { type: "string", default: "fawaz2019" },
      "validation-share": { type: "string", default: "0" },
    },
  });
  const parsed = TrainConfigSchema.safeParse({
    epochs: Number(values.epochs),
    batchSize: Number(values["batch-size"]),
    protocol: values.protocol,
  });
  if (!isPresetName(values.model) || !parsed.success) {
    const issue = parsed.success ? null : parsed.error.issues[0]!;
    const why =
      issue === null
        ? `expected a model among ${PRESET_NAMES.join(", ")}, got '${values.model}'`
        : `--${String(issue.path[0])}: ${issue.message}`;
    console.error(`bench archive: ${why}\n${ARCHIVE_USAGE}`);
    process.exit(2);
  }
  const train = parsed.data;
  const seed = Number(values.seed);
  const backend = await selectBackend("auto");
  const problem = archiveProblem(values.problem, readTs(values.problem, "TRAIN"), readTs(values.problem, "TEST"));
  const splits = archiveLabelledSplits(problem, seed, { validationShare: Number(values["validation-share"]) });
  const spec = presetSpec(values.model);
  console.log(
    `${values.model} on ${problem.name} (${splits.train.n} train, ${splits.val.n} validation, ${splits.test.n} test; ` +
      `length ${problem.length}, ${problem.channels} channel(s), ${problem.classes.length} classes), ${train.protocol ?? "early-stopping"}, ` +
      `${train.epochs} epochs, seed ${seed}, backend ${backend.backend}, kernels ${backend.kernels}`,
  );
  const started = performance.now();
  const outcome = await trainAndEvaluateOn(splits, { model: spec, train, seed }, backend, {
    onEpoch: (e) => process.stderr.write(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, ${(e.durationMs / 1000).toFixed(2)} s\n`),
  });
  const seconds = outcome.epochs.map((e) => e.durationMs / 1000).sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)]!;
  console.log(`median ${median.toFixed(2)} s a training epoch; 2,000 epochs ≈ ${((2000 * median) / 60).toFixed(0)} min`);
  console.log(
    `best epoch ${outcome.bestEpoch} (train loss ${outcome.epochs[outcome.bestEpoch - 1]!.trainLoss.toFixed(4)}); ` +
      `test accuracy ${outcome.metrics.test.accuracy.toFixed(3)}; wall ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}
