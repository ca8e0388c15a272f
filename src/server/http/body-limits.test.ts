import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { readBounded } from "./bounded-body";

useTestDatabase();
const { trpcHttpRoute } = await import("../api/http-route");
const { POST: stripePost } = await import("~/app/api/stripe/webhook/route");
const { closeDb } = await import("../db/client");
afterAll(closeDb);

/**
 * POSTs a chunked body of up to `total` bytes to tRPC as the custom server serves it, 64 KiB at a
 * time until the answer comes: the status and how much had been sent by then.
 */
async function chunkedPostToTrpc(total: number): Promise<{ status: number; sent: number }> {
  const server = http.createServer(async (req, res) => {
    if (!(await trpcHttpRoute(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/api/trpc/account.signUp", headers: { "content-type": "application/json" } }, (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sent });
        req.destroy();
      });
      req.on("error", (err) => (answered ? undefined : reject(err)));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

/**
 * A chunked body (no Content-Length) of `total` bytes that counts what the reader pulled: an
 * endpoint that buffers first pulls everything; a bounded one stops just past its limit.
 */
function chunkedBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

const post = (url: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  new Request(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, duplex: "half" } as RequestInit);

describe("bounded bodies", () => {
  it("readBounded stops a chunked body at the limit and refuses a declared oversize unread", async () => {
    const { stream, counter } = chunkedBody(64 * 1024 * 1024);
    expect(await readBounded(post("http://x/", stream), 100_000)).toEqual({ ok: false, reason: "too-large" });
    expect(counter.pulled).toBeLessThan(300_000);
    const small = await readBounded(new Request("http://x/", { method: "POST", body: "hello" }), 5);
    expect(small.ok && small.bytes.toString()).toBe("hello");
    const declared = await readBounded(new Request("http://x/", { method: "POST", body: "x".repeat(10), headers: { "content-length": "10" } }), 5);
    expect(declared.ok).toBe(false);
  });

  // Regression (#16): tRPC and the Stripe webhook read whole bodies (64 MiB here) before any check.
  it("tRPC answers 413 to a 64 MiB chunked body long before the client has sent it", async () => {
    const { status, sent } = await chunkedPostToTrpc(64 * 1024 * 1024);
    expect(status).toBe(413);
    // 1 MiB limit, plus what the two sockets' buffers took before the answer arrived.
    expect(sent).toBeLessThan(8 * 1024 * 1024);
  });

  it("the Stripe webhook answers 413 to a 64 MiB chunked body after reading about 512 KiB", async () => {
    const { stream, counter } = chunkedBody(64 * 1024 * 1024);
    const res = await stripePost(post("http://localhost/api/stripe/webhook", stream, { "stripe-signature": "t=1,v1=x" }));
    expect(res.status).toBe(413);
    expect(counter.pulled).toBeLessThan(1024 * 1024);
  });
});
