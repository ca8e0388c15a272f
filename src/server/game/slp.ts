import net from "node:net";
import { z } from "zod";

/**
 * Minecraft "server list ping" (the status request every client sends to list a server): handshake
 * with next state 1, an empty status request, one JSON status response. Pure framing below, one
 * bounded, timed-out exchange at the end. Protocol reference: packets are VarInt length + VarInt id
 * + fields; strings are VarInt length + UTF-8.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export function writeVarInt(value: number): Buffer {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return Buffer.from(out);
}

/** The VarInt at `offset`, or null when the buffer ends first; throws on a VarInt over 5 bytes. */
export function readVarInt(buf: Buffer, offset = 0): { value: number; size: number } | null {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (offset + i >= buf.length) return null;
    const b = buf[offset + i]!;
    value |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return { value: value | 0, size: i + 1 };
  }
  throw new Error("VarInt too long");
}

function mcString(s: string): Buffer {
  const bytes = Buffer.from(s, "utf8");
  return Buffer.concat([writeVarInt(bytes.length), bytes]);
}

function packet(id: number, ...fields: Buffer[]): Buffer {
  const body = Buffer.concat([writeVarInt(id), ...fields]);
  return Buffer.concat([writeVarInt(body.length), body]);
}

export function statusRequestBytes(host: string, port: number, protocol = -1): Buffer {
  const portBuf = Buffer.alloc(2);
  portBuf.writeUInt16BE(port);
  return Buffer.concat([packet(0x00, writeVarInt(protocol), mcString(host), portBuf, writeVarInt(1)), packet(0x00)]);
}

/** The JSON of a complete status response packet in `buf`, or null while more bytes are needed. */
export function parseStatusResponse(buf: Buffer): string | null {
  const len = readVarInt(buf, 0);
  if (!len) return null;
  if (len.value > MAX_RESPONSE_BYTES) throw new Error(`status response of ${len.value} bytes is too large`);
  if (buf.length < len.size + len.value) return null;
  const body = buf.subarray(len.size, len.size + len.value);
  const id = readVarInt(body, 0);
  if (!id || id.value !== 0x00) throw new Error("not a status response");
  const strLen = readVarInt(body, id.size);
  if (!strLen || id.size + strLen.size + strLen.value > body.length) throw new Error("truncated status response");
  return body.subarray(id.size + strLen.size, id.size + strLen.size + strLen.value).toString("utf8");
}

const chatSchema: z.ZodType<unknown> = z.unknown();
const statusSchema = z.object({
  version: z.object({ name: z.string().max(200), protocol: z.number() }).partial().optional(),
  players: z.object({ max: z.number().int(), online: z.number().int(), sample: z.array(z.object({ name: z.string().max(64) }).loose()).max(100).optional() }).optional(),
  description: chatSchema.optional(),
});

export type GameStatusPing = { online: number | null; max: number | null; motd: string; version: string | null; players: string[] };

/** The plain text of a chat component (a string, {text, extra}, or an array of them), bounded. */
export function chatText(c: unknown, depth = 0): string {
  if (depth > 8 || c === null || c === undefined) return "";
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((x) => chatText(x, depth + 1)).join("");
  if (typeof c === "object") {
    const o = c as { text?: unknown; translate?: unknown; extra?: unknown };
    return `${typeof o.text === "string" ? o.text : typeof o.translate === "string" ? o.translate : ""}${chatText(o.extra, depth + 1)}`;
  }
  return "";
}

/** Strips legacy § colour codes: a MOTD is shown as plain text. */
export function plainMotd(s: string): string {
  return s.replace(/§[0-9a-fk-or]/gi, "").slice(0, 300);
}

export function decodeStatus(json: string): GameStatusPing {
  const s = statusSchema.parse(JSON.parse(json));
  return {
    online: s.players?.online ?? null,
    max: s.players?.max ?? null,
    motd: plainMotd(chatText(s.description)),
    version: s.version?.name ?? null,
    players: (s.players?.sample ?? []).map((p) => p.name).slice(0, 20),
  };
}

/** One status exchange with a game at host:port, at most `timeoutMs` and MAX_RESPONSE_BYTES. */
export function pingGame(host: string, port: number, opts: { timeoutMs?: number; hostForHandshake?: string } = {}): Promise<GameStatusPing> {
  const timeoutMs = opts.timeoutMs ?? 3_000;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | null, value?: GameStatusPing) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from the game within ${timeoutMs} ms`)), timeoutMs);
    socket.on("connect", () => socket.write(statusRequestBytes(opts.hostForHandshake ?? host, port)));
    socket.on("data", (chunk: Buffer) => {
      if (buf.length + chunk.length > MAX_RESPONSE_BYTES + 8) return finish(new Error("status response too large"));
      buf = Buffer.concat([buf, chunk]);
      try {
        const json = parseStatusResponse(buf);
        if (json !== null) finish(null, decodeStatus(json));
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on("error", (err) => finish(err));
    socket.on("close", () => finish(new Error("the game closed the connection without a status")));
  });
}
