// The UI in a real browser (Debian's chromium through playwright-core): filter the runs table, open a run
// that is training and watch a new epoch appear without a reload, compare runs; no console error, and no
// request anywhere but this server.
import { launchChromium } from "@tsa/report/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeFixture, runId, type Fixture } from "./fixture.test-support.js";
import { startUi, type UiServer } from "./server.js";

let fixture: Fixture;
let ui: UiServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const elsewhere: string[] = [];

beforeAll(async () => {
  fixture = await makeFixture();
  ui = await startUi({ db: fixture.location, port: 0, keys: ["f1", "model", "seed", "data.length", "data.noise"] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith(ui.url)) elsewhere.push(r.url());
  });
});
afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await fixture?.close();
});

const rows = (view: string) => page.locator(`table[data-view="${view}"] tbody tr`);

describe("tsa ui in chromium", () => {
  it("lists the experiment with its runs by status", async () => {
    await page.goto(ui.url);
    await expect.poll(() => rows("experiments").count()).toBe(1);
    expect(await rows("experiments").first().innerText()).toMatch(/smoke[\s\S]*1 running[\s\S]*8 completed/);
  });

  it("filters and sorts the runs table on the server; the URL holds the query and Back undoes it", async () => {
    await page.click("text=runs");
    await expect.poll(() => rows("runs").count()).toBe(9);
    await page.fill('input[name="where"]', "model=cnn; f1>=0.85");
    await page.click('button[type="submit"]');
    await expect.poll(() => rows("runs").count()).toBe(2);
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe("#/runs?where=model=cnn&where=f1>=0.85");
    await page.click('th[data-sort="f1"]');
    await page.click('th[data-sort="f1"]');
    await expect.poll(() => page.url()).toContain("desc=1");
    await expect.poll(() => rows("runs").first().getAttribute("data-run")).toBe(runId("cnn", 1, 2));
    await page.goBack();
    await page.goBack();
    await page.goBack();
    await expect.poll(() => rows("runs").count()).toBe(9);
  });

  it("shows a new epoch of a running run within 2 s, without a reload", async () => {
    await page.goto(`${ui.url}#/run/${fixture.liveRunId}`);
    await expect.poll(() => page.locator('table[data-view="epochs"] tbody tr').count()).toBe(1);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const written = Date.now();
    await fixture.writeEpoch(2);
    await page.locator('tr[data-epoch="2"]').waitFor({ timeout: 2000 });
    expect(Date.now() - written).toBeLessThan(2000);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // The chart is redrawn with the epoch too.
    await expect.poll(() => page.locator('img[data-chart="curves"]').getAttribute("src")).toContain("epochs=2");
    await expect
      .poll(() => page.locator('img[data-chart="curves"]').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
  });

  it("compares two runs selected in the table, then their models with paired differences", async () => {
    await page.goto(`${ui.url}#/runs?experiment=smoke`);
    await expect.poll(() => rows("runs").count()).toBe(9);
    await rows("runs").nth(0).locator("input[type=checkbox]").check();
    await rows("runs").nth(4).locator("input[type=checkbox]").check();
    await page.click("text=compare 2 selected");
    await expect.poll(() => rows("compared").count()).toBe(2);
    await expect
      .poll(() => page.locator('img[data-chart="compare"]').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    await page.goto(`${ui.url}#/compare?experiment=smoke&group=model`);
    await expect.poll(() => rows("differences").count()).toBe(1);
    expect(await rows("differences").first().innerText()).toMatch(/bilstm-attention\s+cnn\s+4/);
  });

  it("shows a finished attention run's metrics and its attention overlay", async () => {
    await page.goto(`${ui.url}#/run/${runId("bilstm-attention", 1, 2)}`);
    await expect.poll(() => page.locator('table[data-view="metrics"]').innerText()).toMatch(/F1\s+0\.9600\s+0\.9700/);
    await expect
      .poll(() => page.locator('img[data-chart="attention"]').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
  });

  it("shows the sweep: parallel coordinates, curves by model × point, and the report rendered from the store", async () => {
    await page.goto(`${ui.url}#/sweep/smoke`);
    for (const chart of ["parallel", "sweep-curves"]) {
      await expect
        .poll(() => page.locator(`img[data-chart="${chart}"]`).evaluate((img: HTMLImageElement) => img.naturalWidth))
        .toBeGreaterThan(0);
    }
    await page.click("text=the report's sections");
    const charts = await page.locator("[data-chart]").count();
    expect(charts).toBeGreaterThan(0);
    await page.waitForFunction((n) => (window as unknown as { tsaChartsRendered?: number }).tsaChartsRendered === n, charts);
  });

  it("made no console error and no request outside the server", () => {
    expect(consoleErrors, consoleErrors.join("\n")).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
