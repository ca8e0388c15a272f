import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, REQUEST_PATH_HEADER, clientAddress, requestContextRoute, requestPath } from "./request-context";

const req = (headers: Record<string, string>, remoteAddress = "::ffff:10.0.0.7", url = "/") =>
  ({ headers: { ...headers }, socket: { remoteAddress }, url }) as unknown as IncomingMessage;

describe("request context", () => {
  it("uses the socket address unless proxies are trusted", () => {
    const r = req({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" });
    expect(clientAddress(r, 0)).toBe("10.0.0.7");
    expect(clientAddress(r, 1)).toBe("10.0.0.1");
    expect(clientAddress(req({}, "::1"), 1)).toBe("::1");
  });

  // Regression (#16): the leftmost entry is whatever the client sent; only trusted hops count.
  it("takes the address the trusted proxies saw, not what the client wrote", () => {
    const spoofed = req({ "x-forwarded-for": "1.2.3.4, 198.51.100.7" }, "10.0.0.2");
    expect(clientAddress(spoofed, 1)).toBe("198.51.100.7");
    const twoHops = req({ "x-forwarded-for": "1.2.3.4, 198.51.100.7, 192.0.2.1" }, "10.0.0.2");
    expect(clientAddress(twoHops, 2)).toBe("198.51.100.7");
    expect(clientAddress(req({ "x-forwarded-for": "::ffff:198.51.100.8" }), 1)).toBe("198.51.100.8");
  });

  it("keeps the path and query but drops Next's _rsc parameter", () => {
    expect(requestPath("/settings?tab=a&_rsc=abc")).toBe("/settings?tab=a");
    expect(requestPath("/dashboard?_rsc=1")).toBe("/dashboard");
    expect(requestPath(undefined)).toBe("/");
  });

  it("overwrites headers a client tried to forge and lets Next answer", async () => {
    const r = req({ [CLIENT_ADDRESS_HEADER]: "1.2.3.4", [REQUEST_PATH_HEADER]: "/evil" }, "127.0.0.1", "/dashboard");
    expect(await requestContextRoute(0)(r, {} as never)).toBe(false);
    expect(r.headers[CLIENT_ADDRESS_HEADER]).toBe("127.0.0.1");
    expect(r.headers[REQUEST_PATH_HEADER]).toBe("/dashboard");
  });
});
