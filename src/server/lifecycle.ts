import { logger } from "./log/logger";
import { rateLimitPrunerService } from "./ratelimit/pruner";
import { artifactSeedService } from "./artifacts/seed";
import { adminRolesService } from "./admin/roles";
import { provisioningJobsService, provisioningReconcilerService } from "./provisioning/services";
import { billingGraceService } from "./billing/grace-job";
import { stopServerAsSystem } from "./provisioning/service";
import { deliveryService } from "./notify/services";
import { crashWatcherService } from "./notify/crash-watcher";
import { clusterBusService } from "./cluster";
import { historyService } from "./history/jobs";
import { heartbeatService } from "./cluster/heartbeat";
import { backupJobsService } from "./backups/jobs";
import { schedulesService } from "./schedules/services";
import { idleStopService } from "./idle/services";
import { sshGatewayService } from "./ssh/gateway-service";
import { isolationNoticeService } from "./isolation/notice";

/**
 * Background services of the portal process (job workers, reconcilers). Started by server.ts after
 * the database is ready, stopped in reverse order on shutdown.
 */
export type Service = { name: string; start: () => Promise<void>; stop: () => Promise<void> };

export const services: Service[] = [isolationNoticeService, clusterBusService, heartbeatService, rateLimitPrunerService(), adminRolesService(), artifactSeedService, provisioningJobsService, provisioningReconcilerService, deliveryService(), crashWatcherService(), billingGraceService(stopServerAsSystem), historyService(), backupJobsService, schedulesService(), idleStopService(), sshGatewayService()];

export async function startServices(): Promise<void> {
  for (const s of services) {
    await s.start();
    logger.info({ service: s.name }, "service started");
  }
}

export async function stopServices(): Promise<void> {
  for (const s of [...services].reverse()) {
    try {
      await s.stop();
    } catch (err) {
      logger.error({ err, service: s.name }, "service stop failed");
    }
  }
}
