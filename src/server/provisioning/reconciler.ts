import { readdirSync } from "node:fs";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { recordEvent } from "./events";
import { CREATE_QUEUE, DELETE_QUEUE, enqueue, jobState, jobsRunning } from "./jobs";
import { failAndCleanUp, startAgent } from "./pipeline";
import { LocalProvider } from "./providers/local";
import { LxcProvider } from "./providers/lxc";
import { provisioningRuntime } from "./runtime";
import { agentClientFor } from "./agent-for";

/**
 * Brings the world back in line with the database after a portal start: adopts agents that kept
 * running, restarts those that should run, finishes interrupted start/stop actions, removes
 * containers nobody owns, and fails provisioning that outlived its deadline.
 */
const log = logger.child({ module: "provisioning.reconciler" });

export type ReconcileReport = { adopted: string[]; restarted: string[]; stopped: string[]; failed: string[]; orphansRemoved: number[] };

export async function reconcileContainers(): Promise<ReconcileReport> {
  const rt = provisioningRuntime();
  const report: ReconcileReport = { adopted: [], restarted: [], stopped: [], failed: [], orphansRemoved: [] };
  const servers = await db.server.findMany({ where: { provider: rt.provider.name, status: { in: ["running", "starting", "stopping"] } } });
  for (const s of servers) {
    try {
      if (!s.providerRef) throw new Error("no container recorded");
      const state = await rt.provider.state(s.providerRef);
      if (state === "missing") throw new Error("the container is missing");
      if (s.status === "stopping") {
        await rt.provider.stop(s.providerRef);
        await db.server.update({ where: { id: s.id }, data: { status: "stopped" } });
        await recordEvent(s.id, "action", "done", "Stopped (interrupted stop finished after a portal restart)");
        report.stopped.push(s.id);
        continue;
      }
      const client = agentClientFor(s, { retries: 0, timeoutMs: 3_000 });
      const adoptable = state === "running" && client && (await client.healthy()) && (await client.status().then(() => true, () => false));
      if (adoptable) {
        if (s.status === "starting") await db.server.update({ where: { id: s.id }, data: { status: "running" } });
        report.adopted.push(s.id);
        continue;
      }
      await startAgent(s, AbortSignal.timeout(rt.agentStartTimeoutMs + 10_000));
      await db.server.update({ where: { id: s.id }, data: { status: "running", lastError: null } });
      await recordEvent(s.id, "agent", "done", "Agent restarted after a portal restart");
      report.restarted.push(s.id);
    } catch (err) {
      const reason = `could not bring the server back after a portal restart: ${(err as Error).message}`;
      await db.server.update({ where: { id: s.id }, data: { status: "error", lastError: reason } });
      await recordEvent(s.id, "agent", "failed", reason);
      report.failed.push(s.id);
    }
  }
  if (rt.provider instanceof LocalProvider || rt.provider instanceof LxcProvider) report.orphansRemoved = await removeOrphans(rt.provider);
  if (Object.values(report).some((v) => v.length)) log.info(report, "containers reconciled");
  return report;
}

/** This machine's containers (unisolated folders or lxc containers) with the ref each would have. */
function localContainers(provider: LocalProvider | LxcProvider): { vmid: number; ref: string }[] {
  if (provider instanceof LxcProvider) return provider.listVmids().map((vmid) => ({ vmid, ref: provider.refOf(vmid) }));
  try {
    return readdirSync(provider.containersDir)
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .map((vmid) => ({ vmid, ref: JSON.stringify({ dir: provider.dirOf(vmid), vmid }) }));
  } catch {
    return [];
  }
}

/** Containers on this machine whose server is gone, deleted, or no longer points at them. */
async function removeOrphans(provider: LocalProvider | LxcProvider): Promise<number[]> {
  const removed: number[] = [];
  for (const { vmid, ref } of localContainers(provider)) {
    const owner = await db.server.findUnique({ where: { vmid }, select: { providerRef: true, status: true, provider: true } });
    // A provisioning job may be creating this very container right now: leave those to the job.
    if (owner && owner.provider === provider.name && (owner.providerRef === ref || owner.status === "provisioning")) continue;
    await provider.destroy(ref);
    removed.push(vmid);
  }
  return removed;
}

/**
 * Servers in provisioning/deleting whose job is gone, finished without finishing them, or older than
 * the deadline: queued again (never queued, or deletes), or failed and cleaned up.
 */
export async function sweepStale(now = Date.now()): Promise<{ requeued: string[]; failed: string[] }> {
  const rt = provisioningRuntime();
  const out = { requeued: [] as string[], failed: [] as string[] };
  if (!jobsRunning()) return out;
  const stuck = await db.server.findMany({ where: { status: { in: ["provisioning", "deleting"] } } });
  for (const s of stuck) {
    const queue = s.status === "provisioning" ? CREATE_QUEUE : DELETE_QUEUE;
    const queued = await db.serverEvent.findFirst({ where: { serverId: s.id, type: "job", status: "queued" }, orderBy: { createdAt: "desc" } });
    const jobId = (queued?.data as { jobId?: string; queue?: string } | null)?.queue === queue ? (queued!.data as { jobId: string }).jobId : undefined;
    const since = (queued?.createdAt ?? s.updatedAt).getTime();
    const state = jobId ? await jobState(queue, jobId) : null;
    const live = state === "created" || state === "retry" || state === "active";
    if (live && now - since < rt.deadlineMs) continue;
    if (!jobId) {
      // Created but never queued (the portal stopped in between): queue it now, after a grace period
      // for an enqueue that is still in flight.
      if (now - s.updatedAt.getTime() < 60_000) continue;
      await enqueue(queue, s.id);
      out.requeued.push(s.id);
      continue;
    }
    if (queue === DELETE_QUEUE && now - since < rt.deadlineMs) {
      await enqueue(DELETE_QUEUE, s.id);
      out.requeued.push(s.id);
      continue;
    }
    const reason = live
      ? `did not finish within ${Math.round(rt.deadlineMs / 60_000)} min`
      : `its job ended without finishing (${state ?? "job missing"})`;
    if (s.status === "provisioning") await failAndCleanUp(s.id, `provisioning ${reason}`);
    else {
      await db.server.update({ where: { id: s.id }, data: { status: "error", lastError: `delete ${reason}` } });
      await recordEvent(s.id, "job", "failed", `Delete ${reason}`);
    }
    out.failed.push(s.id);
  }
  return out;
}

let timer: NodeJS.Timeout | undefined;

export async function startReconciler(intervalMs = 30_000): Promise<void> {
  await reconcileContainers();
  await sweepStale();
  timer = setInterval(() => {
    sweepStale().catch((err) => log.error({ err }, "stale sweep failed"));
  }, intervalMs);
  timer.unref();
}

export async function stopReconciler(): Promise<void> {
  if (timer) clearInterval(timer);
  timer = undefined;
}
