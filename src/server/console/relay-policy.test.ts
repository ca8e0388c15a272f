import { describe, expect, it } from "vitest";
import { agentConsolePath, allowedOrigins, originAllowed, parseConsolePath } from "./relay-policy";

describe("parseConsolePath", () => {
  it("takes the server id and the terminal size", () => {
    expect(parseConsolePath("/api/servers/cm123abc/console?cols=120&rows=40")).toEqual({ serverId: "cm123abc", cols: 120, rows: 40 });
  });
  it("defaults and clamps the size", () => {
    expect(parseConsolePath("/api/servers/abc/console")).toEqual({ serverId: "abc", cols: 80, rows: 24 });
    expect(parseConsolePath("/api/servers/abc/console?cols=99999&rows=-3")).toEqual({ serverId: "abc", cols: 500, rows: 24 });
    expect(parseConsolePath("/api/servers/abc/console?cols=1.5")).toMatchObject({ cols: 80 });
  });
  it("ignores other paths and malformed ids", () => {
    for (const p of ["/api/servers/abc/consoles", "/api/servers//console", "/api/servers/a%2F..%2Fb/console", "/api/servers/abc/console/x", "/_next/webpack-hmr", "/api/servers/a.b/console", undefined]) {
      expect(parseConsolePath(p)).toBeNull();
    }
  });
});

describe("originAllowed", () => {
  const allowed = allowedOrigins(["http://localhost:3000/", undefined], "evil.example", false);
  it("accepts the portal's own origin", () => {
    expect(originAllowed("http://localhost:3000", allowed)).toBe(true);
  });
  it("refuses other origins, a missing one and the opaque null origin", () => {
    for (const o of ["http://localhost:3001", "https://localhost:3000", "http://evil.example", "http://dev-6000.localhost:3000", "null", undefined, "not a url"]) {
      expect(originAllowed(o, allowed)).toBe(false);
    }
  });
  it("falls back to the request's host only when no public URL is configured", () => {
    expect([...allowedOrigins([], "portal.test:8080", true)]).toEqual(["https://portal.test:8080"]);
    expect([...allowedOrigins(["https://zerolaghub.com"], "portal.test", true)]).toEqual(["https://zerolaghub.com"]);
    expect(allowedOrigins([], undefined, false).size).toBe(0);
  });
});

describe("agentConsolePath", () => {
  it("routes game servers to the game console and dev servers to a shared shell session", () => {
    expect(agentConsolePath("game", { cols: 80, rows: 24 })).toBe("/game/console");
    expect(agentConsolePath("dev", { cols: 100, rows: 30 })).toBe("/console?session=portal&cols=100&rows=30");
  });
});
