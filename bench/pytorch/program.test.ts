// The torch-missing path, with fake interpreters: these tests never start PyTorch.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { pytorchUnavailable } from "./program.js";

const folder = mkdtempSync(join(tmpdir(), "tsa-fake-python-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** An executable that answers `-c 'import torch'` as a python3 without torch does. */
function pythonWithoutTorch(): string {
  const file = join(folder, "python3");
  writeFileSync(file, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
  chmodSync(file, 0o755);
  return file;
}

describe("pytorchUnavailable", () => {
  it("names an interpreter that does not exist", () => {
    expect(pytorchUnavailable(join(folder, "nowhere"))).toBe(`${join(folder, "nowhere")} not found`);
  });

  it("names an interpreter that cannot import torch", () => {
    const python = pythonWithoutTorch();
    expect(pytorchUnavailable(python)).toBe(`${python} cannot import torch`);
  });
});

describe("yarn parity without torch", () => {
  it("says how to install it and exits 2 before writing anything", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const out = join(folder, "out");
    const run = spawnSync(process.execPath, ["--import", "tsx", "bench/parity/main.ts", "--python", pythonWithoutTorch(), "--out", out], {
      cwd: root,
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("apt-get install -y python3-torch");
    expect(run.stderr).toContain("/usr/bin/python3");
    expect(spawnSync("ls", [out]).status).not.toBe(0);
  });
});
