import { serve } from "@hono/node-server";
import { UserInputError } from "@tsa/errors";
import { openRunBrowser, type WhereCondition } from "@tsa/tracker";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { hostCheck, isLoopback, newToken, tokenCheck } from "./security.js";

export interface UiOptions {
  /** The run store: a SQLite path or a `postgres://` URL; opened read-only. */
  db: string;
  /** 127.0.0.1 unless said; any other address needs the token. */
  host?: string;
  /** 0: any free port. */
  port?: number;
  /** Every key the runs table may filter, sort or show. */
  keys: string[];
  /** The CLI's `--where` parser; the tracker's grammar when not given. */
  parseCondition?: (text: string) => WhereCondition;
  /** How often open run pages look for new epochs. */
  pollMs?: number;
}

export interface UiServer {
  /** The address to open (with the token in it when there is one). */
  url: string;
  /** Null on a loopback address: only this machine's users can reach it. */
  token: string | null;
  engine: "sqlite" | "postgres";
  close(): Promise<void>;
}

const hostInUrl = (host: string) => (host.includes(":") ? `[${host}]` : host);

/** Serves the UI over the store at `db` until `close()`. */
export async function startUi(options: UiOptions): Promise<UiServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 7007;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserInputError(`--port: expected 0 to 65535, got ${port}`);
  const browser = await openRunBrowser(options.db);
  const token = isLoopback(host) ? null : newToken();
  let boundPort = port;
  const names = ["127.0.0.1", "localhost", "::1"];
  // On loopback the Host header must name this machine (DNS rebinding); elsewhere the token guards it.
  const guards = token === null ? [hostCheck(names, () => boundPort)] : [tokenCheck(token)];
  const app = createApp({ browser, keys: options.keys, parseCondition: options.parseCondition, pollMs: options.pollMs, guards });
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s as Server)) as Server;
      s.once("error", reject);
    });
  } catch (e) {
    await browser.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new UserInputError(`--port ${port}: already in use on ${host}; choose another (--port 0 takes any free one)`);
    if (code === "EADDRNOTAVAIL") throw new UserInputError(`--host ${host}: not an address of this machine`);
    throw e;
  }
  boundPort = (server.address() as AddressInfo).port;
  const base = `http://${hostInUrl(host)}:${boundPort}/`;
  return {
    url: token === null ? base : `${base}?token=${token}`,
    token,
    engine: browser.engine,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await browser.close();
    },
  };
}
