import type { Socket } from "node:net";
import { CODE_SERVER_TUNNEL_PATH } from "../../../agent/src/contract/codeserver";
import { agentAuthority, agentConnect } from "../agent-client/transport";
import type { IdeTarget } from "./access";

/**
 * Opens the agent's authenticated tunnel to code-server: one connection over the agent transport
 * (Unix socket, or TLS pinned to the agent's certificate), an HTTP Upgrade carrying the bearer
 * token, and after the agent's 101 a plain byte stream to code-server. The agent's answer is the
 * only thing read here, bounded in size and time. The socket comes back paused.
 */
export class TunnelRefusedError extends Error {
  constructor(readonly status: number | null, message: string) {
    super(message);
  }
}

const MAX_ANSWER_BYTES = 4096;

export async function openCodeServerTunnel(target: IdeTarget, timeoutMs = 10_000): Promise<Socket> {
  const socket = await agentConnect(target.endpoint, { timeoutMs });
  socket.setNoDelay(true);
  socket.write(
    `GET ${CODE_SERVER_TUNNEL_PATH} HTTP/1.1\r\nHost: ${agentAuthority(target.endpoint)}\r\nAuthorization: Bearer ${target.token}\r\nConnection: Upgrade\r\nUpgrade: zlh-tunnel\r\n\r\n`,
  );
  return new Promise<Socket>((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    const fail = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const end = buf.indexOf("\r\n\r\n");
      if (end === -1) {
        if (buf.length > MAX_ANSWER_BYTES) fail(new TunnelRefusedError(null, "the agent's tunnel answer is too long"));
        return;
      }
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(buf.toString("latin1", 0, Math.min(end + 2, 64)))?.[1] ?? 0);
      if (status !== 101) return fail(new TunnelRefusedError(status || null, `the agent refused the code-server tunnel (${status || "malformed answer"})`));
      cleanup();
      // Paused until the caller attaches its own reader (it resumes); code-server speaks only
      // after it was spoken to, but anything that came anyway is kept.
      socket.pause();
      if (buf.length > end + 4) socket.unshift(buf.subarray(end + 4));
      resolve(socket);
    };
    const onClose = () => fail(new TunnelRefusedError(null, "the agent closed the tunnel before answering"));
    const onError = (err: Error) => fail(err);
    const timer = setTimeout(() => fail(new TunnelRefusedError(null, "the agent did not answer the tunnel request in time")), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("close", onClose);
      socket.off("error", onError);
    };
    socket.on("data", onData);
    socket.once("close", onClose);
    socket.once("error", onError);
  });
}
