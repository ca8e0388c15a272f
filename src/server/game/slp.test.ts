import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../net/free-port";
import { chatText, decodeStatus, parseStatusResponse, pingGame, readVarInt, statusRequestBytes, writeVarInt } from "./slp";

describe("server list ping framing", () => {
  it("round-trips VarInts including negatives and multi-byte values", () => {
    for (const v of [0, 1, 127, 128, 255, 25565, 2097151, 2147483647, -1]) {
      const b = writeVarInt(v);
      expect(readVarInt(b)).toEqual({ value: v, size: b.length });
    }
    expect(writeVarInt(300)).toEqual(Buffer.from([0xac, 0x02]));
    expect(readVarInt(Buffer.from([0x80]))).toBeNull();
    expect(() => readVarInt(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(/too long/);
  });

  it("writes a handshake (next state 1) followed by an empty status request", () => {
    const b = statusRequestBytes("a", 25565, 47);
    // length 7: id 0, protocol 47, "a", port 0x63dd, state 1; then length 1: id 0.
    expect([...b]).toEqual([7, 0, 47, 1, 0x61, 0x63, 0xdd, 1, 1, 0]);
  });

  it("waits for a whole response, and refuses oversize or foreign packets", () => {
    const json = JSON.stringify({ players: { online: 2, max: 20 }, description: { text: "hi" } });
    const body = Buffer.concat([writeVarInt(0), writeVarInt(Buffer.byteLength(json)), Buffer.from(json)]);
    const full = Buffer.concat([writeVarInt(body.length), body]);
    expect(parseStatusResponse(full.subarray(0, 5))).toBeNull();
    expect(parseStatusResponse(full)).toBe(json);
    expect(() => parseStatusResponse(writeVarInt(10 * 1024 * 1024))).toThrow(/too large/);
    expect(() => parseStatusResponse(Buffer.from([2, 5, 0]))).toThrow(/not a status/);
  });

  it("decodes players, version and a MOTD from chat components, without colour codes", () => {
    expect(chatText({ text: "§aHello ", extra: [{ text: "world" }, "!"] })).toBe("§aHello world!");
    expect(decodeStatus(JSON.stringify({ version: { name: "1.21.4", protocol: 769 }, players: { online: 1, max: 20, sample: [{ name: "bot", id: "x" }] }, description: "§aHello" }))).toEqual({
      online: 1, max: 20, motd: "Hello", version: "1.21.4", players: ["bot"],
    });
  });
});

describe("pingGame against a real Minecraft-protocol server", () => {
  const require = createRequire(import.meta.url);
  let server: { close(): void; on(e: string, f: () => void): void };
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    const mc = require("minecraft-protocol") as { createServer(o: object): typeof server };
    server = mc.createServer({ "online-mode": false, host: "127.0.0.1", port, motd: "Friday night survival", maxPlayers: 12, version: "1.21.4" });
    await new Promise<void>((r) => server.on("listening", r));
  });
  afterAll(() => server.close());

  it("reads the MOTD and player counts", async () => {
    const s = await pingGame("127.0.0.1", port);
    expect(s).toMatchObject({ online: 0, max: 12, motd: "Friday night survival" });
  });

  it("gives up within its timeout on a port that never answers", async () => {
    const net = await import("node:net");
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const t0 = Date.now();
    await expect(pingGame("127.0.0.1", (silent.address() as { port: number }).port, { timeoutMs: 300 })).rejects.toThrow(/within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(2_000);
    silent.close();
  });
});
