import { describe, expect, it } from "vitest";
import { cacheControlFor, ifRangeAllows, noneMatch, parseRange, storeRequestPath } from "./http-policy";

describe("storeRequestPath", () => {
  it("serves the catalog, its signature and versioned files", () => {
    expect(storeRequestPath("catalog.json")).toEqual({ kind: "catalog", rel: "catalog.json" });
    expect(storeRequestPath("catalog.json.sig")).toEqual({ kind: "signature", rel: "catalog.json.sig" });
    expect(storeRequestPath("runtime/node/22.1.0/node-22.1.0-linux-x64.tar.gz")).toEqual({
      kind: "artifact",
      rel: "runtime/node/22.1.0/node-22.1.0-linux-x64.tar.gz",
    });
  });

  it.each([
    "../artifacts-signing.pem",
    "%2e%2e/artifacts-signing.pem",
    "runtime/node/22.1.0/..%2f..%2f..%2fsecrets.json",
    "runtime%2fnode%2f22.1.0%2fx.tar.gz",
    "runtime/node/22.1.0/../../../../etc/passwd",
    ".catalog.lock",
    ".incoming/abc-node.tar.gz",
    "runtime/node/22.1.0/.hidden",
    "runtime/node/22.1.0/a\\b",
    "runtime/node/22.1.0/x%00.tar.gz",
    "secret/node/22.1.0/x.tar.gz",
    "runtime/Node/22.1.0/x.tar.gz",
    "runtime/node/latest/x.tar.gz",
    "runtime/node/22.1.0",
    "",
    "%E0%A4%A",
  ])("refuses %j", (p) => {
    expect(storeRequestPath(p)).toBeNull();
  });
});

describe("parseRange", () => {
  it.each([
    [undefined, { kind: "full" }],
    ["bytes=0-99", { kind: "partial", start: 0, end: 99 }],
    ["bytes=100-", { kind: "partial", start: 100, end: 999 }],
    ["bytes=-10", { kind: "partial", start: 990, end: 999 }],
    ["bytes=-5000", { kind: "partial", start: 0, end: 999 }],
    ["bytes=900-5000", { kind: "partial", start: 900, end: 999 }],
    ["bytes=1000-", { kind: "unsatisfiable" }],
    ["bytes=-0", { kind: "unsatisfiable" }],
    ["bytes=0-1,5-6", { kind: "full" }],
    ["bytes=5-1", { kind: "full" }],
    ["items=0-1", { kind: "full" }],
    ["bytes=-", { kind: "full" }],
  ] as const)("%s on 1000 bytes", (header, want) => {
    expect(parseRange(header, 1000)).toEqual(want);
  });
});

describe("validators", () => {
  const etag = '"sha256-abc"';
  it("If-None-Match compares weakly over a list", () => {
    expect(noneMatch(etag, etag)).toBe(true);
    expect(noneMatch(`"x", W/${etag}`, etag)).toBe(true);
    expect(noneMatch("*", etag)).toBe(true);
    expect(noneMatch('"other"', etag)).toBe(false);
    expect(noneMatch(undefined, etag)).toBe(false);
  });

  it("If-Range needs a strong match or the exact Last-Modified", () => {
    const lm = "Thu, 26 Nov 2026 10:00:00 GMT";
    expect(ifRangeAllows(undefined, etag, lm)).toBe(true);
    expect(ifRangeAllows(etag, etag, lm)).toBe(true);
    expect(ifRangeAllows(`W/${etag}`, etag, lm)).toBe(false);
    expect(ifRangeAllows('"sha256-changed"', etag, lm)).toBe(false);
    expect(ifRangeAllows(lm, etag, lm)).toBe(true);
    expect(ifRangeAllows("Fri, 27 Nov 2026 10:00:00 GMT", etag, lm)).toBe(false);
  });

  it("caches versioned files forever and the catalog never without revalidation", () => {
    expect(cacheControlFor("artifact")).toBe("public, max-age=31536000, immutable");
    expect(cacheControlFor("catalog")).toBe("no-cache");
    expect(cacheControlFor("signature")).toBe("no-cache");
  });
});
