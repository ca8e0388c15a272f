import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The Prometheus and Grafana files under deploy/: promtool accepts the scrape config and the
 * alerting rules and passes the rules' unit tests, and every ZeroLagHub metric the rules and the
 * dashboard use is one the portal or the agent defines (so a renamed metric cannot leave a
 * dashboard panel silently empty).
 */
const deploy = path.resolve("deploy");
const promtool = (...args: string[]) => execFileSync("promtool", args, { cwd: deploy, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(n) && !/\.test\.ts$/.test(n) ? [p] : [];
  });
}

/** Metric names the code registers (`name: "zlh_..."`), plus prom-client's default process metrics. */
function definedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const f of [...sources(path.resolve("src/server")), ...sources(path.resolve("agent/src"))]) {
    for (const m of readFileSync(f, "utf8").matchAll(/name: "(zlh_[a-z0-9_]+)"/g)) names.add(m[1]!);
    for (const m of readFileSync(f, "utf8").matchAll(/containerGauge\("(zlh_[a-z0-9_]+)"/g)) names.add(m[1]!);
  }
  for (const prefix of ["zlh_portal_", "zlh_agent_"]) for (const d of ["process_cpu_seconds_total", "process_resident_memory_bytes"]) names.add(prefix + d);
  return names;
}

function usedMetrics(exprs: string[]): Set<string> {
  const used = new Set<string>();
  for (const e of exprs) for (const m of e.matchAll(/\b(zlh_[a-z0-9_]+)/g)) used.add(m[1]!.replace(/_(bucket|sum|count)$/, ""));
  return used;
}

describe("deploy/ Prometheus and Grafana files", () => {
  it("promtool accepts the scrape config and the rules, and the rules pass their unit tests", () => {
    expect(promtool("check", "config", "prometheus.yml")).toContain("is valid prometheus config file syntax");
    expect(promtool("check", "rules", "prometheus/alerts.yml")).toMatch(/SUCCESS: \d+ rules found/);
    expect(promtool("test", "rules", "prometheus/alerts.test.yml")).toContain("SUCCESS");
  });

  it("the rules alert on crash loops, failed jobs and hosts running out of memory, with metrics that exist", () => {
    const rules = readFileSync(path.join(deploy, "prometheus/alerts.yml"), "utf8");
    for (const alert of ["GameCrashLoop", "JobsFailed", "HostOutOfMemory"]) expect(rules).toContain(`alert: ${alert}`);
    const defined = definedMetrics();
    const exprs = [...rules.matchAll(/expr: (.*)/g)].map((m) => m[1]!);
    for (const name of usedMetrics(exprs)) expect(defined, name).toContain(name);
  });

  it("the Grafana dashboard is valid JSON whose panels query metrics that exist", () => {
    const dash = JSON.parse(readFileSync(path.join(deploy, "grafana-dashboard.json"), "utf8")) as {
      uid: string;
      panels: { type: string; id: number; targets?: { expr: string; refId: string }[] }[];
      templating: { list: { name: string }[] };
    };
    expect(dash.uid).toBe("zerolaghub");
    expect(dash.templating.list.map((v) => v.name)).toEqual(["datasource", "server"]);
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(25);
    const used = usedMetrics(exprs);
    const defined = definedMetrics();
    for (const name of used) expect(defined, name).toContain(name);
    // The dashboard covers what the issue asks operators to see.
    for (const n of ["zlh_http_request_duration_seconds", "zlh_trpc_procedure_duration_seconds", "zlh_jobs", "zlh_connections_open", "zlh_proxy_bytes_total", "zlh_provisioning_duration_seconds", "zlh_webhook_events_total", "zlh_agent_call_errors_total", "zlh_db_pool_connections", "zlh_container_cpu_seconds_total", "zlh_agent_game_players_online", "zlh_agent_game_crashes_total", "zlh_agent_code_server_up"]) expect(used, n).toContain(n);
  });
});
