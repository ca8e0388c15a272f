import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { logger } from "./log/logger";

/**
 * Secrets the portal needs. Production sets them in the environment; the embedded default generates
 * them once into <data>/secrets.json (0600) so sessions and encrypted tokens survive restarts.
 */
export function ensureSecrets(dataDir: string, production: boolean): void {
  const wanted = {
    NEXTAUTH_SECRET: () => randomBytes(32).toString("base64url"),
    ZLH_SECRET_KEY: () => randomBytes(32).toString("hex"),
  } as const;
  const missing = (Object.keys(wanted) as (keyof typeof wanted)[]).filter((k) => !process.env[k]);
  if (missing.length === 0) return;
  if (production) {
    process.stderr.write(`Invalid environment: ${missing[0]}: required in production\n`);
    process.exit(1);
  }
  const file = path.join(dataDir, "secrets.json");
  mkdirSync(dataDir, { recursive: true });
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  let changed = false;
  for (const k of missing) {
    if (!stored[k]) {
      stored[k] = wanted[k]();
      changed = true;
    }
    process.env[k] = stored[k];
  }
  if (changed) {
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    logger.info({ file, keys: missing }, "generated development secrets");
  }
}
