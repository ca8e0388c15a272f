import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";
import type { AgentProcess } from "../../test/support/agent-process";
import type { TestArtifactServer } from "../../test/support/artifact-server";
import { agentEventSchema, type AgentEvent, type ArtifactEntry } from "../src/contract";

/** Temp dirs made by these helpers, removed by cleanupTemp(). */
const temps: string[] = [];
export const tempDir = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};
export const cleanupTemp = () => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
};

/** A tiny runtime: bin/<name> prints "<name> v<version>" (or `prints`), plus some payload files. */
export function runtimeDir(name: string, version: string, prints = `${name} v${version}`): string {
  const d = tempDir("zlh-rt-");
  mkdirSync(path.join(d, "bin"));
  mkdirSync(path.join(d, "lib"));
  writeFileSync(path.join(d, "bin", name), `#!/bin/sh\necho ${JSON.stringify(prints)}\n`);
  chmodSync(path.join(d, "bin", name), 0o755);
  writeFileSync(path.join(d, "lib", "data.bin"), randomBytes(256 * 1024)); // incompressible: downloads take several chunks
  return d;
}

export async function publishRuntime(srv: TestArtifactServer, name: string, version: string, opts: { prints?: string; channels?: ("stable" | "beta")[] } = {}): Promise<ArtifactEntry> {
  return srv.publishDir(runtimeDir(name, version, opts.prints), {
    kind: "runtime",
    name,
    version,
    bin: ["bin"],
    verify: { command: `bin/${name}`, args: ["--version"], expect: `v${version}` },
    channels: opts.channels,
  });
}

export type RawMember = {
  name: string;
  type?: "file" | "dir" | "symlink" | "hardlink" | "pax";
  data?: string;
  linkname?: string;
  mode?: number;
  /** Size written in the header when it should differ from the data (pax overrides). */
  sizeField?: number;
};

/**
 * Writes a tar byte for byte (ustar headers), so tests can build the hostile archives real tools
 * refuse to make: `../evil`, absolute names, links pointing out.
 */
export function rawTar(members: RawMember[]): Buffer {
  const blocks: Buffer[] = [];
  const field = (h: Buffer, off: number, len: number, v: string) => h.write(v, off, len, "utf8");
  const octal = (n: number, len: number) => `${n.toString(8).padStart(len - 1, "0")}\0`;
  for (const m of members) {
    const data = Buffer.from(m.data ?? "");
    const type = m.type ?? "file";
    const hasData = type === "file" || type === "pax";
    const h = Buffer.alloc(512);
    field(h, 0, 100, m.name);
    field(h, 100, 8, octal(m.mode ?? (type === "dir" ? 0o755 : 0o644), 8));
    field(h, 108, 8, octal(0, 8));
    field(h, 116, 8, octal(0, 8));
    field(h, 124, 12, octal(m.sizeField ?? (hasData ? data.length : 0), 12));
    field(h, 136, 12, octal(1700000000, 12));
    field(h, 156, 1, { file: "0", hardlink: "1", symlink: "2", dir: "5", pax: "x" }[type]);
    field(h, 157, 100, m.linkname ?? "");
    field(h, 257, 8, "ustar\u000000");
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    field(h, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    blocks.push(h);
    if (hasData && data.length) blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** rawTar, gzipped into a temp file (what publishFile takes). */
export function hostileTarball(members: RawMember[]): string {
  const file = path.join(tempDir("zlh-hostile-"), "a.tar.gz");
  writeFileSync(file, gzipSync(rawTar(members)));
  return file;
}

export const postJson = (agent: AgentProcess, p: string, body: unknown) =>
  agent.fetch(p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Subscribes to GET /events and collects the parsed events. */
export async function subscribe(agent: AgentProcess): Promise<{ events: AgentEvent[]; close(): void }> {
  const ac = new AbortController();
  const res = await agent.fetch("/events", { signal: ac.signal });
  if (res.status !== 200 || !res.body) throw new Error(`events answered ${res.status}`);
  const events: AgentEvent[] = [];
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) !== -1) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          for (const line of frame.split("\n")) if (line.startsWith("data: ")) events.push(agentEventSchema.parse(JSON.parse(line.slice(6))));
        }
      }
    } catch {
      // closed
    }
  })();
  return { events, close: () => ac.abort() };
}

/**
 * Holds responses for URLs containing `match`: sends the headers and the first `sendBytes` bytes of
 * the file, then waits for release() (which sends the rest) or the client going away.
 */
export function stallDownloads(srv: TestArtifactServer, match: string, sendBytes = 1024) {
  const held: { req: IncomingMessage; res: ServerResponse; data: Buffer }[] = [];
  let released = false;
  srv.intercept = (req, res) => {
    if (!req.url?.includes(match) || released) return false;
    const file = path.join(srv.dir, decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, ""));
    const data = readFileSync(file);
    res.writeHead(200, { "content-length": data.length });
    res.write(data.subarray(0, sendBytes));
    held.push({ req, res, data });
    return true;
  };
  return {
    held,
    release() {
      released = true;
      srv.intercept = undefined;
      for (const h of held.splice(0)) h.res.end(h.data.subarray(sendBytes));
    },
    abandon() {
      released = true;
      srv.intercept = undefined;
      for (const h of held.splice(0)) h.res.destroy();
    },
  };
}

/** Everything under a runtime's folder, dot entries included (to prove nothing half-installed stayed). */
export function runtimeFolder(agent: AgentProcess, name: string): string[] {
  try {
    return readdirSync(path.join(agent.root, "opt/zlh/runtimes", name)).sort();
  } catch {
    return [];
  }
}
export const installLocks = (agent: AgentProcess) => {
  try {
    return readdirSync(path.join(agent.root, "opt/zlh/agent/installs"));
  } catch {
    return [];
  }
};
