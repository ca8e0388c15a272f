import { z } from "zod";

/**
 * Where a new container goes on a Proxmox VE cluster: the online node with the most free memory
 * that still has room for the container plus headroom for the node itself. Pure: the provider
 * feeds it GET /cluster/resources?type=node and records the choice (and every skipped node's
 * reason) on the server.
 */
export const clusterNodeSchema = z.object({
  type: z.literal("node"),
  node: z.string().min(1),
  status: z.string().optional(),
  maxmem: z.number().int().nonnegative().optional(),
  mem: z.number().int().nonnegative().optional(),
});
export type ClusterNode = z.infer<typeof clusterNodeSchema>;

export type Placement =
  | { ok: true; node: string; freeBytes: number; skipped: { node: string; reason: string }[] }
  | { ok: false; reason: string; skipped: { node: string; reason: string }[] };

const MiB = 1024 * 1024;

export function choosePlacement(
  nodes: ClusterNode[],
  memoryMb: number,
  opts: { allowed?: string[]; headroomMb?: number } = {},
): Placement {
  const headroom = (opts.headroomMb ?? 1024) * MiB;
  const need = memoryMb * MiB;
  const skipped: { node: string; reason: string }[] = [];
  let best: { node: string; free: number } | null = null;
  for (const n of [...nodes].sort((a, b) => a.node.localeCompare(b.node))) {
    if (opts.allowed?.length && !opts.allowed.includes(n.node)) continue;
    if (n.status !== "online") {
      skipped.push({ node: n.node, reason: `node is ${n.status ?? "in an unknown state"}` });
      continue;
    }
    if (n.maxmem === undefined || n.mem === undefined) {
      skipped.push({ node: n.node, reason: "node reports no memory figures" });
      continue;
    }
    const free = n.maxmem - n.mem - headroom;
    if (free < need) {
      skipped.push({ node: n.node, reason: `full: ${Math.max(0, Math.floor(free / MiB))} MiB free after headroom, ${memoryMb} MiB needed` });
      continue;
    }
    if (!best || free > best.free) best = { node: n.node, free };
  }
  if (!best) {
    const why = skipped.length ? skipped.map((s) => `${s.node}: ${s.reason}`).join("; ") : "no node in the cluster is allowed";
    return { ok: false, reason: `No Proxmox node can take a ${memoryMb} MiB container (${why}).`, skipped };
  }
  return { ok: true, node: best.node, freeBytes: best.free, skipped };
}
