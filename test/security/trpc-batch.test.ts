import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../db";

useTestDatabase();
const { GET, POST } = await import("../../src/app/api/trpc/[trpc]/route");
const { closeDb } = await import("../../src/server/db/client");
const { TRPC_MAX_BATCH } = await import("../../src/trpc/limits");
afterAll(closeDb);

/** A batch of `n` calls to a public query, as the browser client sends it. */
function batch(n: number, method: "GET" | "POST"): Request {
  const paths = Array.from({ length: n }, () => "billing.plans").join(",");
  const inputs = JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: null }])));
  return method === "GET"
    ? new Request(`http://localhost/api/trpc/${paths}?batch=1&input=${encodeURIComponent(inputs)}`)
    : new Request(`http://localhost/api/trpc/${paths}?batch=1`, { method: "POST", headers: { "content-type": "application/json" }, body: inputs });
}

// (A batch at the limit runs its procedures, which need a Next request scope for the session: the
// e2e suite covers it, since the browser client splits its batches at the same size.)
describe("tRPC batch size", () => {
  it("refuses one call more with 400 before running any of it, for queries and mutations", async () => {
    for (const method of ["GET", "POST"] as const) {
      const res = await (method === "GET" ? GET : POST)(batch(TRPC_MAX_BATCH + 1, method));
      expect(res.status, method).toBe(400);
      expect(await res.text()).toContain("Batch call exceeds maximum size");
    }
  });

  it("refuses a thousand-call batch the same way", async () => {
    const res = await GET(batch(1000, "GET"));
    expect(res.status).toBe(400);
  });
});
