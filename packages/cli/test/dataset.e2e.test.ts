// `./tsa dataset`: the very series a run of an experiment trains, validates and tests on, written in the
// plain format another framework reads (meta.json, x.f32, y.u8), and read back to the same Float32Array.
import { makeDataset, readDatasetFiles, resolveDataConfig, takeSplit, type DatasetMeta } from "@tsa/data";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeWorkspace, runCli, tinyExperimentYaml } from "./support.js";

const YAML = tinyExperimentYaml("ds", {
  extra: "sweep:\n  data.length: [[0.1, 0.3], [0.3, 0.5]]\n  model.pooling: [mean, attention]",
  models: ["bilstm"],
});

describe("./tsa dataset", () => {
  it("writes the split series of one sweep point and seed, train then val then test, as float32 little-endian", async () => {
    const ws = makeWorkspace();
    const file = ws.experiment("ds", YAML);
    const out = join(ws.dir, "ds-seed4");
    const result = await runCli(["dataset", file, "--seed", "4", "--point", "data.length=[0.3,0.5]", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("160 series × 32 points (train 112, val 16, test 32), seed 4");
    expect(readdirSync(out).sort()).toEqual(["meta.json", "x.f32", "y.u8"]);
    const meta = JSON.parse(readFileSync(join(out, "meta.json"), "utf8")) as DatasetMeta;
    expect(meta).toMatchObject({ n: 160, t: 32, train: 112, val: 16, test: 32, seed: 4 });
    const back = readDatasetFiles({
      meta,
      x: new Uint8Array(readFileSync(join(out, "x.f32"))),
      y: new Uint8Array(readFileSync(join(out, "y.u8"))),
    });
    const expected = makeDataset(resolveDataConfig({ size: 160, numPoints: 32, length: [0.3, 0.5] }), 4);
    for (const split of ["train", "val", "test"] as const) {
      expect(back[split].x).toEqual(takeSplit(expected, split).x);
      expect(back[split].labels).toEqual(takeSplit(expected, split).labels);
    }
    // The folder is never left half-written, and never overwritten.
    expect(readdirSync(ws.dir).filter((f) => f.includes(".partial-"))).toEqual([]);
    const again = await runCli(["dataset", file, "--seed", "4", "--point", "data.length=[0.3,0.5]", "--out", out]);
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining("already exists")]);
  });

  it("asks which point when the file sweeps data, listing the choices, before writing anything", async () => {
    const ws = makeWorkspace();
    const file = ws.experiment("ds", YAML);
    const out = join(ws.dir, "none");
    const result = await runCli(["dataset", file, "--seed", "1", "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("2 data configs match; choose one with --point:");
    expect(result.stderr).toContain("--point 'data.length=[0.1,0.3]'");
    const bad = await runCli(["dataset", file, "--seed", "1", "--point", "data.noise=0.1", "--out", out]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("does not sweep data.noise (it sweeps data.length)")]);
    expect(existsSync(out)).toBe(false);
  });

  it("creates the folders above --out, and says so when it cannot", async () => {
    const ws = makeWorkspace();
    const file = ws.experiment("ds", YAML);
    const args = ["dataset", file, "--seed", "2", "--point", "data.length=[0.1,0.3]", "--out"];
    const nested = join(ws.dir, "parity", "seed-2", "data");
    const made = await runCli([...args, nested]);
    expect(made.code, made.stderr).toBe(0);
    expect(readdirSync(nested).sort()).toEqual(["meta.json", "x.f32", "y.u8"]);

    writeFileSync(join(ws.dir, "plain-file"), "");
    const blocked = await runCli([...args, join(ws.dir, "plain-file", "data")]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/--out .*plain-file\/data: cannot create it \(.*(ENOTDIR|EEXIST)/);
    expect(blocked.stderr).not.toContain("    at ");
  });
});
