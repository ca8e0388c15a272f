import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { signUp } = await import("../account/service");
const { bumpSessionVersion } = await import("../auth/session-version");
const { trpcHttpRoute } = await import("./http-route");

const secret = randomBytes(32).toString("base64url");
const previous = process.env.NEXTAUTH_SECRET;
let base = "";
const server = http.createServer(async (req, res) => {
  if (!(await trpcHttpRoute(req, res))) res.writeHead(404).end();
});
beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = secret;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  process.env.NEXTAUTH_SECRET = previous;
  await new Promise((r) => server.close(r));
  await closeDb();
});

const me = (cookie?: string) => fetch(`${base}/api/trpc/account.me`, { headers: cookie ? { cookie } : {} });
const cookieFor = async (user: { id: string; email: string }, sv: number) =>
  `next-auth.session-token=${await encode({ token: { sub: user.id, email: user.email, sv }, secret })}`;

describe("tRPC served by the custom server", () => {
  it("answers a signed-in caller as Next's route did, and refuses a missing or revoked session", async () => {
    const user = await signUp(db, { email: `route-${randomUUID()}@example.test`, password: "a long enough password" });
    const cookie = await cookieFor(user, 0);
    const ok = await me(cookie);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id).toBe(user.id);
    expect((await me()).status).toBe(401);
    await bumpSessionVersion(user.id);
    expect((await me(cookie)).status).toBe(401);
  });

  it("refuses a 64 MiB chunked body with 413 without reading it all", async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${base}/api/trpc/account.signUp`, { method: "POST", body, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit).catch((e: Error) => e);
    // Either the 413 arrives, or the server cut the upload short; it never reads the whole body.
    if (!(res instanceof Error)) expect(res.status).toBe(413);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("answers a malformed %-escape in the procedure path with 400", async () => {
    const res = await fetch(`${base}/api/trpc/account.me%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Malformed procedure path");
  });

  it("leaves other paths to the next handler", async () => {
    expect((await fetch(`${base}/api/trpcx`)).status).toBe(404);
    expect((await fetch(`${base}/api/health`)).status).toBe(404);
  });
});
