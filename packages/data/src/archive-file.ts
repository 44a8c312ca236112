import { DataFileError } from "@tsa/errors";

/**
 * One file of a UCR/UEA archive problem, as read: every case has the same length and channel count.
 * Values are channels last (case, time, channel), the layout the models read as [batch, time, channels].
 */
export interface ArchiveFile {
  /** The file's name as the user should see it in messages. */
  file: string;
  /** `@problemName` where the file gives one. */
  problem: string | null;
  /** The class labels `@classLabel true …` declares, in its order; null where the file declares none (`.tsv`). */
  declaredClasses: string[] | null;
  cases: number;
  length: number;
  channels: number;
  /** cases × length × channels values. */
  x: Float32Array;
  /** Each case's class label as written. */
  labels: string[];
  /** The line each case is on, for messages about a case. */
  lines: number[];
}

// A decimal number as the archive writes them; `Number()` alone would also take "", " ", "0x1f" and "Infinity".
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MISSING = new Set(["?", "nan", "NaN", "NA"]);

/** What a value field holds, or the error naming it. */
function parseValue(text: string, file: string, line: number, where: string): number {
  const field = text.trim();
  if (NUMBER.test(field)) return Number(field);
  if (MISSING.has(field))
    throw new DataFileError(file, line, `a value at ${where} (missing values are not supported: impute them first)`, JSON.stringify(field));
  throw new DataFileError(file, line, `a number at ${where}`, field === "" ? "an empty field" : JSON.stringify(field));
}

/** The number of the file's last line (a final newline ends that line, it does not start another). */
const lastLine = (lines: readonly string[]) => (lines.at(-1) === "" ? Math.max(1, lines.length - 1) : lines.length);

const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** Collects cases of one shape, and names the first line of another. */
class CaseCollector {
  private readonly values: number[] = [];
  readonly labels: string[] = [];
  private readonly lines: number[] = [];
  private shape: { length: number; channels: number; line: number } | null = null;

  constructor(private readonly file: string) {}

  add(channels: number[][], label: string, line: number): void {
    const length = channels[0]!.length;
    channels.forEach((values, c) => {
      if (values.length !== length)
        throw new DataFileError(
          this.file,
          line,
          `every channel of a case as long as its first (${length} values)`,
          `${values.length} values in channel ${c + 1}`,
        );
    });
    if (this.shape === null) this.shape = { length, channels: channels.length, line };
    else if (channels.length !== this.shape.channels)
      throw new DataFileError(this.file, line, `${this.shape.channels} channel(s), as on line ${this.shape.line}`, `${channels.length}`);
    else if (length !== this.shape.length)
      throw new DataFileError(
        this.file,
        line,
        `${this.shape.length} values per channel, as on line ${this.shape.line} (series of unequal length are not supported)`,
        `${length}`,
      );
    for (let t = 0; t < length; t++) for (const values of channels) this.values.push(values[t]!);
    this.labels.push(label);
    this.lines.push(line);
  }

  finish(base: Pick<ArchiveFile, "problem" | "declaredClasses">, endLine: number): ArchiveFile {
    if (this.shape === null) throw new DataFileError(this.file, endLine, "at least one case", "none");
    return {
      file: this.file,
      ...base,
      cases: this.labels.length,
      length: this.shape.length,
      channels: this.shape.channels,
      x: Float32Array.from(this.values),
      labels: this.labels,
      lines: this.lines,
    };
  }
}

interface TsHeader {
  problem: string | null;
  declaredClasses: string[] | null;
  univariate: boolean | null;
  dimensions: number | null;
  seriesLength: number | null;
}

const TAGS = [
  "@problemName",
  "@timeStamps",
  "@missing",
  "@univariate",
  "@dimensions",
  "@equalLength",
  "@seriesLength",
  "@classLabel",
  "@data",
];

function parseBoolean(value: string | undefined, tag: string, file: string, line: number): boolean {
  if (value === "true" || value === "false") return value === "true";
  throw new DataFileError(file, line, `${tag} true or false`, value === undefined ? "nothing" : quote(value));
}

function parseCount(value: string | undefined, tag: string, file: string, line: number): number {
  if (value !== undefined && /^\d+$/.test(value) && Number(value) > 0) return Number(value);
  throw new DataFileError(file, line, `${tag} followed by a positive integer`, value === undefined ? "nothing" : quote(value));
}

