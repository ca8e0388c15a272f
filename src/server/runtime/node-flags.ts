/**
 * V8 flags every production portal runs with: package.json's `start`, the systemd unit, and the
 * harnesses that start a production portal (e2e, faults, scale-out, load). node-flags.test.ts
 * keeps the two that cannot import this list in step with it. Measured with the load bench
 * (`npm run bench -- load`, two portals on 2 cores; docs/load.md):
 *
 * --heap-growing-percent=100: a full collection once the old generation has grown to twice its
 * live size. V8's own choice here was about 1.15 times (135 MB live, a full collection at about
 * 155 MB): five a minute per portal, each 400-700 ms of marking, p99 46.4-160.3 ms over four runs.
 * With the flag one a minute, for about 20 MB more resident memory per portal.
 *
 * --single-threaded-gc: each portal collects on its own thread. With V8's helper threads the two
 * portals' full collections, which fall in the same second because both see the same load, put
 * up to eight marking threads on two cores, and requests waited 0.5-1.5 s (p99 71.8 and 126.8 ms
 * in two of eight runs with the first flag alone). On one thread a portal's full collection costs
 * only that portal's time: its pauses were 10-18 ms, the machine's mean load 1.0-1.2 cores instead
 * of 1.2-1.3, and the p99 17.6-45.4 ms over eight runs.
 */
export const PORTAL_NODE_FLAGS: readonly string[] = ["--heap-growing-percent=100", "--single-threaded-gc"];

/** The flags this process was started without (empty when all are there). */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return PORTAL_NODE_FLAGS.filter((f) => !execArgv.includes(f));
}
