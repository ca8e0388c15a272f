import { Counter, Histogram, type Registry } from "prom-client";

/** Install figures for /metrics, one set per registry (tests may build several agents in-process). */
const byRegistry = new WeakMap<Registry, ReturnType<typeof create>>();

function create(registry: Registry) {
  return {
    installs: new Counter({
      name: "zlh_agent_installs_total",
      help: "Artifact installs by kind and result",
      labelNames: ["kind", "result"] as const,
      registers: [registry],
    }),
    bytes: new Counter({ name: "zlh_agent_download_bytes_total", help: "Artifact bytes downloaded", registers: [registry] }),
    duration: new Histogram({
      name: "zlh_agent_install_duration_seconds",
      help: "Artifact install time (download, verify, extract)",
      labelNames: ["kind"] as const,
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 180, 600],
      registers: [registry],
    }),
  };
}

export function installMetrics(registry: Registry) {
  let m = byRegistry.get(registry);
  if (!m) byRegistry.set(registry, (m = create(registry)));
  return m;
}
