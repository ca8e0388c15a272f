import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { db } from "../db/client";
import type { AppSession } from "../auth/session";
import { logger } from "../log/logger";
import { clientAddressFrom } from "../auth/request-context";
import { isAdmin } from "../admin/roles";
import { timeProcedure } from "../metrics/trpc-timing";
import { currentRequestId } from "../log/request-scope";

/**
 * tRPC setup: the context carries the session, the database and the caller's address; procedures
 * stay thin (input schema, authorization, one call into a service function).
 */
export async function createTRPCContext(opts: { headers: Headers; session?: AppSession | null }) {
  // Loaded only when asked: the custom server's tRPC route passes the session it read itself and
  // never loads next-auth's options (whose provider import only resolves inside Next's bundle).
  const session = opts.session !== undefined ? opts.session : await (await import("../auth/session")).getSession();
  // Stamped by the custom server from the socket (or a trusted proxy); a client cannot forge it.
  const ip = clientAddressFrom(opts.headers);
  return { db, session, headers: opts.headers, ip, log: logger };
}
export type TRPCContext = Awaited<ReturnType<typeof createTRPCContext>>;

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
        // The id the portal's logs carry for this request, so a report can be matched to them.
        requestId: currentRequestId() ?? null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure is timed (zlh_trpc_procedure_duration_seconds) and logs with its user. */
const timed = t.middleware(({ ctx, path, type, next }) => timeProcedure({ path, type, userId: ctx.session?.user?.id }, next));

export const publicProcedure = t.procedure.use(timed);

/** Requires a signed-in user; ctx.session.user is then non-null. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/**
 * Operator procedures (#17). Anyone who is not a signed-in admin gets NOT_FOUND, as for a procedure
 * that does not exist: the console's surface is not advertised. The role is read from the database
 * on every call (src/server/admin/roles.ts).
 */
export const adminProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const user = ctx.session?.user;
  if (!user || !(await isAdmin(user.id))) throw new TRPCError({ code: "NOT_FOUND", message: "No such procedure." });
  return next({ ctx: { ...ctx, session: ctx.session! } });
});
