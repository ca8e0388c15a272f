import type { Duplex } from "node:stream";
import { portalMetrics } from "./registry";

export type ConnectionKind = "console" | "ide";

/**
 * Counts one long-lived client connection (console relay, IDE splice) while it is open and adds
 * the bytes it carried when it closes. Reading the socket's own byte counters at close costs
 * nothing per chunk, so the proxy's hot path stays untouched. Safe to call twice for one socket.
 */
const tracked = new WeakSet<Duplex>();

/**
 * One close handler per kind, shared by every socket of that kind: a closure per socket (with its
 * context) is memory every idle IDE session would carry.
 */
function onClose(kind: ConnectionKind) {
  return function (this: Duplex & { bytesRead?: number; bytesWritten?: number }): void {
    const m = portalMetrics();
    m.connections.dec({ kind });
    if (this.bytesRead) m.proxyBytes.inc({ kind, direction: "in" }, this.bytesRead);
    if (this.bytesWritten) m.proxyBytes.inc({ kind, direction: "out" }, this.bytesWritten);
  };
}
const closeHandlers: Record<ConnectionKind, () => void> = { console: onClose("console"), ide: onClose("ide") };

export function trackConnection(kind: ConnectionKind, socket: Duplex): void {
  if (tracked.has(socket)) return;
  tracked.add(socket);
  portalMetrics().connections.inc({ kind });
  // "on": close comes once, and a once-wrapper per socket is memory too.
  socket.on("close", closeHandlers[kind]);
}
