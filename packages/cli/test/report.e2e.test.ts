// The report as a reader gets it: the real CLI sweeps experiments/smoke.yaml into a temporary database,
// `report smoke` writes the page, and Debian's chromium opens it from disk, waits for every chart, and finds
// no console error and no network request. The screenshot lands in the repository's reports/ folder.
import { checkReportInBrowser } from "@tsa/report/testing";
import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, REPO_ROOT, runCli, type CliResult, type Workspace } from "./support.js";

const Database = loadBetterSqlite3();

const SMOKE = join(REPO_ROOT, "experiments/smoke.yaml");
const SCREENSHOT = join(REPO_ROOT, "reports/smoke.png");
// A one-axis sweep: metric by length, attention advantage, critical difference (each twice, all runs and
// conditional on learning, when a run did not learn), learned rate by length, training curves, attention
// overlay, attention localisation.
const chartsFor = (anyDidNotLearn: boolean) => (anyDidNotLearn ? 2 * 3 : 3) + 4;

describe("yarn sweep experiments/smoke.yaml && yarn report smoke, in a real browser", () => {
  let ws: Workspace;
  let sweep: CliResult;
  let report: CliResult;

  beforeAll(async () => {
    ws = makeWorkspace("tsa-report-e2e-");
    sweep = await runCli(["sweep", SMOKE, "--db", ws.db, "--reports-dir", ws.reports]);
    // The sweep writes a report too: remove it, so the page checked below is the one `report` wrote.
    rmSync(join(ws.reports, "smoke.html"), { force: true });
    report = await runCli(["report", "smoke", "--db", ws.db, "--reports-dir", ws.reports]);
  }, 900_000);

  it("sweeps every run and writes the report from the database", () => {
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain("16 run(s) done now, 0 already done, of 16");
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/report: .*smoke\.html/);
    expect(existsSync(join(ws.reports, "smoke.html"))).toBe(true);
  });

  it("stores attention localisation per run, for the attention model only", () => {
    const conn = new Database(ws.db, { readonly: true });
    try {
      const rows = conn
        .prepare(
          "SELECT r.model, m.attention_mass_in_window AS mass, m.attention_peak_in_window AS peak FROM runs r JOIN metrics m ON m.run_id = r.id AND m.split = 'test'",
        )
        .all() as Array<{ model: string; mass: number | null; peak: number | null }>;
      expect(rows).toHaveLength(16);
      for (const row of rows) {
        if (row.model === "bilstm-attention") {
          for (const share of [row.mass, row.peak]) {
            expect(share).toBeGreaterThanOrEqual(0);
            expect(share).toBeLessThanOrEqual(1);
          }
        } else {
          expect([row.mass, row.peak]).toEqual([null, null]);
        }
      }
    } finally {
      conn.close();
    }
  });

  it("puts the headline first, states Holm's correction, and lists the experiment in the index", () => {
    const html = readFileSync(join(ws.reports, "smoke.html"), "utf8");
    expect(html).toMatch(
      /<p class="lead">Attention \(bilstm-attention\) [^<]+ \(test F1 of every completed run, paired t over 2 seeds, [^<]+α = 0\.05\)\.[^<]*<\/p>/,
    );
    expect(html).toContain("Holm's correction for multiple comparisons");
    expect(html).toContain("Critical-difference diagram");
    expect(html).not.toMatch(/<script[^>]+src=/);
    const index = readFileSync(join(ws.reports, "index.html"), "utf8");
    expect(index).toContain('<a href="smoke.html">smoke</a>');
  });

  it("renders every chart in chromium from disk, with no console error and no network request", async () => {
    mkdirSync(join(REPO_ROOT, "reports"), { recursive: true });
    const conn = new Database(ws.db, { readonly: true });
    const { n } = conn.prepare("SELECT COUNT(*) AS n FROM runs WHERE status = 'completed' AND did_not_learn = 1").get() as { n: number };
    conn.close();
    const charts = chartsFor(n > 0);
    const check = await checkReportInBrowser(join(ws.reports, "smoke.html"), { screenshot: SCREENSHOT, timeoutMs: 300_000 });
    expect(check).toEqual({ chartCount: charts, renderedCharts: charts, consoleErrors: [], networkRequests: [] });
    expect(existsSync(SCREENSHOT)).toBe(true);
  }, 600_000);
});
