import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deletePath, listDir, makeDir, readText, writeFileContent, type FileBase } from "./operations";

/**
 * Regression (#16): the files API checked a path (realpath inside the base) and then acted on the
 * path string, so a symlink swapped into a parent folder in between sent the operation outside.
 * Here another process swaps `sub` between a real folder and a symlink to a folder outside the base
 * as fast as it can, while every operation runs against `sub/...`: none may ever touch the outside.
 */
let root: string;
let base: FileBase;
let outside: string;
let racer: ChildProcess;

beforeAll(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "zlh-race-")));
  const ws = path.join(root, "ws");
  outside = path.join(root, "outside");
  mkdirSync(path.join(ws, "sub", "victim"), { recursive: true });
  writeFileSync(path.join(ws, "sub", "secret.txt"), "inside");
  mkdirSync(path.join(outside, "victim"), { recursive: true });
  writeFileSync(path.join(outside, "secret.txt"), "TOP SECRET");
  writeFileSync(path.join(outside, "outside-marker"), "");
  writeFileSync(path.join(outside, "victim", "keep.txt"), "keep me");
  symlinkSync(outside, path.join(ws, "sub.link"));
  base = { dir: ws };
  // A separate process, so the swaps really happen between our checks and our system calls.
  const swap = `
    const fs = require("fs"), p = require("path"), ws = ${JSON.stringify(ws)};
    const mv = (a, b) => { try { fs.renameSync(p.join(ws, a), p.join(ws, b)); } catch {} };
    for (;;) { mv("sub", "sub.dir"); mv("sub.link", "sub"); mv("sub", "sub.link"); mv("sub.dir", "sub"); }`;
  racer = spawn(process.execPath, ["-e", swap], { stdio: "ignore" });
});

afterAll(() => {
  racer?.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

describe("files API with a symlink swapped into a parent folder concurrently", () => {
  it("never reads, lists, writes, creates or deletes outside the base", async () => {
    const leaks: string[] = [];
    const deadline = Date.now() + 4_000;
    let rounds = 0;
    while (Date.now() < deadline) {
      rounds++;
      const attempt = async (what: string, fn: () => Promise<unknown>) => {
        try {
          const out = await fn();
          const text = JSON.stringify(out ?? null);
          if (text.includes("TOP SECRET") || text.includes("outside-marker")) leaks.push(`${what} returned ${text.slice(0, 120)}`);
        } catch {
          // refused or raced away: both fine
        }
      };
      await Promise.all([
        attempt("read", () => readText(base, "sub/secret.txt")),
        attempt("list", () => listDir(base, "sub")),
        attempt("write", () => writeFileContent(base, "sub/written.txt", Buffer.from("x"), { parents: false })),
        attempt("mkdir", () => makeDir(base, "sub/made", { parents: false })),
        attempt("delete", () => deletePath(base, "sub/victim", { recursive: true })),
      ]);
    }
    for (const p of ["written.txt", "made"]) if (existsSync(path.join(outside, p))) leaks.push(`created ${p} outside`);
    if (!existsSync(path.join(outside, "victim", "keep.txt"))) leaks.push("deleted outside/victim");
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("TOP SECRET");
    expect(leaks).toEqual([]);
    expect(rounds).toBeGreaterThan(50);
  }, 30_000);
});
