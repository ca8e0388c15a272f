import type { Duplex } from "node:stream";
import { portalMetrics } from "./registry";

export type ConnectionKind = "console" | "ide";

/**
 * Counts one long-lived client connection (console relay, IDE splice) while it is open and adds
 * the bytes it carried when it closes. Reading the socket's own byte counters at close costs
 * nothing per chunk, so the proxy's hot path stays untouched. Safe to call twice for one socket.
 */
const tracked = new WeakSet<Duplex>();

export function trackConnection(kind: ConnectionKind, socket: Duplex): void {
  if (tracked.has(socket)) return;
  tracked.add(socket);
  const m = portalMetrics();
  m.connections.inc({ kind });
  // "on": close comes once, and a once-wrapper per socket is memory every idle IDE session carries.
  socket.on("close", () => {
    m.connections.dec({ kind });
    const s = socket as Duplex & { bytesRead?: number; bytesWritten?: number };
    if (s.bytesRead) m.proxyBytes.inc({ kind, direction: "in" }, s.bytesRead);
    if (s.bytesWritten) m.proxyBytes.inc({ kind, direction: "out" }, s.bytesWritten);
  });
}
