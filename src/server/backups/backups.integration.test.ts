import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import type { ProvisioningRuntime } from "../provisioning/runtime";

/**
 * The portal's backup jobs end to end with a real agent (a dev home), PostgreSQL and the local
 * store: a backup lands in the store and its row; retention keeps the plan's count, oldest out;
 * an interrupted backup leaves nothing listed; a restore brings files back after keeping the
 * current state; a corrupted archive is refused and the files stay as they are.
 */
useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { setProvisioningRuntime } = await import("../provisioning/runtime");
const { encryptToken } = await import("../provisioning/token-codec");
const { setBackupStore } = await import("./config");
const { LocalBackupStore } = await import("./store-local");
const { runBackup, runRestore, newBackupId } = await import("./runner");
const { downloadBackup } = await import("./download");

const rtDir = mkdtempSync(path.join(os.tmpdir(), "zlh-backups-rt-"));
const storeDir = mkdtempSync(path.join(os.tmpdir(), "zlh-backups-store-"));
const store = new LocalBackupStore(storeDir);
const secretKey = randomBytes(32);
let agent: AgentProcess;
let serverId: string;
let home: string;

async function backup(): Promise<string> {
  const id = newBackupId();
  await db.backup.create({ data: { id, serverId } });
  await runBackup(id, new AbortController().signal);
  return id;
}

beforeAll(async () => {
  setProvisioningRuntime({ secretKey, dataDir: rtDir } as unknown as ProvisioningRuntime);
  setBackupStore(store);
  agent = await startAgentProcess({ artifactsUrl: "http://127.0.0.1:9/artifacts/" });
  home = path.join(agent.root, "home/dev");
  mkdirSync(path.join(home, "workspace"), { recursive: true });
  writeFileSync(path.join(home, "workspace/app.js"), "v1");
  const user = await db.user.create({ data: { email: `bk-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
  const s = await db.server.create({ data: { userId: user.id, name: "bk", kind: "dev", vmid: 400_000 + Math.floor(Math.random() * 1e6), provider: "local", status: "running", agentUrl: agent.url, memoryMb: 512 } });
  await db.server.update({ where: { id: s.id }, data: { agentTokenEnc: encryptToken(agent.token, secretKey, s.id) } });
  serverId = s.id;
}, 60_000);

afterAll(async () => {
  setBackupStore(null);
  await agent?.dispose();
  await closeDb();
  rmSync(rtDir, { recursive: true, force: true });
  rmSync(storeDir, { recursive: true, force: true });
});

describe.sequential("backup jobs with a real agent and the local store", () => {
  let first: string;

  it("stores the backup and records it (sizes, sha256, files) and the timeline", async () => {
    first = await backup();
    const row = await db.backup.findUniqueOrThrow({ where: { id: first } });
    expect(row).toMatchObject({ status: "done", error: null });
    expect(Number(row.sizeBytes)).toBeGreaterThan(0);
    expect((await store.list(serverId)).map((b) => b.id)).toEqual([first]);
    expect((await store.manifest(serverId, first))!.archive.sha256).toBe(row.sha256);
    const events = await db.serverEvent.findMany({ where: { serverId, type: "backup" }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.status)).toEqual(["started", "done"]);
  });

  it("downloads stream the archive to its owner only, resumable with Range (If-Range on the sha256 ETag)", async () => {
    const server = await db.server.findUniqueOrThrow({ where: { id: serverId } });
    const row = await db.backup.findUniqueOrThrow({ where: { id: first } });
    const whole = await downloadBackup(server.userId, serverId, first, new Headers());
    expect(whole.status).toBe(200);
    const all = Buffer.from(await whole.arrayBuffer());
    expect(all.length).toBe(Number(row.sizeBytes));
    expect(whole.headers.get("etag")).toBe(`"sha256-${row.sha256}"`);
    const part = await downloadBackup(server.userId, serverId, first, new Headers({ range: "bytes=10-", "if-range": whole.headers.get("etag")! }));
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-${all.length - 1}/${all.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(all.subarray(10));
    const stale = await downloadBackup(server.userId, serverId, first, new Headers({ range: "bytes=10-", "if-range": '"sha256-other"' }));
    expect(stale.status).toBe(200);
    await stale.body?.cancel();
    expect((await downloadBackup(server.userId, serverId, first, new Headers({ range: `bytes=${all.length + 5}-` }))).status).toBe(416);
    const other = await db.user.create({ data: { email: `bk-other-${randomUUID()}@example.test`, passwordHash: "x" } });
    expect((await downloadBackup(other.id, serverId, first, new Headers())).status).toBe(404);
  });

  it("an interrupted backup is failed and leaves nothing in the listing", async () => {
    writeFileSync(path.join(home, "workspace/big.bin"), randomBytes(40 * 1024 * 1024));
    const id = newBackupId();
    await db.backup.create({ data: { id, serverId } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("portal shutting down")), 300);
    await expect(runBackup(id, ac.signal)).rejects.toThrow();
    expect((await db.backup.findUniqueOrThrow({ where: { id } })).status).toBe("failed");
    expect((await store.list(serverId)).map((b) => b.id)).toEqual([first]);
    rmSync(path.join(home, "workspace/big.bin"));
  });

  it("a restore keeps the current state first and brings the old files back", async () => {
    writeFileSync(path.join(home, "workspace/app.js"), "v2");
    await runRestore(serverId, first, new AbortController().signal);
    expect(readFileSync(path.join(home, "workspace/app.js"), "utf8")).toBe("v1");
    const pre = await db.backup.findFirstOrThrow({ where: { serverId, reason: "pre-restore" } });
    expect(pre.status).toBe("done");
    const msgs = (await db.serverEvent.findMany({ where: { serverId, type: "restore" }, orderBy: { createdAt: "asc" } })).map((e) => e.message);
    expect(msgs[0]).toMatch(/Restoring backup/);
    expect(msgs.at(-1)).toMatch(new RegExp(`Restored backup ${first}`));
  });

  it("a corrupted archive is refused and the files keep their current state", async () => {
    writeFileSync(path.join(home, "workspace/app.js"), "v3");
    const file = path.join(storeDir, serverId, `${first}.tar.gz`);
    const bytes = readFileSync(file);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(file, bytes);
    await expect(runRestore(serverId, first, new AbortController().signal)).rejects.toThrow(/422|sha256/);
    expect(readFileSync(path.join(home, "workspace/app.js"), "utf8")).toBe("v3");
    const failed = await db.serverEvent.findFirst({ where: { serverId, type: "restore", status: "failed" } });
    expect(failed?.message).toMatch(/sha256/);
  });

  it("retention keeps the plan's count (free: 3), removing the oldest first", async () => {
    const before = (await store.list(serverId)).map((b) => b.id);
    const made = [await backup(), await backup()];
    const after = (await store.list(serverId)).map((b) => b.id);
    expect(after).toHaveLength(3);
    expect(after.slice(-2)).toEqual(made);
    expect(after).not.toContain(before[0]);
    expect(existsSync(path.join(storeDir, serverId, `${before[0]}.tar.gz`))).toBe(false);
    expect(await db.backup.findUnique({ where: { id: before[0]! } })).toBeNull();
  });
});
