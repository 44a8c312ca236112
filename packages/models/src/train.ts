import * as tf from "@tensorflow/tfjs";
import { makeRng, type LabelledSplit } from "@tsa/data";
import { RunFailedError, UserInputError } from "@tsa/errors";
import type { TrainConfig } from "./config.js";
import { EarlyStopping } from "./early-stopping.js";
import { logitLoss, predictLogits } from "./predict.js";
import { fawaz2019BatchSize, isFawaz2019, LowestTrainingLoss, ReduceLrOnPlateau } from "./protocol.js";
import { learningRateAt } from "./schedule.js";
import type { EpochRecord } from "./types.js";

/**
 * A split as tensors: x [n, T, C]; y the targets of the head, [n, 1] with 0/1 labels for two classes, one-hot
 * [n, K] for K > 2; labels the class indices.
 */
export interface SplitTensors {
  x: tf.Tensor3D;
  y: tf.Tensor2D;
  labels: Int32Array;
  numClasses: number;
}

/** The first `rows` series of a split (all of them by default) as tensors; free with disposeSplitTensors. */
export function splitTensors(split: LabelledSplit, rows = split.n): SplitTensors {
  const n = Math.min(rows, split.n);
  const labels = n === split.n ? split.labels : split.labels.slice(0, n);
  const K = split.numClasses;
  return {
    x: tf.tensor3d(split.x.subarray(0, n * split.numPoints * split.numChannels), [n, split.numPoints, split.numChannels]),
    y:
      K === 2
        ? tf.tensor2d(Float32Array.from(labels), [n, 1])
        : tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), K).toFloat() as tf.Tensor2D),
    labels,
    numClasses: K,
  };
}

export function disposeSplitTensors(data: SplitTensors): void {
  data.x.dispose();
  data.y.dispose();
}

export interface TrainHooks {
  onEpoch?(epoch: EpochRecord): void;
  onBatch?(batch: number, batches: number, loss: number): void;
  signal?: AbortSignal;
}

export interface TrainResult {
  epochs: EpochRecord[];
  /** The epoch whose weights the model holds at the end (lowest validation loss; fawaz2019: lowest training loss). */
  bestEpoch: number;
  stoppedEarly: boolean;
}

/**
 * The reference's protocol: Adam, cross-entropy (binary, or softmax for K > 2), shuffled mini-batches,
 * early stopping when the validation loss has not improved for `patience` epochs, and the best epoch's
 * weights restored. Shuffling comes from the run seed (model.fit would use Math.random), so a run is
 * reproducible. The trainability levers (clipNorm, warmupEpochs, lrSchedule, patienceFrom) change it only
 * when set. `protocol: fawaz2019` trains under the archive's published protocol instead (`protocol.ts`).
 */
