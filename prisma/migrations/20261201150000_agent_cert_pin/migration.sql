-- The pinned sha256 fingerprint of an https agent's certificate, encrypted with ZLH_SECRET_KEY (#15).
ALTER TABLE "Server" ADD COLUMN "agentCertPinEnc" TEXT;
