import { spawn, type ChildProcess } from "node:child_process";
import type { AddressInfo } from "node:net";
import * as pty from "node-pty";
import ssh2, { type AuthContext, type Connection, type ServerChannel } from "ssh2";
import { SSH_LOGIN_USER } from "../contract/ssh";
import type { Logger } from "../log";
import { tenantEnv } from "../sandbox/env";
import { runAsArgv, type RunAs } from "../sandbox/identity";
import { findKey, type UsableKey } from "./keys";
import { sshExitStatus } from "./exit-status";
import { terminalSize } from "./terminal-size";
import { acceptsClientEnv } from "./client-env";
import { serveSftp, type SftpScope } from "./sftp";

const { Server } = ssh2;

/**
 * The dev container's SSH server (ssh2): public-key authentication only, for the login user `dev`,
 * against the key list as it is at that moment. A session is a login shell on a PTY (or a command,
 * with its exit status) as the dev user in the workspace with the dev environment, or the SFTP
 * subsystem confined to the home folder.
 */
export type SessionEnvironment = {
  env: Record<string, string>;
  cwd: string;
  /** The container's dev user (the agent is root); null: as the agent itself (unisolated). */
  runAs: RunAs | null;
  shell: string;
};

export type SshServerOptions = {
  hostKey: string;
  keys: () => readonly UsableKey[];
  /** Resolved per session: PATH follows runtime installs. */
  environment: () => SessionEnvironment;
  /** Synchronous: OpenSSH sends the SFTP INIT without waiting for the subsystem reply. */
  sftpScope: () => SftpScope;
  log: Logger;
  maxConnections?: number;
  authTimeoutMs?: number;
};

type Conn = { client: Connection; fingerprint: string | null; kill: Set<() => void> };

const MAX_AUTH_FAILURES = 6;

export class DevSshServer {
  private readonly server: InstanceType<typeof Server>;
  private readonly conns = new Set<Conn>();
  private listeningPort: number | null = null;

  constructor(private readonly opts: SshServerOptions) {
    this.server = new Server({ hostKeys: [opts.hostKey], ident: "ZeroLagHub" }, (client, info) => this.onConnection(client, info));
    this.server.on("error", (err: Error) => opts.log.error({ err }, "ssh server error"));
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.listeningPort = (this.server.address() as AddressInfo).port;
    return this.listeningPort;
  }

  get port(): number | null {
    return this.listeningPort;
  }

  get connections(): number {
    return [...this.conns].filter((c) => c.fingerprint).length;
  }

  /** Ends the connections whose key is no longer authorized; returns how many. */
  closeRevoked(isAuthorized: (fingerprint: string) => boolean): number {
    let closed = 0;
    for (const c of this.conns) {
      if (c.fingerprint && !isAuthorized(c.fingerprint)) {
        this.drop(c);
        closed++;
      }
    }
    return closed;
  }

  async close(): Promise<void> {
    for (const c of this.conns) this.drop(c);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.listeningPort = null;
  }

  private drop(c: Conn): void {
    for (const k of c.kill) k();
    c.kill.clear();
    c.client.end();
    this.conns.delete(c);
  }

