import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The portal's Prometheus metrics, one registry per process. Next bundles route handlers (tRPC,
 * webhooks) apart from server.ts, so the registry and its metrics live on globalThis: both bundles
 * must count into the same series. Every label takes values from a closed set (route templates,
 * procedure names, queue names, outcomes), never raw URLs or ids.
 */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "zlh_portal_" });
  const r = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: "zlh_http_request_duration_seconds",
      help: "HTTP request time by route template, method and status class",
      labelNames: ["route", "method", "status"] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    trpcDuration: new Histogram({
      name: "zlh_trpc_procedure_duration_seconds",
      help: "tRPC procedure time by procedure, type and result code",
      labelNames: ["procedure", "type", "code"] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    connections: new Gauge({
      name: "zlh_connections_open",
      help: "Open long-lived connections by kind (console relay, IDE proxy)",
      labelNames: ["kind"] as const,
      registers: r,
    }),
    proxyBytes: new Counter({
      name: "zlh_proxy_bytes_total",
      help: "Bytes relayed by the portal for console and IDE connections, by direction as seen from the client",
      labelNames: ["kind", "direction"] as const,
      registers: r,
    }),
    provisionDuration: new Histogram({
      name: "zlh_provisioning_duration_seconds",
      help: "Time of one provisioning job attempt by queue and result (the pipeline's outcome, or error)",
      labelNames: ["queue", "result"] as const,
      buckets: [1, 5, 10, 20, 30, 60, 120, 300, 600, 1200],
      registers: r,
    }),
    webhooks: new Counter({
      name: "zlh_webhook_events_total",
      help: "Webhook deliveries by source and outcome (HTTP status class of our answer)",
      labelNames: ["source", "outcome"] as const,
      registers: r,
    }),
    agentErrors: new Counter({
      name: "zlh_agent_call_errors_total",
      help: "Failed portal-to-agent calls by kind (unreachable, unauthorized, response, contract)",
      labelNames: ["kind"] as const,
      registers: r,
    }),
    sampleCycles: new Histogram({
      name: "zlh_history_sample_cycle_seconds",
      help: "Time of one history sampling cycle over every running server",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: r,
    }),
    sampleFailures: new Counter({
      name: "zlh_history_sample_failures_total",
      help: "Servers whose figures could not be read in a sampling cycle",
      registers: r,
    }),
  };
}

export type PortalMetrics = ReturnType<typeof create>;
const g = globalThis as unknown as { __zlhMetrics?: PortalMetrics };

export function portalMetrics(): PortalMetrics {
  return (g.__zlhMetrics ??= create());
}

/** Registers gauges whose values are read at scrape time (queue depth, pool use); once per process. */
export function addCollector(name: string, make: (registry: Registry) => void): void {
  const m = portalMetrics() as PortalMetrics & { collectors?: Set<string> };
  m.collectors ??= new Set();
  if (m.collectors.has(name)) return;
  m.collectors.add(name);
  make(m.registry);
}
