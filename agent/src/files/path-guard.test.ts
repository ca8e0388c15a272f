import { describe, expect, it } from "vitest";
import { HttpError } from "../http/errors";
import { isInside, normalizeRelativePath } from "./path-guard";

const refused = (p: string) => {
  try {
    normalizeRelativePath(p);
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    return (err as HttpError).status;
  }
  return null;
};

describe("normalizeRelativePath", () => {
  it("normalizes ordinary relative paths", () => {
    expect(normalizeRelativePath("")).toBe("");
    expect(normalizeRelativePath(".")).toBe("");
    expect(normalizeRelativePath("src/index.ts")).toBe("src/index.ts");
    expect(normalizeRelativePath("./a//b/./c/")).toBe("a/b/c");
    expect(normalizeRelativePath("..hidden/x..y/...")).toBe("..hidden/x..y/...");
    expect(normalizeRelativePath("dir with spaces/é€.txt")).toBe("dir with spaces/é€.txt");
    expect(normalizeRelativePath("back\\slash")).toBe("back\\slash");
  });

  it.each([
    ["..", 400],
    ["../etc/passwd", 400],
    ["a/../../etc", 400],
    ["a/b/..", 400],
    ["./..", 400],
    ["/etc/passwd", 400],
    ["/", 400],
    ["//server/share", 400],
    ["a\0b", 400],
    ["file.txt\0.png", 400],
    ["x".repeat(256), 400],
    [`${"a/".repeat(2100)}b`, 400],
  ])("refuses %j with %i", (p, status) => {
    expect(refused(p)).toBe(status);
  });

  it("explains why", () => {
    expect(() => normalizeRelativePath("../x")).toThrow(/'\.\.' is not allowed/);
    expect(() => normalizeRelativePath("/x")).toThrow(/absolute paths/);
    expect(() => normalizeRelativePath("a\0")).toThrow(/NUL/);
  });
});

describe("isInside", () => {
  it("accepts the base and its descendants only", () => {
    expect(isInside("/w", "/w")).toBe(true);
    expect(isInside("/w", "/w/a/b")).toBe(true);
    expect(isInside("/w", "/w2")).toBe(false);
    expect(isInside("/w", "/")).toBe(false);
    expect(isInside("/w", "/w/../etc")).toBe(false);
    expect(isInside("/w", "/w/..a")).toBe(true);
  });
});
