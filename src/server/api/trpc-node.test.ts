import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTRPCClient, httpBatchStreamLink, httpLink } from "@trpc/client";
import { initTRPC, TRPCError } from "@trpc/server";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { headersOf, servesLight, serveTrpc } from "./trpc-node";

/**
 * The light node adapter against tRPC's own: the same router served both ways must answer every
 * kind of call byte for byte alike, and the real tRPC client (the portal's batch-stream link)
 * must work through it.
 */
const t = initTRPC.context<{ caller: string | null }>().create({ transformer: superjson });
let leftSignal: AbortSignal | null = null;
const router = t.router({
  echo: t.procedure.input(z.object({ text: z.string().max(20), at: z.date() })).query(({ input, ctx }) => ({ ...input, caller: ctx.caller })),
  secret: t.procedure.query(({ ctx }) => {
    if (!ctx.caller) throw new TRPCError({ code: "UNAUTHORIZED" });
    return "ok";
  }),
  boom: t.procedure.query(() => {
    throw new Error("procedure bug");
  }),
  rename: t.procedure.input(z.object({ name: z.string() })).mutation(({ input }) => ({ renamed: input.name })),
  wait: t.procedure.query(async ({ signal }) => {
    leftSignal = signal ?? null;
    await new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
    return "unreachable";
  }),
});

const errors: string[] = [];
const createContext = (req: http.IncomingMessage) => async () => ({ caller: headersOf(req).get("x-caller") });
function serverFor(light: boolean) {
  return http.createServer(async (req, res) => {
    const path = decodeURIComponent((req.url ?? "").slice("/api/trpc/".length).split("?")[0]!);
    if (light && servesLight(req)) {
      await serveTrpc(
        { req, res, path, headers: headersOf(req), maxBodySize: 1024 },
        { router, maxBatchSize: 4, createContext: createContext(req), onError: ({ error }) => void errors.push(error.code) },
      );
    } else {
      await nodeHTTPRequestHandler({ req, res, path, router, maxBodySize: 1024, maxBatchSize: 4, createContext: createContext(req) });
    }
  });
}
const light = serverFor(true);
const stock = serverFor(false);
let lightBase = "";
let stockBase = "";
beforeAll(async () => {
  for (const s of [light, stock]) await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  lightBase = `http://127.0.0.1:${(light.address() as AddressInfo).port}/api/trpc`;
  stockBase = `http://127.0.0.1:${(stock.address() as AddressInfo).port}/api/trpc`;
});
afterAll(async () => {
  for (const s of [light, stock]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Outside production tRPC adds the error's stack, whose adapter frames differ by design. */
const withoutStacks = (body: string) => body.replace(/"stack":"(?:[^"\\]|\\.)*"/g, '"stack":""');
const q = (input: unknown) => `input=${encodeURIComponent(JSON.stringify(input))}`;
const at = superjson.serialize(new Date("2026-12-01T00:00:00Z"));
const calls: Array<[string, RequestInit?]> = [
  [`/echo?${q({ json: { text: "hi", at: at.json }, meta: { values: { at: at.meta!.values } } })}`, { headers: { "x-caller": "u1" } }],
  [`/echo,secret?batch=1&${q({ 0: { json: { text: "hi", at: at.json }, meta: { values: { at: at.meta!.values } } } })}`, { headers: { "x-caller": "u1" } }],
  ["/secret"],
  ["/boom"],
  ["/nope"],
  [`/echo?${q({ json: { text: "far too long for the schema here" } })}`],
  ["/echo?input=%7Bnot-json"],
  ["/echo,echo,echo,echo,echo?batch=1"],
  ["/rename", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: { name: "n" } }) }],
  ["/rename", { method: "POST", headers: { "content-type": "application/json" }, body: "{broken" }],
  ["/rename"],
  ["/secret", { method: "HEAD" }],
  ["/secret", { headers: { "trpc-accept": "application/jsonl", "x-caller": "u1" } }],
  [`/secret,secret?batch=1&${q({})}`, { headers: { "trpc-accept": "application/jsonl", "x-caller": "u1" } }],
];

describe("tRPC over node:http without an undici Request", () => {
  it.each(calls.map(([path, init], i) => [i, path, init] as const))("call %i (%s) answers exactly as tRPC's node adapter does", async (_i, path, init) => {
    const [a, b] = await Promise.all([fetch(lightBase + path, init), fetch(stockBase + path, init)]);
    expect(a.status).toBe(b.status);
    // Framing may differ (a plain answer is sent with its length instead of chunked); content may not.
    for (const h of ["content-type", "vary"]) expect(a.headers.get(h)).toBe(b.headers.get(h));
    expect(withoutStacks(await a.text())).toBe(withoutStacks(await b.text()));
  });

  it("serves the portal's own client link (batched, streamed, superjson) and a mutation", async () => {
    const client = createTRPCClient<typeof router>({
      links: [httpBatchStreamLink({ url: lightBase, transformer: superjson, maxItems: 4, headers: { "x-caller": "u2" } })],
    });
    const day = new Date("2026-12-01T10:00:00Z");
    const [echo, secret, renamed] = await Promise.all([client.echo.query({ text: "a", at: day }), client.secret.query(), client.rename.mutate({ name: "x" })]);
    expect(echo).toEqual({ text: "a", at: day, caller: "u2" });
    expect(echo.at).toBeInstanceOf(Date);
    expect(secret).toBe("ok");
    expect(renamed).toEqual({ renamed: "x" });
    const plain = createTRPCClient<typeof router>({ links: [httpLink({ url: lightBase, transformer: superjson })] });
    await expect(plain.secret.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED", httpStatus: 401 } });
  });

  it("reports a procedure's own failure to onError", async () => {
    errors.length = 0;
    expect((await fetch(`${lightBase}/boom`)).status).toBe(500);
    expect(errors).toEqual(["INTERNAL_SERVER_ERROR"]);
  });

  it("refuses a body over the limit with 413, closes the connection and does not read the rest", async () => {
    let sent = 0;
    const status = await new Promise<number | Error>((resolve) => {
      const req = http.request(`${lightBase}/rename`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", resolve);
      const chunk = Buffer.alloc(512, 0x20);
      const pump = () => {
        while (sent < 8 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    if (!(status instanceof Error)) expect(status).toBe(413);
    expect(sent).toBeLessThan(8 * 1024 * 1024);
  });

  it("a caller that leaves aborts the procedure's signal", async () => {
    leftSignal = null;
    const ac = new AbortController();
    const pending = fetch(`${lightBase}/wait`, { signal: ac.signal }).catch((e: Error) => e);
    await expect.poll(() => leftSignal !== null).toBe(true);
    ac.abort();
    expect(await pending).toBeInstanceOf(Error);
    await expect.poll(() => leftSignal?.aborted).toBe(true);
  });

  it("leaves form data and octet bodies to tRPC's own adapter", () => {
    const req = (method: string, type?: string) => ({ method, headers: type ? { "content-type": type } : {} }) as http.IncomingMessage;
    expect(servesLight(req("GET"))).toBe(true);
    expect(servesLight(req("POST"))).toBe(true);
    expect(servesLight(req("POST", "Application/JSON; charset=utf-8"))).toBe(true);
    expect(servesLight(req("POST", "multipart/form-data; boundary=x"))).toBe(false);
    expect(servesLight(req("POST", "application/octet-stream"))).toBe(false);
  });
});
