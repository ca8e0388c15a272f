import { readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { tlsBindingMac } from "../../../agent/src/contract/tls";
import { createSelfSignedIdentity, fingerprintOf } from "../../../agent/src/tls/certificate";
import { AgentClient } from "./client";
import { enrollAgentCertificate } from "./enroll";
import { agentFetch } from "./transport";

/**
 * Pinned TLS to a real agent (started with --tls-dir, as on Proxmox): the hand-over pins the key
 * pair the agent made, plain HTTP and any other certificate are refused before a byte is sent,
 * machines in the middle get nothing pinned, and a rebuilt agent (new key) is refused until the
 * hand-over records its new pin.
 */
let artifacts: TestArtifactServer;
let agent: AgentProcess;

/** A TLS terminator with its own certificate in front of the agent: relays, or forges a binding. */
async function startMitm(mode: "relay" | "forge") {
  const id = createSelfSignedIdentity();
  const seen: Buffer[] = [];
  const server = tls.createServer({ key: id.keyPem, cert: id.certPem }, (client) => {
    client.on("data", (d: Buffer) => seen.push(d));
    if (mode === "forge") {
      client.once("data", () => {
        const body = JSON.stringify({ fingerprint: id.fingerprint, mac: tlsBindingMac("a-guessed-token", id.fingerprint) });
        client.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
      });
      return;
    }
    const upstream = tls.connect({ host: "127.0.0.1", port: agent.port, rejectUnauthorized: false });
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytesSeen: () => seen.reduce((n, b) => n + b.length, 0),
    text: () => Buffer.concat(seen).toString("latin1"),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

beforeAll(async () => {
  artifacts = await startTestArtifactServer();
  agent = await startAgentProcess({ artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey, tls: true });
}, 60_000);

afterAll(async () => {
  await agent?.dispose();
  await artifacts?.close();
});

const certOnDisk = () => fingerprintOf(readFileSync(path.join(agent.root, "tls", "cert.pem"), "utf8"));

describe("agent TLS pinning", () => {
  let pin = "";

  it("pins the certificate the agent made inside its container, through the token-bound hand-over", async () => {
    pin = await enrollAgentCertificate(agent.url, agent.token);
    expect(pin).toBe(certOnDisk());
    const s = await new AgentClient({ url: agent.url, pin, token: agent.token }).status();
    expect(s.agentVersion).toBeTruthy();
  });

  it("refuses plain HTTP to a pinned agent, and HTTPS without a pin", async () => {
    const plain = new AgentClient({ url: `http://127.0.0.1:${agent.port}`, pin, token: agent.token, retries: 0 });
    await expect(plain.status()).rejects.toThrow(/plain http to it is refused/);
    await expect(agentFetch(agent.url, "/healthz")).rejects.toMatchObject({ code: "PIN_REQUIRED" });
  });

  it("refuses another certificate in the middle before sending anything, and pins nothing through it", async () => {
    const relay = await startMitm("relay");
    try {
      await expect(agentFetch({ url: relay.url, pin }, "/status", { headers: { authorization: `Bearer ${agent.token}` } })).rejects.toMatchObject({ code: "PIN_MISMATCH" });
      expect(relay.bytesSeen()).toBe(0);
      // Relaying the agent's own binding does not help: it vouches for another certificate.
      await expect(enrollAgentCertificate(relay.url, agent.token)).rejects.toMatchObject({ code: "PIN_MISMATCH" });
    } finally {
      await relay.close();
    }
    const forger = await startMitm("forge");
    try {
      await expect(enrollAgentCertificate(forger.url, agent.token)).rejects.toMatchObject({ code: "HANDOVER_FAILED" });
      // The hand-over asked, but never sent the token.
      expect(forger.text()).toContain("GET /tls/binding");
      expect(forger.text()).not.toContain(agent.token);
    } finally {
      await forger.close();
    }
  });

  it("refuses a rebuilt agent's new key until the hand-over records the new pin", async () => {
    await agent.stop();
    rmSync(path.join(agent.root, "tls"), { recursive: true, force: true });
    await agent.restart();
    expect(certOnDisk()).not.toBe(pin);
    const old = new AgentClient({ url: agent.url, pin, token: agent.token, retries: 0 });
    await expect(old.status()).rejects.toThrow(/does not match its pinned fingerprint/);
    expect(await old.healthy()).toBe(false);
    const next = await enrollAgentCertificate(agent.url, agent.token);
    expect(next).toBe(certOnDisk());
    expect(next).not.toBe(pin);
    expect((await new AgentClient({ url: agent.url, pin: next, token: agent.token }).status()).agentVersion).toBeTruthy();
    // A hand-over by someone without the token's proof is refused even by the real agent.
    await expect(enrollAgentCertificate(agent.url, "not-the-token-not-the-token")).rejects.toMatchObject({ code: "HANDOVER_FAILED" });
  }, 60_000);
});
