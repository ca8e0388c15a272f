import { realpathSync } from "node:fs";
import type { AgentContext } from "../context";
import { authorizedKeysPutSchema, SSH_AUTHORIZED_KEYS_PATH, SSH_HOST_KEY_PATH, type AuthorizedKeysResult, type SshStatus } from "../contract/ssh";
import { DEV_HOME, devEnvironment, devRunAs } from "../devenv";
import { defaultShell } from "../console/pty-source";
import { AuthorizedKeyStore } from "./authorized-keys";
import { ensureHostKey, readHostKey } from "./host-key";
import { DevSshServer } from "./server";

/**
 * SSH for dev containers: the provisioning step "ssh" (dev containers) creates the host key once
 * and starts the server on --ssh-port; an agent restart finds the host key and starts it again.
 * PUT /ssh/authorized-keys takes the owner's current keys from the portal (see contract/ssh.ts);
 * /status carries the "ssh" section.
 */
export async function registerSsh(ctx: AgentContext): Promise<void> {
  const keyFile = ctx.containerPath(SSH_HOST_KEY_PATH);
  const store = new AuthorizedKeyStore(ctx.containerPath(SSH_AUTHORIZED_KEYS_PATH));
  await store.load();
  let server: DevSshServer | null = null;
  let fingerprint: string | null = null;
  let starting: Promise<void> | null = null;

  const start = (hostKey: { privateKey: string; fingerprint: string }) =>
    (starting ??= (async () => {
      const s = new DevSshServer({
        hostKey: hostKey.privateKey,
        keys: () => store.current(),
        environment: () => {
          const dev = devEnvironment(ctx);
          // Throws before the dev user exists: the session is refused rather than run as root.
          return { env: dev.env, cwd: dev.workspace, shell: defaultShell(), runAs: devRunAs(ctx) };
        },
        sftpScope: () => {
          const dev = devEnvironment(ctx);
          return {
            containerRoot: DEV_HOME,
            hostRoot: realpathSync(dev.home),
            owner: dev.user.real && dev.user.uid >= 0 ? { uid: dev.user.uid, gid: dev.user.gid } : null,
            maxFileBytes: ctx.config.uploadLimitBytes,
            log: ctx.log.child({ module: "sftp" }),
          };
        },
        log: ctx.log.child({ module: "ssh" }),
      });
      const port = await s.listen(ctx.config.sshPort, ctx.config.host);
      server = s;
      fingerprint = hostKey.fingerprint;
      ctx.log.info({ port, fingerprint }, "ssh server listening");
    })().catch((err: unknown) => {
      starting = null;
      throw err;
    }));

  ctx.addStatus("ssh", (): SshStatus => ({
    listening: server !== null,
    port: server?.port ?? null,
    hostKeyFingerprint: fingerprint,
    authorizedKeys: store.current().length,
    revision: store.currentRevision,
    connections: server?.connections ?? 0,
  }));

  ctx.router.put("/ssh/authorized-keys", async ({ json, send, log }) => {
    const put = await json(authorizedKeysPutSchema, 1024 * 1024);
    const applied = await store.replace(put);
    // Removed keys lose their open sessions too, not only future logins.
    const closedSessions = applied && server ? server.closeRevoked((fp) => store.has(fp)) : 0;
    if (applied?.rejected.length) log.warn({ rejected: applied.rejected }, "authorized keys ignored (unsupported or fingerprint mismatch)");
    const body: AuthorizedKeysResult = { applied: applied !== null, revision: store.currentRevision, count: store.current().length, closedSessions };
    send(200, body);
  });

  ctx.addProvisionStep({
    name: "ssh",
    applies: (p) => p.kind === "dev",
    run: async (_payload, progress) => {
      progress({ phase: "configure", message: "SSH host key" });
      const { key, created } = await ensureHostKey(keyFile);
      if (created) ctx.log.info({ fingerprint: key.fingerprint }, "ssh host key generated");
      progress({ phase: "start", message: "SSH server" });
      await start(key);
      progress({ phase: "done" });
    },
  });

  // A container provisioned before (host key present) serves SSH again after an agent restart.
  const existing = await readHostKey(keyFile);
  if (existing) await start(existing);

  ctx.onShutdown(async () => {
    await server?.close();
  });
}
