import type { PrismaClient } from "../../generated/prisma/client";
import { figuresFrom, slotStart, SAMPLE_SECONDS, type CpuReading, type Figures } from "./figures";

/**
 * One sampling cycle: read every running server's figures from its agent (bounded concurrency, a
 * timeout each) and write them with one multi-row insert. Rows are keyed by (server, 30-s slot), so
 * a second portal instance sampling the same slot adds nothing (skipDuplicates). The clock and the
 * agent reader are parameters: tests and the benchmark drive them.
 */
export type SampledServer = { id: string; kind: string; memoryMb: number; agentUrl: string | null; agentTokenEnc: string | null; agentCertPinEnc?: string | null };
export type AgentReading = { status: unknown; metricsText: string | null };
export type ReadAgent = (server: SampledServer) => Promise<AgentReading>;

export type SamplerDeps = {
  db: PrismaClient;
  readAgent: ReadAgent;
  now?: () => number;
  concurrency?: number;
};

export type CycleResult = { servers: number; written: number; failed: number };

export function createSampler(deps: SamplerDeps) {
  const now = deps.now ?? Date.now;
  const concurrency = deps.concurrency ?? 16;
  // The previous cumulative CPU reading per server, for CPU percent between cycles.
  const lastCpu = new Map<string, CpuReading>();

  async function cycle(): Promise<CycleResult> {
    const servers = await deps.db.server.findMany({
      where: { status: "running", agentUrl: { not: null } },
      select: { id: true, kind: true, memoryMb: true, agentUrl: true, agentTokenEnc: true, agentCertPinEnc: true },
    });
    const at = now();
    const rows: { serverId: string; figures: Figures }[] = [];
    let failed = 0;
    let next = 0;
    const worker = async () => {
      while (next < servers.length) {
        const s = servers[next++]!;
        try {
          const reading = await deps.readAgent(s);
          const { figures, cpu } = figuresFrom(reading.status, reading.metricsText, at, lastCpu.get(s.id));
          if (cpu) lastCpu.set(s.id, cpu);
          // The container's own limit when it reports one, else what the server was given.
          figures.memoryLimitBytes ??= s.memoryMb * 1024 * 1024;
          rows.push({ serverId: s.id, figures });
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, servers.length) }, worker));
    // Servers that stopped running no longer need a previous reading.
    const live = new Set(servers.map((s) => s.id));
    for (const id of lastCpu.keys()) if (!live.has(id)) lastCpu.delete(id);
    if (rows.length === 0) return { servers: servers.length, written: 0, failed };
    const slot = slotStart(at);
    const big = (n: number | null) => (n === null ? null : BigInt(Math.round(n)));
    const { count } = await deps.db.serverSample.createMany({
      data: rows.map(({ serverId, figures: f }) => ({
        serverId,
        at: slot,
        seconds: SAMPLE_SECONDS,
        cpuPercent: f.cpuPercent,
        memoryBytes: big(f.memoryBytes),
        memoryLimitBytes: big(f.memoryLimitBytes),
        diskBytes: big(f.diskBytes),
        diskTotalBytes: big(f.diskTotalBytes),
        players: f.players,
        maxPlayers: f.maxPlayers,
      })),
      skipDuplicates: true,
    });
    return { servers: servers.length, written: count, failed };
  }

  return { cycle };
}
