import { annotateScope } from "../log/request-scope";
import { portalMetrics } from "./registry";

/**
 * The body of the tRPC middleware every procedure runs through: times the call into the procedure
 * histogram (procedure names come from the router, so they are a closed set) and adds the signed-in
 * user to the request's log scope.
 */
export async function timeProcedure<R extends { ok: boolean; error?: { code: string } }>(
  opts: { path: string; type: string; userId?: string },
  next: () => Promise<R>,
): Promise<R> {
  if (opts.userId) annotateScope({ userId: opts.userId });
  const t0 = process.hrtime.bigint();
  const result = await next();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  portalMetrics().trpcDuration.observe({ procedure: opts.path, type: opts.type, code: result.ok ? "OK" : (result.error?.code ?? "UNKNOWN") }, seconds);
  return result;
}
