import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { sessionFromRequest } from "../auth/node-session";
import type { HttpRoute } from "../http/routes";
import { logger } from "../log/logger";
import { TRPC_MAX_BATCH } from "../../trpc/limits";
import { appRouter } from "./root";
import { headersOf, servesLight, serveTrpc } from "./trpc-node";
import { createTRPCContext } from "./trpc";

/**
 * tRPC served by the custom server itself, ahead of Next. Through Next's route handler every call
 * paid for the app router's request machinery, response compression and next-auth's
 * getServerSession (key derivation, decrypt, re-encrypt and a new cookie) — about 9 ms of CPU for
 * an empty dashboard, so two portals on two cores topped out below 300 calls/s. Here a call reads
 * the session cookie once (verified, and checked against the user's session version as before).
 */
const PREFIX = "/api/trpc/";
/** Every procedure's input is small JSON (a batch of a few): a larger body is refused (413). */
const MAX_TRPC_BODY_BYTES = 1024 * 1024;

/** Expected refusals (bad input, not signed in) are the caller's business; log only our faults. */
function onError({ path: procedure, error }: { path?: string; error: { code: string } }): void {
  if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error, path: procedure }, "tRPC procedure failed");
}

export const trpcHttpRoute: HttpRoute = async (req, res) => {
  const url = req.url ?? "";
  if (!url.startsWith(PREFIX)) return false;
  let path: string;
  try {
    path = decodeURIComponent(url.slice(PREFIX.length).split("?")[0]!);
  } catch {
    // A malformed %-escape is the caller's mistake: a 400, not a 500 and an error log line.
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Malformed procedure path." } }));
    return true;
  }
  const session = await sessionFromRequest(req);
  const headers = headersOf(req);
  const createContext = () => createTRPCContext({ headers, session });
  if (servesLight(req)) {
    await serveTrpc({ req, res, path, headers, maxBodySize: MAX_TRPC_BODY_BYTES }, { router: appRouter, maxBatchSize: TRPC_MAX_BATCH, createContext, onError });
    return true;
  }
  await nodeHTTPRequestHandler({ req, res, path, router: appRouter, maxBodySize: MAX_TRPC_BODY_BYTES, maxBatchSize: TRPC_MAX_BATCH, createContext, onError });
  return true;
};
