import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { deriveEd25519 } from "./derived-key";

describe("deriveEd25519", () => {
  const secret = Buffer.alloc(32, 7);

  it("is the same key for the same secret and label, another for another label or secret", () => {
    const a = deriveEd25519(secret, "gateway host");
    expect(deriveEd25519(secret, "gateway host")).toEqual(a);
    expect(deriveEd25519(secret, "gateway client").publicKey).not.toBe(a.publicKey);
    expect(deriveEd25519(Buffer.alloc(32, 8), "gateway host").publicKey).not.toBe(a.publicKey);
  });

  it("writes a private key ssh2 and OpenSSH read, whose public half is the one returned", () => {
    const k = deriveEd25519(secret, "gateway client", "zlh-gateway");
    const parsed = ssh2.utils.parseKey(k.privateKey);
    if (parsed instanceof Error) throw parsed;
    const key = Array.isArray(parsed) ? parsed[0]! : parsed;
    expect(`ssh-ed25519 ${key.getPublicSSH().toString("base64")} zlh-gateway`).toBe(k.publicKey);
    const sig = key.sign(Buffer.from("data"));
    expect(key.verify(Buffer.from("data"), sig)).toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), "zlh-derived-"));
    try {
      writeFileSync(path.join(dir, "k"), k.privateKey, { mode: 0o600 });
      expect(execFileSync("ssh-keygen", ["-y", "-f", path.join(dir, "k")]).toString().trim()).toBe(k.publicKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
