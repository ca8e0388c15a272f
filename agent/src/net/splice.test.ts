import net from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import tls from "node:tls";
import { createSelfSignedIdentity } from "../tls/certificate";
import { splice } from "./splice";

/** Two real TCP pairs joined in the middle, as the portal and the agent join theirs. */
async function pair(): Promise<{ outer: net.Socket; inner: net.Socket; close(): void }> {
  const servers: net.Server[] = [];
  const listen = (onConn: (s: net.Socket) => void) =>
    new Promise<number>((resolve) => {
      const srv = net.createServer(onConn);
      servers.push(srv);
      srv.listen(0, "127.0.0.1", () => resolve((srv.address() as AddressInfo).port));
    });
  let inner!: net.Socket;
  const innerPort = await listen((s) => (inner = s));
  const middlePort = await listen((client) => {
    const up = net.connect(innerPort, "127.0.0.1");
    up.once("connect", () => splice(client, up));
  });
  const outer = net.connect(middlePort, "127.0.0.1");
  await new Promise((r) => outer.once("connect", r));
  while (!inner) await new Promise((r) => setTimeout(r, 5));
  return { outer, inner, close: () => servers.forEach((s) => s.close()) };
}

describe("splice", () => {
  it("carries bytes both ways in order, and a large stream whole while the reader is slow", async () => {
    const p = await pair();
    p.outer.write("ping");
    expect((await new Promise<Buffer>((r) => p.inner.once("data", r))).toString()).toBe("ping");
    p.inner.write("pong");
    expect((await new Promise<Buffer>((r) => p.outer.once("data", r))).toString()).toBe("pong");
    const big = Buffer.alloc(8 * 1024 * 1024, 3);
    p.outer.pause();
    p.inner.write(big);
    await new Promise((r) => setTimeout(r, 200));
    let got = 0;
    const done = new Promise<void>((resolve) => {
      p.outer.on("data", (d: Buffer) => {
        got += d.length;
        if (got >= big.length) resolve();
      });
    });
    p.outer.resume();
    await done;
    expect(got).toBe(big.length);
    p.outer.destroy();
    await new Promise((r) => p.inner.once("close", r));
    p.close();
  });

  // Thousands of idle IDE sessions each hold a spliced pair: a pair must not carry closures of its own.
  it("shares its handlers between pairs (no per-pair closures)", () => {
    const [s1, t1, s2, t2] = [0, 1, 2, 3].map(() => new net.Socket()) as [net.Socket, net.Socket, net.Socket, net.Socket];
    splice(s1, t1);
    splice(s2, t2);
    const handler = (s: net.Socket, ev: string) => s.listeners(ev).at(-1);
    for (const ev of ["data", "drain", "end", "error", "close"]) {
      expect(handler(s1, ev)).toBeTypeOf("function");
      expect(handler(s1, ev)).toBe(handler(s2, ev));
      expect(handler(s1, ev)).toBe(handler(t1, ev));
    }
    for (const s of [s1, t1, s2, t2]) s.destroy();
  });

  it("keeps the listeners a stream had before it was spliced, once-listeners firing once", () => {
    const [s, t] = [new net.Socket(), new net.Socket()];
    const seen: string[] = [];
    s.once("close", () => seen.push("once"));
    s.on("close", () => seen.push("on"));
    s.on("timeout", () => seen.push("timeout"));
    s.off("timeout", s.listeners("timeout")[0] as () => void);
    splice(s, t);
    s.emit("close");
    s.emit("close");
    expect(seen).toEqual(["once", "on", "on"]);
    expect(s.listenerCount("timeout")).toBe(0);
    expect(t.destroyed).toBe(true);
    s.destroy();
  });

  // Proxmox: the portal's end of a tunnel is a TLS socket (its own listeners are rebuilt at the splice too).
  it("splices a TLS socket to a TCP one, both ways, a large stream whole", async () => {
    const id = createSelfSignedIdentity();
    let inner!: net.Socket;
    const innerSrv = net.createServer((s) => (inner = s));
    await new Promise<void>((r) => innerSrv.listen(0, "127.0.0.1", r));
    const tlsSrv = tls.createServer({ key: id.keyPem, cert: id.certPem }, (clear) => {
      const up = net.connect((innerSrv.address() as AddressInfo).port, "127.0.0.1");
      up.once("connect", () => splice(clear, up));
    });
    await new Promise<void>((r) => tlsSrv.listen(0, "127.0.0.1", r));
    const outer = tls.connect({ port: (tlsSrv.address() as AddressInfo).port, host: "127.0.0.1", rejectUnauthorized: false });
    await new Promise((r) => outer.once("secureConnect", r));
    outer.write("hello");
    while (!inner) await new Promise((r) => setTimeout(r, 5));
    expect((await new Promise<Buffer>((r) => inner.once("data", r))).toString()).toBe("hello");
    const big = Buffer.alloc(2 * 1024 * 1024, 9);
    let got = 0;
    const done = new Promise<void>((resolve) => outer.on("data", (d: Buffer) => (got += d.length) >= big.length && resolve()));
    inner.write(big);
    await done;
    expect(got).toBe(big.length);
    outer.destroy();
    await new Promise((r) => inner.once("close", r));
    innerSrv.close();
    tlsSrv.close();
  });

  // 64 KB responses must stream at once through a spliced hop (the IDE path has two) (no stall on
  // a delayed ACK, a pause waiting for a drain, or a small-write hold-up).
  it("carries request/response exchanges of 64 KB without a stall", async () => {
    const p = await pair();
    const body = Buffer.alloc(64 * 1024, 5);
    p.inner.on("data", () => p.inner.write(body));
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      p.outer.write("GET");
      let got = 0;
      await new Promise<void>((resolve) => {
        const onData = (d: Buffer) => {
          got += d.length;
          if (got < body.length) return;
          p.outer.off("data", onData);
          resolve();
        };
        p.outer.on("data", onData);
      });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    expect(times[30]!).toBeLessThan(20);
    p.outer.destroy();
    p.close();
  });
});
