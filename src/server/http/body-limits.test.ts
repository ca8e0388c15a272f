import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { readBounded } from "./bounded-body";

useTestDatabase();
const { POST: stripePost } = await import("~/app/api/stripe/webhook/route");
const { closeDb } = await import("../db/client");
afterAll(closeDb);

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

  // Regression (#16): the Stripe webhook read whole bodies (64 MiB here) before any check (tRPC's
  // limit is tested where it is served: src/server/api/http-route.test.ts).
  it("the Stripe webhook answers 413 to a 64 MiB chunked body after reading about 512 KiB", async () => {
    const { stream, counter } = chunkedBody(64 * 1024 * 1024);
    const res = await stripePost(post("http://localhost/api/stripe/webhook", stream, { "stripe-signature": "t=1,v1=x" }));
    expect(res.status).toBe(413);
    expect(counter.pulled).toBeLessThan(1024 * 1024);
  });
});
