-- Fixed-window rate-limit counters shared by every portal instance (#20: nothing that matters lives
-- in one process's memory). One row per (bucket, key) holding its current window's start and count,
-- counted by one upsert-increment that starts a new window once the old one has passed.
CREATE TABLE "RateLimitWindow" (
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowMs" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "RateLimitWindow_pkey" PRIMARY KEY ("bucket", "key")
);
CREATE INDEX "RateLimitWindow_windowStart_idx" ON "RateLimitWindow"("windowStart");
