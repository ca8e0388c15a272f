import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../support/agent-process";

/**
 * The disk fills during an upload: the agent's whole root lives on an 8 MiB tmpfs and a 16 MiB
 * upload arrives. A clear error, no partial file anywhere, and the next upload that fits works.
 */
const MiB = 1024 * 1024;
let mnt: string;
let agent: AgentProcess;

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? allFiles(p) : [p];
  });
}

beforeAll(async () => {
  mnt = mkdtempSync(path.join(os.tmpdir(), "zlh-fault-disk-"));
  // Root only: the fault suite runs as root in CI (mounting a small filesystem is the fault).
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m,mode=0755", "tmpfs", mnt]);
  agent = await startAgentProcess({ artifactsUrl: "http://127.0.0.1:9/", root: mnt, keepRoot: true });
});

afterAll(async () => {
  await agent?.dispose();
  try {
    execFileSync("umount", [mnt]);
  } finally {
    rmSync(mnt, { recursive: true, force: true });
  }
});

describe("disk full during an upload", () => {
  it("answers a clear error, keeps no partial file, and takes the next upload", async () => {
    const before = new Set(allFiles(mnt));
    const big = Buffer.alloc(16 * MiB, 7);
    const r = await agent.fetch("/files/upload?scope=workspace&path=world.zip", { method: "PUT", body: big });
    expect(r.status, agent.logs.slice(-5).join("\n")).toBe(507);
    expect(await r.text()).toMatch(/no space left/i);
    const partial = allFiles(mnt).filter((f) => !before.has(f));
    expect(partial, "files left behind by the failed upload").toEqual([]);
    const listing = (await (await agent.fetch("/files/list?scope=workspace&path=")).json()) as { entries: { name: string }[] };
    expect(listing.entries.map((e) => e.name)).not.toContain("world.zip");

    const small = Buffer.alloc(1 * MiB, 9);
    const ok = await agent.fetch("/files/upload?scope=workspace&path=notes.bin", { method: "PUT", body: small });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const stored = allFiles(mnt).find((f) => f.endsWith("notes.bin"));
    expect(stored && statSync(stored).size).toBe(small.length);
  });
});
