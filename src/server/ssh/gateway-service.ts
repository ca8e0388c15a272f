import { env } from "../../env";
import type { Service } from "../lifecycle";
import { logger } from "../log/logger";
import { SshGateway } from "./gateway";
import { gatewayHostKey, markGatewayStarted } from "./gateway-key";

/** Runs the SSH gateway when ZLH_SSH_GATEWAY_PORT is set. */
export function sshGatewayService(): Service {
  let gateway: SshGateway | null = null;
  return {
    name: "ssh-gateway",
    async start() {
      if (env.ZLH_SSH_GATEWAY_PORT === undefined) return;
      gateway = new SshGateway({ hostKey: gatewayHostKey().privateKey });
      const port = await gateway.listen(env.ZLH_SSH_GATEWAY_PORT, env.ZLH_SSH_GATEWAY_HOST);
      markGatewayStarted(true);
      logger.info({ port, host: env.ZLH_SSH_GATEWAY_HOST }, "ssh gateway listening");
    },
    async stop() {
      await gateway?.close();
      gateway = null;
    },
  };
}
