import { describe, expect, it } from "vitest";
import { columnFor, conditionSql, parseWhere } from "./columns.js";
import { POSTGRES, SQLITE } from "./dialect.js";

describe("query keys", () => {
  it("reads model parts from the recorded config", () => {
    expect(columnFor("model.pooling", SQLITE)).toBe("json_extract(r.config, '$.parts.pooling')");
    expect(columnFor("model.pooling", POSTGRES)).toBe("(CAST(r.config AS jsonb) #> '{parts,pooling}')");
    expect(conditionSql(parseWhere("model.units>=32"), SQLITE)).toEqual({
      sql: "json_extract(r.config, '$.parts.units') >= json_extract(?, '$')",
      param: "32",
    });
    expect(conditionSql(parseWhere("f1>=0.9"), POSTGRES)).toEqual({ sql: "m.f1 >= ?", param: 0.9 });
  });

  it("reads a tuned run's role from its recorded tuning", () => {
    expect(columnFor("role", SQLITE)).toBe("json_extract(r.config, '$.tuning.role')");
    expect(conditionSql(parseWhere("role=trial"), POSTGRES)).toEqual({
      sql: "(CAST(r.config AS jsonb) #> '{tuning,role}') = CAST(? AS jsonb)",
      param: '"trial"',
    });
  });

  it("names the valid keys when one is unknown", () => {
    expect(() => columnFor("colour", SQLITE)).toThrow(/unknown key 'colour'; valid keys: id, .*data\.\*/);
  });
});