/** Applies one header line to the header read so far. */
function readHeaderLine(header: TsHeader, words: string[], file: string, line: number): void {
  const [word, ...rest] = words as [string, ...string[]];
  const tag = TAGS.find((t) => t.toLowerCase() === word.toLowerCase());
  const first = rest[0]?.toLowerCase();
  switch (tag) {
    case "@problemName":
      header.problem = rest.join(" ") || null;
      return;
    case "@timeStamps":
      if (parseBoolean(first, tag, file, line))
        throw new DataFileError(file, line, "@timeStamps false (series with time stamps are not supported)", "true");
      return;
    case "@missing":
    case "@equalLength":
      // Informative only: a missing value or an unequal length is reported where it occurs.
      parseBoolean(first, tag, file, line);
      return;
    case "@univariate":
      header.univariate = parseBoolean(first, tag, file, line);
      return;
    case "@dimensions":
      header.dimensions = parseCount(rest[0], tag, file, line);
      return;
    case "@seriesLength":
      header.seriesLength = parseCount(rest[0], tag, file, line);
      return;
    case "@classLabel":
      if (!parseBoolean(first, tag, file, line))
        throw new DataFileError(file, line, "@classLabel true and the class labels (a classification problem)", "false");
      if (rest.length < 2) throw new DataFileError(file, line, "@classLabel true followed by the class labels", "no labels");
      header.declaredClasses = rest.slice(1);
      return;
    default:
      throw new DataFileError(file, line, `a header tag (${TAGS.join(", ")})`, quote(word));
  }
}

/** One data line of a `.ts` file: channels split by `:`, values by `,`, the class label last. */
function readTsCase(text: string, header: TsHeader, file: string, line: number): { channels: number[][]; label: string } {
  if (text.startsWith("@")) throw new DataFileError(file, line, "a case (the header ended at @data)", quote(text));
  const fields = text.split(":");
  if (fields.length < 2) throw new DataFileError(file, line, "values, then ':' and the class label", quote(text));
  const label = fields.pop()!.trim();
  if (label === "") throw new DataFileError(file, line, "a class label after the last ':'", "an empty label");
  if (header.declaredClasses !== null && !header.declaredClasses.includes(label))
    throw new DataFileError(file, line, `a class label declared by @classLabel (${header.declaredClasses.join(", ")})`, quote(label));
  if (header.dimensions !== null && fields.length !== header.dimensions)
    throw new DataFileError(file, line, `${header.dimensions} channel(s), as @dimensions says`, `${fields.length}`);
  if (header.univariate === true && fields.length !== 1)
    throw new DataFileError(file, line, "1 channel, as @univariate true says", `${fields.length}`);
  const channels = fields.map((field, c) =>
    field.split(",").map((value, t) => parseValue(value, file, line, `channel ${c + 1}, value ${t + 1}`)),
  );
  if (header.seriesLength !== null && channels[0]!.length !== header.seriesLength)
    throw new DataFileError(file, line, `${header.seriesLength} values per channel, as @seriesLength says`, `${channels[0]!.length}`);
  return { channels, label };
}

/**
 * Reads the sktime/aeon `.ts` format: `#` comments, header tags (any subset, any case) up to `@data`, then
 * one case a line. Blank lines are skipped anywhere. Unequal lengths, missing values, time stamps and
 * regression targets are refused with the file and line, since no model here takes them.
 */
export function parseTsFile(text: string, file: string): ArchiveFile {
  const header: TsHeader = { problem: null, declaredClasses: null, univariate: null, dimensions: null, seriesLength: null };
  const cases = new CaseCollector(file);
  const lines = text.split(/\r?\n/);
  let inData = false;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    if (inData) {
      const { channels, label } = readTsCase(text, header, file, line);
      cases.add(channels, label, line);
    } else if (text.startsWith("@")) {
      const words = text.split(/\s+/);
      if (words[0]!.toLowerCase() === "@data") inData = true;
      else readHeaderLine(header, words, file, line);
    } else {
      throw new DataFileError(file, line, "a header tag (@…), a comment (#…) or @data", quote(text));
    }
  });
  if (!inData) throw new DataFileError(file, lastLine(lines), "@data before the cases", "end of file");
  return cases.finish({ problem: header.problem, declaredClasses: header.declaredClasses }, lastLine(lines));
}

/** Reads the UCR 2018 `.tsv` format: no header, one case a line, the class label first, then the values. */
export function parseUcrTsv(text: string, file: string): ArchiveFile {
  const cases = new CaseCollector(file);
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    const fields = raw.trim().split("\t");
    if (fields.length < 2) throw new DataFileError(file, line, "a class label, a tab, then tab-separated values", quote(raw.trim()));
    const label = fields.shift()!.trim();
    // UCR 2018 pads shorter series with NaN: those are series of unequal length.
    const trailing = fields.findIndex((v) => v.trim() === "NaN");
    if (trailing > 0 && fields.slice(trailing).every((v) => v.trim() === "NaN"))
      throw new DataFileError(
        file,
        line,
        "series of one length (padding NaN: unequal lengths are not supported)",
        `${trailing} values then NaN`,
      );
    cases.add([fields.map((v, t) => parseValue(v, file, line, `value ${t + 1}`))], label, line);
  });
  return cases.finish({ problem: null, declaredClasses: null }, lastLine(lines));
}
