import { portalMetrics } from "./registry";

/** Times one job attempt into zlh_provisioning_duration_seconds; result = the job's outcome or "error". */
export async function timeJob<T>(queue: string, run: () => Promise<T>): Promise<T> {
  const t0 = process.hrtime.bigint();
  let result = "error";
  try {
    const out = await run();
    const outcome = (out as { outcome?: unknown } | undefined)?.outcome;
    result = typeof outcome === "string" && /^[a-z_]{1,20}$/.test(outcome) ? outcome : "ok";
    return out;
  } finally {
    portalMetrics().provisionDuration.observe({ queue, result }, Number(process.hrtime.bigint() - t0) / 1e9);
  }
}
