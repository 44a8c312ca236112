// `./tsa ui` end to end: a real sweep trains while the UI serves its database; a browser on the page of a
// running run sees the epochs the training writes appear without a reload.
import { launchChromium } from "@tsa/report/testing";
import { afterAll, describe, expect, it } from "vitest";
import { makeWorkspace, queryDb, startCli, tinyExperimentYaml, waitFor } from "./support.js";

const children: Array<ReturnType<typeof startCli>> = [];
afterAll(() => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGKILL");
});

describe("./tsa ui, end to end", () => {
  it("serves a sweep in flight: a running run's new epochs appear in the open page; Ctrl-C stops it with 0", async () => {
    const ws = makeWorkspace("tsa-ui-e2e-");
    // Far more epochs than the page needs to open (the kernels train a tiny run's epoch in milliseconds: 40
    // epochs were over before a loaded machine opened the page), and a patience no run can exhaust (an early
    // stop right after the page opens would leave it nothing new to show); one worker, runs one by one. The
    // sweep is interrupted once the page has shown a new epoch.
    const file = ws.experiment(
      "live",
      tinyExperimentYaml("live", { models: ["bilstm-attention"], seeds: [1, 2], epochs: 2000, patience: 2000, size: 320 }),
    );
    const sweep = startCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports, "--concurrency", "1"]);
    children.push(sweep);
    // The UI needs the database to exist: wait for the sweep to create it.
    await waitFor(() => queryDb(ws.db, "SELECT 1 FROM experiments")?.length === 1, "the sweep to create its database", sweep);
    const ui = startCli(["ui", "--db", ws.db, "--port", "0"]);
    children.push(ui);
    const url = await waitFor(() => /open (http:\S+)/.exec(ui.output())?.[1], "the UI's URL", ui);

    const running = async () => {
      const page = (await (await fetch(`${url}api/runs?where=status%3Drunning`)).json()) as {
        rows: Array<{ id: string; epochsRun: number | null }>;
      };
      return page.rows[0]?.id ?? null;
    };
    let id: string | null = null;
    for (let i = 0; i < 1200 && id === null; i++) {
      id = await running();
      if (id === null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(id, sweep.output()).not.toBeNull();

    const browser = await launchChromium();
    const errors: string[] = [];
    try {
      const page = await browser.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.goto(`${url}#/run/${id}`);
      const epochs = page.locator('table[data-view="epochs"] tbody tr');
      await page.locator('table[data-view="epochs"]').waitFor();
      const before = await epochs.count();
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
      // Training writes the next epoch within seconds; the page shows it without a reload.
      await expect.poll(() => epochs.count(), { timeout: 60_000 }).toBeGreaterThan(before);
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    } finally {
      await browser.close();
    }
    expect(errors).toEqual([]);

    sweep.child.kill("SIGINT");
    ui.child.kill("SIGINT");
    expect((await ui.result).code).toBe(0);
    await sweep.result;
  });
});
