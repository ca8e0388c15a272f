/**
 * V8 flags every production portal runs with: package.json's `start`, the systemd unit, and the
 * harnesses that start a production portal (e2e, faults, scale-out, load). node-flags.test.ts
 * keeps the two that cannot import this list in step with it.
 *
 * --heap-growing-percent=100: a full collection once the old generation has grown to twice its
 * live size. V8's own choice here was about 1.15 times (135 MB live, a full collection at about
 * 155 MB), so under the load bench each portal ran five full collections a minute, each 400-700 ms
 * of marking on a 2-core machine, and the two portals' often fell in the same second: p99 46-160 ms
 * over four runs. With this flag: one a minute per portal, p99 22.7 and 28.2 ms, for about 20 MB
 * more resident memory per portal (docs/load.md).
 */
export const PORTAL_NODE_FLAGS: readonly string[] = ["--heap-growing-percent=100"];

/** The flags this process was started without (empty when all are there). */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return PORTAL_NODE_FLAGS.filter((f) => !execArgv.includes(f));
}
