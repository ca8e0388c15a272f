import { chmod, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import ssh2 from "ssh2";
import { writeFileAtomic } from "../fs/atomic";
import { sshFingerprint } from "./keys";

// ssh2 is CommonJS: Node's ESM loader exposes only its default export.
const { utils } = ssh2;

export type HostKey = { privateKey: string; fingerprint: string };

function fingerprintOf(privateKey: string): string {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`the SSH host key is unreadable: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  return sshFingerprint(key.getPublicSSH());
}

/** Reads the container's host key, or null before it exists. */
export async function readHostKey(file: string): Promise<HostKey | null> {
  const text = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  if (text === null) return null;
  return { privateKey: text, fingerprint: fingerprintOf(text) };
}

/** The host key, generated once (ed25519, 0600) and kept: clients' known_hosts stay valid across restarts. */
export async function ensureHostKey(file: string): Promise<{ key: HostKey; created: boolean }> {
  const existing = await readHostKey(file);
  if (existing) return { key: existing, created: false };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  const pair = utils.generateKeyPairSync("ed25519");
  await writeFileAtomic(file, pair.private, 0o600);
  await chmod(file, 0o600);
  await writeFileAtomic(`${file}.pub`, `${pair.public}\n`, 0o644);
  return { key: { privateKey: pair.private, fingerprint: fingerprintOf(pair.private) }, created: true };
}
