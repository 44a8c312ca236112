import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { shownPath } from "./shown-path.js";

describe("shownPath", () => {
  const initCwd = process.env.INIT_CWD;
  afterEach(() => {
    if (initCwd === undefined) delete process.env.INIT_CWD;
    else process.env.INIT_CWD = initCwd;
  });

  it("shows a file inside the user's directory relative to it, one outside as given", () => {
    process.env.INIT_CWD = "/home/ada/tsa-lab";
    expect(shownPath("/home/ada/tsa-lab/experiments/length.yaml")).toBe(join("experiments", "length.yaml"));
    expect(shownPath("/home/ada/tsa-lab")).toBe("/home/ada/tsa-lab");
    expect(shownPath("/data/ucr/GunPoint")).toBe("/data/ucr/GunPoint");
    expect(shownPath("/home/ada/tsa-lab-2/runs.sqlite")).toBe("/home/ada/tsa-lab-2/runs.sqlite");
  });

  it("takes the user's directory from INIT_CWD (yarn runs scripts from the repository root), else the working directory", () => {
    process.env.INIT_CWD = "/home/ada/tsa-lab/experiments";
    expect(shownPath("/home/ada/tsa-lab/experiments/length.yaml")).toBe("length.yaml");
    delete process.env.INIT_CWD;
    expect(shownPath(join(process.cwd(), "a.yaml"))).toBe("a.yaml");
  });
});
