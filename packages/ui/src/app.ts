import { TsaError, UserInputError } from "@tsa/errors";
import { runAttentionSpec, groupCurvesSpec, parallelCoordinatesSpec, renderExperimentReport, renderSvg, runCurvesSpec } from "@tsa/report";
import { MAX_PAGE_ROWS, parseWhere, type RunBrowser, type RunResult, type RunsPageQuery, type WhereCondition } from "@tsa/tracker";
import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import { loadAssets } from "./assets.js";
import { groupOf, pairedDifferences, parseGrouping } from "./compare.js";
import { ChangeFeed } from "./live.js";
import { REPORT_CSP, securityHeaders } from "./security.js";

export interface AppOptions {
  browser: RunBrowser;
  /** Every key the runs table may filter, sort or show (the CLI's `runs --where` keys). */
  keys: string[];
  /** The CLI's `--where` parser (its key aliases and checks); the tracker's grammar when not given. */
  parseCondition?: (text: string) => WhereCondition;
  /** How often open run pages look for new epochs (SQLite: one cheap pragma for all of them). */
  pollMs?: number;
  /** Middleware run before every route (host and token checks). */
  guards?: Parameters<Hono["use"]>[1][];
}

const TERMINAL = new Set(["completed", "failed", "interrupted"]);

/** `a,b,c` → [a, b, c]; empty parts dropped. */
const list = (text: string | undefined) => (text ?? "").split(",").filter((s) => s !== "");

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new UserInputError(`${name}: expected a non-negative integer, got '${text}'`);
  return Number(text);
}

/** The runs table's URL query as the store's: `where` may repeat; every value is checked or bound, never spliced. */
export function runsQuery(c: Context, parseCondition: (text: string) => WhereCondition = parseWhere): RunsPageQuery {
  const q = (name: string) => c.req.query(name);
  return {
    experiment: q("experiment") || undefined,
    where: (c.req.queries("where") ?? []).filter((w) => w.trim() !== "").map((w) => parseCondition(w)),
    sort: q("sort") || undefined,
    descending: q("desc") === "1",
    offset: integer("offset", q("offset")),
    limit: integer("limit", q("limit")),
    columns: list(q("columns")),
  };
}

/** A run for the page: everything but the attention samples' series (drawn server-side). */
const runForPage = (r: RunResult) => ({ ...r, attention: undefined, attentionSamples: r.attention.length });

const svg = (c: Context, body: string) =>
  c.body(body, 200, { "Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "no-store" });

/** The web app over a read-only store: the pages' assets, a JSON API, SVG charts, and live run updates. */
export function createApp(options: AppOptions): Hono {
  const { browser } = options;
  const query = (c: Context) => runsQuery(c, options.parseCondition);
  const assets = loadAssets();
  const feed = new ChangeFeed(browser, options.pollMs ?? 250);
  const app = new Hono();

  app.use(securityHeaders());
  for (const guard of options.guards ?? []) app.use(guard);
  app.onError((error, c) => {
    if (error instanceof UserInputError) return c.json({ error: error.message }, 400);
    return c.json({ error: error instanceof TsaError ? error.message : "internal error; see the server's terminal" }, 500);
  });

  const oneRun = async (c: Context) => {
    const [run] = await browser.runs([c.req.param("id") ?? ""]);
    return run;
  };

  app.get("/api/experiments", async (c) => c.json(await browser.experiments()));
  app.get("/api/keys", (c) => c.json(options.keys));
  app.get("/api/runs", async (c) => c.json(await browser.runsPage(query(c))));
  app.get("/api/runs/:id", async (c) => {
    const run = await oneRun(c);
    return run === undefined ? c.json({ error: "no such run" }, 404) : c.json(runForPage(run));
  });
  app.get("/api/runs/:id/curves.svg", async (c) => {
    const run = await oneRun(c);
    return run === undefined ? c.notFound() : svg(c, await renderSvg(runCurvesSpec(run)));
  });
  app.get("/api/runs/:id/attention.svg", async (c) => {
    const run = await oneRun(c);
    const spec = run === undefined ? null : runAttentionSpec(run);
    return spec === null ? c.notFound() : svg(c, await renderSvg(spec));
  });
  app.get("/api/runs/:id/events", (c) => {
    const id = c.req.param("id");
    let after = integer("after", c.req.query("after")) ?? 0;
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      let status = "";
      while (open) {
        const progress = await browser.runProgress(id, after);
        if (progress === null) break;
        if (progress.epochs.length > 0 || progress.status !== status) {
          after = progress.epochs.at(-1)?.epoch ?? after;
          status = progress.status;
          await stream.writeSSE({ event: "progress", data: JSON.stringify(progress) });
        }
        if (TERMINAL.has(status)) break;
        await feed.next(1000);
      }
    });
  });

  const compared = async (c: Context) => {
    const ids = list(c.req.query("ids"));
    if (ids.length > 0) return browser.runs(ids);
    const page = await browser.runsPage({ ...query(c), offset: 0, limit: MAX_PAGE_ROWS, columns: [] });
    return browser.runs(page.rows.map((r) => r.id));
  };
  app.get("/api/compare", async (c) => {
    const grouping = parseGrouping(c.req.query("group"));
    const runs = await compared(c);
    const group = groupOf(grouping);
    return c.json({
      runs: runs.map((r) => ({ id: r.id, group: group(r), model: r.model, seed: r.seed, status: r.status, testF1: r.test?.f1 ?? null })),
      differences: pairedDifferences(runs, grouping),
    });
  });
  app.get("/api/compare.svg", async (c) => {
    const grouping = parseGrouping(c.req.query("group"));
    return svg(c, await renderSvg(groupCurvesSpec(await compared(c), groupOf(grouping))));
  });

  app.get("/api/experiments/:name/parallel.svg", async (c) => {
    const found = await browser.experimentRuns(c.req.param("name"));
    return found === null ? c.notFound() : svg(c, await renderSvg(parallelCoordinatesSpec(found.runs)));
  });

  // The sweep view: the experiment's report, rendered now from the store (it inlines vega: its own CSP).
  app.get("/experiments/:name/report", async (c) => {
    const found = await browser.experimentRuns(c.req.param("name"));
    if (found === null) return c.notFound();
    const html = await renderExperimentReport({ experiment: found.info, runs: found.runs }, { database: browser.location });
    return c.html(html, 200, { "Content-Security-Policy": REPORT_CSP });
  });

  app.get("*", (c) => {
    const asset = assets.get(c.req.path);
    if (asset === undefined) return c.json({ error: "not found" }, 404);
    return c.body(asset.body, 200, { "Content-Type": asset.type, "Cache-Control": "no-cache" });
  });
  return app;
}
