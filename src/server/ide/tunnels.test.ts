import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { cutTunnels, liveTunnels, sweepIdleTunnels, trackTunnel } from "./tunnels";

const pair = () => ({ client: new PassThrough(), upstream: new PassThrough() });
const settle = () => new Promise((r) => setImmediate(r));

describe("IDE tunnel registry", () => {
  it("cuts by server and by user, and forgets connections that closed by themselves", async () => {
    const t = Date.now();
    const a = pair();
    const b = pair();
    const c = pair();
    trackTunnel({ serverId: "s1", userId: "u1", authorizedAt: t }, a.client, a.upstream);
    trackTunnel({ serverId: "s2", userId: "u1", authorizedAt: t }, b.client, b.upstream);
    trackTunnel({ serverId: "s3", userId: "u2", authorizedAt: t }, c.client, c.upstream);
    expect(liveTunnels({ userId: "u1" })).toBe(2);
    expect(cutTunnels({ serverId: "s1" })).toBe(1);
    await settle();
    expect(a.client.destroyed && a.upstream.destroyed).toBe(true);
    expect(liveTunnels({ userId: "u1" })).toBe(1);
    c.upstream.destroy();
    await settle();
    expect(liveTunnels({ serverId: "s3" })).toBe(0);
    expect(c.client.destroyed).toBe(false);
    expect(cutTunnels({ userId: "u1" })).toBe(1);
    await settle();
    expect(b.client.destroyed).toBe(true);
  });

  it("cuts a connection that was authorized before a cut but finished opening after it", async () => {
    const authorizedAt = Date.now();
    cutTunnels({ userId: "u9" }, authorizedAt + 5);
    const late = pair();
    trackTunnel({ serverId: "s9", userId: "u9", authorizedAt }, late.client, late.upstream);
    expect(late.client.destroyed && late.upstream.destroyed).toBe(true);
    expect(liveTunnels({ serverId: "s9" })).toBe(0);
    // Authorized after the cut: it lives.
    const fresh = pair();
    trackTunnel({ serverId: "s9", userId: "u9", authorizedAt: authorizedAt + 10 }, fresh.client, fresh.upstream);
    expect(fresh.client.destroyed).toBe(false);
    cutTunnels({ serverId: "s9" });
  });

  it("sweeps only connections that moved no byte for the limit", () => {
    const t0 = Date.now();
    const idle = pair();
    trackTunnel({ serverId: "i1", userId: "ui", authorizedAt: t0 }, idle.client, idle.upstream, t0);
    const busy = { client: Object.assign(new PassThrough(), { bytesRead: 0 }), upstream: new PassThrough() };
    trackTunnel({ serverId: "i2", userId: "ui", authorizedAt: t0 }, busy.client, busy.upstream, t0);
    expect(sweepIdleTunnels(1000, t0 + 500)).toBe(0);
    busy.client.bytesRead = 10;
    expect(sweepIdleTunnels(1000, t0 + 1500)).toBe(1);
    expect(idle.client.destroyed).toBe(true);
    expect(busy.client.destroyed).toBe(false);
    cutTunnels({ userId: "ui" });
  });

  it("shares one close handler across all connections and counts each pair once", async () => {
    // Closes of the earlier tests' connections land first.
    await settle();
    const t = Date.now();
    const a = pair();
    const b = pair();
    trackTunnel({ serverId: "h1", userId: "uh", authorizedAt: t }, a.client, a.upstream);
    trackTunnel({ serverId: "h1", userId: "uh", authorizedAt: t }, b.client, b.upstream);
    // No closure per connection: idle IDE sessions are held by the thousand.
    const handlers = [a.client, a.upstream, b.client, b.upstream].map((s) => s.listeners("close").at(-1));
    expect(new Set(handlers).size).toBe(1);
    const before = liveTunnels();
    a.client.destroy();
    a.upstream.destroy();
    await settle();
    expect(liveTunnels()).toBe(before - 1);
    expect(liveTunnels({ serverId: "h1" })).toBe(1);
    expect(liveTunnels({ userId: "uh" })).toBe(1);
    cutTunnels({ serverId: "h1" });
    await settle();
    expect(liveTunnels()).toBe(before - 2);
  });
});
