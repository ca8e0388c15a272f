import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../fs/atomic";
import { createSelfSignedIdentity, fingerprintOf, type AgentIdentity } from "./certificate";

/**
 * The agent's TLS key pair and certificate in `dir` (key 0600), made on the first start inside the
 * container and kept across restarts. A rebuilt container starts without them and makes new ones:
 * the portal then refuses it until the hand-over (contract/tls.ts) records the new pin.
 */
export async function loadOrCreateIdentity(dir: string): Promise<AgentIdentity & { created: boolean }> {
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  if (existsSync(keyFile) && existsSync(certFile)) {
    const certPem = readFileSync(certFile, "utf8");
    return { keyPem: readFileSync(keyFile, "utf8"), certPem, fingerprint: fingerprintOf(certPem), created: false };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const id = createSelfSignedIdentity();
  await writeFileAtomic(keyFile, id.keyPem, 0o600);
  await writeFileAtomic(certFile, id.certPem, 0o644);
  return { ...id, created: true };
}
