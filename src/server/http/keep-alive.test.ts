import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PORTAL_KEEP_ALIVE_MS } from "./keep-alive";

/** nginx's default upstream keepalive_timeout is 60 s: the portal would close pooled connections first. */
const NGINX_DEFAULT_UPSTREAM_KEEPALIVE_MS = 60_000;

function seconds(v: string): number {
  const m = /^(\d+)(ms|s|m)?$/.exec(v);
  if (!m) throw new Error(`unreadable nginx time ${v}`);
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 }[m[2] ?? "s"] ?? 1);
}

describe("keep-alive between nginx and the portals", () => {
  it("nginx drops a pooled portal connection before the portal closes it", () => {
    const conf = readFileSync(path.resolve("deploy/nginx/zerolaghub.conf"), "utf8");
    const upstream = /upstream zlh_portal \{([^}]*)\}/.exec(conf)?.[1];
    expect(upstream, "upstream zlh_portal block").toBeDefined();
    expect(upstream).toMatch(/keepalive \d+;/);
    const set = /keepalive_timeout (\S+);/.exec(upstream!)?.[1];
    const nginxMs = set ? seconds(set) * 1000 : NGINX_DEFAULT_UPSTREAM_KEEPALIVE_MS;
    expect(nginxMs).toBeLessThan(PORTAL_KEEP_ALIVE_MS);
  });
});
