import { describe, expect, it } from "vitest";
import { canonicalMetric, splitColumn } from "./names.js";
import { integerAtLeast, nearest, usageMessage } from "./options.js";
import { reportsDirFor, userPath } from "./paths.js";

describe("flag checks", () => {
  it("takes integers as typed and refuses the rest naming the flag", () => {
    const j = integerAtLeast("concurrency", 1);
    expect(j(2)).toBe(2);
    expect(j("3")).toBe(3);
    expect(() => j("abc")).toThrow("--concurrency: expected an integer >= 1, got 'abc'");
    expect(() => j(0)).toThrow("--concurrency: expected an integer >= 1, got 0");
    expect(() => j(1.5)).toThrow("got 1.5");
  });

  it("suggests the nearest name only when it is near", () => {
    expect(nearest("swep", ["sweep", "sql", "show"])).toBe("sweep");
    expect(nearest("concurency", ["concurrency", "backend"])).toBe("concurrency");
    expect(nearest("xyzzy", ["sweep", "sql"])).toBeUndefined();
  });

  it("says yargs' messages in one line", () => {
    expect(usageMessage('Invalid values:\n  Argument: format, Given: "xml", Choices: "table", "csv"', [])).toBe(
      '--format: expected one of "table", "csv", got "xml"',
    );
    expect(usageMessage("Unknown argument: formt", ["format", "json"])).toBe("unknown option --formt; did you mean --format?");
    expect(usageMessage("Not enough arguments following: j", [])).toBe("-j: expected a value, got none");
    expect(usageMessage("Not enough non-option arguments: got 0, need at least 1", [], "sweep <file>")).toBe(
      "sweep: expected <file>, got none (usage: ./tsa sweep <file>)",
    );
  });
});

describe("names and paths", () => {
  it("spells every metric alias the view's way", () => {
    expect(["rocAuc", "roc_auc", "test_roc_auc", "test.rocAuc", "f1", "test_f1"].map(canonicalMetric)).toEqual([
      "roc_auc",
      "roc_auc",
      "roc_auc",
      "roc_auc",
      "f1",
      "f1",
    ]);
  });

  it("names a split's metric columns as the run_summary view does", () => {
    expect((["rocAuc", "f1", "attentionMassInWindow", "attentionPeakInWindow", "tp"] as const).map((m) => splitColumn("test", m))).toEqual([
      "test_roc_auc",
      "test_f1",
      "test_attention_mass",
      "test_attention_peak",
      "test_tp",
    ]);
    expect(splitColumn("val", "attentionMassInWindow")).toBe("val_attention_mass");
  });

  it("puts the default database's reports in reports/ and any other's beside it", () => {
    expect(reportsDirFor(userPath("results/runs.sqlite"), undefined)).toBe(userPath("reports"));
    expect(reportsDirFor("/tmp/a.sqlite", undefined)).toBe("/tmp/a.reports");
    expect(reportsDirFor("/tmp/b.db", undefined)).toBe("/tmp/b.reports");
    expect(reportsDirFor("/tmp/a.sqlite", "/x/r")).toBe("/x/r");
  });
});
