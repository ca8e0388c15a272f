import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LogFollower } from "./log-follower";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "zlh-follow-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const until = async (cond: () => boolean) => {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("log follower", () => {
  it("follows appended output from the given offset", async () => {
    const file = path.join(dir, "game.log");
    await writeFile(file, "old run\n");
    let got = "";
    const f = new LogFollower(file, 8, (c) => (got += c.toString()), 100);
    await f.start();
    await appendFile(file, "line 1\n");
    await appendFile(file, "line 2\n");
    await until(() => got === "line 1\nline 2\n");
    await f.close();
  });

  it("loses nothing while paused and drains on demand", async () => {
    const file = path.join(dir, "game.log");
    let got = "";
    const f = new LogFollower(file, 0, (c) => (got += c.toString()), 50);
    await f.start();
    f.pause();
    await appendFile(file, "a\nb\n");
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toBe("");
    f.resume();
    await appendFile(file, "c\n");
    await f.drain();
    expect(got).toBe("a\nb\nc\n");
    await f.close();
  });
});
