import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../src/server/net/free-port";
import { runNginx } from "../test/support/nginx";

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
  // SIGTERM: a fast stop; a graceful one would wait out the bench's open WebSockets.
  const nginx = await runNginx(dir, conf, port, { stopSignal: "SIGTERM", stderr: "inherit" });
  return {
    port,
    proc: nginx.proc,
    stop: async () => {
      await nginx.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
