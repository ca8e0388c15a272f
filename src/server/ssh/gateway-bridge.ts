import ssh2, { type ClientChannel, type PseudoTtyOptions, type ServerChannel } from "ssh2";
import type { Server } from "../../generated/prisma/client";
import { agentStatusSchema, sshStatusSchema } from "../../../agent/src/contract";
import { SSH_LOGIN_USER } from "../../../agent/src/contract/ssh";
import { sshFingerprint } from "../../../agent/src/ssh/keys";
import { agentClientFor } from "../provisioning/agent-for";
import { pushKeysToServer } from "./sync";
import { gatewayLoginKey } from "./gateway-key";

const { Client } = ssh2;

/** What the user's session asked for, replayed on the container's SSH server. */
export type SessionRequest =
  | { kind: "shell"; pty: PseudoTtyOptions | null; env: Record<string, string> }
  | { kind: "exec"; command: string; pty: PseudoTtyOptions | null; env: Record<string, string> }
  | { kind: "sftp" };

/** The container's host key fingerprint as its agent reports it (over the agent's own authenticated channel). */
async function containerHostKey(server: Server): Promise<string> {
  const client = agentClientFor(server, { timeoutMs: 5_000, retries: 1 });
  if (!client) throw new Error("the container has no agent");
  const st = agentStatusSchema.parse(await client.status());
  const ssh = sshStatusSchema.safeParse(st.ssh);
  if (!ssh.success || !ssh.data.listening || !ssh.data.hostKeyFingerprint) throw new Error("the container's SSH server is not up");
  return ssh.data.hostKeyFingerprint;
}

/**
 * Opens the container's SSH server as the gateway (its login key, pushed with the owner's keys
 * just before) and checks the host key against the one the agent reports; then the same session.
 */
export async function openUpstream(server: Server, req: SessionRequest): Promise<{ conn: InstanceType<typeof Client>; stream: ClientChannel }> {
  if (!server.sshHost || !server.sshPort) throw new Error("the container has no SSH endpoint");
  // Containers started before this deployment ran the gateway learn its key here.
  await pushKeysToServer(server);
  const expected = await containerHostKey(server);
  const conn = new Client();
  await new Promise<void>((resolve, reject) => {
    conn.once("ready", () => resolve());
    conn.once("error", reject);
    conn.connect({
      host: server.sshHost!,
      port: server.sshPort!,
      username: SSH_LOGIN_USER,
      privateKey: gatewayLoginKey().privateKey,
      readyTimeout: 20_000,
      hostVerifier: (key: Buffer) => sshFingerprint(key) === expected,
    });
  });
  try {
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      const done = (err: Error | undefined, s: ClientChannel) => (err ? reject(err) : resolve(s));
      if (req.kind === "sftp") conn.subsys("sftp", done);
      else if (req.kind === "shell") conn.shell(req.pty ?? false, { env: req.env as NodeJS.ProcessEnv }, done);
      else conn.exec(req.command, { env: req.env as NodeJS.ProcessEnv, ...(req.pty ? { pty: req.pty } : {}) }, done);
    });
    return { conn, stream };
  } catch (err) {
    conn.end();
    throw err;
  }
}

/** Both ways until either side ends; the container's exit status (or signal) reaches the user. */
export function joinChannels(channel: ServerChannel, up: { conn: InstanceType<typeof Client>; stream: ClientChannel }): { resize(p: { cols: number; rows: number; width: number; height: number }): void } {
  const { conn, stream } = up;
  let status: { code: number } | { signal: string } | null = null;
  stream.on("exit", (code: number | null, signal?: string) => {
    status = code !== null && code !== undefined ? { code } : { signal: signal ?? "KILL" };
  });
  stream.pipe(channel, { end: false });
  stream.stderr.pipe(channel.stderr, { end: false });
  channel.pipe(stream);
  stream.on("close", () => {
    if (!channel.destroyed) {
      const st = status as { code: number } | { signal: string } | null;
      if (st && "code" in st) channel.exit(st.code);
      else if (st) channel.exit(st.signal, false, "");
      channel.end();
    }
    conn.end();
  });
  channel.on("close", () => conn.end());
  conn.on("error", () => channel.destroy());
  return { resize: (p) => stream.setWindow(p.rows, p.cols, p.height, p.width) };
}
