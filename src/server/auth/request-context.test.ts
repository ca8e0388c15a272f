import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, REQUEST_PATH_HEADER, clientAddress, requestContextRoute, requestPath } from "./request-context";

const req = (headers: Record<string, string>, remoteAddress = "::ffff:10.0.0.7", url = "/") =>
  ({ headers: { ...headers }, socket: { remoteAddress }, url }) as unknown as IncomingMessage;

describe("request context", () => {
  it("uses the socket address unless the proxy is trusted", () => {
    const r = req({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" });
    expect(clientAddress(r, false)).toBe("10.0.0.7");
    expect(clientAddress(r, true)).toBe("203.0.113.9");
    expect(clientAddress(req({}, "::1"), true)).toBe("::1");
  });

  it("keeps the path and query but drops Next's _rsc parameter", () => {
    expect(requestPath("/settings?tab=a&_rsc=abc")).toBe("/settings?tab=a");
    expect(requestPath("/dashboard?_rsc=1")).toBe("/dashboard");
    expect(requestPath(undefined)).toBe("/");
  });

  it("overwrites headers a client tried to forge and lets Next answer", async () => {
    const r = req({ [CLIENT_ADDRESS_HEADER]: "1.2.3.4", [REQUEST_PATH_HEADER]: "/evil" }, "127.0.0.1", "/dashboard");
    expect(await requestContextRoute(false)(r, {} as never)).toBe(false);
    expect(r.headers[CLIENT_ADDRESS_HEADER]).toBe("127.0.0.1");
    expect(r.headers[REQUEST_PATH_HEADER]).toBe("/dashboard");
  });
});
