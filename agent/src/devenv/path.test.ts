import { describe, expect, it } from "vitest";
import { STANDARD_PATH_DIRS, normalizePath } from "./path";

describe("normalizePath", () => {
  it("puts runtime bins first and keeps the standard dirs", () => {
    expect(normalizePath(["/opt/zlh/runtimes/node/current/bin"])).toBe(["/opt/zlh/runtimes/node/current/bin", ...STANDARD_PATH_DIRS].join(":"));
  });
  it("drops duplicates, trailing slashes included, keeping the first position", () => {
    expect(normalizePath(["/usr/bin/", "/a"], "/a:/usr/bin:/usr/local/bin/")).toBe(["/usr/bin", "/a", "/usr/local/bin", "/usr/local/sbin", "/usr/sbin", "/sbin", "/bin"].join(":"));
  });
  it("drops empty and relative entries", () => {
    expect(normalizePath([], "::.:bin:/x")).toBe(["/x", ...STANDARD_PATH_DIRS].join(":"));
  });
  it("keeps inherited extras after the runtime bins", () => {
    expect(normalizePath(["/r/bin"], "/home/dev/.local/bin").split(":").slice(0, 2)).toEqual(["/r/bin", "/home/dev/.local/bin"]);
  });
  it("is stable when applied to its own output", () => {
    const once = normalizePath(["/r/bin"], "/x:/usr/bin");
    expect(normalizePath(["/r/bin"], once)).toBe(once);
  });
});
