import { shownPath, UserInputError } from "@tsa/errors";
import { publishedAccuracyOf, type PublishedAccuracy } from "@tsa/report/tables";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The project's facts file of published archive accuracies (it cites its source). */
export const PUBLISHED_ACCURACY_FILE = fileURLToPath(new URL("../../../datasets/published-accuracy.json", import.meta.url));

/**
 * The published accuracies to set beside ours on archive problems, read from the project's facts file;
 * null when the file is absent (the tables then say none were given). Unreadable JSON or a wrong shape is
 * bad input naming the file (and the key).
 */
export function readPublishedAccuracy(file = PUBLISHED_ACCURACY_FILE): PublishedAccuracy | null {
  if (!existsSync(file)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserInputError(`${shownPath(file)}: expected JSON, got ${(error as Error).message}`);
  }
  return publishedAccuracyOf(value, shownPath(file));
}
