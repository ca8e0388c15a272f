import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { payloadTooLarge, readBounded } from "~/server/http/bounded-body";
import { logger } from "~/server/log/logger";
import { TRPC_MAX_BATCH } from "~/trpc/limits";

/** Every procedure's input is small JSON (a batch of a few): a larger body is refused unread. */
const MAX_TRPC_BODY_BYTES = 1024 * 1024;

async function handler(incoming: Request) {
  let req = incoming;
  if (incoming.method !== "GET" && incoming.method !== "HEAD") {
    // tRPC would buffer the whole body: read it ourselves, streaming, with a limit (chunked too).
    const body = await readBounded(incoming, MAX_TRPC_BODY_BYTES);
    if (!body.ok) return payloadTooLarge(MAX_TRPC_BODY_BYTES);
    req = new Request(incoming.url, { method: incoming.method, headers: incoming.headers, body: new Uint8Array(body.bytes), signal: incoming.signal });
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    req,
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: () => createTRPCContext({ headers: req.headers }),
    onError({ path, error }) {
      // Expected refusals (bad input, not signed in) are the caller's business; log only our faults.
      if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error, path }, "tRPC procedure failed");
    },
  });
}

export { handler as GET, handler as POST };
