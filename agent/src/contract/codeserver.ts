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
 *
 * It listens on <codeServerHost>:<codeServerPort> (0.0.0.0:6000 in a real container) with
 * `--auth none`: the portal's IDE proxy is what authenticates users.
 */
export const codeServerStatusSchema = z.object({
  installed: z.boolean(),
  running: z.boolean(),
  pid: z.number().int().nullable(),
  port: z.number().int(),
  /** GET /healthz on code-server answered 200. */
  healthy: z.boolean(),
  /** Installed artifact version, null when not installed. */
  version: z.string().nullable(),
});
export type CodeServerStatus = z.infer<typeof codeServerStatusSchema>;

export const CODE_SERVER_INSTALL_DIR = "/opt/zlh/services/code-server";
