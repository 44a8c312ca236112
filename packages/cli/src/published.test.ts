import { UserInputError } from "@tsa/errors";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PUBLISHED_ACCURACY_FILE, readPublishedAccuracy } from "./published.js";

describe("the published archive accuracies, read from the project's facts file", () => {
  it("reads datasets/published-accuracy.json, which cites its source", () => {
    const published = readPublishedAccuracy();
    expect(PUBLISHED_ACCURACY_FILE).toMatch(/datasets[/\\]published-accuracy\.json$/);
    expect(published!.accuracy.GunPoint!.fcn).toBe(1);
    expect(published!.accuracy.ArrowHead!.resnet).toBe(0.838);
    expect(published!.source).toContain("Fawaz");
  });

  it("is null without the file, and bad input naming the file and key when it is malformed", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-published-"));
    expect(readPublishedAccuracy(join(dir, "absent.json"))).toBeNull();
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    expect(() => readPublishedAccuracy(broken)).toThrow(UserInputError);
    expect(() => readPublishedAccuracy(broken)).toThrow(/broken\.json: expected JSON, got /);
    const wrong = join(dir, "wrong.json");
    writeFileSync(wrong, JSON.stringify({ source: "s", metric: "m", accuracy: { GunPoint: { fcn: "high" } } }));
    expect(() => readPublishedAccuracy(wrong)).toThrow(/wrong\.json: accuracy\.GunPoint\.fcn: expected a number in \[0, 1\], got "high"/);
  });
});
