import { nearest, UserInputError } from "@tsa/errors";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { userPath } from "../paths.js";
import { textTable } from "./text-table.js";

/**
 * The one set of `--format` values of every command that prints rows (runs, sql, export): aligned text,
 * Markdown, CSV, a JSON array, one JSON object a line. (`table` prints paper tables: md, latex, csv.)
 */
export const FORMATS = ["table", "md", "csv", "json", "jsonl"] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** `--out FILE`, taken by every command that prints data, so its output can be kept whatever the shell does. */
export const OUT_OPTION = {
  alias: "o",
  type: "string",
  requiresArg: true,
  describe: "write to this file instead of standard output",
} as const;

/** `--format` and its `--json` shorthand, for the commands that print rows. */
export const ROWS_FORMAT_OPTIONS = {
  format: { choices: FORMATS, describe: "table (aligned, the default), md, csv, json (an array) or jsonl (one object a line)" },
  json: { type: "boolean", default: false, describe: "same as --format json" },
} as const;

/** A column: its header, its raw value (json, csv) and its text for reading (table, md). */
export interface Column<T> {
  header: string;
  raw: (row: T) => unknown;
  text?: (row: T) => string;
  /** Only in json, jsonl and csv (a flag the text already shows another way). */
  rawOnly?: boolean;
}

const readable = (v: unknown): string => {
  if (v === null || v === undefined) return "–";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Number.isNaN(v) ? "–" : v.toFixed(4);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
};

export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows in one of the output formats: aligned text, CSV (raw), JSON (raw, an array of objects), Markdown. */
export function formatRows<T>(rows: T[], allColumns: Array<Column<T>>, format: OutputFormat): string {
  const text = (c: Column<T>, r: T) => (c.text ?? ((x: T) => readable(c.raw(x))))(r);
  const columns = format === "json" || format === "jsonl" || format === "csv" ? allColumns : allColumns.filter((c) => !c.rawOnly);
  const object = (r: T) => Object.fromEntries(columns.map((c) => [c.header, c.raw(r) ?? null]));
  switch (format) {
    case "json":
      return JSON.stringify(rows.map(object), null, 2);
    case "jsonl":
      return rows.map((r) => JSON.stringify(object(r))).join("\n");
    case "csv":
      return [columns.map((c) => csvField(c.header)).join(","), ...rows.map((r) => columns.map((c) => csvField(c.raw(r))).join(","))].join(
        "\n",
      );
    case "md":
      return [
        `| ${columns.map((c) => c.header).join(" | ")} |`,
        `| ${columns.map(() => "---").join(" | ")} |`,
        ...rows.map((r) => `| ${columns.map((c) => text(c, r).replace(/\|/g, "\\|")).join(" | ")} |`),
      ].join("\n");
    case "table":
      return textTable(
        columns.map((c) => c.header),
        rows.map((r) => columns.map((c) => text(c, r))),
      );
  }
}

/** `--columns a,b,c`: the columns to print, by header, in that order; an unknown one names the nearest. */
export function pickColumns<T>(columns: Array<Column<T>>, list: string): Array<Column<T>> {
  const headers = columns.map((c) => c.header);
  return list
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "")
    .map((name) => {
      const column = columns.find((c) => c.header === name);
      if (column !== undefined) return column;
      const near = nearest(name, headers);
      throw new UserInputError(
        `--columns: unknown column '${name}'${near === undefined ? "" : `; did you mean '${near}'?`} (columns: ${headers.join(", ")})`,
      );
    });
}

/**
 * The columns of an aligned table that fit a terminal `width` wide: the least needed (`dropFirst`, in
 * order) are left out until the widest line fits. Piped output is never cut: callers pass no width.
 */
export function fitColumns<T>(rows: T[], columns: Array<Column<T>>, width: number, dropFirst: readonly string[]): Array<Column<T>> {
  let kept = columns;
  const widest = () =>
    Math.max(
      ...formatRows(rows, kept, "table")
        .split("\n")
        .map((l) => l.length),
    );
  for (const header of dropFirst) {
    if (widest() <= width) break;
    kept = kept.filter((c) => c.header !== header);
  }
  return kept;
}

/** `--format`, with `--json` as a shorthand. */
export function outputFormat(argv: { format?: OutputFormat; json?: boolean }): OutputFormat {
  return argv.json ? "json" : (argv.format ?? "table");
}

/** `--out file` (its folder created if needed; relative to where the user typed it), else the terminal. */
export function writeOutput(text: string, out: string | undefined): void {
  if (out === undefined) {
    process.stdout.write(text);
    return;
  }
  const file = userPath(out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${out}`);
}
