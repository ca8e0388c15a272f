import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { codeServerTunnel } from "../../agent/src/codeserver/tunnel";
import { CODE_SERVER_TUNNEL_PATH } from "../../agent/src/contract/codeserver";
import { Router } from "../../agent/src/http/router";
import { createLogger } from "../../agent/src/log";

/**
 * The agent's real router and code-server tunnel on a Unix socket, in this process, with a test
 * upstream (test/support/ide-upstream.ts) where code-server would be: for hosted-IDE tests and the
 * proxy benchmark, which need the agent hop but not a whole container.
 */
export type TunnelAgent = { url: string; token: string; tunnels: number; close(): Promise<void> };

export async function startTunnelAgent(opts: { upstreamPort: number; token?: string }): Promise<TunnelAgent> {
  const token = opts.token ?? randomBytes(24).toString("hex");
  const dir = mkdtempSync(path.join(os.tmpdir(), "zlh-tunnel-agent-"));
  const socketPath = path.join(dir, "agent.sock");
  const state = { tunnels: 0 };
  const router = new Router(token, createLogger("silent"));
  const tunnel = codeServerTunnel(() => net.connect({ port: opts.upstreamPort, host: "127.0.0.1", noDelay: true }));
  router.tunnel(CODE_SERVER_TUNNEL_PATH, (req, socket, head, log) => {
    state.tunnels++;
    tunnel(req, socket, head, log);
  });
  const server = http.createServer((req, res) => void router.handle(req, res));
  server.on("upgrade", (req, socket, head) => router.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    url: `unix:${socketPath}`,
    token,
    get tunnels() {
      return state.tunnels;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
