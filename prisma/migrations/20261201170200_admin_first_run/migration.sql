-- Operator console and first run (#17): a role and an account suspension on User, and the
-- persisted state of artifact builds (so every portal instance can show their progress).
ALTER TABLE "User" ADD COLUMN "role" TEXT NOT NULL DEFAULT 'user';
ALTER TABLE "User" ADD CONSTRAINT "User_role_check" CHECK ("role" IN ('user', 'admin'));
ALTER TABLE "User" ADD COLUMN "suspendedReason" TEXT;
ALTER TABLE "User" ADD COLUMN "suspendedAt" TIMESTAMP(3);

CREATE TABLE "ArtifactBuild" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "kind" TEXT,
    "displayName" TEXT,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "step" TEXT,
    "percent" INTEGER,
    "message" TEXT,
    "error" TEXT,
    "requestedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArtifactBuild_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ArtifactBuild_status_check" CHECK ("status" IN ('queued', 'running', 'done', 'failed'))
);

CREATE INDEX "ArtifactBuild_status_createdAt_idx" ON "ArtifactBuild"("status", "createdAt");
CREATE INDEX "ArtifactBuild_name_version_idx" ON "ArtifactBuild"("name", "version");
-- At most one queued or running build of the same name@version: enqueueing is idempotent.
CREATE UNIQUE INDEX "ArtifactBuild_active_key" ON "ArtifactBuild"("name", "version") WHERE "status" IN ('queued', 'running');
