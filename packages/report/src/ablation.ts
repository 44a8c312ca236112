import type { ExperimentResults, RunResult } from "@tsa/tracker";
import { archiveComparisonsOf, archiveHeadline } from "./archive.js";
import { LARGE_DIFFERENCE, headlineOf, headlineText, type CellSummary, type Headline } from "./analysis.js";
import { memo, modelNames, viewOf, viewsOf, type ResultsView, type ResultsViews } from "./view.js";
import {
  ATTENTION_MODEL,
  CONDITIONAL_LABEL,
  METRICS,
  betterSign,
  axisLabel,
  clipDifference,
  counted,
  detectableText,
  formatValue,
  learned as learnedRun,
  metricOf,
  pointTitle,
  scored,
  type MetricName,
  type RunView,
} from "./results.js";
import { holm, minimumDetectableDifference, pairedDifference, std, tInterval, verdict, wilson, type Verdict } from "./stats.js";
import { cellText, textCell, type TableModel } from "./tables.js";
import { sequentialHeadline } from "./sequential.js";
import { tuningClause } from "./tuning.js";

/**
 * An ablation: the levels of one model part (a `model.*` sweep axis) or of the models themselves (named
 * variants), each compared with a reference level, paired by seed within a context (the same model and
 * the same values of the other axes: the same data for a given seed).
 */
export interface Ablation {
  /** The `model.*` axis whose values are the levels; null when the levels are the file's models. */
  axis: string | null;
  /** Levels in the file's order. */
  levels: unknown[];
  reference: unknown;
  /** The level the headline compares with the reference (`compare:`); null: every level against it. */
  treatment: unknown;
  contexts: AblationContext[];
  /** What the contexts are, as a table heads their column: `model`, the other axes with their units, or both. */
  contextTitle: string;
  metric: MetricName;
  view: RunView;
}

/** One level in one context: the same summary as a model at a sweep point (`CellSummary`), and its difference. */
export interface LevelResult extends Pick<CellSummary, "n" | "mean" | "std" | "lo" | "hi" | "bySeed" | "learned"> {
  level: unknown;
  label: string;
  /** Level minus reference, paired by seed; null for the reference itself. */
  difference:
    | (ReturnType<typeof pairedDifference> & {
        /** Sample std of the paired differences, and the smallest |difference| the test could have found significant. */
        sd: number;
        detectable: number;
        pHolm: number;
        verdict: Verdict;
        untested: string | null;
      })
    | null;
}

