import { StringDecoder } from "node:string_decoder";
import { Counter, Gauge } from "prom-client";
import type { AgentContext } from "../context";
import { crashClassifications, type CrashRecord } from "../contract/game";
import { gameHandle } from "../game";
import { LineTail } from "../game/log-tail";
import { gameLineEvent, PlayerSet } from "./game-lines";

/**
 * Figures the agent's /metrics adds about what runs in the container: the container's own CPU,
 * memory, pids, disk and network (from the "container" section of /status), the game's players,
 * lag and crashes by class, and whether code-server is up. Registered after the other modules, so
 * their status sections exist. A scrape reads /status once (cached for a second), not per gauge.
 */
const STATUS_TTL_MS = 1_000;

type Section = Record<string, unknown> | undefined;
const section = (s: Record<string, unknown>, key: string): Section => (s[key] && typeof s[key] === "object" ? (s[key] as Record<string, unknown>) : undefined);
const numAt = (o: Section, ...keys: string[]): number | null => {
  let v: unknown = o;
  for (const k of keys) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};

export function registerAgentMetrics(ctx: AgentContext): void {
  const r = [ctx.metrics];
  let cached: { at: number; status: Promise<Record<string, unknown>> } | null = null;
  const status = () => {
    if (!cached || Date.now() - cached.at > STATUS_TTL_MS) cached = { at: Date.now(), status: ctx.collectStatus().catch(() => ({})) };
    return cached.status;
  };

  const containerGauge = (name: string, help: string, pick: (c: Section) => number | null) =>
    new Gauge({
      name,
      help,
      registers: r,
      async collect() {
        const v = pick(section(await status(), "container"));
        if (v === null) this.reset();
        else this.set(v);
      },
    });
  // Cumulative figures are exposed as gauges on purpose: they come from the kernel's counters,
  // which restart with the container rather than with this process.
  containerGauge("zlh_container_cpu_seconds_total", "CPU time used by the container (cgroup)", (c) => numAt(c, "cpu", "usageSeconds"));
  containerGauge("zlh_container_memory_bytes", "Memory used by the container (cgroup)", (c) => numAt(c, "memory", "usedBytes"));
  containerGauge("zlh_container_memory_limit_bytes", "Memory limit of the container (cgroup)", (c) => numAt(c, "memory", "limitBytes"));
  containerGauge("zlh_container_oom_kills", "OOM kills inside the container (cgroup)", (c) => numAt(c, "memory", "oomKills"));
  containerGauge("zlh_container_pids", "Processes in the container (cgroup)", (c) => numAt(c, "pids", "current"));
  containerGauge("zlh_container_pids_limit", "Process limit of the container (cgroup)", (c) => numAt(c, "pids", "limit"));
  containerGauge("zlh_container_disk_used_bytes", "Disk used on the container's own root volume (none when its root lies on the host's disk)", (c) => numAt(c, "disk", "usedBytes"));
  containerGauge("zlh_container_disk_total_bytes", "Size of the container's own root volume (none when its root lies on the host's disk)", (c) => numAt(c, "disk", "totalBytes"));
  containerGauge("zlh_container_network_receive_bytes_total", "Bytes received by the container's interfaces", (c) => numAt(c, "net", "rxBytes"));
  containerGauge("zlh_container_network_transmit_bytes_total", "Bytes sent by the container's interfaces", (c) => numAt(c, "net", "txBytes"));

  new Gauge({
    name: "zlh_agent_code_server_up",
    help: "1 when code-server runs and answers its health check (dev containers)",
    registers: r,
    async collect() {
      const cs = section(await status(), "codeServer");
      if (!cs || cs.installed !== true) return this.reset();
      this.set(cs.running === true && cs.healthy === true ? 1 : 0);
    },
  });

  registerGameMetrics(ctx);
}

function registerGameMetrics(ctx: AgentContext): void {
  const game = gameHandle(ctx);
  if (!game) return;
  const sup = game.supervisor;
  const players = new PlayerSet();
  const lines = new LineTail(1);
  const decoder = new StringDecoder("utf8");
  let pid: number | null = sup.status().pid;
  const lag = new Counter({ name: "zlh_agent_game_tick_lag_seconds_total", help: "Time the game reported being behind its tick schedule", registers: [ctx.metrics] });
  game.onOutput((chunk) => {
    // A new game process starts with nobody online.
    const now = sup.status().pid;
    if (now !== pid) {
      pid = now;
      players.clear();
    }
    for (const line of lines.push(decoder.write(chunk))) {
      const ev = gameLineEvent(line);
      if (!ev) continue;
      if (ev.type === "lag") lag.inc(ev.ms / 1000);
      else players.apply(ev);
    }
  });
  const online = () => {
    const s = sup.status();
    return s.state === "running" && s.pid === pid ? players.online : 0;
  };
  ctx.addStatus("players", () => (sup.installed ? { online: online(), max: sup.installed.settings.maxPlayers } : null));

  new Gauge({
    name: "zlh_agent_game_players_online",
    help: "Players connected to the game",
    registers: [ctx.metrics],
    collect() {
      if (sup.installed) this.set(online());
    },
  });
  new Gauge({
    name: "zlh_agent_game_players_max",
    help: "Player slots of the game",
    registers: [ctx.metrics],
    collect() {
      if (sup.installed) this.set(sup.installed.settings.maxPlayers);
    },
  });
  // Crash records persist across agent restarts; each one is counted once by its id.
  const seen = new Set<string>();
  new Counter({
    name: "zlh_agent_game_crashes_total",
    help: "Game crashes by classification",
    labelNames: ["class"] as const,
    registers: [ctx.metrics],
    collect() {
      for (const c of crashClassifications) this.inc({ class: c }, 0);
      const list: CrashRecord[] = sup.crashList();
      for (const rec of list) {
        if (seen.has(rec.id)) continue;
        seen.add(rec.id);
        this.inc({ class: rec.classification });
      }
      // Only the kept records can come back; forget the rest so the set stays as small as the list.
      const kept = new Set(list.map((c) => c.id));
      for (const id of seen) if (!kept.has(id)) seen.delete(id);
    },
  });
}
