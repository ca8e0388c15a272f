import type { Duplex } from "node:stream";

/**
 * Joins two byte streams both ways with backpressure: each side is paused while the other cannot
 * take more, an end is passed on, and an error or close on either side destroys both. No parsing:
 * used for tunnels once whatever was on them has been authorized. The listeners close over the two
 * streams only, so an idle spliced pair holds as little memory as two sockets can.
 */
/**
 * Bytes queued towards one side before the other is paused. Sockets signal "full" at 16 KiB, which
 * would pause and resume the reading side around every 64 KiB chunk; a larger allowance keeps big
 * responses streaming and still bounds what a slow reader can make us hold.
 */
const MAX_QUEUED = 512 * 1024;

export function splice(a: Duplex, b: Duplex): void {
  const closeBoth = () => {
    a.destroy();
    b.destroy();
  };
  a.on("error", closeBoth);
  b.on("error", closeBoth);
  a.on("close", closeBoth);
  b.on("close", closeBoth);
  a.on("data", (d: Buffer) => {
    if (!b.write(d) && b.writableLength > MAX_QUEUED) a.pause();
  });
  b.on("data", (d: Buffer) => {
    if (!a.write(d) && a.writableLength > MAX_QUEUED) b.pause();
  });
  a.on("drain", () => b.resume());
  b.on("drain", () => a.resume());
  a.on("end", () => b.end());
  b.on("end", () => a.end());
}
