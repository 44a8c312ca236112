// Flag values checked as yargs parses them (coerce), so a bad one stops the command before anything is
// opened, with one line naming the flag, what it expects and what it got (exit 2).
import { nearest, UserInputError } from "@tsa/errors";

/** The options every command takes; here, not in main.ts, so that commands import nothing from main. */
export interface GlobalOptions {
  /** The store location: a SQLite file or a postgres:// URL. */
  db?: string;
}

const shown = (value: unknown) => (typeof value === "string" ? `'${value}'` : JSON.stringify(value));

/** A coerce for an integer flag at least `min` (given without a yargs `type`, so 'abc' reaches it as typed). */
export function integerAtLeast(flag: string, min: number) {
  return (value: unknown): number => {
    const last = Array.isArray(value) ? value.at(-1) : value;
    const n = typeof last === "number" ? last : typeof last === "string" && /^\s*[-+]?\d+\s*$/.test(last) ? Number(last) : Number.NaN;
    if (!Number.isInteger(n) || n < min) throw new UserInputError(`--${flag}: expected an integer >= ${min}, got ${shown(last)}`);
    return n;
  };
}

/** The nearest valid name, for "did you mean" (one helper for the CLI and the experiment loader). */
export { nearest } from "@tsa/errors";

/**
 * yargs' own messages in one line, in the words of our own: flag, what it expects, what it got, and the
 * nearest valid name for an unknown one.
 */
export function usageMessage(message: string, options: readonly string[], command?: string, args: readonly string[] = []): string {
  const choices = /Argument: (\S+), Given: (.+?), Choices: (.+)$/s.exec(message);
  if (choices !== null) return `--${choices[1]}: expected one of ${choices[3]!.replace(/\s+/g, " ").trim()}, got ${choices[2]}`;
  const unknown = /^Unknown arguments?: (.+)$/s.exec(message);
  if (unknown !== null) {
    return unknown[1]!
      .split(", ")
      .map((name) => {
        // yargs says "Unknown argument" for a stray word too: a word typed without dashes is no option.
        if (args.includes(name) && !args.some((a) => /^--?[^-]/.test(a) && a.replace(/^--?/, "").split("=")[0] === name))
          return `unexpected argument '${name}'${command === undefined ? "" : ` (usage: ./tsa ${command})`}`;
        const near = nearest(name, options);
        const flag = name.length === 1 ? `-${name}` : `--${name}`;
        return `unknown option ${flag}${near === undefined ? "" : `; did you mean --${near}?`}`;
      })
      .join("; ");
  }
  // `./tsa sweep` without its file: name what is missing from the command's own usage (`sweep <file>`).
  const positionals = command?.match(/<[^>]+>/g);
  if (/^Not enough non-option arguments/.test(message) && command !== undefined && positionals != null) {
    return `${command.split(" ")[0]}: expected ${positionals.join(" ")}, got none (usage: ./tsa ${command})`;
  }
  const missing = /^Not enough arguments following: (\S+)/.exec(message);
  if (missing !== null) return `${missing[1]!.length === 1 ? "-" : "--"}${missing[1]}: expected a value, got none`;
  return message.replace(/\s*\n\s*/g, " ").trim();
}
