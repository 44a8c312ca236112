export { DataConfigFields, DataConfigSchema, DATA_CONFIG_FIELDS, resolveDataConfig } from "./config.js";
export type { DataConfig, DataConfigInput } from "./config.js";
export { makeDataset, takeSplit, datasetHash, canonicalJson, GENERATOR_VERSION } from "./dataset.js";
export type { Dataset, SplitArrays, SplitName } from "./dataset.js";
export { datasetFiles, readDatasetFiles } from "./files.js";
export type { DatasetFiles, DatasetMeta } from "./files.js";
export { makeRng } from "./rng.js";
export type { Rng } from "./rng.js";
export { arange, indexGrid } from "./grid.js";
