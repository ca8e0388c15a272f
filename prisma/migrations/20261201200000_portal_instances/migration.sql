-- Portal instances and the jobs they hold (#20: stateless scale-out, recovery from a killed portal).
CREATE TABLE "PortalInstance" (
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PortalInstance_pkey" PRIMARY KEY ("runId")
);
CREATE INDEX "PortalInstance_heartbeatAt_idx" ON "PortalInstance"("heartbeatAt");

CREATE TABLE "JobLease" (
    "jobId" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobLease_pkey" PRIMARY KEY ("jobId")
);
CREATE INDEX "JobLease_runId_idx" ON "JobLease"("runId");
