import { ARCHIVE_DATA_FIELDS, DATA_CONFIG_FIELDS } from "@tsa/data";
// The config subpath only: a query command must not load tfjs just to know the train keys.
import { ModelSpecSchema, TRAIN_CONFIG_FIELDS } from "@tsa/models/config";
import { runKeys } from "@tsa/tracker";

/** Every key `runs --where/--sort` accepts: the store's run and metric keys, then the config keys a run records. */
export function validKeys(): string[] {
  return [
    ...runKeys(),
    ...DATA_CONFIG_FIELDS.map((f) => `data.${f}`),
    // An archive problem's run records its problem, validation share and normalisation (not its folder).
    ...ARCHIVE_DATA_FIELDS.filter((f) => f !== "folder").map((f) => `data.${f}`),
    ...TRAIN_CONFIG_FIELDS.map((f) => `train.${f}`),
    // `model.pooling` etc.: a run's resolved parts.
    ...Object.keys(ModelSpecSchema.shape).map((f) => `model.${f}`),
  ];
}
