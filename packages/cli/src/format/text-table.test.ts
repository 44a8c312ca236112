import { describe, expect, it } from "vitest";
import { textTable } from "./text-table.js";

describe("textTable", () => {
  it("right-aligns numeric columns, left-aligns text, rules the header to each column's width", () => {
    expect(
      textTable(
        ["model", "f1"],
        [
          ["cnn", "0.99"],
          ["bilstm-attention", "1"],
        ],
      ),
    ).toBe(["model               f1", "────────────────  ────", "cnn               0.99", "bilstm-attention     1"].join("\n"));
  });

  it("lays out more rows than a function call takes arguments", () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [String(i)]);
    const lines = textTable(["i"], rows).split("\n");
    expect(lines).toHaveLength(200_002);
    expect(lines[1]).toBe("──────");
    expect(lines[2]).toBe("     0");
  });
});