export async function trainWithEarlyStopping(
  model: tf.LayersModel,
  train: SplitTensors,
  val: SplitTensors,
  config: TrainConfig,
  seed: number,
  hooks: TrainHooks = {},
  /** The validation loss of a model that learned only the class prior (`patienceFrom: learning` waits for it). */
  chanceLoss = Math.LN2,
): Promise<TrainResult> {
  // beta1, beta2: tfjs' and PyTorch's defaults; epsilon only when the config sets it (PyTorch: 1e-8).
  const optimizer = tf.train.adam(config.lr, 0.9, 0.999, config.adamEpsilon);
  // Adam reads its learning rate at every step; tfjs has no scheduler, so the schedule sets the field.
  const schedulable = optimizer as unknown as { learningRate: number };
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const n = train.labels.length;
  const published = isFawaz2019(config);
  if (!published && val.labels.length === 0) {
    throw new UserInputError("train.protocol: expected a validation split to stop early on, got none (or use protocol 'fawaz2019')");
  }
  const batchSize = published ? fawaz2019BatchSize(config.batchSize, n) : config.batchSize;
  const batches = Math.ceil(n / batchSize);
  const epochs: EpochRecord[] = [];
  const stopping = published ? new LowestTrainingLoss() : new EarlyStopping(config, chanceLoss);
  const plateau = published ? new ReduceLrOnPlateau(config.lr) : null;
  let best: { epoch: number; weights: tf.Tensor[] } | null = null;
  let stoppedEarly = false;

  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const order = makeRng(seed, `shuffle:${epoch}`).permutation(n);
      const started = performance.now();
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        throwIfAborted(hooks.signal);
        const indices = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
        schedulable.learningRate = plateau?.learningRate ?? learningRateAt(config, (epoch - 1) * batches + b, batches);
        const { loss, hits } = trainBatch(model, optimizer, variables, train, indices, config.clipNorm);
        if (!Number.isFinite(loss)) {
          throw new RunFailedError(`loss became ${loss} at epoch ${epoch}, batch ${b + 1} of ${batches}`, epoch);
        }
        lossSum += loss * indices.length;
        correct += hits;
        hooks.onBatch?.(b + 1, batches, loss);
        // Let timers (heartbeats, progress, signals) run between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const durationMs = performance.now() - started;
      // An empty validation split (fawaz2019 on the whole train file) records NaN.
      const valStats =
        val.labels.length === 0
          ? { loss: Number.NaN, accuracy: Number.NaN }
          : logitLoss(predictLogits(model, val.x), val.labels, val.numClasses);
      if (val.labels.length > 0 && !Number.isFinite(valStats.loss)) {
        throw new RunFailedError(`validation loss became ${valStats.loss} at epoch ${epoch}`, epoch);
      }
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / n,
        valLoss: valStats.loss,
        trainAccuracy: correct / n,
        valAccuracy: valStats.accuracy,
        durationMs,
      };
      epochs.push(record);
      hooks.onEpoch?.(record);

      plateau?.observe(record.trainLoss);
      const verdict = stopping instanceof EarlyStopping ? stopping.observe(epoch, record.valLoss) : stopping.observe(record.trainLoss);
      if (verdict.improved) {
        best?.weights.forEach((w) => w.dispose());
        // Clones share data with the variables until Adam assigns new values, so this copy is cheap.
        best = { epoch, weights: model.getWeights().map((w) => w.clone()) };
      } else if (verdict.stop) {
        stoppedEarly = epoch < config.epochs;
        break;
      }
    }
    if (best === null) throw new RunFailedError("training ran no epoch", null);
    model.setWeights(best.weights);
    return { epochs, bestEpoch: best.epoch, stoppedEarly };
  } finally {
    best?.weights.forEach((w) => w.dispose());
    optimizer.dispose();
  }
}

function trainBatch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  data: SplitTensors,
  indices: Int32Array,
  clipNorm: number | undefined,
): { loss: number; hits: number } {
  return tf.tidy(() => {
    const idx = tf.tensor1d(indices, "int32");
    const xb = tf.gather(data.x, idx);
    const yb = tf.gather(data.y, idx);
    let hits: tf.Scalar | null = null;
    const lossOf = () => {
      const logits = model.apply(xb, { training: true }) as tf.Tensor2D;
      hits = tf.keep(batchHits(logits, yb, data.numClasses));
      return (data.numClasses === 2 ? tf.losses.sigmoidCrossEntropy(yb, logits) : tf.losses.softmaxCrossEntropy(yb, logits)) as tf.Scalar;
    };
    let loss: tf.Scalar;
    if (clipNorm === undefined) {
      loss = optimizer.minimize(lossOf, true, variables)!;
    } else {
      const { value, grads } = tf.variableGrads(lossOf, variables);
      optimizer.applyGradients(clipByGlobalNorm(grads, clipNorm));
      loss = value;
    }
    const result = { loss: loss.dataSync()[0] as number, hits: (hits as tf.Scalar | null)?.dataSync()[0] ?? 0 };
    (hits as tf.Scalar | null)?.dispose();
    return result;
  });
}

/** Cases of the batch whose predicted class is their label: logit > 0 against 0/1 targets, or argmax against one-hot. */
function batchHits(logits: tf.Tensor2D, targets: tf.Tensor2D, numClasses: number): tf.Scalar {
  const same =
    numClasses === 2 ? tf.equal(tf.greater(logits, 0), tf.greater(targets, 0.5)) : tf.equal(tf.argMax(logits, 1), tf.argMax(targets, 1));
  return tf.sum(tf.cast(same, "float32"));
}

/** The gradients scaled by min(1, maxNorm / ‖g‖) over all of them together, as PyTorch's clip_grad_norm_. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(squares));
    // PyTorch adds 1e-6 to the norm so that a zero gradient does not divide by zero.
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]));
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const error = new Error("training was interrupted");
    error.name = "AbortError";
    throw error;
  }
}
