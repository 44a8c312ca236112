import { execFileSync } from "node:child_process";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeFixture, runId, type Fixture } from "./fixture.test-support.js";
import { startUi, type UiServer } from "./server.js";

const KEYS = ["f1", "model", "seed", "data.length", "data.noise"];

/** A request exactly as written (fetch would normalise `..` and the Host header away). */
function raw(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

let fixture: Fixture;
let ui: UiServer;
const get = (path: string, init?: RequestInit) => fetch(new URL(path, ui.url), init);
const json = async (path: string) => (await get(path)).json() as Promise<Record<string, unknown>>;

beforeAll(async () => {
  fixture = await makeFixture();
  ui = await startUi({ db: fixture.location, port: 0, keys: KEYS, pollMs: 100 });
});
afterAll(async () => {
  await ui?.close();
  await fixture?.close();
});

describe("tsa ui server", () => {
  it("binds 127.0.0.1 without a token and serves the page with a CSP that forbids remote resources", async () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(ui.token).toBeNull();
    for (const path of ["/", "/assets/app.js", "/assets/preact.js", "/assets/style.css", "/assets/icon.svg"]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/https?:|\*/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("serves the runs table paged, filtered and sorted, with chosen columns", async () => {
    const page = await json("/api/runs?where=model%3Dcnn&where=f1%3E%3D0.85&sort=f1&desc=1&limit=2&columns=data.length,f1");
    expect(page.total).toBe(2);
    const rows = page.rows as Array<{ model: string; values: Record<string, unknown> }>;
    expect(rows.map((r) => r.model)).toEqual(["cnn", "cnn"]);
    expect(rows[0]!.values).toEqual({ "data.length": [0.3, 0.5], f1: expect.closeTo(0.87, 9) });
    expect((await json("/api/runs?offset=8&limit=5")).rows).toHaveLength(1);
  });

  it("answers a bad query with 400 and the reason", async () => {
    for (const [path, reason] of [
      ["/api/runs?where=nonsense", "expected key=value"],
      ["/api/runs?sort=bogus", "unknown key 'bogus'"],
      ["/api/runs?limit=100000", "limit: expected an integer from 0 to 500"],
      ["/api/runs?offset=-3", "offset: expected a non-negative integer"],
      ["/api/compare?group=seed", "group: expected one of run, model, point, model,point"],
    ]) {
      const response = await get(path!);
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain(reason);
    }
  });

  it("binds every parameter: injection through each reads nothing more and changes nothing", async () => {
    const evil = encodeURIComponent("x' OR '1'='1'; DROP TABLE runs; --");
    const attempts = [
      `/api/runs?experiment=${evil}`,
      `/api/runs?where=model%3D${evil}`,
      `/api/runs?where=data.noise%3D${evil}`,
      `/api/runs?where=${evil}%3D1`,
      `/api/runs?sort=${evil}`,
      `/api/runs?sort=f1&desc=${evil}`,
      `/api/runs?columns=${evil}`,
      `/api/runs?offset=${evil}`,
      `/api/runs?limit=${evil}`,
      `/api/runs/${evil}`,
      `/api/runs/${evil}/curves.svg`,
      `/api/runs/${evil}/attention.svg`,
      `/api/runs/${evil}/events`,
      `/api/runs/${runId("cnn", 0, 1)}/events?after=${evil}`,
      `/api/compare?ids=${evil}`,
      `/api/compare?group=${evil}`,
      `/api/compare?experiment=${evil}`,
      `/experiments/${evil}/report`,
    ];
    for (const path of attempts) {
      const response = await get(path);
      expect([200, 400, 404], path).toContain(response.status);
      const body = await response.text();
      // Nothing read past the filter: no run id, except on `desc` (a flag: anything but 1 is ascending).
      if (!path.includes("desc=")) expect(body, path).not.toContain(runId("cnn", 0, 1).slice(0, 20));
    }
    expect((await json("/api/runs")).total).toBe(9);
    expect(((await json("/api/experiments")) as unknown as unknown[]).length).toBe(1);
  });

  it("refuses path traversal and paths that are not its assets", async () => {
    for (const path of [
      "/assets/../package.json",
      "/assets/..%2f..%2fpackage.json",
      "/assets/%2e%2e/%2e%2e/package.json",
      "/../../../etc/passwd",
      "//etc/passwd",
      "/assets/..\\..\\package.json",
      "/web/app.js",
      "/src/server.ts",
    ]) {
      const response = await raw(ui.url, path);
      // Node's parser refuses some of them outright (400); the rest find no asset (404).
      expect([400, 404], path).toContain(response.status);
      expect(response.body, path).not.toMatch(/"name":|root:|import /);
    }
  });

  it("refuses a request addressed to another host name (DNS rebinding)", async () => {
    const port = new URL(ui.url).port;
    expect((await raw(ui.url, "/api/runs", { host: "evil.example:" + port })).status).toBe(421);
    expect((await raw(ui.url, "/api/runs", { host: `localhost:${port}` })).status).toBe(200);
  });

  it("pushes a new epoch of a running run to an open event stream within 2 s", async () => {
    const controller = new AbortController();
    const response = await get(`/api/runs/${fixture.liveRunId}/events?after=1`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    const read = async (until: RegExp) => {
      let text = "";
      while (!until.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return text;
    };
    expect(await read(/"status":"running"/)).toContain('"epochs":[]');
    const written = Date.now();
    await fixture.writeEpoch(2);
    const text = await read(/"epoch":2/);
    expect(Date.now() - written).toBeLessThan(2000);
    expect(text).toContain("event: progress");
    controller.abort();
  });
});

describe("tsa ui on another address", () => {
  it("requires the token on every request, from the URL, a cookie or a bearer header", async () => {
    const open = await startUi({ db: fixture.location, host: "0.0.0.0", port: 0, keys: KEYS });
    try {
      expect(open.token).toMatch(/^[\w-]{32}$/);
      expect(open.url).toContain(`?token=${open.token}`);
      const base = open.url.replace("0.0.0.0", "127.0.0.1").replace(/\?.*$/, "");
      expect((await fetch(`${base}api/runs`)).status).toBe(401);
      expect((await fetch(`${base}`)).status).toBe(401);
      expect((await fetch(`${base}api/runs?token=wrong`)).status).toBe(401);
      expect((await fetch(`${base}api/runs`, { headers: { authorization: `Bearer ${open.token}` } })).status).toBe(200);
      const entry = await fetch(`${base}?token=${open.token}`, { redirect: "manual" });
      expect(entry.status).toBe(303);
      expect(entry.headers.get("location")).toBe("/");
      const cookie = entry.headers.get("set-cookie") ?? "";
      expect(cookie).toMatch(/HttpOnly/i);
      expect((await fetch(`${base}api/runs`, { headers: { cookie: cookie.split(";")[0]! } })).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it("names a port in use as bad input", async () => {
    await expect(startUi({ db: fixture.location, port: Number(new URL(ui.url).port), keys: KEYS })).rejects.toThrow(/already in use/);
  });
});

describe("tsa ui on PostgreSQL", () => {
  it("serves the runs table and pushes a new epoch within 2 s (the run polled every second)", async () => {
    const admin = process.env.TSA_TEST_PG_URL ?? "postgres://tsa:tsa@localhost:5432/postgres";
    const name = `tsa_test_ui_${process.pid}`;
    const psql = (sql: string) => execFileSync("psql", [admin, "-qc", sql]);
    psql(`CREATE DATABASE ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const pgFixture = await makeFixture(url.toString());
    const server = await startUi({ db: url.toString(), port: 0, keys: KEYS });
    try {
      expect(server.engine).toBe("postgres");
      const page = (await (await fetch(`${server.url}api/runs?where=model%3Dcnn&sort=f1&desc=1`)).json()) as { total: number };
      expect(page.total).toBe(4);
      const controller = new AbortController();
      const response = await fetch(`${server.url}api/runs/${pgFixture.liveRunId}/events?after=1`, { signal: controller.signal });
      const reader = response.body!.getReader();
      let text = "";
      const read = async (until: RegExp) => {
        while (!until.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      };
      await read(/"status":"running"/);
      const written = Date.now();
      await pgFixture.writeEpoch(2);
      await read(/"epoch":2/);
      expect(Date.now() - written).toBeLessThan(2000);
      controller.abort();
    } finally {
      await server.close();
      await pgFixture.close();
      psql(`DROP DATABASE IF EXISTS ${name}`);
    }
  });
});
