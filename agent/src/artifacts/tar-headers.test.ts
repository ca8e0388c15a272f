import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ArchiveEntry } from "./entry-guard";
import { TarHeaderReader, parseNumeric } from "./tar-headers";
import { rawTar } from "../../test/helpers";

const tmp = mkdtempSync(path.join(os.tmpdir(), "zlh-tarhdr-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Feeds the archive in awkward chunk sizes to exercise headers split across chunks. */
function read(buf: Buffer, chunk = 77): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  const r = new TarHeaderReader((e) => out.push(e));
  for (let i = 0; i < buf.length; i += chunk) r.push(buf.subarray(i, i + chunk));
  r.end();
  return out;
}

describe("TarHeaderReader", () => {
  it("reads what GNU tar wrote: dirs, files, symlinks, hardlinks, long names (GNU and pax)", () => {
    const src = path.join(tmp, "src");
    const long = "d".repeat(120);
    mkdirSync(path.join(src, "bin", long), { recursive: true });
    writeFileSync(path.join(src, "bin", "tool"), "x".repeat(1000));
    writeFileSync(path.join(src, "bin", long, "f"), "y");
    symlinkSync("tool", path.join(src, "bin", "alias"));
    execFileSync("ln", [path.join(src, "bin", "tool"), path.join(src, "bin", "hard")]);
    for (const format of ["gnu", "pax"]) {
      const tarFile = path.join(tmp, `a-${format}.tar`);
      execFileSync("tar", [`--format=${format}`, "-cf", tarFile, "-C", src, "."]);
      const entries = read(readFileSync(tarFile));
      const byPath = new Map(entries.map((e) => [e.path, e]));
      expect(byPath.get("./bin/tool")?.type).toBe("file");
      expect(byPath.get(`./bin/${long}/f`)?.type).toBe("file");
      expect(byPath.get("./bin/alias")).toMatchObject({ type: "symlink", linkpath: "tool" });
      const hard = entries.find((e) => e.type === "hardlink");
      expect(hard?.linkpath).toMatch(/^\.\/bin\/(tool|hard)$/);
    }
  });
  it("reports hostile names as they are (the guard judges them)", () => {
    const buf = rawTar([{ name: "ok", data: "abc" }, { name: "../evil", data: "evil" }, { name: "l", type: "symlink", linkname: "/etc" }]);
    expect(read(buf, 512).map((e) => [e.path, e.type, e.linkpath])).toEqual([["ok", "file", undefined], ["../evil", "file", undefined], ["l", "symlink", "/etc"]]);
  });
  it("honours a pax size override when skipping data", () => {
    const record = "9 size=5\n";
    const buf = rawTar([{ name: "PaxHeader", type: "pax", data: record }, { name: "big", data: "12345", sizeField: 0 }, { name: "after", data: "x" }]);
    expect(read(buf).map((e) => e.path)).toEqual(["big", "after"]);
  });
  it("refuses a corrupted header", () => {
    const file = path.join(tmp, "c.tar");
    writeFileSync(path.join(tmp, "one"), "1");
    execFileSync("tar", ["-cf", file, "-C", tmp, "one"]);
    const buf = readFileSync(file);
    buf[0] = buf[0]! ^ 0xff;
    expect(() => read(buf)).toThrow(/checksum/);
  });
  it("refuses a truncated archive", () => {
    const file = path.join(tmp, "t.tar");
    writeFileSync(path.join(tmp, "big"), Buffer.alloc(5000, 1));
    execFileSync("tar", ["-cf", file, "-C", tmp, "big"]);
    expect(() => read(readFileSync(file).subarray(0, 2000))).toThrow(/truncated/);
  });
});

describe("parseNumeric", () => {
  it("reads octal fields", () => expect(parseNumeric(Buffer.from("0000644 \0"))).toBe(0o644));
  it("reads GNU base-256 sizes", () => {
    const b = Buffer.alloc(12);
    b[0] = 0x80;
    b.writeUIntBE(10 * 1024 ** 3, 6, 6);
    expect(parseNumeric(b)).toBe(10 * 1024 ** 3);
  });
  it("refuses garbage", () => expect(() => parseNumeric(Buffer.from("12x4\0"))).toThrow());
});
