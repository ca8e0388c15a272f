import pg from "pg";
import { z } from "zod";
import { logger } from "../log/logger";

/**
 * What one portal instance tells the others, over PostgreSQL LISTEN/NOTIFY (no new service): a
 * server stopped or was deleted (cut its consoles and IDE connections wherever they are), a user
 * signed out everywhere. Every instance, the sender included, acts on a message when it arrives,
 * so there is one code path. Delivery is best-effort by design: each receiver also re-checks the
 * database on the connection's next use, so a missed message delays a cut, never grants access.
 */
const log = logger.child({ module: "cluster.bus" });
export const BUS_CHANNEL = "zlh_bus";

export const busMessageSchema = z.discriminatedUnion("topic", [
  z.object({ topic: z.literal("server.stopped"), serverId: z.string().min(1).max(64) }),
  z.object({ topic: z.literal("user.signed-out"), userId: z.string().min(1).max(64) }),
]);
export type BusMessage = z.infer<typeof busMessageSchema>;
export type BusTopic = BusMessage["topic"];
type Handler<T extends BusTopic> = (msg: Extract<BusMessage, { topic: T }>) => void | Promise<void>;

/** Parses a notification payload; anything malformed is dropped (the database is shared, not trusted blindly). */
export function parseBusPayload(payload: string | undefined): BusMessage | null {
  if (!payload || payload.length > 8000) return null;
  try {
    const r = busMessageSchema.safeParse(JSON.parse(payload));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export class ClusterBus {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<BusTopic, Set<Handler<BusTopic>>>();
  private stopped = true;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  /** Resolves every time the listener (re)connects: tests and the fault suite wait on it. */
  private connectedWaiters: (() => void)[] = [];
  connected = false;
  /** Counts successful LISTENs: what was learned before a reconnect may have missed messages. */
  epoch = 0;

  constructor(private readonly connectionString: () => string | undefined) {}

  on<T extends BusTopic>(topic: T, handler: Handler<T>): () => void {
    const set = this.handlers.get(topic) ?? new Set();
    // Stored by topic and only ever called with a message of that topic (dispatch looks it up).
    const h = handler as unknown as Handler<BusTopic>;
    set.add(h);
    this.handlers.set(topic, set);
    return () => void set.delete(h);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = null;
    this.connected = false;
    await c?.end().catch(() => {});
  }

  /** Sends on its own short-lived query (not the listening connection, which may be reconnecting). */
  async publish(msg: BusMessage, query: (sql: string, params: unknown[]) => Promise<unknown>): Promise<void> {
    const payload = JSON.stringify(busMessageSchema.parse(msg));
    await query("SELECT pg_notify($1, $2)", [BUS_CHANNEL, payload]);
  }

  /** The listening connection's server process (pg_stat_activity.pid); null while not listening. */
  get backendPid(): number | null {
    return (this.client as unknown as { processID: number | null } | null)?.processID ?? null;
  }

  whenConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  private async connect(): Promise<void> {
    const url = this.connectionString();
    if (!url) throw new Error("DATABASE_URL is not set: start the database first");
    // TCP keepalive: a peer that vanished without a FIN is noticed (and the listener reconnects).
    const client = new pg.Client({ connectionString: url, application_name: "zlh-bus", keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    client.on("notification", (n) => {
      if (n.channel === BUS_CHANNEL) void this.dispatch(n.payload);
    });
    // A dropped connection (PostgreSQL restarted, backend terminated) reconnects with backoff.
    client.on("error", (err) => log.warn({ err: err.message }, "bus connection error"));
    client.on("end", () => {
      if (this.client !== client) return;
      this.client = null;
      this.connected = false;
      this.scheduleReconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${BUS_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => {});
      if (this.stopped) return;
      log.warn({ err: (err as Error).message }, "bus could not listen; retrying");
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.epoch++;
    this.connected = true;
    if (this.attempt > 0) log.info({ attempts: this.attempt }, "bus listening again");
    this.attempt = 0;
    for (const w of this.connectedWaiters.splice(0)) w();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(5_000, 100 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private async dispatch(payload: string | undefined): Promise<void> {
    const msg = parseBusPayload(payload);
    if (!msg) {
      log.warn("dropped a malformed bus message");
      return;
    }
    for (const h of this.handlers.get(msg.topic) ?? []) {
      try {
        await h(msg);
      } catch (err) {
        log.error({ err, topic: msg.topic }, "bus handler failed");
      }
    }
  }
}
