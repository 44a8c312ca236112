import { describe, expect, it } from "vitest";
import { columnFor, conditionSql, parseWhere, validKeys } from "./columns.js";

describe("query keys", () => {
  it("reads model parts from the recorded config", () => {
    expect(validKeys()).toEqual(expect.arrayContaining(["model.pooling", "model.encoder", "model.normalize", "model.init", "model.units"]));
    expect(columnFor("model.pooling")).toBe("json_extract(r.config, '$.parts.pooling')");
    expect(conditionSql(parseWhere("model.units>=32"))).toEqual({ sql: "json_extract(r.config, '$.parts.units') >= ?", param: 32 });
  });

  it("names the valid keys when one is unknown", () => {
    expect(() => columnFor("model.colour")).toThrow(/unknown key 'model.colour'; valid keys: .*model\.pooling/);
  });
});
