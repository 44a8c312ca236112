import { DATA_CONFIG_FIELDS } from "@tsa/data";
import { UserInputError } from "@tsa/errors";
// The config subpath only: the store must not load tfjs just to know the train keys.
import { ModelSpecSchema, TRAIN_CONFIG_FIELDS } from "@tsa/models/config";
import type { WhereCondition } from "./types.js";

/** Run and test-metric keys a filter or sort may name, and the SQL each stands for. */
const RUN_KEYS: Record<string, string> = {
  id: "r.id",
  experiment: "r.experiment",
  model: "r.model",
  seed: "r.seed",
  status: "r.status",
  backend: "r.backend",
  kernels: "r.kernels",
  started_at: "r.started_at",
  duration_ms: "r.duration_ms",
  epochs_run: "r.epochs_run",
  best_epoch: "r.best_epoch",
  did_not_learn: "r.did_not_learn",
  accuracy: "m.accuracy",
  precision: "m.precision",
  recall: "m.recall",
  f1: "m.f1",
  roc_auc: "m.roc_auc",
  roc_auc_thresholded: "m.roc_auc_thresholded",
};

const CONFIG_KEYS = [...DATA_CONFIG_FIELDS.map((f) => `data.${f}`), ...TRAIN_CONFIG_FIELDS.map((f) => `train.${f}`)];
/** `model.pooling` etc.: a run's resolved parts, recorded under `parts` in its config. */
const MODEL_KEYS = Object.keys(ModelSpecSchema.shape).map((f) => `model.${f}`);

export function validKeys(): string[] {
  return [...Object.keys(RUN_KEYS), ...CONFIG_KEYS, ...MODEL_KEYS];
}

/** The SQL expression for a user's key; config keys read the resolved config JSON. Unknown → error. */
export function columnFor(key: string): string {
  const run = RUN_KEYS[key];
  if (run !== undefined) return run;
  if (CONFIG_KEYS.includes(key)) return `json_extract(r.config, '$.${key}')`;
  if (MODEL_KEYS.includes(key)) return `json_extract(r.config, '$.parts.${key.slice("model.".length)}')`;
  throw new UserInputError(`unknown key '${key}'; valid keys: ${validKeys().join(", ")}`);
}

/** Parses `data.length=[0.1,0.2]`, `f1>=0.9`, `model!=ffn`. */
export function parseWhere(text: string): WhereCondition {
  const match = /^\s*([A-Za-z_][\w.]*)\s*(!=|<=|>=|=|<|>)\s*(.*?)\s*$/.exec(text);
  if (match === null) throw new UserInputError(`--where '${text}': expected key=value (or !=, <, <=, >, >=)`);
  return { key: match[1]!, op: match[2] as WhereCondition["op"], value: match[3]! };
}

/** A condition as SQL with its bound parameter: numbers compare as numbers, arrays as normalised JSON. */
export function conditionSql(c: WhereCondition): { sql: string; param: unknown } {
  const column = columnFor(c.key);
  let parsed: unknown;
  try {
    parsed = JSON.parse(c.value);
  } catch {
    parsed = c.value;
  }
  if (Array.isArray(parsed) || (parsed !== null && typeof parsed === "object")) {
    return { sql: `${column} ${c.op} json(?)`, param: JSON.stringify(parsed) };
  }
  if (typeof parsed === "number") return { sql: `${column} ${c.op} ?`, param: parsed };
  if (typeof parsed === "boolean") return { sql: `${column} ${c.op} ?`, param: parsed ? 1 : 0 };
  return { sql: `${column} ${c.op} ?`, param: String(parsed) };
}
