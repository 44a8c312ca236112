/**
 * Typed errors shared by every package. A user mistake is a `UserInputError` carrying the user's words
 * (file, key path, expectation, value); the CLI's one top-level catch maps each class to an exit code
 * and prints `message` without a stack trace.
 */

/** Base class: every error we throw on purpose. `exitCode` is what the CLI exits with. */
export class TsaError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the user (a file, a flag, a path): exit code 2, nothing written. */
export class UserInputError extends TsaError {
  override readonly exitCode: number = 2;
}

/** An experiment file that does not validate. `where` is `file: key.path`. */
export class ExperimentSpecError extends UserInputError {
  constructor(
    readonly file: string,
    readonly keyPath: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: ${keyPath === "" ? "(top level)" : keyPath}: expected ${expected}, got ${found}`);
  }
}

/**
 * Every problem of an experiment file, found in one reading, so the user fixes them all in one go: its own
 * (ExperimentSpecError) and those of the data files it names (DataFileError). The message holds one problem a
 * line. A file with one problem throws that error itself.
 */
export class ExperimentSpecProblems extends UserInputError {
  constructor(readonly problems: ReadonlyArray<ExperimentSpecError | DataFileError>) {
    super(problems.map((p) => p.message).join("\n"));
  }
}

export { nearest } from "./nearest.js";
export { shownPath } from "./shown-path.js";

/**
 * What a user can do about a store that cannot be opened, in the store's own terms: the command line
 * words it with its flags (`choose another --db`), the library never names a flag.
 */
export type StoreRemedy = "file-path" | "another-location" | "another-location-or-permissions" | "create-first" | "create-folder";

/** The run database cannot be opened or used as asked (read-only, a directory, newer schema, full disk). */
export class StoreError extends UserInputError {
  readonly remedy: StoreRemedy | null;
  constructor(message: string, options: { cause?: unknown; remedy?: StoreRemedy } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.remedy = options.remedy ?? null;
  }
}

/** A training run that could not finish (NaN loss, a model that threw). Recorded, then the sweep goes on. */
export class RunFailedError extends TsaError {
  constructor(
    message: string,
    readonly epoch: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Exit code for a process stopped by Ctrl-C, as shells expect (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** The exit code for anything thrown: ours carry one; anything else is a bug (1). */
export function exitCodeOf(error: unknown): number {
  return error instanceof TsaError ? error.exitCode : 1;
}

/**
 * A data file that does not hold what its format promises, at a line of it: `file:line: expected …, got …`,
 * as a compiler reports a syntax error. Thrown before any run starts, so nothing is written.
 */
export class DataFileError extends UserInputError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}:${line}: expected ${expected}, got ${found}`);
  }
}
