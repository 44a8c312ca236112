import { isBelowChance } from "./chance.js";
import type { TrainConfig } from "./config.js";

export interface EpochVerdict {
  /** This epoch's validation loss is the lowest so far: its weights are the ones to keep. */
  improved: boolean;
  /** Training ends after this epoch. */
  stop: boolean;
}

/**
 * Early stopping on the validation loss: stop after `patience` epochs without improvement (0 = never),
 * counting no epoch up to `startFromEpoch`, and with `patienceFrom: learning` none until the loss has
 * first gone below chance.
 */
export class EarlyStopping {
  private bestLoss = Infinity;
  private sinceBest = 0;
  private counting: boolean;

  constructor(
    private readonly config: Pick<TrainConfig, "patience" | "startFromEpoch" | "patienceFrom">,
    /** The validation loss of a model that learned only the class prior (ln 2: balanced binary classes). */
    private readonly chanceLoss = Math.LN2,
  ) {
    this.counting = config.patienceFrom !== "learning";
  }

  observe(epoch: number, valLoss: number): EpochVerdict {
    if (isBelowChance(valLoss, this.chanceLoss)) this.counting = true;
    if (valLoss < this.bestLoss) {
      this.bestLoss = valLoss;
      this.sinceBest = 0;
      return { improved: true, stop: false };
    }
    if (!this.counting || epoch <= (this.config.startFromEpoch ?? 0) || this.config.patience === 0) return { improved: false, stop: false };
    this.sinceBest++;
    return { improved: false, stop: this.sinceBest >= this.config.patience };
  }
}
