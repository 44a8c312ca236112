import { UserInputError } from "@tsa/errors";

/**
 * Published test accuracies to set ours beside: problem → model → accuracy, with the source they are cited
 * from. The CLI reads the project's `datasets/published-accuracy.json` and hands it in: the report reads no file.
 */
export interface PublishedAccuracy {
  /** The citation, shown under the table. */
  source: string;
  /** What the figures are (`test accuracy, mean of 5 runs, …`). */
  metric: string;
  accuracy: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The published figures in `value` (the parsed JSON of `file`); a malformed one is a typed error naming the file and key. */
export function publishedAccuracyOf(value: unknown, file: string): PublishedAccuracy {
  const fail = (key: string, expected: string, found: unknown): never => {
    throw new UserInputError(
      `${file}: ${key === "" ? "(top level)" : key}: expected ${expected}, got ${JSON.stringify(found) ?? String(found)}`,
    );
  };
  if (!isRecord(value)) return fail("", "an object with source, metric and accuracy", value);
  for (const key of ["source", "metric"] as const) if (typeof value[key] !== "string") fail(key, "a string", value[key]);
  if (!isRecord(value.accuracy)) return fail("accuracy", "an object of problem: { model: accuracy }", value.accuracy);
  for (const [problem, models] of Object.entries(value.accuracy)) {
    if (!isRecord(models)) fail(`accuracy.${problem}`, "an object of model: accuracy", models);
    for (const [model, accuracy] of Object.entries(models as Record<string, unknown>))
      if (typeof accuracy !== "number" || !(accuracy >= 0 && accuracy <= 1))
        fail(`accuracy.${problem}.${model}`, "a number in [0, 1]", accuracy);
  }
  return value as unknown as PublishedAccuracy;
}

/** The published models in the order the file first names them. */
export function publishedModels(published: PublishedAccuracy): string[] {
  return [...new Set(Object.values(published.accuracy).flatMap((models) => Object.keys(models)))];
}
