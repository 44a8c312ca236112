// What a store location may be, said by the store itself before it makes anything: an unknown URL scheme,
// a folder that does not exist, a PostgreSQL server nobody answers at.
import { StoreError } from "@tsa/errors";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unknownScheme } from "./location.js";
import { openStore } from "./store.js";

describe("store locations", () => {
  it("knows a URL of another store from a path", () => {
    expect(unknownScheme("mysql://foo/bar")).toBe("mysql");
    expect(unknownScheme("postgres://tsa@localhost/x")).toBeNull();
    expect(unknownScheme("results/runs.sqlite")).toBeNull();
    expect(unknownScheme("/tmp/a:b.sqlite")).toBeNull();
  });

  it("refuses an unknown scheme instead of making a folder named after it", async () => {
    await expect(openStore("mysql://foo/bar")).rejects.toThrow(
      new StoreError("mysql://foo/bar: unknown database scheme 'mysql' (a SQLite file path or a postgres:// URL)"),
    );
    expect(existsSync("mysql:")).toBe(false);
  });

  it("names a missing folder and does not create it", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tsa-location-")), "missing");
    const location = join(dir, "runs.sqlite");
    await expect(openStore(location)).rejects.toMatchObject({
      message: `${location}: its folder ${dir} does not exist`,
      remedy: "create-folder",
    });
    expect(existsSync(dir)).toBe(false);
  });

  it("fails a first connection to a server nobody answers at within seconds", async () => {
    const started = Date.now();
    await expect(openStore("postgres://tsa@127.0.0.1:1/x")).rejects.toThrow(/cannot connect to the PostgreSQL server/);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
