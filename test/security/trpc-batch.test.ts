import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../db";

useTestDatabase();
const { closeDb } = await import("../../src/server/db/client");
const { trpcHttpRoute } = await import("../../src/server/api/http-route");
const { TRPC_MAX_BATCH } = await import("../../src/trpc/limits");

/** tRPC as the custom server serves it (src/server/http/routes.ts). */
const server = http.createServer(async (req, res) => {
  if (!(await trpcHttpRoute(req, res))) res.writeHead(404).end();
});
let base = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await closeDb();
});

/** A batch of `n` calls to a public query, as the browser client sends it. */
function batch(n: number, method: "GET" | "POST"): Promise<Response> {
  const paths = Array.from({ length: n }, () => "billing.plans").join(",");
  const inputs = JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: null }])));
  return method === "GET"
    ? fetch(`${base}/api/trpc/${paths}?batch=1&input=${encodeURIComponent(inputs)}`)
    : fetch(`${base}/api/trpc/${paths}?batch=1`, { method: "POST", headers: { "content-type": "application/json" }, body: inputs });
}

describe("tRPC batch size", () => {
  it("answers a batch at the limit, every call of it", async () => {
    const res = await batch(TRPC_MAX_BATCH, "GET");
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(TRPC_MAX_BATCH);
  });

  it("refuses one call more with 400 before running any of it, for queries and mutations", async () => {
    for (const method of ["GET", "POST"] as const) {
      const res = await batch(TRPC_MAX_BATCH + 1, method);
      expect(res.status, method).toBe(400);
      expect(await res.text()).toContain("Batch call exceeds maximum size");
    }
  });

  it("refuses a thousand-call batch the same way (POST: as a GET its URL is already over Node's header limit)", async () => {
    expect((await batch(1000, "POST")).status).toBe(400);
  });
});
