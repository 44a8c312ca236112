export {
  bidirectionalLstm,
  lstm,
  attentionPooling,
  attentionScores,
  conv1dSame,
  maxPool1d,
  meanOverTime,
  batchNormTraining,
} from "./ops.js";
export type { AttentionWeights, LstmWeights } from "./ops.js";
export { FusedBidirectionalLSTM, FusedLSTM, AttentionPooling, torchUniform } from "./layers.js";
export type { AttentionPoolingArgs, FusedBidirectionalLSTMArgs, FusedLSTMArgs } from "./layers.js";
export { kernelImplementation, kernels, withKernels, KernelUnavailableError } from "./select.js";
export type { KernelImplementationName } from "./select.js";
export { kernelThreads } from "./native-kernels.js";
export { typescriptKernels } from "./typescript-kernels.js";
export type { KernelImplementationApi } from "./implementation.js";
