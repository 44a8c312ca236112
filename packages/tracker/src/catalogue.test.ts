// The migrations are frozen SQL and the catalogue is a live list: this is where they must agree. A metric
// added to the catalogue without a migration (or a migration without an entry) fails here, on both dialects.
import { describe, expect, it } from "vitest";
import { METRIC_CATALOGUE, metricNamed } from "./catalogue.js";
import { openStore } from "./store.js";
import { tempDbPath, tempPostgres } from "./test-support.js";

const columnsOf = async (location: string, table: string) => {
  const store = await openStore(location);
  try {
    return (await store.readOnlyQuery(`SELECT * FROM ${table} WHERE 1 = 0`)).columns;
  } finally {
    await store.close();
  }
};

describe.each(["sqlite", "postgres"] as const)("the newest %s schema", (engine) => {
  it("has a metrics column for every catalogue entry, and run_summary a test_<name> for every summarised one", async () => {
    const pgDb = engine === "postgres" ? await tempPostgres() : null;
    const location = pgDb?.url ?? tempDbPath();
    try {
      const stored = (await columnsOf(location, "metrics")).filter((c) => c !== "run_id" && c !== "split");
      expect(stored.sort()).toEqual(METRIC_CATALOGUE.map((m) => m.column).sort());
      const summary = (await columnsOf(location, "run_summary")).filter((c) => c.startsWith("test_"));
      expect(summary.sort()).toEqual(
        METRIC_CATALOGUE.filter((m) => m.summary)
          .map((m) => `test_${m.name}`)
          .sort(),
      );
    } finally {
      await pgDb?.drop();
    }
  });
});

describe("the metric catalogue", () => {
  it("has one entry per name, field and column, and finds an entry by any of them", () => {
    for (const key of ["name", "field", "column"] as const) {
      expect(new Set(METRIC_CATALOGUE.map((m) => m[key])).size).toBe(METRIC_CATALOGUE.length);
    }
    expect(metricNamed("roc_auc")?.field).toBe("rocAuc");
    expect(metricNamed("rocAuc")?.name).toBe("roc_auc");
    expect(metricNamed("colour")).toBeUndefined();
  });
});
