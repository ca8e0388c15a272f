import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
// @ts-expect-error plain ESM module without type declarations (also used as a CLI by operators)
import { renderNginx } from "../../deploy/nginx/render.mjs";
import { freePort } from "../../src/server/net/free-port";

/**
 * Debian's nginx running the production configuration (deploy/nginx/zerolaghub.conf, rendered by
 * the same renderer operators use) on a loopback TLS port with a throwaway certificate for
 * localhost and *.localhost, in front of the given portal instances.
 */
export type Nginx = { port: number; origin: string; proc: ChildProcess; stop: () => Promise<void> };

export async function startNginx(dir: string, upstreams: string[]): Promise<Nginx> {
  mkdirSync(path.join(dir, "logs"), { recursive: true });
  // Workers run as nobody (the master keeps root only to bind and read the key): give them temp folders.
  for (const t of ["body", "proxy"]) {
    mkdirSync(path.join(dir, t), { recursive: true });
    chmodSync(path.join(dir, t), 0o1777);
  }
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,DNS:*.localhost", "-keyout", key, "-out", cert,
  ], { stdio: "ignore" });
  const port = await freePort();
  const site = renderNginx({ listen: `127.0.0.1:${port}`, portalHost: "localhost", devDomain: "localhost", cert, key, upstreams, accessLog: path.join(dir, "logs", "access.log") });
  writeFileSync(path.join(dir, "zerolaghub.conf"), site);
  writeFileSync(
    path.join(dir, "nginx.conf"),
    `pid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log warn;\nworker_processes 1;\nevents { worker_connections 4096; }\n` +
      `http {\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n  include ${dir}/zerolaghub.conf;\n}\n`,
  );
  // SIGQUIT: nginx's graceful stop (it lets requests in flight finish).
  const { proc, stop } = await runNginx(dir, path.join(dir, "nginx.conf"), port, { stopSignal: "SIGQUIT", stderr: "ignore" });
  return { port, origin: `https://localhost:${port}`, proc, stop };
}

/**
 * Checks `conf` (nginx -t), runs nginx on it in the foreground with `dir` as its prefix, and waits
 * until `port` accepts connections. stop() sends `stopSignal` and SIGKILL after 5 s.
 */
export async function runNginx(
  dir: string,
  conf: string,
  port: number,
  opts: { stopSignal: NodeJS.Signals; stderr: "ignore" | "inherit" },
): Promise<{ proc: ChildProcess; stop: () => Promise<void> }> {
  const args = ["-p", dir, "-c", conf, "-e", path.join(dir, "logs/error.log")];
  execFileSync("nginx", ["-t", "-q", ...args]);
  const proc = spawn("nginx", [...args, "-g", "daemon off;"], { stdio: ["ignore", "ignore", opts.stderr] });
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
    proc,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const gone = new Promise((r) => proc.once("exit", r));
      proc.kill(opts.stopSignal);
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
      if (proc.exitCode === null) proc.kill("SIGKILL");
    },
  };
}
