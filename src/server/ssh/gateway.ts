import type { AddressInfo } from "node:net";
import ssh2, { type AuthContext, type Connection, type PseudoTtyOptions, type ServerChannel } from "ssh2";
import type { Server } from "../../generated/prisma/client";
import { acceptsClientEnv } from "../../../agent/src/ssh/client-env";
import { findKey, usableKey, type UsableKey } from "../../../agent/src/ssh/keys";
import { db } from "../db/client";
import { touchActivity } from "../idle/activity";
import { logger } from "../log/logger";
import { joinChannels, openUpstream, type SessionRequest } from "./gateway-bridge";
import { wakeWithProgress, type WakeOptions } from "./wake-progress";

const { Server: SshServer } = ssh2;
const log = logger.child({ module: "ssh.gateway" });

/**
 * The portal's SSH gateway: `ssh -p <port> dev-<vmid>@<portal>` with one of the owner's keys (as
 * in Settings -> SSH keys). A stopped (e.g. idle auto-stopped) container is started first, with
 * "Starting your container..." and its progress printed to the session; then the session (shell,
 * command or SFTP) continues on the container's own SSH server.
 */
export type GatewayOptions = { hostKey: string; wake?: WakeOptions; authTimeoutMs?: number; maxConnections?: number; revokeCheckMs?: number };

const USER = /^dev-(\d{1,9})$/;
const MAX_AUTH_FAILURES = 6;

/** The dev server a login name names, with its owner's usable keys; null when there is none. */
async function loginTarget(username: string): Promise<{ server: Server; keys: UsableKey[] } | null> {
  const m = USER.exec(username);
  if (!m) return null;
  const server = await db.server.findFirst({ where: { vmid: Number(m[1]), kind: "dev", status: { not: "deleted" } } });
  if (!server) return null;
  const rows = await db.sshKey.findMany({ where: { userId: server.userId } });
  return { server, keys: rows.map((k) => usableKey({ publicKey: k.publicKey, fingerprint: k.fingerprint })).filter((k): k is UsableKey => k !== null) };
}

