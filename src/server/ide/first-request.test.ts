import { describe, expect, it } from "vitest";
import { headerValues, parseRequestHead, singleHeader, spliceHead, type RequestHead } from "./first-request";

const parse = (s: string) => parseRequestHead(Buffer.from(s, "latin1"));

describe("first request head", () => {
  it("parses a request head and reports where it ends", () => {
    const text = "GET /a?b=1 HTTP/1.1\r\nHost: dev-6000.localhost\r\nCookie: a=1\r\nCookie: b=2\r\n\r\nBODY";
    const h = parse(text) as RequestHead;
    expect(h).toMatchObject({ method: "GET", target: "/a?b=1", version: "HTTP/1.1", raw: ["Host", "dev-6000.localhost", "Cookie", "a=1", "Cookie", "b=2"] });
    expect(h.length).toBe(text.length - 4);
    expect(headerValues(h, "cookie")).toEqual(["a=1", "b=2"]);
    expect(singleHeader(h, "host")).toBe("dev-6000.localhost");
  });

  it("waits for the rest of a head, and leaves anything unusual to Node", () => {
    expect(parse("GET / HTTP/1.1\r\nHost: x\r\n")).toBe("incomplete");
    expect(parse(`GET / HTTP/1.1\r\nX: ${"a".repeat(17_000)}`)).toBeNull();
    for (const bad of [
      "GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
      "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\n Host: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost x\r\n\r\n",
      "GET / HTTP/1.1\r\nHo st: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\ny\r\n\r\n",
      "get / HTTP/1.1\r\nHost: x\r\n\r\n",
    ]) {
      expect(parse(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it("refuses to pick among repeated Host headers", () => {
    const h = parse("GET / HTTP/1.1\r\nHost: dev-6000.localhost\r\nHost: dev-6001.localhost\r\n\r\n") as RequestHead;
    expect(singleHeader(h, "host")).toBeUndefined();
  });

  it("rewrites the head for code-server: Host kept, portal cookies and forwarding claims gone, ours added", () => {
    const h = parse(
      "POST /x HTTP/1.1\r\nHost: dev-6000.localhost:3000\r\nCookie: zlh_ide=v; theme=dark; next-auth.session-token=s\r\nX-Forwarded-For: 6.6.6.6\r\nForwarded: for=6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nProxy-Authorization: Basic x\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc",
    ) as RequestHead;
    const out = spliceHead(h, { clientAddress: "10.0.0.9", forwardedProto: "https", dropCookie: (n) => n === "zlh_ide" || n.includes("next-auth.") });
    expect(out).toBe(
      "POST /x HTTP/1.1\r\nHost: dev-6000.localhost:3000\r\nCookie: theme=dark\r\nContent-Length: 3\r\nConnection: keep-alive\r\nX-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: dev-6000.localhost:3000\r\n\r\n",
    );
    const onlyPortal = parse("GET / HTTP/1.1\r\nHost: h\r\nCookie: zlh_ide=v\r\n\r\n") as RequestHead;
    expect(spliceHead(onlyPortal, { clientAddress: "1.1.1.1", forwardedProto: "http", dropCookie: () => true })).not.toMatch(/cookie/i);
  });
});
