import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { report } from "./_report";

/**
 * tRPC over node:http: the portal's adapter (src/server/api/trpc-node.ts) against tRPC's stock node
 * adapter, same router, same calls, in this run. What matters under load is what each call leaves
 * for the old generation (its major collections are the portal's latency bursts): the bytes V8
 * promotes per call, read from --trace-gc-nvp, and the CPU per call. Target: the portal's adapter
 * promotes at most 0.6x the stock adapter's bytes per call. Each adapter runs twice, alternately.
 */
const CALLS = Number(process.env.TRPC_BENCH_CALLS ?? 20_000);
const CONCURRENCY = 8;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

async function measure(mode: "stock" | "light"): Promise<{ promotedPerCall: number; cpuUsPerCall: number }> {
  const child = spawn(process.execPath, ["--trace-gc-nvp", "--import", "tsx", path.join(root, "bench/_trpc-server.ts"), mode], { stdio: ["ignore", "pipe", "inherit"] });
  let measuring = false;
  let promoted = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the ${mode} server exited (${code})`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("{")) return resolve((JSON.parse(line) as { port: number }).port);
      const m = /\bpromoted=(\d+)/.exec(line);
      if (m && measuring) promoted += Number(m[1]);
    });
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = (p: string, cookie = true) =>
    new Promise<string>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: p, agent, headers: cookie ? { cookie: "session=1" } : {} }, (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`))));
        })
        .on("error", reject);
    });
  const run = async (n: number) => {
    let sent = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (sent++ < n) await get("/api/trpc/dashboard");
    }));
  };
  if (!(await get("/api/trpc/dashboard")).includes("srv_9")) throw new Error(`${mode}: unexpected answer`);
  // Warm-up: V8 optimizes the hot path over the first few thousand calls.
  await run(CALLS / 4);
  const cpu0 = Number(await get("/cpu"));
  measuring = true;
  await run(CALLS);
  measuring = false;
  const cpuMs = Number(await get("/cpu")) - cpu0;
  agent.destroy();
  child.kill();
  return { promotedPerCall: promoted / CALLS, cpuUsPerCall: (cpuMs * 1000) / CALLS };
}

const runs = { stock: [] as Array<{ promotedPerCall: number; cpuUsPerCall: number }>, light: [] as Array<{ promotedPerCall: number; cpuUsPerCall: number }> };
for (let i = 0; i < 2; i++) for (const mode of ["stock", "light"] as const) runs[mode].push(await measure(mode));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const promoted = { stock: mean(runs.stock.map((r) => r.promotedPerCall)), light: mean(runs.light.map((r) => r.promotedPerCall)) };
const cpu = { stock: mean(runs.stock.map((r) => r.cpuUsPerCall)), light: mean(runs.light.map((r) => r.cpuUsPerCall)) };
console.log(`promoted per call: stock ${(promoted.stock / 1024).toFixed(1)} KB, portal's adapter ${(promoted.light / 1024).toFixed(1)} KB`);
console.log(`CPU per call (server): stock ${cpu.stock.toFixed(0)} us, portal's adapter ${cpu.light.toFixed(0)} us`);
const ratio = promoted.light / promoted.stock;
report({
  bench: "trpc",
  ratio: Math.round(ratio * 100) / 100,
  unit: "promoted bytes per call, portal's adapter / tRPC's node adapter",
  target: "<= 0.6",
  pass: ratio <= 0.6,
  cpuRatio: Math.round((cpu.light / cpu.stock) * 100) / 100,
  calls: CALLS,
});
process.exit(ratio <= 0.6 ? 0 : 1);