export interface AblationContext {
  key: string;
  label: string;
  levels: LevelResult[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `pooling=attention`, or a model's name: a level as a reader names it. */
export function levelLabel(axis: string | null, level: unknown): string {
  return axis === null ? String(level) : `${axisLabel(axis)}=${formatValue(level)}`;
}

/**
 * What the experiment ablates: its `compare:` when it has one, else its first `model.*` axis (the first
 * value as reference), else its named variants against the first model listed; null when none.
 */
export function ablationOf(results: ExperimentResults, metric: MetricName = "f1", view: RunView = {}): Ablation | null {
  return ablationOfView(viewOf(results, view), metric);
}

const ablations = memo<Ablation | null>();

/** ablationOf over the runs the view counts, once per view and metric. */
export function ablationOfView(view: ResultsView, chosen?: MetricName): Ablation | null {
  const metric = chosen ?? view.metric;
  return ablations(view, metric, () => computeAblation(view, metric));
}

function computeAblation(view: ResultsView, metric: MetricName): Ablation | null {
  const { experiment, axes, models } = view;
  const variants = experiment.models.some((m) => typeof m !== "string");
  const compare = experiment.compare;
  let axis: string | null;
  let reference: unknown;
  let treatment: unknown = null;
  if (compare !== undefined) {
    axis = compare.axis ?? null;
    reference = compare.control;
    treatment = compare.treatment;
  } else {
    axis = axes.find((a) => a.startsWith("model.")) ?? null;
    if (axis === null && !variants) return null;
    reference = axis === null ? models[0] : experiment.sweep[axis]?.[0];
  }
  // Every level the file names, also those with no completed run yet (a sweep in progress).
  const named = modelNames(experiment);
  const levels = axis === null ? [...named, ...models.filter((m) => !named.includes(m))] : [...(experiment.sweep[axis] ?? [])];
  const levelOf = (r: RunResult) => (axis === null ? r.model : r.point[axis]);
  const otherAxes = axes.filter((a) => a !== axis);
  const contextOf = (r: RunResult) => {
    const rest = Object.fromEntries(otherAxes.map((a) => [a, r.point[a]]));
    return {
      key: JSON.stringify([axis === null ? null : r.model, otherAxes.map((a) => r.point[a])]),
      model: axis === null ? null : r.model,
      rest,
    };
  };
  const order = view.points.map((p) => JSON.stringify(otherAxes.map((a) => p.point[a])));
  const found = new Map<string, { label: string; runs: RunResult[]; rank: number }>();
  for (const run of view.results.runs) {
    const c = contextOf(run);
    const entry = found.get(c.key) ?? {
      label:
        // `bilstm at length 0.05–0.1`: the model (when the file has several) at the other axes' values.
        [
          c.model === null || models.length === 1 ? null : c.model,
          otherAxes.map((a) => `${axisLabel(a)} ${formatValue(c.rest[a])}`).join(", ") || null,
        ]
          .filter((x) => x !== null)
          .join(" at ") || "all runs",
      runs: [],
      rank: models.indexOf(run.model) * 1e6 + order.indexOf(JSON.stringify(otherAxes.map((a) => run.point[a]))),
    };
    entry.runs.push(run);
    found.set(c.key, entry);
  }
  const contexts = [...found.entries()]
    .sort((a, b) => a[1].rank - b[1].rank)
    .map(([key, { label, runs }]) => {
      const bySeed = (level: unknown) =>
        new Map(runs.filter((r) => counted(r, view) && same(levelOf(r), level)).map((r) => [r.seed, metricOf(r, metric)] as const));
      const base = bySeed(reference);
      return {
        key,
        label,
        levels: levels.map((level): LevelResult => {
          const mine = bySeed(level);
          const values = [...mine.values()];
          const interval = tInterval(values);
          const completed = runs.filter((r) => scored(r) && same(levelOf(r), level));
          const learned = wilson(completed.filter(learnedRun).length, completed.length);
          const common = {
            level,
            label: levelLabel(axis, level),
            n: values.length,
            mean: interval.mean,
            std: std(values),
            lo: interval.lo,
            hi: interval.hi,
            bySeed: mine,
            learned,
          };
          if (same(level, reference)) return { ...common, difference: null };
          const seeds = [...mine.keys()].filter((s) => base.has(s)).sort((a, b) => a - b);
          const [a, b] = [seeds.map((s) => mine.get(s)!), seeds.map((s) => base.get(s)!)];
          const test = pairedDifference(a, b);
          const untested = Number.isNaN(test.p) ? `${seeds.length} paired seed(s), at least 2 are needed` : null;
          const sd = std(a.map((v, i) => v - b[i]!));
          return {
            ...common,
            difference: { ...test, sd, detectable: Number.POSITIVE_INFINITY, pHolm: Number.NaN, verdict: "n/a", untested },
          };
        }),
      };
    });
  // Holm over every test the page shows. With a treatment (`compare:`), its tests are the family the
  // headline reads, declared before the runs: they are corrected among themselves, and the other levels'
  // tests, which the table also shows, form a second, exploratory family.
  const tests = contexts.flatMap((c) => c.levels.filter((l) => l.difference !== null));
  const primary = (l: LevelResult) => treatment === null || same(l.level, treatment);
  for (const family of [tests.filter(primary), tests.filter((l) => !primary(l))]) correct(family, betterSign(metric));
  const contextTitle =
    [axis === null || models.length === 1 ? null : "model", otherAxes.length === 0 ? null : pointTitle(otherAxes)]
      .filter((x) => x !== null)
      .join(" at ") || "runs";
  return { axis, levels, reference, treatment, contexts, contextTitle, metric, view: { learnedOnly: view.learnedOnly } };
}

/**
 * Holm's correction over one family of tests: adjusted p, verdict and the smallest detectable difference.
 * `better` is -1 for a metric where lower is better: a level with a lower loss is ahead.
 */
function correct(family: LevelResult[], better: 1 | -1): void {
  const adjusted = holm(family.map((l) => l.difference!.p));
  const tested = family.filter((l) => l.difference!.untested === null).length;
  family.forEach((l, i) => {
    const d = l.difference!;
    d.pHolm = adjusted[i]!;
    d.verdict = verdict(better * d.mean, adjusted[i]!);
    // Holm's first step: the smallest difference that could have been significant here at all.
    if (d.untested === null) d.detectable = minimumDetectableDifference(d.n, d.sd, 0.05 / tested);
  });
}

const signed = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(3)}`;

/**
 * The ablation's sentence: where the treatment (or each level) is clearly ahead of, behind or level with
 * the reference, with the effect and how often each learned; then the best level in each context.
 */
export function ablationHeadline(ablation: Ablation): string {
  return headlineText(ablationHeadlineParts(ablation));
}

export function ablationHeadlineParts(ablation: Ablation): Headline {
  const { axis, reference, contexts, metric } = ablation;
  const name = (level: unknown) => levelLabel(axis, level);
  const treated = ablation.treatment === null ? ablation.levels.filter((l) => !same(l, reference)) : [ablation.treatment];
  const clauses = treated.map((level) => {
    const rows = contexts
      .map((c) => ({ c, l: c.levels.find((x) => same(x.level, level)) }))
      .filter((row): row is { c: (typeof contexts)[number]; l: LevelResult } => row.l !== undefined && row.l.difference !== null);
    const by = (v: Verdict) => rows.filter(({ l }) => l.difference!.verdict === v);
    const list = (xs: typeof rows) => xs.map(({ c, l }) => `${c.label} (${signed(l.difference!.mean)})`).join(", ");
    const parts: string[] = [];
    if (by("ahead").length > 0) parts.push(`clearly ahead — ${list(by("ahead"))}`);
    if (by("behind").length > 0) parts.push(`clearly behind — ${list(by("behind"))}`);
    const blind = by("tie").filter(({ l }) => l.difference!.detectable > LARGE_DIFFERENCE);
    const seen = by("tie").filter(({ l }) => l.difference!.detectable <= LARGE_DIFFERENCE);
    if (seen.length > 0) parts.push(`no clear difference — ${seen.map(({ c }) => c.label).join(", ")}`);
    if (blind.length > 0) {
      const detail = blind.map(({ c, l }) => `${c.label} (${signed(l.difference!.mean)}; ${detectableText(l.difference!.detectable)})`);
      parts.push(`too few seeds to tell — ${detail.join(", ")}`);
    }
    if (by("n/a").length > 0)
      parts.push(
        `untested — ${by("n/a")
          .map(({ c }) => c.label)
          .join(", ")}`,
      );
    const learned = rows.reduce((s, { l }) => s + l.learned.k, 0);
    const runs = rows.reduce((s, { l }) => s + l.learned.n, 0);
    const refRows = contexts.map((c) => c.levels.find((x) => same(x.level, reference))).filter((l) => l !== undefined);
    const refLearned = refRows.reduce((s, l) => s + l.learned.k, 0);
    const refRuns = refRows.reduce((s, l) => s + l.learned.n, 0);
    const rate =
      learned === runs && refLearned === refRuns
        ? ""
        : `; it learned in ${learned} of ${runs} runs, ${name(reference)} in ${refLearned} of ${refRuns}`;
    if (runs === 0) return `${name(level)} against ${name(reference)}: no completed run yet`;
    return `${name(level)} against ${name(reference)}: ${parts.join("; ") || "no runs"}${rate}`;
  });
  const best = contexts
    .map((c) => {
      const top = [...c.levels].filter((l) => l.n > 0).sort((a, b) => betterSign(metric) * (b.mean - a.mean))[0];
      return top === undefined ? null : `${c.label}: ${top.label} (${top.mean.toFixed(3)})`;
    })
    .filter((x) => x !== null);
  const seeds = [
    ...new Set(contexts.flatMap((c) => c.levels.map((l) => l.difference?.n).filter((n): n is number => n !== undefined && n > 0))),
  ];
  const over = ablation.view.learnedOnly === true ? `the runs that learned (${CONDITIONAL_LABEL})` : "all completed runs";
  const seedCount = seeds.length === 0 ? null : seeds.length === 1 ? `${seeds[0]}` : `${Math.min(...seeds)}–${Math.max(...seeds)}`;
  const paired = seedCount === null ? "paired t over seeds" : `paired t over ${seedCount} seeds`;
  const method = `test ${METRICS[metric]} over ${over}, ${paired}, Holm-corrected, α = 0.05`;
  return {
    verdict: `${clauses.join(". ")} (${method}).`,
    detail: `Best ${axis === null ? "model" : axisLabel(axis)} by mean: ${best.join("; ")}.`,
  };
}

const cell = textCell;

/** Every level but the reference, the one `compare:` names first. */
function comparedLevels(ablation: Ablation): unknown[] {
  const others = ablation.levels.filter((l) => !same(l, ablation.reference));
  const { treatment } = ablation;
  return treatment === null ? others : [treatment, ...others.filter((l) => !same(l, treatment))];
}

/**
 * The ablation as a table: a row per context, a column per level (mean ± std over seeds, with the learned
 * count where not every run learned), then a column per other level: its paired difference from the
 * reference with the 95% interval, `*` where Holm keeps it significant.
 */
export function buildAblationTable(ablation: Ablation, digits = 3): TableModel {
  const { axis, reference, contexts } = ablation;
  const compared = comparedLevels(ablation);
  const fmt = (v: number, sign = false) => (Number.isNaN(v) ? "–" : `${sign && v >= 0 ? "+" : ""}${v.toFixed(digits)}`);
  const rows = contexts.map((c) => {
    const levelCells = c.levels.map((l) => {
      const learned = { k: l.learned.k, n: l.learned.n };
      const text = cellText({ n: l.n, mean: l.mean, std: l.std, learned }, digits);
      return l.n === 0 ? cell(text, null, 0, { learned }) : cell(text, l.mean, l.n, { std: l.std, learned });
    });
    const differences = compared.map((level) => {
      const d = c.levels.find((l) => same(l.level, level))?.difference;
      if (d === undefined || d === null || Number.isNaN(d.p)) return cell("–");
      const star = d.verdict === "ahead" || d.verdict === "behind" ? "*" : "";
      return cell(`${fmt(d.mean, true)}${star} [${fmt(clipDifference(d.lo), true)}, ${fmt(clipDifference(d.hi), true)}]`, d.mean, d.n);
    });
    return { label: c.label, cells: [...levelCells, ...differences] };
  });
  const name = (level: unknown) => levelLabel(axis, level);
  return {
    title: `${axis === null ? "models" : axisLabel(axis)}: test ${METRICS[ablation.metric]} per level, and against ${name(reference)}${ablation.view.learnedOnly === true ? ` (${CONDITIONAL_LABEL})` : ""}`,
    corner: ablation.contextTitle,
    rowKey: "point",
    columns: [...ablation.levels.map(name), ...compared.map((l) => `${name(l)} − ${name(reference)}`)],
    rows,
    footer: [],
    notes: [
      `mean ± sample std over seeds, ${ablation.view.learnedOnly === true ? `only the runs that learned (${CONDITIONAL_LABEL})` : "every completed run counted, learned or not"}`,
      `differences paired by seed with their 95% t interval (clipped to [−1, 1]); * clearly ahead or behind after Holm's correction (α = 0.05)` +
        (ablation.treatment === null
          ? ""
          : `, within the comparison compare: names (${name(ablation.treatment)}, the headline's) and, separately, within the other levels' (exploratory)`),
    ],
  };
}

