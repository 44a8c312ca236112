import type { TrainConfig } from "./config.js";

/**
 * The published protocol of the archive's deep baselines (Fawaz et al. 2019, dl-4-tsc's fcn.py and
 * resnet.py): Keras' ReduceLROnPlateau on the training loss, factor 0.5, patience 50, min_lr 1e-4 (its
 * min_delta 1e-4 and cooldown 0 by default), and ModelCheckpoint(monitor='loss', save_best_only).
 */
export const FAWAZ2019 = { factor: 0.5, patience: 50, minLr: 1e-4, minDelta: 1e-4 } as const;

/** Whether a config trains under the published protocol (else: the reference's validation early stopping). */
export const isFawaz2019 = (config: Pick<TrainConfig, "protocol">): boolean => config.protocol === "fawaz2019";

/**
 * The mini-batch of the published protocol: dl-4-tsc's int(min(n / 10, batch_size)), with batch_size the
 * config's (16 in the paper's FCN, 64 in its ResNet), and at least one series.
 */
export function fawaz2019BatchSize(batchSize: number, trainSeries: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(trainSeries / 10)));
}

/**
 * Keras' ReduceLROnPlateau(monitor='loss', factor, patience, min_lr): after `patience` epochs whose loss
 * was not below the best by more than minDelta, the learning rate is multiplied by `factor`, never below
 * minLr, and the count starts again.
 */
export class ReduceLrOnPlateau {
  private best = Infinity;
  private wait = 0;
  learningRate: number;

  constructor(
    initialLearningRate: number,
    private readonly settings: { factor: number; patience: number; minLr: number; minDelta: number } = FAWAZ2019,
  ) {
    this.learningRate = initialLearningRate;
  }

  /** One epoch's training loss; returns the learning rate of the next epoch. */
  observe(loss: number): number {
    if (loss < this.best - this.settings.minDelta) {
      this.best = loss;
      this.wait = 0;
      return this.learningRate;
    }
    this.wait++;
    // Keras compares with min_lr as a float32 and leaves `wait` as it is once at the floor.
    if (this.wait >= this.settings.patience && Math.fround(this.learningRate) > Math.fround(this.settings.minLr)) {
      this.learningRate = Math.max(this.learningRate * this.settings.factor, this.settings.minLr);
      this.wait = 0;
    }
    return this.learningRate;
  }
}

/** ModelCheckpoint(monitor='loss', save_best_only=True): an epoch improves when its training loss is strictly the lowest. */
export class LowestTrainingLoss {
  private best = Infinity;

  observe(trainLoss: number): { improved: boolean; stop: false } {
    const improved = trainLoss < this.best;
    if (improved) this.best = trainLoss;
    return { improved, stop: false };
  }
}
