import { db } from "../db/client";
import type { Service } from "../lifecycle";
import { ClusterBus, type BusMessage } from "./bus";

/** The process's bus (one LISTEN connection), shared by server.ts and Next's bundles via globalThis. */
const g = globalThis as unknown as { __zlhBus?: ClusterBus };
export const bus: ClusterBus = (g.__zlhBus ??= new ClusterBus(() => process.env.DATABASE_URL));

/** Tells every portal instance (this one too). Never throws: a lost message only delays a cut. */
export async function announce(msg: BusMessage): Promise<void> {
  try {
    await bus.publish(msg, (sql, params) => db.$executeRawUnsafe(sql, ...params));
  } catch {
    // The receivers re-check the database on the connection's next use.
  }
}

export const clusterBusService: Service = { name: "cluster-bus", start: () => bus.start(), stop: () => bus.stop() };
