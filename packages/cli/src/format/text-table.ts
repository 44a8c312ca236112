/** An aligned plain-text table: numbers right-aligned, text left-aligned, a rule under the header. */
export function textTable(header: string[], rows: string[][]): string {
  // A reduce, not Math.max(...): a query may return more rows than a call takes arguments.
  const widths = header.map((h, j) => rows.reduce((w, r) => Math.max(w, (r[j] ?? "").length), h.length));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+(e[-+]?\d+)?%?$|^–$|^$/.test(r[j] ?? "")));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
