import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "../src/server/net/free-port";

/**
 * Debian's nginx as a second reference for bench/proxy.ts: one C proxy hop, plain HTTP on loopback,
 * keep-alive connections to the upstream, WebSocket upgrades passed through. Not the production
 * configuration (deploy/nginx, TLS, no upstream reuse for dev hosts): the plainest fast setup, to
 * show what a single hop reaches on this machine. One process (master_process off): its PID is the
 * one stopped, and nothing is left behind if the bench dies. The response buffers hold a 64 KB
 * response in memory (the defaults would spill it to a temp file); no access log.
 */
export type RefNginx = { port: number; proc: ChildProcess; stop: () => Promise<void> };

export async function startRefNginx(upstreamPort: number): Promise<RefNginx> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "zlh-bench-nginx-"));
  mkdirSync(path.join(dir, "logs"));
  const port = await freePort();
  const conf = path.join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  upstream ref_upstream {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
  }
  map $http_upgrade $ref_connection {
    default upgrade;
    "" "";
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://ref_upstream;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $ref_connection;
      proxy_buffer_size 16k;
      proxy_buffers 8 16k;
      proxy_read_timeout 1h;
    }
  }
}
`,
  );
  const args = ["-p", dir, "-c", conf, "-e", path.join(dir, "logs/error.log")];
  execFileSync("nginx", ["-t", "-q", ...args]);
  const proc = spawn("nginx", [...args, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`nginx did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    proc,
    stop: async () => {
      if (proc.exitCode === null) {
        const gone = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
        if (proc.exitCode === null) proc.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
