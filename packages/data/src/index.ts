export {
  ARCHIVE_DATA_FIELDS,
  ArchiveDataFields,
  DataConfigFields,
  DataConfigSchema,
  DATA_CONFIG_FIELDS,
  isArchiveData,
  PROBLEM_NAME,
  resolveDataConfig,
  resolveDataSource,
} from "./config.js";
export type { ArchiveDataConfig, DataConfig, DataConfigInput, DataSourceConfig } from "./config.js";
export { makeDataset, takeSplit, datasetHash, canonicalJson, GENERATOR_VERSION } from "./dataset.js";
export type { Dataset, SplitArrays, SplitName } from "./dataset.js";
export { datasetFiles, readDatasetFiles } from "./files.js";
export type { DatasetFiles, DatasetMeta } from "./files.js";
export { makeRng } from "./rng.js";
export type { Rng } from "./rng.js";
export { arange, indexGrid } from "./grid.js";
export { parseTsFile, parseUcrTsv } from "./archive-file.js";
export type { ArchiveFile } from "./archive-file.js";
export {
  archiveProblem,
  classSizes,
  validationCount,
  validationSplit,
  zNormalizeSeries,
  DEFAULT_VALIDATION_SHARE,
} from "./archive-problem.js";
export type { ArchiveProblem, ArchiveSplit } from "./archive-problem.js";
export { archiveLabelledSplits, labelledSplit } from "./labelled.js";
export type { ArchiveSplitOptions, LabelledSplit } from "./labelled.js";
