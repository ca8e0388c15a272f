import { z } from "zod";

/**
 * code-server addon (dev containers). Installed from the artifact catalog (kind "service", name
 * "code-server") into /opt/zlh/services/code-server, started detached in its own process group,
 * found again by scanning /proc (an agent restart adopts the running one).
 *
 *   POST /dev/codeserver/start    -> CodeServerStatus (installs first when missing; no-op when running)
 *   POST /dev/codeserver/stop     -> CodeServerStatus (SIGTERM to its process group, SIGKILL after a timeout)
 *   POST /dev/codeserver/restart  -> CodeServerStatus
 *   GET  /status                  -> { ..., codeServer: CodeServerStatus }
 *   GET  /tunnel/code-server      Upgrade: zlh-tunnel -> 101, then raw bytes to and from code-server
 *
 * It listens only on a Unix socket inside the container (mode 0600, `--auth none`) and comes back
 * whenever the agent starts in a provisioned container that asked for it. The only way in from
 * outside is the tunnel, behind the agent's bearer check; the portal authorizes users before it
 * opens one.
 */
export const codeServerStatusSchema = z.object({
  installed: z.boolean(),
  running: z.boolean(),
  pid: z.number().int().nullable(),
  /** The Unix socket it listens on (a path inside the container). */
  socket: z.string(),
  /** GET /healthz on code-server answered 200. */
  healthy: z.boolean(),
  /** Installed artifact version, null when not installed. */
  version: z.string().nullable(),
});
export type CodeServerStatus = z.infer<typeof codeServerStatusSchema>;

export const CODE_SERVER_INSTALL_DIR = "/opt/zlh/services/code-server";
/** In a folder of its own, owned by the IDE user (never the agent's /run/zlh, which holds its socket and token). */
export const CODE_SERVER_SOCKET = "/run/zlh-code-server/code-server.sock";
export const CODE_SERVER_TUNNEL_PATH = "/tunnel/code-server";