  private onConnection(client: Connection, info: { ip: string; port: number }): void {
    const log = this.opts.log.child({ ssh: `${info.ip}:${info.port}` });
    const conn: Conn = { client, fingerprint: null, kill: new Set() };
    if (this.conns.size >= (this.opts.maxConnections ?? 64)) {
      log.warn("ssh connection refused: too many connections");
      client.end();
      return;
    }
    this.conns.add(conn);
    let failures = 0;
    const authTimer = setTimeout(() => {
      log.info("ssh connection closed: no authentication in time");
      this.drop(conn);
    }, this.opts.authTimeoutMs ?? 30_000);
    authTimer.unref();

    client.on("authentication", (ctx: AuthContext) => {
      const refuse = () => {
        if (++failures > MAX_AUTH_FAILURES) return this.drop(conn);
        ctx.reject(["publickey"]);
      };
      if (ctx.method !== "publickey" || ctx.username !== SSH_LOGIN_USER) return ctx.reject(["publickey"]);
      const key = findKey(this.opts.keys(), ctx.key.data);
      if (!key) return refuse();
      // Without a signature the client only asks whether the key would do.
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      if (!key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return refuse();
      conn.fingerprint = key.fingerprint;
      log.info({ fingerprint: key.fingerprint, key: key.name }, "ssh login");
      ctx.accept();
    });
    client.on("ready", () => {
      clearTimeout(authTimer);
      client.on("session", (accept) => this.onSession(accept(), conn, info, log));
    });
    client.on("error", (err: Error) => log.debug({ err }, "ssh connection error"));
    client.on("close", () => {
      clearTimeout(authTimer);
      for (const k of conn.kill) k();
      this.conns.delete(conn);
    });
  }

  private onSession(session: ssh2.Session, conn: Conn, info: { ip: string; port: number }, log: Logger): void {
    let term: { term: string; cols: number; rows: number } | null = null;
    const clientEnv: Record<string, string> = {};
    let resize: ((cols: number, rows: number) => void) | null = null;

    session.on("pty", (accept, _reject, p) => {
      term = { term: p.term || "xterm-256color", ...terminalSize(p.cols, p.rows) };
      accept?.();
    });
    session.on("window-change", (accept, _reject, p) => {
      // A zero or absurd size keeps the current one (node-pty throws on zero).
      const size = terminalSize(p.cols, p.rows, term ?? undefined);
      if (term) term = { ...term, ...size };
      resize?.(size.cols, size.rows);
      accept?.();
    });
    session.on("env", (accept, reject, e) => {
      if (acceptsClientEnv(e.key, e.val)) {
        clientEnv[e.key] = e.val;
        accept?.();
      } else reject?.();
    });
    const run = (stream: ServerChannel, command: string | null) => {
      let e: SessionEnvironment;
      try {
        e = this.opts.environment();
      } catch (err) {
        log.error({ err }, "ssh session refused: no environment");
        stream.stderr.write(`${(err as Error).message}\n`);
        return finish(stream, 1, null);
      }
      const local = conn.client as unknown as { _sock?: { localAddress?: string; localPort?: number } };
      // Through the allowlist again: the client's variables may only add what a session may carry.
      const env = tenantEnv(
        { user: e.env.USER!, home: e.env.HOME!, shell: e.shell, path: e.env.PATH! },
        {
          ...e.env,
          ...clientEnv,
          SSH_CONNECTION: `${info.ip} ${info.port} ${local._sock?.localAddress ?? "0.0.0.0"} ${local._sock?.localPort ?? this.listeningPort ?? 0}`,
          SSH_CLIENT: `${info.ip} ${info.port} ${local._sock?.localPort ?? this.listeningPort ?? 0}`,
          ...(term ? { TERM: term.term } : {}),
        },
      );
      if (command !== null) log.info({ command: command.slice(0, 200) }, "ssh exec");
      const argv = runAsArgv(e.runAs, [e.shell, ...(command === null ? ["-l"] : ["-c", command])]);
      if (term) resize = runOnPty(stream, argv, { env, cwd: e.cwd, ...term }, conn.kill);
      else runPiped(stream, argv, { env, cwd: e.cwd }, conn.kill);
    };
    session.on("shell", (accept) => run(accept(), null));
    session.on("exec", (accept, _reject, p) => run(accept(), p.command));
    session.on("subsystem", (_accept, reject) => reject());
    session.on("sftp", (accept, reject) => {
      let scope: SftpScope;
      try {
        scope = this.opts.sftpScope();
      } catch (err) {
        log.error({ err }, "sftp unavailable");
        return reject();
      }
      serveSftp(accept(), scope);
    });
  }
}

type SpawnOptions = { env: Record<string, string>; cwd: string };

/** Exit status to the client (or the signal name), then EOF and close: what `ssh host cmd; echo $?` reads. */
function finish(stream: ServerChannel, code: number | null, signal: number | string | null): void {
  if (stream.destroyed) return;
  const status = sshExitStatus(code, signal);
  if ("signal" in status) stream.exit(status.signal, false, "");
  else stream.exit(status.code);
  stream.end();
}

function runOnPty(stream: ServerChannel, [file, ...args]: string[], o: SpawnOptions & { term: string; cols: number; rows: number }, kills: Set<() => void>) {
  const proc = pty.spawn(file!, args, {
    name: o.term,
    cols: o.cols,
    rows: o.rows,
    cwd: o.cwd,
    env: o.env,
    encoding: null,
  });
  let exited = false;
  const kill = () => {
    if (exited) return;
    try {
      process.kill(-proc.pid, "SIGHUP");
    } catch {
      // gone
    }
    setTimeout(() => {
      if (!exited) {
        try {
          process.kill(-proc.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    }, 2_000).unref();
  };
  kills.add(kill);
  proc.onData((d: string | Buffer) => {
    if (!stream.destroyed) stream.write(d);
  });
  stream.on("data", (d: Buffer) => {
    if (!exited) proc.write(d);
  });
  stream.on("close", kill);
  proc.onExit(({ exitCode, signal }) => {
    exited = true;
    kills.delete(kill);
    finish(stream, exitCode, signal ?? null);
  });
  return (cols: number, rows: number) => {
    if (!exited) proc.resize(cols, rows);
  };
}

function runPiped(stream: ServerChannel, [file, ...args]: string[], o: SpawnOptions, kills: Set<() => void>) {
  const child: ChildProcess = spawn(file!, args, {
    cwd: o.cwd,
    env: o.env as NodeJS.ProcessEnv,
    detached: true, // own process group: a hang-up reaches the command's children too
    stdio: ["pipe", "pipe", "pipe"],
  });
  let exited = false;
  const kill = () => {
    if (exited || !child.pid) return;
    try {
      process.kill(-child.pid, "SIGHUP");
    } catch {
      // gone
    }
    setTimeout(() => {
      if (!exited && child.pid) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    }, 2_000).unref();
  };
  kills.add(kill);
  stream.pipe(child.stdin!).on("error", () => {});
  child.stdout!.pipe(stream, { end: false });
  child.stderr!.pipe(stream.stderr, { end: false });
  stream.on("close", kill);
  child.on("error", (err) => {
    exited = true;
    kills.delete(kill);
    if (!stream.destroyed) stream.stderr.write(`${err.message}\n`);
    finish(stream, 127, null);
  });
  child.on("close", (code, signal) => {
    exited = true;
    kills.delete(kill);
    finish(stream, code, signal);
  });
}
