import { UserInputError } from "@tsa/errors";
import { METRIC_CATALOGUE } from "./catalogue.js";
import type { SqlDialect } from "./dialect.js";
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
  ...Object.fromEntries(METRIC_CATALOGUE.filter((m) => m.kind === "score").map((m) => [m.name, `m.${m.column}`])),
};

/**
 * Keys read from a run's resolved config rather than a column: `role` is a tuned experiment's `trial` or
 * `evaluation` run (`config.tuning.role`, written by the runner); a run of an untuned experiment has none.
 */
const RECORDED_KEYS: Record<string, string[]> = {
  role: ["tuning", "role"],
};

/** The run and metric keys; config keys (`data.*`, `train.*`, `model.*`) are the caller's to list. */
export function runKeys(): string[] {
  return [...Object.keys(RUN_KEYS), ...Object.keys(RECORDED_KEYS)];
}

/**
 * A config key's path in a run's resolved config: `data.noise` → data.noise, `model.pooling` → parts.pooling
 * (a run's resolved parts). Null when the key is not a config key.
 */
function configPath(key: string): string[] | null {
  const match = /^(data|train|model)((?:\.[A-Za-z_]\w*)+)$/.exec(key);
  if (match === null) return null;
  const rest = match[2]!.slice(1).split(".");
  return match[1] === "model" ? ["parts", ...rest] : [match[1]!, ...rest];
}

/** The SQL expression for a user's key; config keys read the resolved config JSON. Unknown → error. */
export function columnFor(key: string, d: SqlDialect): string {
  const run = RUN_KEYS[key];
  if (run !== undefined) return run;
  const path = RECORDED_KEYS[key] ?? configPath(key);
  if (path !== null) return d.jsonValue("r.config", path);
  throw new UserInputError(`unknown key '${key}'; valid keys: ${runKeys().join(", ")}, data.*, train.*, model.*`);
}

/** Parses `data.length=[0.1,0.2]`, `f1>=0.9`, `model!=ffn`. */
export function parseWhere(text: string): WhereCondition {
  const match = /^\s*([A-Za-z_][\w.]*)\s*(!=|<=|>=|=|<|>)\s*(.*?)\s*$/.exec(text);
  if (match === null) throw new UserInputError(`--where '${text}': expected key=value (or !=, <, <=, >, >=)`);
  return { key: match[1]!, op: match[2] as WhereCondition["op"], value: match[3]! };
}

/** A condition as SQL with its bound parameter: numbers compare as numbers, arrays as normalised JSON. */
export function conditionSql(c: WhereCondition, d: SqlDialect): { sql: string; param: unknown } {
  const column = columnFor(c.key, d);
  let parsed: unknown;
  try {
    parsed = JSON.parse(c.value);
  } catch {
    parsed = c.value;
  }
  // A config value is JSON on both sides, so 0.1, [0.1, 0.2], "attention" and true compare as what they are.
  if (RUN_KEYS[c.key] === undefined) return { sql: `${column} ${c.op} ${d.jsonParam}`, param: JSON.stringify(parsed) };
  if (typeof parsed === "number") return { sql: `${column} ${c.op} ?`, param: parsed };
  if (typeof parsed === "boolean") return { sql: `${column} ${c.op} ?`, param: parsed ? 1 : 0 };
  return { sql: `${column} ${c.op} ?`, param: typeof parsed === "string" ? parsed : c.value };
}