/**
 * The sentence a report opens with: the ablation's when the file says what to compare (`compare:`) or
 * when a part is ablated without the attention model to compare; otherwise attention vs the best baseline.
 */
export function experimentHeadline(results: ExperimentResults, metric?: MetricName): string {
  return headlineText(experimentHeadlineParts(viewsOf(results), metric));
}

/** `metric`: the view's headline metric (accuracy on archive problems, F1 on the anomaly task) unless given. */
export function experimentHeadlineParts(views: ResultsViews, chosen?: MetricName): Headline {
  const metric = chosen ?? views.all.metric;
  // Sequential seeds decide the experiment's comparisons: their verdicts lead, not a fixed-design test's.
  const sequential = sequentialHeadline(views.all);
  const ablation = sequential === null ? ablationOfView(views.all, metric) : null;
  const headline =
    sequential ??
    (ablation !== null && (views.all.experiment.compare !== undefined || !views.all.models.includes(ATTENTION_MODEL))
      ? ablationHeadlineParts(ablation)
      : headlineOf(views, metric));
  // A tuned experiment's verdict says which configuration each model was judged at.
  const tuned = tuningClause(views.all);
  const judged = tuned === null ? headline : { ...headline, verdict: headline.verdict.replace(/\.$/, `, ${tuned}.`) };
  // On archive problems: where attention stands across problems, and what the rank test can tell there.
  const across = views.all.archive && views.all.points.length > 0 ? archiveHeadline(archiveComparisonsOf(views.all, null)) : "";
  return across === "" ? judged : { ...judged, detail: `${across} ${judged.detail}`.trim() };
}
