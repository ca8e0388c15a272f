-- Revocable sessions (#16): a per-user version every JWT must match, and a cut-off for IDE cookies.
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "User" ADD COLUMN "ideRevokedAt" TIMESTAMP(3);
