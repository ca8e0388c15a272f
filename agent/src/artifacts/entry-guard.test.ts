import { describe, expect, it } from "vitest";
import { EntryGuard, normalizeMemberPath, type ArchiveEntry } from "./entry-guard";

const f = (path: string, over: Partial<ArchiveEntry> = {}): ArchiveEntry => ({ path, type: "file", typeFlag: "0", mode: 0o644, ...over });
const link = (path: string, linkpath: string): ArchiveEntry => ({ path, type: "symlink", typeFlag: "2", linkpath, mode: 0o777 });
const hard = (path: string, linkpath: string): ArchiveEntry => ({ path, type: "hardlink", typeFlag: "1", linkpath, mode: 0o644 });
const run = (...entries: ArchiveEntry[]) => {
  const g = new EntryGuard();
  for (const e of entries) {
    const r = g.check(e);
    if (r) return r;
  }
  return null;
};

describe("normalizeMemberPath", () => {
  it("strips ./ and empty segments", () => expect(normalizeMemberPath("./a//b/")).toBe("a/b"));
  it("maps the root entry to an empty path", () => expect(normalizeMemberPath("./")).toBe(""));
  it("refuses absolute paths and ..", () => {
    expect(normalizeMemberPath("/etc/passwd")).toBeNull();
    expect(normalizeMemberPath("../evil")).toBeNull();
    expect(normalizeMemberPath("a/../../evil")).toBeNull();
    expect(normalizeMemberPath("a/../b")).toBeNull();
  });
});

describe("EntryGuard", () => {
  it("accepts a plain runtime layout with inside links", () => {
    expect(run(f("./", { type: "dir", typeFlag: "5", mode: 0o755 }), f("bin/node", { mode: 0o755 }), link("bin/npm", "../lib/node_modules/npm/bin/npm-cli.js"), hard("bin/nodejs", "bin/node"))).toBeNull();
  });
  it("refuses tar-slip members", () => expect(run(f("../evil"))).toMatch(/escapes the target/));
  it("refuses absolute members", () => expect(run(f("/etc/cron.d/x"))).toMatch(/escapes the target/));
  it("refuses symlinks pointing out, absolute or relative", () => {
    expect(run(link("etc", "/etc"))).toMatch(/points outside/);
    expect(run(link("a/up", "../../x"))).toMatch(/points outside/);
    expect(run(link("empty", ""))).toMatch(/points outside/);
  });
  it("refuses members written through an earlier symlink", () => {
    expect(run(link("d", "."), f("d/x"))).toMatch(/through a symlink/);
    expect(run(link("lib", "sub"), f("lib/deep/x"))).toMatch(/through a symlink/);
  });
  it("refuses hardlinks pointing out or through symlinks", () => {
    expect(run(hard("h", "/etc/shadow"))).toMatch(/points outside/);
    expect(run(hard("h", "../outside"))).toMatch(/points outside/);
    expect(run(link("l", "sub"), hard("h", "l/x"))).toMatch(/through a symlink/);
  });
  it("refuses devices, fifos and setuid bits", () => {
    expect(run(f("dev/sda", { type: "other", typeFlag: "4" }))).toMatch(/unsupported type "4"/);
    expect(run(f("fifo", { type: "other", typeFlag: "6" }))).toMatch(/unsupported type/);
    expect(run(f("bin/su", { mode: 0o4755 }))).toMatch(/setuid/);
  });
  it("lists the symlinks it saw for the on-disk check", () => {
    const g = new EntryGuard();
    g.check(link("a", "b"));
    g.check(link("c/d", "../a"));
    expect(g.symlinkPaths).toEqual(["a", "c/d"]);
  });
});
