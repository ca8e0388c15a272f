import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startHarness, until, type Harness } from "../../../test/provisioning/harness";
import { MAX_CHUNK_BYTES, answer, proxyDownload, proxyUploadChunk, proxyUploadCreate, proxyUploadState } from "./proxy";

/**
 * The files router and the streaming proxy against a real dev container (local provider, real
 * agent) and PostgreSQL: JSON operations, ownership, a resumable upload with a refused
 * out-of-order chunk, the chunk cap, and a streamed download.
 */
useTestDatabase();

let h: Harness;
let owner: Awaited<ReturnType<Harness["user"]>>;
let other: Awaited<ReturnType<Harness["user"]>>;
let serverId: string;
let containerDir: string;

/**
 * Where a workspace file is on this machine. A sandboxed local container gets a private /tmp, so
 * with the test data folder itself under /tmp the agent's root resolves inside that private /tmp.
 */
function onDisk(rel: string): string {
  const inside = path.join(containerDir, "root/home/dev/workspace", rel);
  const viaPrivateTmp = path.join(containerDir, "tmp", containerDir.replace(/^\/tmp\//, ""), "root/home/dev/workspace", rel);
  return existsSync(inside) ? inside : viaPrivateTmp;
}

beforeAll(async () => {
  // Reads the container's files from the host through the unisolated provider's folder layout.
  h = await startHarness({ provider: "unisolated" });
  owner = await h.user();
  other = await h.user();
  const s = await owner.caller.servers.create({ kind: "dev", name: "files", runtimeId: "node", enableCodeServer: false, memoryMb: 512 });
  serverId = s.id;
  await until("server ready", async () => {
    const st = await owner.caller.servers.status({ serverId });
    if (st.server.status === "error") throw new Error(st.server.lastError ?? "failed");
    return st.server.status === "running" && st.agent?.provisioningComplete;
  });
  containerDir = h.provider.dirOf(s.vmid);
}, 180_000);
afterAll(async () => {
  await h?.close();
}, 120_000);

const put = (uploadId: string, offset: number, body: Uint8Array) =>
  answer(() => proxyUploadChunk(owner.id, serverId, uploadId, String(offset), new Request("http://portal.test/x", { method: "PUT", body: Buffer.from(body), headers: { "content-length": String(body.byteLength) } })));

describe("files through the portal", () => {
  it("lists, writes, reads, renames, makes folders and deletes through the agent", async () => {
    const c = owner.caller.files;
    await c.mkdir({ serverId, path: "notes" });
    await c.write({ serverId, path: "notes/a.txt", content: "hello files" });
    expect((await c.read({ serverId, path: "notes/a.txt" })).content).toBe("hello files");
    await c.rename({ serverId, from: "notes/a.txt", to: "notes/b.txt" });
    expect((await c.list({ serverId, path: "notes" })).entries.map((e) => e.name)).toEqual(["b.txt"]);

    expect(readFileSync(onDisk("notes/b.txt"), "utf8")).toBe("hello files");
    await c.delete({ serverId, path: "notes", recursive: true });
    expect((await c.list({ serverId, path: "" })).entries.some((e) => e.name === "notes")).toBe(false);
  });

  it("keeps the agent's path guard and others' servers out", async () => {
    await expect(owner.caller.files.read({ serverId, path: "../../etc/passwd" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(other.caller.files.list({ serverId, path: "" })).rejects.toBeInstanceOf(TRPCError);
    expect((await answer(() => proxyDownload(other.id, serverId, "x"))).status).toBe(404);
    expect((await answer(() => proxyUploadCreate(other.id, serverId, { path: "x", size: 1 }))).status).toBe(404);
  });

  it("uploads in chunks, refuses a chunk at the wrong offset, resumes from the state, downloads the result", async () => {
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    const created = await answer(() => proxyUploadCreate(owner.id, serverId, { path: "up/data.bin", size: data.length, overwrite: true }));
    expect(created.status).toBe(201);
    const { uploadId } = (await created.json()) as { uploadId: string };
    expect((await put(uploadId, 0, data.subarray(0, 100_000))).status).toBe(200);
    // A chunk that skips ahead is refused with the current state.
    const skipped = await put(uploadId, 200_000, data.subarray(200_000));
    expect(skipped.status).toBe(409);
    const state = (await (await answer(() => proxyUploadState(owner.id, serverId, uploadId, "GET"))).json()) as { offset: number };
    expect(state.offset).toBe(100_000);
    const last = await put(uploadId, 100_000, data.subarray(100_000));
    expect(await last.json()).toMatchObject({ complete: true, offset: data.length });
    expect(createHash("sha256").update(readFileSync(onDisk("up/data.bin"))).digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));

    const dl = await answer(() => proxyDownload(owner.id, serverId, "up/data.bin"));
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-disposition")).toContain("data.bin");
    expect(Buffer.from(await dl.arrayBuffer()).equals(data)).toBe(true);
  });

  it("refuses chunks over the cap and malformed upload ids before reaching the agent", async () => {
    const big = new Request("http://portal.test/x", { method: "PUT", body: new Uint8Array(8), headers: { "content-length": String(MAX_CHUNK_BYTES + 1) } });
    expect((await answer(() => proxyUploadChunk(owner.id, serverId, "a".repeat(32), "0", big))).status).toBe(413);
    expect((await answer(() => proxyUploadState(owner.id, serverId, "../../x", "GET"))).status).toBe(400);
  });
});
