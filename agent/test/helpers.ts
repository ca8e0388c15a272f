import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
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

/** Builds a tar.gz with Python's tarfile; `body` adds members to `t` (import io, tarfile available). */
export function pythonTar(body: string): string {
  const file = path.join(tempDir("zlh-hostile-"), "a.tar.gz");
  execFileSync("python3", ["-c", `import io, tarfile\nwith tarfile.open(${JSON.stringify(file)}, "w:gz") as t:\n${body.split("\n").map((l) => `    ${l}`).join("\n")}\n`]);
  return file;
}
export const pyFile = (name: string, data = "x") =>
  `i = tarfile.TarInfo(${JSON.stringify(name)}); i.size = ${Buffer.byteLength(data)}; i.mode = 0o755; t.addfile(i, io.BytesIO(${JSON.stringify(data)}.encode()))`;
export const pySymlink = (name: string, target: string) =>
  `i = tarfile.TarInfo(${JSON.stringify(name)}); i.type = tarfile.SYMTYPE; i.linkname = ${JSON.stringify(target)}; t.addfile(i)`;
export const pyDir = (name: string) => `i = tarfile.TarInfo(${JSON.stringify(name)}); i.type = tarfile.DIRTYPE; i.mode = 0o755; t.addfile(i)`;

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
