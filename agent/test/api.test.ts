import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../test/support/artifact-server";
import { agentStatusSchema } from "../src/contract";
import { postJson, subscribe, waitFor } from "./helpers";

let srv: TestArtifactServer;
let agent: AgentProcess;

beforeAll(async () => {
  srv = await startTestArtifactServer();
  agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey });
});
afterAll(async () => {
  await agent?.dispose();
  await srv?.close();
});

const raw = (p: string, init: RequestInit = {}) => fetch(`${agent.url}${p}`, init);

describe("agent API: authentication", () => {
  it("answers /healthz without a token", async () => {
    const r = await raw("/healthz");
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });
  it.each(["/status", "/metrics", "/runtimes", "/events", "/no-such-route"])("refuses %s without a token, with no detail", async (p) => {
    const r = await raw(p);
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ error: "unauthorized" });
  });
  it("refuses a wrong token", async () => {
    expect((await raw("/status", { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(401);
    expect((await raw("/status", { headers: { authorization: `Bearer ${agent.token}x` } })).status).toBe(401);
  });
  it.each(["bearer x", "Basic abc", "Bearer", "Bearer  two  spaces", "Token t", "Bearer a b"])("refuses a malformed Authorization header (%s)", async (h) => {
    expect((await raw("/status", { headers: { authorization: h } })).status).toBe(401);
  });
  it("refuses the right token in the wrong scheme", async () => {
    expect((await raw("/status", { headers: { authorization: `Basic ${agent.token}` } })).status).toBe(401);
  });
  it("refuses POST /provision without a token before reading it", async () => {
    const r = await raw("/provision", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "dev", runtime: { name: "x" } }) });
    expect(r.status).toBe(401);
  });
});

describe("agent API: bodies", () => {
  it("answers 400 to malformed JSON", async () => {
    const r = await agent.fetch("/provision", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toBe("malformed JSON body");
  });
  it("answers 400 with details to a body of the wrong shape", async () => {
    const r = await postJson(agent, "/provision", { kind: "dev" });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error).toBe("invalid request body");
    expect(JSON.stringify(body.details)).toContain("a dev container needs a runtime");
  });
  it("answers 400 to unknown fields (strict payloads)", async () => {
    expect((await postJson(agent, "/runtimes/install", { name: "node", evil: true })).status).toBe(400);
  });
  it("answers 413 to an oversized body", async () => {
    const r = await agent.fetch("/provision", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "dev", pad: "x".repeat(200 * 1024) }) });
    expect(r.status).toBe(413);
  });
  it("answers 413 to an oversized runtime request", async () => {
    const r = await agent.fetch("/runtimes/install", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "x".repeat(40 * 1024) }) });
    expect(r.status).toBe(413);
  });
  it("rejects invalid runtime names in DELETE paths", async () => {
    expect((await agent.fetch("/runtimes/..%2F..%2Fetc/1.0.0", { method: "DELETE" })).status).toBe(400);
  });
});

describe("agent API: status, metrics, events", () => {
  it("reports a fresh agent as ready, not provisioned, with its stand-in dev user", async () => {
    const status = agentStatusSchema.parse(await (await agent.fetch("/status")).json());
    expect(status).toMatchObject({ agentVersion: "0.1.0", state: "ready", provisioningComplete: false, runtimes: [], catalogVerified: false });
    expect(status.devUser.real).toBe(false);
    expect(status.devUser.uid).toBe(process.getuid!());
  });
  it("serves Prometheus text with agent figures", async () => {
    const r = await agent.fetch("/metrics");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/plain");
    const text = await r.text();
    expect(text).toContain('zlh_agent_state{state="ready"} 1');
    expect(text).toContain("zlh_agent_provisioning_complete 0");
    expect(text).toContain("zlh_agent_process_cpu_user_seconds_total");
  });
  it("replays the current state first on /events", async () => {
    const sub = await subscribe(agent);
    try {
      const first = await waitFor(() => sub.events[0], "the first event");
      expect(first).toEqual({ type: "state", state: "ready", provisioningComplete: false });
    } finally {
      sub.close();
    }
  });
});
