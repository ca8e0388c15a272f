import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupManifestSchema, type BackupManifest } from "../contract/backup";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { until } from "../../../test/support/until";

/** A real agent process backing up and restoring a dev home (no game installed). */
let agent: AgentProcess;
let home: string;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function takeBackup(id: string): Promise<{ archive: Buffer; manifest: BackupManifest }> {
  const r = await agent.fetch("/backup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id }) });
  expect(r.status).toBe(200);
  const archive = Buffer.from(await r.arrayBuffer());
  const m = await agent.fetch(`/backup/${id}/manifest`);
  expect(m.status).toBe(200);
  return { archive, manifest: backupManifestSchema.parse(await m.json()) };
}

const restore = (archive: Buffer, manifest: BackupManifest) =>
  agent.fetch("/backup/restore", {
    method: "POST",
    headers: { "x-zlh-archive-sha256": manifest.archive.sha256, "x-zlh-archive-size": String(manifest.archive.size) },
    body: new Uint8Array(archive),
  });

beforeAll(async () => {
  agent = await startAgentProcess({ artifactsUrl: "http://127.0.0.1:9/artifacts/" });
  home = path.join(agent.root, "home/dev");
  await mkdir(path.join(home, "workspace/src"), { recursive: true });
  await writeFile(path.join(home, "workspace/src/main.ts"), "console.log('v1')\n");
  await writeFile(path.join(home, "workspace/big.bin"), randomBytes(24 * 1024 * 1024));
  await chmod(home, 0o755);
}, 60_000);

afterAll(async () => {
  await agent?.dispose();
});

describe.sequential("agent backups of a dev home", () => {
  it("streams a tar.gz whose manifest lists every file with its sha256; the archive hash matches", async () => {
    const { archive, manifest } = await takeBackup("first-backup");
    expect(manifest).toMatchObject({ scope: "home", root: "/home/dev", consistency: "copy" });
    // pigz (scripts/system-deps.sh installs it): gzip on every core, read back by the restore's gzip.
    expect(manifest.archive).toEqual({ format: "tar+gzip", size: archive.length, sha256: sha(archive), compressor: "pigz" });
    const main = manifest.files.find((f) => f.path === "workspace/src/main.ts");
    expect(main).toEqual({ path: "workspace/src/main.ts", type: "file", size: 18, sha256: sha(Buffer.from("console.log('v1')\n")) });
    expect(manifest.files.some((f) => f.path === "workspace/src/" && f.type === "dir")).toBe(true);
    expect(manifest.totalBytes).toBeGreaterThan(24 * 1024 * 1024);
  }, 120_000);

  it("refuses a corrupted archive and keeps the current files; a good one brings the old state back", async () => {
    const { archive, manifest } = await takeBackup("second-backup");
    await writeFile(path.join(home, "workspace/src/main.ts"), "console.log('v2')\n");
    await writeFile(path.join(home, "workspace/new.txt"), "made after the backup");

    const bad = Buffer.from(archive);
    const mid = Math.floor(bad.length / 2);
    bad[mid] = bad[mid]! ^ 0xff;
    const refused = await restore(bad, manifest);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: string }).error).toMatch(/sha256/);
    expect(await readFile(path.join(home, "workspace/src/main.ts"), "utf8")).toBe("console.log('v2')\n");

    const truncated = await restore(archive.subarray(0, archive.length - 100), manifest);
    expect(truncated.status).toBe(422);

    await chmod(home, 0o751);
    const ok = await restore(archive, manifest);
    expect(ok.status).toBe(200);
    // The restored folder has the original folder's mode (the archive's "./" member), not the snapshot's.
    expect((await stat(home)).mode & 0o777).toBe(0o755);
    expect(((await ok.json()) as { restore: { scope: string } }).restore.scope).toBe("home");
    expect(await readFile(path.join(home, "workspace/src/main.ts"), "utf8")).toBe("console.log('v1')\n");
    expect(existsSync(path.join(home, "workspace/new.txt"))).toBe(false);
    // No staging or old tree is left beside the home.
    expect((await readdir(path.dirname(home))).filter((n) => n !== "dev")).toEqual([]);
  }, 120_000);

  it("a backup interrupted by the client leaves no snapshot and no manifest, and the next one runs", async () => {
    const ac = new AbortController();
    const r = await agent.fetch("/backup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "cut-short" }), signal: ac.signal });
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    await reader.read();
    ac.abort();
    await until("the agent to be idle again", async () => ((await (await agent.fetch("/backup/status")).json()) as { running: string | null }).running === null);
    expect((await agent.fetch("/backup/cut-short/manifest")).status).toBe(404);
    const work = path.join(agent.root, "var/lib/zlh/backup");
    expect(existsSync(work) ? await readdir(work) : []).toEqual([]);
    await takeBackup("after-the-cut");
  }, 120_000);
});
