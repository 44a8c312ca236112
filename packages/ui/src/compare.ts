import { UserInputError } from "@tsa/errors";
import { formatPoint, pairedDifference } from "@tsa/report";
import type { RunResult } from "@tsa/tracker";

/** What the compare view groups runs by: each run alone, or the model, the sweep point, or both (seeds pooled). */
export const GROUPINGS = ["run", "model", "point", "model,point"] as const;
export type Grouping = (typeof GROUPINGS)[number];

export function parseGrouping(text: string | undefined): Grouping {
  const g = text ?? "model";
  if (!(GROUPINGS as readonly string[]).includes(g)) throw new UserInputError(`group: expected one of ${GROUPINGS.join(", ")}, got '${g}'`);
  return g as Grouping;
}

const pointOf = (r: RunResult) => formatPoint(r.point) || "–";

export function groupOf(grouping: Grouping): (r: RunResult) => string {
  switch (grouping) {
    case "run":
      return (r) => `${r.model} ${pointOf(r)} seed ${r.seed} · ${r.id.slice(0, 8)}`;
    case "model":
      return (r) => r.model;
    case "point":
      return pointOf;
    case "model,point":
      return (r) => `${r.model} · ${pointOf(r)}`;
  }
}

/** What pairs a run of one group with a run of another: everything the grouping leaves out (the seed, at least). */
function pairKeyOf(grouping: Grouping): (r: RunResult) => string {
  if (grouping === "model") return (r) => `${pointOf(r)}|${r.seed}`;
  if (grouping === "point") return (r) => `${r.model}|${r.seed}`;
  return (r) => String(r.seed);
}

export interface PairedRow {
  a: string;
  b: string;
  pairs: number;
  /** Mean of a − b in test F1, its 95% t interval and the paired t test's p, as in the report. */
  mean: number;
  lo: number;
  hi: number;
  p: number;
}

/** Test-F1 differences between every two groups over the runs they pair on (same seed, and point or model). */
export function pairedDifferences(runs: RunResult[], grouping: Grouping): PairedRow[] {
  if (grouping === "run") return [];
  const group = groupOf(grouping);
  const pairKey = pairKeyOf(grouping);
  const byGroup = new Map<string, Map<string, number>>();
  for (const r of runs) {
    const f1 = r.test?.f1;
    if (r.status !== "completed" || f1 === undefined || Number.isNaN(f1)) continue;
    const m = byGroup.get(group(r)) ?? new Map<string, number>();
    m.set(pairKey(r), f1);
    byGroup.set(group(r), m);
  }
  const names = [...byGroup.keys()].sort();
  return names.flatMap((a, i) =>
    names.slice(i + 1).flatMap((b) => {
      const ma = byGroup.get(a)!;
      const mb = byGroup.get(b)!;
      const keys = [...ma.keys()].filter((k) => mb.has(k));
      if (keys.length === 0) return [];
      const test = pairedDifference(
        keys.map((k) => ma.get(k)!),
        keys.map((k) => mb.get(k)!),
      );
      return [{ a, b, pairs: keys.length, mean: test.mean, lo: test.lo, hi: test.hi, p: test.p }];
    }),
  );
}
