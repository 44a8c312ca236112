import { randomBytes, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";

/** Nothing from anywhere but this server: no CDN, no font host, no inline script. */
export const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The sweep view serves the report page, which inlines vega and its specs (and vega compiles expressions
 * with `Function`): inline script and eval are allowed there, remote resources still are not.
 */
export const REPORT_CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const TOKEN_COOKIE = "tsa_ui_token";

export const isLoopback = (host: string) => host === "127.0.0.1" || host === "::1" || host === "localhost";

export const newToken = () => randomBytes(24).toString("base64url");

/** Headers every response carries; the page's own CSP unless the route set another. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has("Content-Security-Policy")) c.res.headers.set("Content-Security-Policy", APP_CSP);
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    c.res.headers.set("Referrer-Policy", "no-referrer");
    c.res.headers.set("Cross-Origin-Resource-Policy", "same-origin");
  };
}

/**
 * Only requests addressed to this server by a name it answers to: a web page elsewhere that points its own
 * host name at 127.0.0.1 (DNS rebinding) is refused.
 */
export function hostCheck(hostnames: string[], port: () => number): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host") ?? "";
    const allowed = hostnames.map((h) => (h.includes(":") ? `[${h}]:${port()}` : `${h}:${port()}`));
    if (!allowed.includes(host)) return c.json({ error: `host '${host}' is not this server (expected ${allowed.join(" or ")})` }, 421);
    await next();
  };
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The token, checked on every request: from `?token=` (the URL printed once; it becomes a cookie and the
 * address bar loses it), the cookie, or `Authorization: Bearer`.
 */
export function tokenCheck(token: string): MiddlewareHandler {
  return async (c, next) => {
    const fromQuery = c.req.query("token");
    const bearer = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    const given = fromQuery ?? bearer ?? getCookie(c, TOKEN_COOKIE) ?? "";
    if (!same(given, token))
      return c.json({ error: "this server needs its token (printed when it started): open the URL it printed" }, 401);
    if (fromQuery !== undefined && c.req.method === "GET") {
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/" });
      const url = new URL(c.req.url);
      url.searchParams.delete("token");
      return c.redirect(`${url.pathname}${url.search}${url.hash}`, 303);
    }
    await next();
  };
}
