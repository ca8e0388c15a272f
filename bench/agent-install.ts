import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { report } from "./_report";
import { startAgentProcess } from "../test/support/agent-process";
import { startTestArtifactServer } from "../test/support/artifact-server";

/**
 * Install throughput of a ~200 MB runtime artifact through the real agent (POST /runtimes/install:
 * download + sha256 + size check + extract + verify + switch) against the shell pipeline
 * `curl | tee >(sha256sum) | tar -xz` from the same local server, in the same run. Best of 3 each,
 * alternating (the machine is shared: the best run is the one least disturbed by other work).
 * Target: agent time / shell time <= 1.25.
 */
const RUNS = 3;
const TARGET = 1.25;

/** Built once and cached under the OS temp dir (deterministic content, so the cache stays valid). */
function buildArtifact(): string {
  const dir = path.join(os.tmpdir(), "zlh-bench-agent-install-v1");
  const file = path.join(dir, "benchrt-1.0.0.tar.gz");
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const src = mkdtempSync(path.join(dir, "src-"));
  try {
    // Incompressible payload (like binaries), compressible text (like sources), many small files (like node_modules).
    for (let i = 0; i < 90; i++) {
      mkdirSync(path.join(src, "lib", `pkg${i % 10}`), { recursive: true });
      writeFileSync(path.join(src, "lib", `pkg${i % 10}`, `blob${i}.bin`), randomBytes(2 * 1024 * 1024));
    }
    const line = (i: number) => `${new Date(1700000000000 + i * 1000).toISOString()} INFO module-${i % 97} handled request ${createHash("md5").update(String(i)).digest("hex")} in ${i % 1000}ms\n`;
    mkdirSync(path.join(src, "share"), { recursive: true });
    for (let f = 0; f < 20; f++) {
      const parts: string[] = [];
      for (let i = 0; i < 40_000; i++) parts.push(line(f * 40_000 + i));
      writeFileSync(path.join(src, "share", `text${f}.log`), parts.join(""));
    }
    for (let i = 0; i < 3000; i++) {
      const d = path.join(src, "node_modules", `m${i % 150}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(path.join(d, `f${i}.js`), `module.exports = ${JSON.stringify(randomBytes(1024 + (i % 3072)).toString("base64"))};\n`);
    }
    mkdirSync(path.join(src, "bin"));
    writeFileSync(path.join(src, "bin", "benchrt"), "#!/bin/sh\necho benchrt v1.0.0\n", { mode: 0o755 });
    const tmp = `${file}.tmp`;
    execFileSync("tar", ["-czf", tmp, "-C", src, "."]);
    renameSync(tmp, file);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
  return file;
}

function shellInstall(url: string, dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn("bash", ["-c", 'set -o pipefail; curl -sf "$1" | tee >(sha256sum >/dev/null) | tar -xz -C "$2"', "bash", url, dir], { stdio: "inherit" });
    p.once("error", reject);
    p.once("exit", (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`shell pipeline exited ${code}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: number[]) => Math.min(...xs);

async function main() {
  const t = performance.now();
  const file = buildArtifact();
  process.stderr.write(`artifact ready in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  const srv = await startTestArtifactServer();
  const agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey, env: { LOG_LEVEL: "warn" } });
  const scratch = mkdtempSync(path.join(os.tmpdir(), "zlh-bench-shell-"));
  try {
    const entry = await srv.publishFile(file, {
      kind: "runtime",
      name: "benchrt",
      version: "1.0.0",
      bin: ["bin"],
      verify: { command: "bin/benchrt", args: [], expect: "v1.0.0" },
    });
    const url = new URL(entry.url, srv.url).href;
    const agentRun = async () => {
      const t0 = performance.now();
      const r = await agent.fetch("/runtimes/install", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "benchrt" }) });
      const body = await r.text();
      if (r.status !== 200) throw new Error(`agent install failed: ${r.status} ${body}`);
      const ms = performance.now() - t0;
      const del = await agent.fetch("/runtimes/benchrt/1.0.0?force=1", { method: "DELETE" });
      if (del.status !== 200) throw new Error(`agent remove failed: ${del.status}`);
      return ms;
    };
    const shellRun = async (i: number) => {
      const dir = path.join(scratch, `run${i}`);
      const ms = await shellInstall(url, dir);
      rmSync(dir, { recursive: true, force: true });
      return ms;
    };
    // Warm the page cache and both paths once, untimed.
    await shellRun(-1);
    await agentRun();
    const agentMs: number[] = [];
    const shellMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      shellMs.push(await shellRun(i));
      agentMs.push(await agentRun());
      process.stderr.write(`run ${i + 1}: agent ${(agentMs[i]! / 1000).toFixed(2)} s, shell ${(shellMs[i]! / 1000).toFixed(2)} s\n`);
    }
    const ratio = best(agentMs) / best(shellMs);
    const mb = entry.size / 1024 / 1024;
    report({
      bench: "agent-install",
      ratio: Number(ratio.toFixed(3)),
      unit: "agent time / shell pipeline time (best of 3)",
      target: `<= ${TARGET}`,
      pass: ratio <= TARGET,
      artifactMB: Number(mb.toFixed(1)),
      agentSeconds: Number((best(agentMs) / 1000).toFixed(2)),
      shellSeconds: Number((best(shellMs) / 1000).toFixed(2)),
      medianRatio: Number((median(agentMs) / median(shellMs)).toFixed(3)),
      agentMBps: Number((mb / (best(agentMs) / 1000)).toFixed(1)),
    });
  } finally {
    await agent.dispose();
    await srv.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
