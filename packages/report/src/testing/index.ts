// Test helpers for reports, shared by this package's tests and the CLI's tests: a browser over written reports,
// and the hand-made results the report's tests know the answers for (`sweepResults`, `tunedResults`, …).
export * from "../fixture.test-support.js";
import { chromium, type Browser } from "playwright-core";
import { pathToFileURL } from "node:url";

export interface BrowserCheck {
  chartCount: number;
  renderedCharts: number;
  /** Console errors and warnings (`warning: …`): vega warns of a chart it draws wrong, such as an empty scale. */
  consoleErrors: string[];
  /** Requests for anything but the page itself and inline data: a self-contained report makes none. */
  networkRequests: string[];
}

/** Debian's chromium (installed by scripts/setup.sh); flags that keep it off the network at start-up. */
export const CHROMIUM = process.env.TSA_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Debian's chromium, headless and off the network: every browser test and benchmark starts it this way. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--headless", ...ARGS] });
}

/**
 * Opens a report from disk in a real browser, waits until every chart has been drawn by vega-embed,
 * and returns what a person would notice: how many charts, console errors and warnings, network requests.
 */
export async function checkReportInBrowser(
  htmlFile: string,
  options: { screenshot?: string; timeoutMs?: number } = {},
): Promise<BrowserCheck> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const consoleErrors: string[] = [];
    const networkRequests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
      if (m.type() === "warning") consoleErrors.push(`warning: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    const url = pathToFileURL(htmlFile).href;
    page.on("request", (r) => {
      if (r.url() !== url && !/^(data|blob|about):/.test(r.url())) networkRequests.push(r.url());
    });
    await page.goto(url);
    const chartCount = await page.locator("[data-chart]").count();
    await page.waitForFunction((n) => (window as unknown as { tsaChartsRendered?: number }).tsaChartsRendered === n, chartCount, {
      timeout: options.timeoutMs ?? 60_000,
    });
    // A rendered chart holds vega-embed's live SVG (the static one is removed once it is drawn).
    const renderedCharts = await page.locator("[data-chart] .vega-embed svg").count();
    if (options.screenshot !== undefined) await page.screenshot({ path: options.screenshot, fullPage: true });
    return { chartCount, renderedCharts, consoleErrors, networkRequests };
  } finally {
    await browser.close();
  }
}

/**
 * How wide a page lays out in a window `width` px wide: the document's scroll width and each table's right
 * edge (a table wider than the window hides its last columns behind a horizontal scroll).
 */
export async function layoutWidths(htmlFile: string, width = 1280): Promise<{ page: number; tables: number[] }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(pathToFileURL(htmlFile).href);
    return await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      tables: Array.from(document.querySelectorAll("table")).map((t) => Math.ceil(t.getBoundingClientRect().right)),
    }));
  } finally {
    await browser.close();
  }
}

/** What a reader of a page `width` px wide sees: whether anything sticks out, how small chart text gets, where the headline ends. */
export interface LayoutCheck {
  /** The document's scroll width: more than the window means the whole page scrolls sideways. */
  page: number;
  /** Right edge of each visible table and chart box (each scrolls inside itself when its content is wider). */
  boxes: number[];
  /** The smallest height of a visible chart label, in CSS px (a chart scaled to fit a phone draws them ~4 px high). */
  smallestChartText: number;
  /** Where the headline (`.lead`) ends, in px from the top. */
  leadBottom: number;
  consoleErrors: string[];
}

/**
 * Opens a report in a window `width` × `height`, waits for every chart, and measures the layout; with
 * `screenshot`, saves the top `screenshotHeight` px of the page there.
 */
export async function checkLayout(
  htmlFile: string,
  options: { width: number; height: number; screenshot?: string; screenshotHeight?: number; timeoutMs?: number },
): Promise<LayoutCheck> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: options.width, height: options.height } });
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    await page.goto(pathToFileURL(htmlFile).href);
    const charts = await page.locator("[data-chart]").count();
    await page.waitForFunction((n) => (window as unknown as { tsaChartsRendered?: number }).tsaChartsRendered === n, charts, {
      timeout: options.timeoutMs ?? 60_000,
    });
    const layout = await page.evaluate(() => {
      const visible = (el: Element) => el.getBoundingClientRect().height > 0;
      const boxes = Array.from(document.querySelectorAll("table, .chart")).filter(visible);
      const labels = Array.from(document.querySelectorAll(".chart svg text")).filter(
        (t) => visible(t) && (t.textContent ?? "").trim() !== "",
      );
      return {
        page: document.documentElement.scrollWidth,
        boxes: boxes.map((b) => Math.ceil(b.getBoundingClientRect().right)),
        smallestChartText: Math.min(...labels.map((t) => t.getBoundingClientRect().height)),
        leadBottom: document.querySelector(".lead")?.getBoundingClientRect().bottom ?? 0,
      };
    });
    if (options.screenshot !== undefined) {
      const height = Math.min(options.screenshotHeight ?? options.height, await page.evaluate(() => document.documentElement.scrollHeight));
      await page.screenshot({ path: options.screenshot, fullPage: true, clip: { x: 0, y: 0, width: options.width, height } });
    }
    return { ...layout, consoleErrors };
  } finally {
    await browser.close();
  }
}

/** The visible text of chart `index` (its labels and titles, one a line) after choosing `option` in its first menu (a vega binding), as a reader would. */
export async function chartTextAfterChoosing(htmlFile: string, index: number, option: string): Promise<string> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(htmlFile).href);
    const charts = await page.locator("[data-chart]").count();
    await page.waitForFunction((n) => (window as unknown as { tsaChartsRendered?: number }).tsaChartsRendered === n, charts);
    await page.locator(`#chart-${index} select`).first().selectOption(option);
    // vega redraws on its next frame.
    await page.waitForTimeout(300);
    return (await page.locator(`#chart-${index} svg text`).allTextContents()).join("\n");
  } finally {
    await browser.close();
  }
}
