import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import type { FileEntry, FileListing, UploadState } from "../contract/files";

const LIMIT = 1024 * 1024;

async function until(fn: () => Promise<boolean> | boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sends `sent` bytes of a body declared as `declared` bytes, then drops the connection. */
function cutOffRequest(agent: AgentProcess, method: string, p: string, declared: number, sent: Buffer, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(`${agent.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${agent.token}`, "content-length": String(declared), ...headers },
    });
    req.on("error", () => resolve());
    req.on("close", () => resolve());
    req.write(sent, () => setTimeout(() => req.destroy(), 50));
  });
}

describe("files API (real agent, real filesystem)", () => {
  let artifacts: TestArtifactServer;
  let agent: AgentProcess;
  let ws: string;
  let staging: string;
  const q = (p: string, extra = "") => `scope=workspace&path=${encodeURIComponent(p)}${extra}`;
  const post = (route: string, body: unknown) =>
    agent.fetch(route, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  beforeAll(async () => {
    artifacts = await startTestArtifactServer();
    agent = await startAgentProcess({ artifactsUrl: artifacts.url, extraArgs: ["--upload-limit-bytes", String(LIMIT)] });
    ws = path.join(agent.root, "home/dev/workspace");
    staging = path.join(agent.root, "opt/zlh/agent/uploads");
    await mkdir(ws, { recursive: true });
    // Outside the workspace but inside the container root: what an escape would reach.
    await writeFile(path.join(agent.root, "secret.txt"), "top secret");
  });
  afterAll(async () => {
    await agent?.dispose();
    await artifacts?.close();
  });

  it("writes, reads, lists, stats, renames, downloads and deletes", async () => {
    let r = await post("/files/write", { path: "src/app.ts", content: "console.log('hi')\n", parents: true });
    expect(r.status).toBe(200);
    expect(((await r.json()) as FileEntry).type).toBe("file");
    expect(await readFile(path.join(ws, "src/app.ts"), "utf8")).toBe("console.log('hi')\n");

    r = await agent.fetch(`/files/read?${q("src/app.ts")}`);
    expect(await r.json()).toMatchObject({ path: "src/app.ts", encoding: "utf8", content: "console.log('hi')\n" });

    await post("/files/write", { path: "bin.dat", content: Buffer.from([0xff, 0x00, 0xfe]).toString("base64"), encoding: "base64" });
    r = await agent.fetch(`/files/read?${q("bin.dat")}`);
    expect(await r.json()).toMatchObject({ encoding: "base64", content: "/wD+" });

    expect((await post("/files/mkdir", { path: "docs/a/b", parents: true })).status).toBe(200);
    expect((await post("/files/mkdir", { path: "docs" })).status).toBe(409);
    r = await agent.fetch(`/files/list?${q("")}`);
    const listing = (await r.json()) as FileListing;
    expect(listing.entries.map((e) => `${e.type}:${e.name}`)).toEqual(["dir:docs", "dir:src", "file:bin.dat"]);

    r = await agent.fetch(`/files/stat?${q("src/app.ts")}`);
    expect(await r.json()).toMatchObject({ name: "app.ts", type: "file", size: 18 });

    expect((await post("/files/rename", { from: "src/app.ts", to: "src/main.ts" })).status).toBe(200);
    expect(existsSync(path.join(ws, "src/main.ts"))).toBe(true);
    await post("/files/write", { path: "src/other.ts", content: "x" });
    expect((await post("/files/rename", { from: "src/main.ts", to: "src/other.ts" })).status).toBe(409);
    expect((await post("/files/rename", { from: "docs", to: "docs/a/inside" })).status).toBe(400);

    r = await agent.fetch(`/files/download?${q("src/main.ts")}`);
    expect(r.headers.get("content-disposition")).toContain("main.ts");
    expect(await r.text()).toBe("console.log('hi')\n");

    expect((await post("/files/delete", { path: "docs" })).status).toBe(409);
    expect((await post("/files/delete", { path: "docs", recursive: true })).status).toBe(200);
    expect(existsSync(path.join(ws, "docs"))).toBe(false);
    expect((await post("/files/delete", { path: "docs" })).status).toBe(404);
    // Atomic writes leave no temp files behind.
    expect((await readdir(path.join(ws, "src"))).filter((n) => n.includes(".tmp"))).toEqual([]);
  });

  describe("hostile paths", () => {
    beforeAll(async () => {
      await symlink("/", path.join(ws, "root-link"));
      await symlink(path.join(agent.root, "secret.txt"), path.join(ws, "secret-link"));
      await symlink("../../../secret.txt", path.join(ws, "relative-escape"));
      await symlink(path.join(agent.root, "nowhere", "new.txt"), path.join(ws, "dangling"));
      await writeFile(path.join(ws, "inside.txt"), "fine");
      await symlink("inside.txt", path.join(ws, "inside-link"));
    });

    it.each([
      ["../secret.txt", 400, /'\.\.'/],
      ["a/../../secret.txt", 400, /'\.\.'/],
      ["/etc/passwd", 400, /absolute/],
      ["a\0b", 400, /NUL/],
      ["root-link/etc/passwd", 403, /symlink/],
      ["secret-link", 403, /symlink/],
      ["relative-escape", 403, /symlink/],
      ["dangling", 403, /symlink/],
    ])("read %j -> %i", async (p, status, msg) => {
      const r = await agent.fetch(`/files/read?${q(p)}`);
      expect(r.status).toBe(status);
      expect(((await r.json()) as { error: string }).error).toMatch(msg);
    });

    it("refuses listing, downloading and writing through escaping symlinks", async () => {
      expect((await agent.fetch(`/files/list?${q("root-link")}`)).status).toBe(403);
      expect((await agent.fetch(`/files/download?${q("secret-link")}`)).status).toBe(403);
      expect((await post("/files/write", { path: "secret-link", content: "pwned" })).status).toBe(403);
      expect((await post("/files/write", { path: "dangling", content: "pwned" })).status).toBe(403);
      expect((await post("/files/write", { path: "root-link/tmp/pwned", content: "x" })).status).toBe(403);
      expect((await post("/files/mkdir", { path: "root-link/tmp/pwned-dir", parents: true })).status).toBe(403);
      expect((await post("/files/write", { path: "../pwned", content: "x" })).status).toBe(400);
      expect((await post("/files/rename", { from: "inside.txt", to: "../moved.txt" })).status).toBe(400);
      expect((await post("/files/rename", { from: "inside.txt", to: "root-link/tmp/moved.txt" })).status).toBe(403);
      expect((await post("/files/delete", { path: "/etc/passwd" })).status).toBe(400);
      expect((await post("/files/delete", { path: "" })).status).toBe(400);
      expect(await readFile(path.join(agent.root, "secret.txt"), "utf8")).toBe("top secret");
      expect(existsSync(path.join(agent.root, "nowhere"))).toBe(false);
      expect(existsSync("/tmp/pwned")).toBe(false);
    });

    it("follows no symlink, not even one that stays inside, and deletes a link without touching its target", async () => {
      expect((await agent.fetch(`/files/read?${q("inside-link")}`)).status).toBe(403);
      expect((await agent.fetch(`/files/stat?${q("inside-link")}`)).status).toBe(200);
      expect((await post("/files/delete", { path: "secret-link" })).status).toBe(200);
      expect(await readFile(path.join(agent.root, "secret.txt"), "utf8")).toBe("top secret");
    });

    it("picks the base from the scope, never from the client", async () => {
      expect((await agent.fetch(`/files/list?scope=game&path=`)).status).toBe(404);
      expect((await agent.fetch(`/files/list?scope=${encodeURIComponent("/etc")}&path=`)).status).toBe(400);
      await mkdir(path.join(agent.root, "opt/zlh/game/server"), { recursive: true });
      await writeFile(path.join(agent.root, "opt/zlh/game/server/server.properties"), "motd=hi\n");
      const r = await agent.fetch(`/files/read?scope=game&path=server.properties`);
      expect(await r.json()).toMatchObject({ content: "motd=hi\n" });
    });
  });

  describe("uploads", () => {
    it("streams a single upload into place", async () => {
      const data = randomBytes(300_000);
      const r = await agent.fetch(`/files/upload?${q("up/one.bin", "&parents=1")}`, { method: "PUT", body: data });
      expect(r.status).toBe(200);
      expect((await readFile(path.join(ws, "up/one.bin"))).equals(data)).toBe(true);
      const again = await agent.fetch(`/files/upload?${q("up/one.bin")}`, { method: "PUT", body: data });
      expect(again.status).toBe(409);
    });

    it("leaves nothing behind when an upload is cut off halfway", async () => {
      await cutOffRequest(agent, "PUT", `/files/upload?${q("cut.bin")}`, 800_000, randomBytes(400_000));
      await until(async () => (await readdir(staging)).filter((n) => n.startsWith("single-")).length === 0, "the temp file to be removed");
      expect(existsSync(path.join(ws, "cut.bin"))).toBe(false);
      // The agent is still healthy and the path is free.
      const r = await agent.fetch(`/files/upload?${q("cut.bin")}`, { method: "PUT", body: Buffer.from("ok") });
      expect(r.status).toBe(200);
    });

    it("refuses an upload over the limit with 413 (declared or streamed)", async () => {
      let r = await agent.fetch(`/files/upload?${q("big.bin")}`, { method: "PUT", body: randomBytes(LIMIT + 1) });
      expect(r.status).toBe(413);
      // No Content-Length: the limit is enforced while streaming.
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < 5; i++) c.enqueue(randomBytes(LIMIT / 2));
          c.close();
        },
      });
      // The agent answers 413 and closes the connection mid-stream; a client still writing may see
      // the close (EPIPE) before it reads the answer. Either way nothing may be stored.
      const streamed = await agent
        .fetch(`/files/upload?${q("big.bin")}`, { method: "PUT", body, duplex: "half" } as RequestInit)
        .then((res) => res.status, (err: Error) => (err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.message);
      expect([413, "EPIPE", "ECONNRESET"]).toContain(streamed);
      r = await post("/files/uploads", { path: "big2.bin", size: LIMIT + 1 });
      expect(r.status).toBe(413);
      await until(async () => (await readdir(staging)).filter((n) => n.startsWith("single-")).length === 0, "the temp file to be removed");
      expect(existsSync(path.join(ws, "big.bin"))).toBe(false);
    });

    it("resumes a chunked upload after an interrupted chunk and verifies its sha256", async () => {
      const data = randomBytes(900_000);
      const sha256 = createHash("sha256").update(data).digest("hex");
      let r = await post("/files/uploads", { path: "chunks/file.bin", size: data.length, sha256 });
      expect(r.status).toBe(201);
      const { uploadId } = (await r.json()) as UploadState;

      r = await agent.fetch(`/files/uploads/${uploadId}`, {
        method: "PUT",
        headers: { "content-range": `bytes 0-299999/${data.length}` },
        body: data.subarray(0, 300_000),
      });
      expect(await r.json()).toMatchObject({ offset: 300_000, complete: false });

      // The second chunk is cut off partway: what arrived is kept.
      await cutOffRequest(agent, "PUT", `/files/uploads/${uploadId}?offset=300000`, 400_000, data.subarray(300_000, 500_000));
      let state: UploadState | undefined;
      // The agent keeps the bytes that arrived and then accepts chunks again (409 while busy).
      await until(async () => {
        state = (await (await agent.fetch(`/files/uploads/${uploadId}`)).json()) as UploadState;
        if (state.offset <= 300_000) return false;
        const probe = await agent.fetch(`/files/uploads/${uploadId}?offset=${state.offset}`, { method: "PUT", body: new Uint8Array(0) });
        return probe.status === 200;
      }, "the partial chunk to be kept and the upload to accept chunks again");
      expect(state!.offset).toBeGreaterThan(300_000);
      expect(state!.offset).toBeLessThanOrEqual(500_000);
      expect(existsSync(path.join(ws, "chunks/file.bin"))).toBe(false);

      // A chunk at the wrong offset is refused with the current offset.
      r = await agent.fetch(`/files/uploads/${uploadId}?offset=0`, { method: "PUT", body: data.subarray(0, 10) });
      expect(r.status).toBe(409);

      r = await agent.fetch(`/files/uploads/${uploadId}`, {
        method: "PUT",
        headers: { "content-range": `bytes ${state!.offset}-${data.length - 1}/${data.length}` },
        body: data.subarray(state!.offset),
      });
      expect(await r.json()).toMatchObject({ offset: data.length, complete: true, path: "chunks/file.bin" });
      expect((await readFile(path.join(ws, "chunks/file.bin"))).equals(data)).toBe(true);
      expect((await agent.fetch(`/files/uploads/${uploadId}`)).status).toBe(404);
      expect((await readdir(staging)).filter((n) => n.startsWith(uploadId))).toEqual([]);
    });

    it("discards an upload whose sha256 does not match, and refuses chunks past the size", async () => {
      const data = randomBytes(1000);
      let r = await post("/files/uploads", { path: "bad.bin", size: 1000, sha256: "0".repeat(64) });
      const { uploadId } = (await r.json()) as UploadState;
      r = await agent.fetch(`/files/uploads/${uploadId}?offset=0`, { method: "PUT", body: Buffer.concat([data, Buffer.from("x")]) });
      expect(r.status).toBe(413);
      r = await agent.fetch(`/files/uploads/${uploadId}?offset=0`, { method: "PUT", body: data });
      expect(r.status).toBe(422);
      expect(existsSync(path.join(ws, "bad.bin"))).toBe(false);
      expect((await agent.fetch(`/files/uploads/${uploadId}`)).status).toBe(404);
    });
  });
});
