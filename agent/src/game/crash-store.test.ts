import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CrashRecord } from "../contract/game";
import { CrashStore, MAX_CRASH_RECORDS } from "./crash-store";

const record = (n: number): CrashRecord => ({
  id: `c${n}`,
  at: new Date(1_700_000_000_000 + n * 1000).toISOString(),
  pid: 100 + n,
  exitCode: 1,
  signal: null,
  uptimeSeconds: n,
  classification: "nonzero_exit",
  reason: "exit code 1",
  logTail: [`line ${n}`],
  failures: 1,
  outcome: "restart_scheduled",
  restartInMs: 30_000,
});

describe("crash store", () => {
  it("keeps the newest 50 on disk across reloads", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "zlh-crashes-"));
    try {
      const file = path.join(dir, "crashes.json");
      const store = new CrashStore(file);
      await store.load();
      for (let i = 1; i <= MAX_CRASH_RECORDS + 5; i++) await store.add(record(i));
      const again = new CrashStore(file);
      await again.load();
      expect(again.list()).toHaveLength(MAX_CRASH_RECORDS);
      expect(again.latest()?.id).toBe(`c${MAX_CRASH_RECORDS + 5}`);
      expect(again.list().at(-1)?.id).toBe("c6");
      expect(JSON.parse(await readFile(file, "utf8"))).toHaveLength(MAX_CRASH_RECORDS);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("starts empty when the file is missing or corrupt", async () => {
    const store = new CrashStore("/nonexistent/zlh/crashes.json");
    await store.load();
    expect(store.list()).toEqual([]);
  });
});
