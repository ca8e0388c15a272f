import type { Service } from "../lifecycle";
import { startJobs, stopJobs } from "./jobs";
import { startReconciler, stopReconciler } from "./reconciler";

/** Provisioning's background services: the durable job workers, then the reconciler + stale sweeper. */
export const provisioningJobsService: Service = { name: "provisioning-jobs", start: () => startJobs(), stop: () => stopJobs() };
export const provisioningReconcilerService: Service = { name: "provisioning-reconciler", start: () => startReconciler(), stop: () => stopReconciler() };
