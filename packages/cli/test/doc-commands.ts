// The commands README.md and docs/*.md show in `sh` blocks, and how the docs test treats each: run it,
// check it with --dry-run, or skip it for a reason it names.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./support.js";

/** Commands that cannot run in a test, and why. */
export const NOT_RUNNABLE: Array<[RegExp, string]> = [
  [
    /^bash scripts\/setup\.sh$/,
    "installs system packages (Yarn, Chromium, PostgreSQL) and builds the native addons: CI runs it on a fresh machine",
  ],
  [/^yarn test$/, "the whole test suite, of which this test is a part"],
  [
    /^(sudo -u postgres psql|su postgres -c|runuser -u postgres -- psql) /,
    "creates a role and a database as PostgreSQL's superuser; the tests create their own (test/postgres.ts)",
  ],
  [/^cd "\$HOME\/tsa-lab"$/, "the checkout on a SLURM cluster's machines"],
  [
    /^\.\/tsa ui( |$)/,
    "a server that runs until stopped; packages/cli/test/ui.e2e.test.ts starts it over a sweep in flight and drives it in chromium",
  ],
];

/** Commands checked with --dry-run (file, flags, environment) instead of run, and why. */
export const DRY_RUN: Array<[RegExp, string]> = [
  [/^\.\/tsa sweep /, "a sweep trains for minutes (smoke) to hours"],
  [/^\.\/tsa worker .*--wait/, "a worker with --wait polls for new runs for ever"],
];

/** Words the docs use for things a test has in another place, and what they stand for here. */
export function substitutions(tiny: string, pg: string, runId: string): Array<[string, string]> {
  return [
    ["results/runs.sqlite", tiny], // the default database: the tests never touch the user's own
    ["postgres://tsa:secret@db.example:5432/tsa", pg], // the recipe's server
    ["3eb0e2", runId.slice(0, 6)], // a run id prefix
    ["srun ./tsa", "./tsa"], // SLURM's launcher
  ];
}

export interface DocCommand {
  file: string;
  block: number;
  text: string;
}

/** Whether a quote is still open at the end of `text`, and `text` without an unquoted trailing `# comment`. */
function scan(text: string): { open: boolean; code: string } {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) return { open: false, code: text.slice(0, i).trimEnd() };
  }
  return { open: quote !== null, code: text };
}

/** A block's commands: comment lines dropped, a command continued while a quote is open or a line ends in `\`. */
export function commandsOf(block: string): string[] {
  const commands: string[] = [];
  let current = "";
  for (const line of block.split("\n")) {
    if (current === "" && /^\s*(#|$)/.test(line)) continue;
    current = current === "" ? line : `${current}\n${line}`;
    const { open, code } = scan(current);
    if (open || code.endsWith("\\")) continue;
    commands.push(code.trim());
    current = "";
  }
  return commands;
}

/** Every command of every `sh` block of README.md and docs/*.md, `a && b` as two. */
export function docCommands(): DocCommand[] {
  const files = [
    "README.md",
    ...readdirSync(join(REPO_ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];
  return files.flatMap((file) => {
    const text = readFileSync(join(REPO_ROOT, file), "utf8");
    const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    return blocks.flatMap((block, i) => commandsOf(block).flatMap((c) => c.split(" && ").map((part) => ({ file, block: i, text: part }))));
  });
}

export type Way =
  { how: "run" } | { how: "dry run"; why: string } | { how: "not runnable"; why: string } | { how: "set"; name: string; value: string };

export function wayOf(command: string): Way | undefined {
  const set = /^export (\w+)=(\S+)$/.exec(command);
  if (set !== null) return { how: "set", name: set[1]!, value: set[2]! };
  const skip = NOT_RUNNABLE.find(([pattern]) => pattern.test(command));
  if (skip !== undefined) return { how: "not runnable", why: skip[1] };
  const dry = DRY_RUN.find(([pattern]) => pattern.test(command));
  if (dry !== undefined) return { how: "dry run", why: dry[1] };
  if (/^(\.\/tsa|yarn -s|sqlite3) /.test(command) || command === "./tsa worker") return { how: "run" };
  return undefined;
}
