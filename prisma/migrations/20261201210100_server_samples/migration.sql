-- #21 history for users: each running server's figures every 30 s (rows of `seconds` = 30),
-- downsampled to 5-minute rows (`seconds` = 300) after a day, pruned after 30 days.
CREATE TABLE "ServerSample" (
    "serverId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "seconds" INTEGER NOT NULL,
    "cpuPercent" DOUBLE PRECISION,
    "memoryBytes" BIGINT,
    "memoryLimitBytes" BIGINT,
    "diskBytes" BIGINT,
    "diskTotalBytes" BIGINT,
    "players" INTEGER,
    "maxPlayers" INTEGER,

    CONSTRAINT "ServerSample_pkey" PRIMARY KEY ("serverId","at","seconds")
);

CREATE INDEX "ServerSample_at_idx" ON "ServerSample"("at");

ALTER TABLE "ServerSample" ADD CONSTRAINT "ServerSample_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;
