-- Fixed-window rate-limit counters shared by every portal instance (#20: nothing that matters lives
-- in one process's memory). One row per (bucket, key, window start); counted by upsert-increment.
CREATE TABLE "RateLimitWindow" (
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "RateLimitWindow_pkey" PRIMARY KEY ("bucket", "key", "windowStart")
);
CREATE INDEX "RateLimitWindow_windowStart_idx" ON "RateLimitWindow"("windowStart");
