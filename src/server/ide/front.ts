import type http from "node:http";
import type { Socket } from "node:net";
import { parseRequestHead, type RequestHead } from "./first-request";

/**
 * Reads the first request head of every new client connection before the HTTP server does, and
 * offers it to `route`. A route that takes the connection owns the raw socket from then on (the
 * hosted IDE splices it to a container: no HTTP parser ever runs on it); otherwise the bytes read
 * so far are put back and the HTTP server gets the connection as if nothing had happened.
 */
export type ConnectionRoute = (socket: Socket, first: Buffer, head: RequestHead) => boolean | Promise<boolean>;

/** A client that has not sent a whole head by then is left to the HTTP server's own timeouts. */
const HEAD_WAIT_MS = 10_000;

export function installConnectionFront(server: http.Server, route: ConnectionRoute, onError: (err: unknown) => void = () => {}): void {
  // The HTTP server's own connection listener (its parser) runs only for connections we pass on.
  const httpListeners = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  const toHttp = (socket: Socket, buffered: Buffer) => {
    socket.pause();
    if (buffered.length) socket.unshift(buffered);
    for (const l of httpListeners) l.call(server, socket);
    // Flows again on the next tick, after the parser is attached: the put-back bytes come first.
    socket.resume();
  };
  server.on("connection", (socket: Socket) => {
    let buf: Buffer = Buffer.alloc(0);
    const stop = () => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onEarlyEnd);
      socket.off("close", onEarlyEnd);
    };
    const onEarlyEnd = () => {
      stop();
      socket.destroy();
    };
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const head = parseRequestHead(buf);
      if (head === "incomplete") return;
      stop();
      socket.pause();
      if (!head) return toHttp(socket, buf);
      const first = buf;
      // While the route decides, a reset must not become an uncaught error.
      const ignore = () => {};
      socket.on("error", ignore);
      Promise.resolve(route(socket, first, head)).then(
        (taken) => {
          socket.off("error", ignore);
          if (!taken && !socket.destroyed) toHttp(socket, first);
        },
        (err: unknown) => {
          onError(err);
          socket.destroy();
        },
      );
    };
    const timer = setTimeout(() => {
      stop();
      toHttp(socket, buf);
    }, HEAD_WAIT_MS);
    socket.on("data", onData);
    socket.once("error", onEarlyEnd);
    socket.once("close", onEarlyEnd);
  });
}
