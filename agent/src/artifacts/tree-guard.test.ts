import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { staysInside } from "./tree-guard";

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "zlh-tree-"));
  mkdirSync(path.join(root, "lib/deep"), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("staysInside", () => {
  it("accepts links resolving inside, dangling ones included", () => {
    symlinkSync("../lib/deep", path.join(root, "lib/up"));
    symlinkSync("missing/x", path.join(root, "dangling"));
    return Promise.all([staysInside(root, "lib/up"), staysInside(root, "dangling")]).then((r) => expect(r).toEqual([true, true]));
  });
  it("refuses a chain that lexically looks inside but leaves through a link to '.'", async () => {
    symlinkSync(".", path.join(root, "a"));
    symlinkSync("a/../../x", path.join(root, "c")); // a -> root, root/.. -> out
    expect(await staysInside(root, "c")).toBe(false);
  });
  it("refuses absolute targets and loops", async () => {
    symlinkSync("/etc", path.join(root, "etc"));
    symlinkSync("loop2", path.join(root, "loop1"));
    symlinkSync("loop1", path.join(root, "loop2"));
    expect(await staysInside(root, "etc")).toBe(false);
    expect(await staysInside(root, "loop1")).toBe(false);
  });
});
