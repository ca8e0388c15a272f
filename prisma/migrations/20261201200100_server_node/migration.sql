-- The cluster node a server's container was placed on (#20: Proxmox VE placement).
ALTER TABLE "Server" ADD COLUMN "node" TEXT;
