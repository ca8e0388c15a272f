import net from "node:net";
import type { Duplex } from "node:stream";
import { TUNNEL_PROTOCOL, type TunnelHandler } from "../http/router";
import { splice } from "../net/splice";

/**
 * GET /tunnel/code-server with `Upgrade: zlh-tunnel` (bearer-checked by the router): connects to
 * code-server's Unix socket, answers 101 and splices the two. Nothing on the tunnel is parsed here;
 * the portal decided who may open it. When code-server is not listening the answer is 503, which
 * the portal turns into its "not answering" page.
 */
const ACCEPT = `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${TUNNEL_PROTOCOL}\r\n\r\n`;
const DOWN = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

export function codeServerTunnel(connect: () => net.Socket): TunnelHandler {
  return (_req, socket: Duplex, head, log) => {
    const upstream = connect();
    const refuse = (err: Error) => {
      log.warn({ err: err.message }, "code-server tunnel: code-server is not listening");
      socket.end(DOWN);
    };
    upstream.once("error", refuse);
    socket.once("error", () => upstream.destroy());
    upstream.once("connect", () => {
      upstream.off("error", refuse);
      socket.removeAllListeners("error");
      // The agent's HTTP timeouts no longer apply: the tunnel lives as long as its two ends.
      (socket as net.Socket).setTimeout?.(0);
      socket.write(ACCEPT);
      if (head.length) upstream.write(head);
      splice(socket, upstream);
    });
  };
}
