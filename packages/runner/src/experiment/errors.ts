import { ExperimentSpecError, nearest } from "@tsa/errors";
import type { z } from "zod";

/** `sweep.data.length[2]` from ['sweep', 'data.length', 2]. */
export function keyPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    return out === "" ? String(key) : `${out}.${String(key)}`;
  }, "");
}

/** The value at `path` in the raw document (undefined where there is none). */
function valueAt(doc: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value: unknown = doc;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key as string];
  }
  return value;
}

/** The value at `path` in the raw document, shown as the user wrote it (JSON, cut short). */
export function foundAt(doc: unknown, path: ReadonlyArray<PropertyKey>): string {
  return describeValue(valueAt(doc, path));
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The keys valid at a path of the file, for "did you mean"; none where it does not know. */
export type KnownKeys = (path: ReadonlyArray<PropertyKey>) => readonly string[];

/** One zod issue in the user's words, one problem per unknown key, each with the nearest known key. */
export function specErrorsFromIssue(
  file: string,
  doc: unknown,
  issue: z.core.$ZodIssue,
  prefix: PropertyKey[],
  knownKeys: KnownKeys,
): ExperimentSpecError[] {
  if (issue.code !== "unrecognized_keys") return [specErrorFromIssue(file, doc, issue, prefix)];
  const path = [...prefix, ...issue.path];
  return issue.keys.map((key) => {
    const near = nearest(key, knownKeys(path));
    const hint = near === undefined ? "check its spelling and level" : `did you mean '${near}'?`;
    return new ExperimentSpecError(file, keyPath([...path, key]), `no such key here (${hint})`, `key '${key}'`);
  });
}

/** One zod issue in the user's words: what was expected at which key, and what was there. */
export function specErrorFromIssue(file: string, doc: unknown, issue: z.core.$ZodIssue, prefix: PropertyKey[] = []): ExperimentSpecError {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0]!;
      return new ExperimentSpecError(file, keyPath([...path, key]), "no such key here (check its spelling and level)", `key '${key}'`);
    }
    case "invalid_type":
      return new ExperimentSpecError(
        file,
        keyPath(path),
        issue.expected === "tuple" ? "a [min, max] pair" : `${article(issue.expected)} ${issue.expected}`,
        foundAt(doc, path),
      );
    case "invalid_value": {
      const given = valueAt(doc, path);
      const near =
        typeof given === "string"
          ? nearest(
              given,
              issue.values.filter((v) => typeof v === "string"),
            )
          : undefined;
      const hint = near === undefined ? "" : ` (did you mean ${JSON.stringify(near)}?)`;
      return new ExperimentSpecError(
        file,
        keyPath(path),
        `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${hint}`,
        foundAt(doc, path),
      );
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = issue.code === "too_small" ? (issue.inclusive === false ? ">" : ">=") : issue.inclusive === false ? "<" : "<=";
      const what =
        issue.origin === "array"
          ? `a list with ${op} ${String(bound)} items`
          : `${issue.origin === "number" ? "a number" : issue.origin} ${op} ${String(bound)}`;
      const message = issue.message?.startsWith("Too") || issue.message?.startsWith("Invalid") ? what : (issue.message ?? what);
      return new ExperimentSpecError(file, keyPath(path), message, foundAt(doc, path));
    }
    default:
      return new ExperimentSpecError(file, keyPath(path), issue.message.replace(/^expected /, ""), foundAt(doc, path));
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}
