import * as tf from "@tensorflow/tfjs";

export interface LastStateArgs {
  /** 1: a single LSTM's states [B, T, H]; 2: a BiLSTM's [B, T, 2H], forward then backward. */
  directions: 1 | 2;
  name?: string;
}

/**
 * Each direction's final state: the forward direction's at t = T−1 and, for a BiLSTM, the backward
 * direction's at t = 0 (where it ends), joined: [B, T, D·H] → [B, D·H].
 */
export function lastState(states: tf.Tensor3D, directions: 1 | 2): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, steps, width] = states.shape;
    const units = width / directions;
    const forward = tf.slice(states, [0, steps - 1, 0], [batch, 1, units]).reshape([batch, units]);
    if (directions === 1) return forward as tf.Tensor2D;
    const backward = tf.slice(states, [0, 0, units], [batch, 1, units]).reshape([batch, units]);
    return tf.concat([forward, backward], 1) as tf.Tensor2D;
  });
}

/** Pooling by each recurrent direction's final state (see lastState). No weights. */
export class LastState extends tf.layers.Layer {
  static readonly className = "LastState";
  readonly directions: 1 | 2;

  constructor(args: LastStateArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.directions = args.directions;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return lastState((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D, this.directions);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), directions: this.directions };
  }
}
tf.serialization.registerClass(LastState);
