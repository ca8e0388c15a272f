import net from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
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
});
