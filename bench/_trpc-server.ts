import http from "node:http";
import type { AddressInfo } from "node:net";
import { initTRPC, TRPCError } from "@trpc/server";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import superjson from "superjson";
import { headersOf, serveTrpc } from "../src/server/api/trpc-node";

/**
 * The tRPC bench's server, one per measurement: a router shaped like the dashboard's (a signed-in
 * check, ten server cards with dates, superjson) behind tRPC's stock node adapter or the portal's
 * (`stock` | `light`). Prints {"port"} once listening and its CPU time on GET /cpu.
 */
const t = initTRPC.context<{ user: string | null }>().create({ transformer: superjson });
const signedIn = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { user: ctx.user } });
});
const router = t.router({
  dashboard: signedIn.query(({ ctx }) =>
    Array.from({ length: 10 }, (_, i) => ({ id: `srv_${i}`, owner: ctx.user, name: `server ${i}`, status: "running", createdAt: new Date(1_700_000_000_000 + i), memoryMb: 1024 })),
  ),
});
const light = process.argv[2] === "light";
const server = http.createServer(async (req, res) => {
  if (req.url === "/cpu") {
    const c = process.cpuUsage();
    res.end(String((c.user + c.system) / 1000));
    return;
  }
  const path = (req.url ?? "").slice("/api/trpc/".length).split("?")[0]!;
  const headers = headersOf(req);
  const createContext = async () => ({ user: headers.get("cookie") ? "u1" : null });
  if (light) await serveTrpc({ req, res, path, headers, maxBodySize: 1 << 20 }, { router, maxBatchSize: 10, createContext, onError: () => {} });
  else await nodeHTTPRequestHandler({ req, res, path, router, maxBodySize: 1 << 20, maxBatchSize: 10, createContext });
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