export class SshGateway {
  private readonly server: InstanceType<typeof SshServer>;
  private readonly conns = new Set<Connection>();
  /** Who each logged-in connection is: its sessions end once that key is no longer on the account. */
  private readonly logins = new Map<Connection, { userId: string; fingerprint: string }>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly opts: GatewayOptions) {
    this.server = new SshServer({ hostKeys: [opts.hostKey], ident: "ZeroLagHub-gateway" }, (client, info) => this.onConnection(client, info));
    this.server.on("error", (err: Error) => log.error({ err }, "ssh gateway error"));
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    // Upstream the gateway logs in with its own key, so the container cannot tell when a user's
    // key is removed: the gateway checks its logins against the account's keys itself.
    this.sweeper = setInterval(() => void this.closeRevoked().catch((err: unknown) => log.warn({ err }, "ssh gateway key check failed")), this.opts.revokeCheckMs ?? 5_000);
    this.sweeper.unref();
    return (this.server.address() as AddressInfo).port;
  }

  /** Ends the connections whose key was removed from the account (or whose account is gone). */
  async closeRevoked(): Promise<number> {
    const live = [...this.logins.entries()];
    if (live.length === 0) return 0;
    const rows = await db.sshKey.findMany({ where: { OR: live.map(([, l]) => ({ userId: l.userId, fingerprint: l.fingerprint })) }, select: { userId: true, fingerprint: true } });
    const kept = new Set(rows.map((r) => `${r.userId} ${r.fingerprint}`));
    let closed = 0;
    for (const [client, l] of live) {
      if (kept.has(`${l.userId} ${l.fingerprint}`)) continue;
      log.info({ userId: l.userId, fingerprint: l.fingerprint }, "ssh gateway connection closed: key removed");
      this.logins.delete(client);
      client.end();
      closed++;
    }
    return closed;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const c of this.conns) c.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(client: Connection, info: { ip: string; port: number }): void {
    if (this.conns.size >= (this.opts.maxConnections ?? 256)) {
      client.end();
      return;
    }
    this.conns.add(client);
    let failures = 0;
    let target: Server | null = null;
    const authTimer = setTimeout(() => client.end(), this.opts.authTimeoutMs ?? 30_000);
    authTimer.unref();
    client.on("authentication", (ctx: AuthContext) => {
      const refuse = () => {
        if (++failures > MAX_AUTH_FAILURES) return client.end();
        ctx.reject(["publickey"]);
      };
      if (ctx.method !== "publickey") return ctx.reject(["publickey"]);
      void loginTarget(ctx.username)
        .then((t) => {
          const key = t ? findKey(t.keys, ctx.key.data) : undefined;
          if (!t || !key) return refuse();
          if (!ctx.signature || !ctx.blob) return ctx.accept();
          if (!key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return refuse();
          target = t.server;
          this.logins.set(client, { userId: t.server.userId, fingerprint: key.fingerprint });
          log.info({ serverId: t.server.id, fingerprint: key.fingerprint, from: info.ip }, "ssh gateway login");
          ctx.accept();
        })
        .catch((err: unknown) => {
          log.error({ err }, "ssh gateway login lookup failed");
          refuse();
        });
    });
    client.on("ready", () => {
      clearTimeout(authTimer);
      client.on("session", (accept) => this.onSession(accept(), target!));
    });
    client.on("error", (err: Error) => log.debug({ err }, "ssh gateway connection error"));
    client.on("close", () => {
      clearTimeout(authTimer);
      this.conns.delete(client);
      this.logins.delete(client);
    });
  }

  private onSession(session: ssh2.Session, server: Server): void {
    let pty: PseudoTtyOptions | null = null;
    const env: Record<string, string> = {};
    let resize: ((p: { cols: number; rows: number; width: number; height: number }) => void) | null = null;
    session.on("pty", (accept, _reject, p) => {
      pty = { term: p.term || "xterm-256color", cols: p.cols, rows: p.rows, width: p.width, height: p.height };
      accept?.();
    });
    session.on("window-change", (accept, _reject, p) => {
      // In place: a session still waking for its container opens upstream with the latest size.
      if (pty) Object.assign(pty, { cols: p.cols, rows: p.rows, width: p.width, height: p.height });
      resize?.(p);
      accept?.();
    });
    session.on("env", (accept, reject, e) => {
      if (acceptsClientEnv(e.key, e.val)) {
        env[e.key] = e.val;
        accept?.();
      } else reject?.();
    });
    const bridge = (channel: ServerChannel, req: SessionRequest) => {
      void this.bridge(channel, server, req).then((r) => (resize = r));
    };
    session.on("shell", (accept) => bridge(accept(), { kind: "shell", pty, env }));
    session.on("exec", (accept, _reject, p) => bridge(accept(), { kind: "exec", command: p.command, pty, env }));
    // No "sftp" listener: ssh2 then hands the raw channel here, and it is passed through as it is.
    session.on("subsystem", (accept, reject, p) => (p.name === "sftp" ? bridge(accept(), { kind: "sftp" }) : reject()));
  }

  /** Wakes the container when it is stopped (progress to the session), then splices the session onto it. */
  private async bridge(channel: ServerChannel, server: Server, req: SessionRequest) {
    // Progress goes to stderr unless this is an interactive shell: a command's or SFTP's output stays clean.
    const out = req.kind === "shell" ? channel : channel.stderr;
    const nl = req.kind !== "sftp" && req.pty ? "\r\n" : "\n";
    const say = (line: string) => {
      if (!channel.destroyed) out.write(`${line}${nl}`);
    };
    const abort = new AbortController();
    channel.once("close", () => abort.abort());
    try {
      let s = await db.server.findUniqueOrThrow({ where: { id: server.id } });
      await touchActivity(s.id);
      if (s.status === "stopped" || s.status === "starting") s = await wakeWithProgress(s, say, { ...this.opts.wake, signal: abort.signal });
      else if (s.status !== "running") throw new Error(`The container is ${s.status}.`);
      const up = await openUpstream(s, req);
      if (channel.destroyed) {
        up.conn.end();
        return null;
      }
      return joinChannels(channel, up).resize;
    } catch (err) {
      log.info({ serverId: server.id, err: (err as Error).message }, "ssh gateway session failed");
      say(`Could not connect: ${(err as Error).message}`);
      if (!channel.destroyed) {
        channel.exit(1);
        channel.end();
      }
      return null;
    }
  }
}
