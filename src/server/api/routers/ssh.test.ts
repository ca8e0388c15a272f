import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../../test/db";

useTestDatabase();
const { createCaller } = await import("../root");
const { createTRPCContext } = await import("../trpc");
const { db, closeDb } = await import("../../db/client");

const dir = mkdtempSync(path.join(os.tmpdir(), "zlh-ssh-router-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeDb();
});

function keygen(name: string, args: string[] = ["-t", "ed25519"]): { pub: string; fingerprint: string } {
  const file = path.join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-N", "", "-C", name, "-f", file, ...args]);
  return { pub: readFileSync(`${file}.pub`, "utf8"), fingerprint: execFileSync("ssh-keygen", ["-lf", `${file}.pub`]).toString().split(" ")[1]! };
}

async function newUser() {
  const u = await db.user.create({ data: { email: `ssh-${randomUUID()}@example.test`, passwordHash: "x" } });
  const caller = createCaller(await createTRPCContext({ headers: new Headers(), session: { user: { id: u.id, email: u.email }, expires: new Date(Date.now() + 60_000).toISOString() } }));
  return { user: u, caller };
}
const trpcError = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
};

describe("ssh router", () => {
  it("adds (validated, fingerprinted like ssh-keygen), lists and removes the caller's keys", async () => {
    const { caller } = await newUser();
    const k = keygen("laptop");
    const added = await caller.ssh.addKey({ name: "My laptop", publicKey: k.pub });
    expect(added).toMatchObject({ name: "My laptop", fingerprint: k.fingerprint, type: "ssh-ed25519", comment: "laptop" });
    // Named from the comment when no name is given.
    const k2 = keygen("desk", ["-t", "ecdsa"]);
    expect((await caller.ssh.addKey({ publicKey: k2.pub })).name).toBe("desk");
    expect((await caller.ssh.listKeys()).map((x) => x.fingerprint)).toEqual([k.fingerprint, k2.fingerprint]);

    expect((await trpcError(caller.ssh.addKey({ publicKey: k.pub }))).code).toBe("CONFLICT");
    const weak = await trpcError(caller.ssh.addKey({ publicKey: keygen("weak", ["-t", "rsa", "-b", "1024"]).pub }));
    expect(weak).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/2048 bits/) });
    expect((await trpcError(caller.ssh.addKey({ publicKey: "ssh-ed25519 AAAA" }))).code).toBe("BAD_REQUEST");

    await caller.ssh.removeKey({ id: added.id });
    expect((await caller.ssh.listKeys()).map((x) => x.fingerprint)).toEqual([k2.fingerprint]);
  });

  it("keeps users apart: nobody sees or removes another user's key; the same key may be on two accounts", async () => {
    const a = await newUser();
    const b = await newUser();
    const k = keygen("shared");
    const ak = await a.caller.ssh.addKey({ publicKey: k.pub });
    expect(await b.caller.ssh.listKeys()).toEqual([]);
    expect((await trpcError(b.caller.ssh.removeKey({ id: ak.id }))).code).toBe("NOT_FOUND");
    expect((await a.caller.ssh.listKeys()).map((x) => x.id)).toEqual([ak.id]);
    await b.caller.ssh.addKey({ publicKey: k.pub });
    expect(await b.caller.ssh.listKeys()).toHaveLength(1);
  });

  it("requires a session", async () => {
    const anon = createCaller(await createTRPCContext({ headers: new Headers(), session: null }));
    expect((await trpcError(anon.ssh.listKeys())).code).toBe("UNAUTHORIZED");
    expect((await trpcError(anon.ssh.createTailnetKey({}))).code).toBe("UNAUTHORIZED");
  });

  it("gives the SSH config of the caller's own dev server only", async () => {
    const a = await newUser();
    const b = await newUser();
    const vmid = 900_000 + Math.floor(Math.random() * 99_999);
    const s = await db.server.create({ data: { userId: a.user.id, name: "box", kind: "dev", vmid, provider: "local", status: "running", sshHost: "127.0.0.1", sshPort: 40222 } });
    expect(await a.caller.ssh.config({ serverId: s.id })).toEqual({
      alias: `dev-${vmid}`,
      snippet: `Host dev-${vmid}\n  HostName 127.0.0.1\n  Port 40222\n  User dev\n  HostKeyAlias dev-${vmid}\n`,
      wildcard: null,
      command: `ssh dev-${vmid}`,
    });
    expect((await trpcError(b.caller.ssh.config({ serverId: s.id }))).code).toBe("NOT_FOUND");
  });

  it("answers 'not configured' for tailnet keys without Headscale settings", async () => {
    const { caller } = await newUser();
    expect(await caller.ssh.tailnetStatus()).toEqual({ configured: false, loginServer: null });
    expect(await trpcError(caller.ssh.createTailnetKey({}))).toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/not configured/) });
  });
});
