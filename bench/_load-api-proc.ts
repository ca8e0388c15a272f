import { createInterface } from "node:readline";
import { dashboardCaller } from "./_load-api";
import { percentile } from "./_load-probes";

/**
 * The load bench's dashboard client, in its own process: the thousand TLS IDE sockets and their
 * pings in the bench's main process would otherwise delay the callbacks that time each call and
 * add their own stalls to the portal's latency. Reads one JSON line with the origin and cookies,
 * then commands, one per line:
 *   {"cmd":"unloaded","calls":N}        N calls one after another; answers {"latencies":[...]}
 *   {"cmd":"load","rps":R,"seconds":S}  R calls/s open loop for S s; answers {"latencies":[...],
 *                                       "errors":E,"seconds":[{requests,errors,p50,p99}, ...]}
 */
type Second = { requests: number; errors: number; p50: number; p99: number };
const lines = createInterface({ input: process.stdin });
const it = lines[Symbol.asyncIterator]();
const setup = JSON.parse((await it.next()).value as string) as { origin: string; cookies: string[] };
const WARM_SOCKETS = 64;
const call = dashboardCaller(setup.origin, 256);
const cookies = setup.cookies;
let n = 0;
const nextCookie = () => cookies[n++ % cookies.length]!;

async function unloaded(calls: number) {
  const latencies: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    if (await call(nextCookie())) latencies.push(performance.now() - t0);
  }
  return { latencies };
}

/**
 * Opens `sockets` keep-alive TLS connections up front (that many calls at once): opened during the
 * timed minute instead, each handshake would cost nginx and this client CPU exactly when the
 * latency is measured, and a slow second would open more of them.
 */
async function warm(sockets: number) {
  await Promise.all(Array.from({ length: sockets }, () => call(nextCookie())));
}

async function load(rps: number, seconds: number) {
  await warm(WARM_SOCKETS);
  const latencies: number[] = [];
  const rows: Second[] = [];
  let errors = 0;
  let bucket: number[] = [];
  let bucketErrors = 0;
  const inflight = new Set<Promise<void>>();
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    const perTick = rps / 100;
    let owed = 0;
    const tick = setInterval(() => {
      const elapsed = Date.now() - t0;
      if (Math.floor(elapsed / 1000) > rows.length) {
        const sorted = [...bucket].sort((a, b) => a - b);
        rows.push({ requests: bucket.length + bucketErrors, errors: bucketErrors, p50: percentile(sorted, 50), p99: percentile(sorted, 99) });
        bucket = [];
        bucketErrors = 0;
      }
      if (elapsed >= seconds * 1000) {
        clearInterval(tick);
        resolve();
        return;
      }
      for (owed += perTick; owed >= 1; owed--) {
        const s = performance.now();
        const p = call(nextCookie()).then(
          (ok) => {
            if (!ok) return void (errors++, bucketErrors++);
            const ms = performance.now() - s;
            bucket.push(ms);
            latencies.push(ms);
          },
          () => void (errors++, bucketErrors++),
        );
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
    }, 10);
  });
  await Promise.all(inflight);
  return { latencies, errors, seconds: rows };
}

for (;;) {
  const next = await it.next();
  if (next.done) break;
  const cmd = JSON.parse(next.value as string) as { cmd: "unloaded"; calls: number } | { cmd: "load"; rps: number; seconds: number };
  const out = cmd.cmd === "unloaded" ? await unloaded(cmd.calls) : await load(cmd.rps, cmd.seconds);
  console.log(JSON.stringify(out));
}
