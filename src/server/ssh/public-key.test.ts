import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parsePublicKey, sshFingerprint } from "./public-key";

const dir = mkdtempSync(path.join(os.tmpdir(), "zlh-pubkey-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real key from ssh-keygen: its .pub line and ssh-keygen's own fingerprint. */
function keygen(name: string, args: string[]): { pub: string; fingerprint: string } {
  const file = path.join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-N", "", "-C", `${name}@test`, "-f", file, ...args]);
  const fingerprint = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`]).toString().split(" ")[1]!;
  return { pub: readFileSync(`${file}.pub`, "utf8"), fingerprint };
}

const wire = (...parts: (string | Buffer)[]) =>
  Buffer.concat(parts.flatMap((p) => { const b = Buffer.from(p); const len = Buffer.alloc(4); len.writeUInt32BE(b.length); return [len, b]; }));

describe("parsePublicKey", () => {
  it.each([
    ["ed25519", ["-t", "ed25519"], "ssh-ed25519", 256],
    ["ecdsa256", ["-t", "ecdsa", "-b", "256"], "ecdsa-sha2-nistp256", 256],
    ["ecdsa384", ["-t", "ecdsa", "-b", "384"], "ecdsa-sha2-nistp384", 384],
    ["ecdsa521", ["-t", "ecdsa", "-b", "521"], "ecdsa-sha2-nistp521", 521],
    ["rsa2048", ["-t", "rsa", "-b", "2048"], "ssh-rsa", 2048],
  ])("accepts %s keys with ssh-keygen's fingerprint", (name, args, type, bits) => {
    const k = keygen(name, args);
    const r = parsePublicKey(k.pub);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.key.type).toBe(type);
    expect(r.key.bits).toBe(bits);
    expect(r.key.fingerprint).toBe(k.fingerprint);
    expect(r.key.comment).toBe(`${name}@test`);
    expect(r.key.normalized).toBe(k.pub.trim());
  });

  it("refuses RSA keys under 2048 bits", () => {
    const r = parsePublicKey(keygen("rsa1024", ["-t", "rsa", "-b", "1024"]).pub);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/at least 2048 bits \(this one has 1024\)/) });
  });

  it("accepts security-key types by their structure", () => {
    const ed = wire("sk-ssh-ed25519@openssh.com", Buffer.alloc(32, 7), "ssh:");
    const r1 = parsePublicKey(`sk-ssh-ed25519@openssh.com ${ed.toString("base64")} yubi`);
    expect(r1.ok && r1.key.fingerprint).toBe(sshFingerprint(ed));
    const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]);
    const ec = wire("sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", point, "ssh:");
    expect(parsePublicKey(`sk-ecdsa-sha2-nistp256@openssh.com ${ec.toString("base64")}`).ok).toBe(true);
    // The application string is part of an sk key: without it the blob is incomplete.
    const noApp = wire("sk-ssh-ed25519@openssh.com", Buffer.alloc(32, 7));
    expect(parsePublicKey(`sk-ssh-ed25519@openssh.com ${noApp.toString("base64")}`).ok).toBe(false);
  });

  it.each([
    ["empty", "", /Paste a public key/],
    ["a private key", "-----BEGIN OPENSSH PRIVATE KEY-----", /private key/],
    ["an unknown type", "ssh-dss AAAAB3NzaC1kc3MAAACBAP", /Unsupported key type "ssh-dss"/],
    ["two lines", "ssh-ed25519 AAAA\nssh-ed25519 AAAA", /one line/],
    ["non-base64 data", "ssh-ed25519 not*base64", /not base64/],
    ["a type mismatch", `ssh-rsa ${wire("ssh-ed25519", Buffer.alloc(32)).toString("base64")}`, /does not match its type/],
    ["a short ed25519 key", `ssh-ed25519 ${wire("ssh-ed25519", Buffer.alloc(31)).toString("base64")}`, /malformed/],
    ["trailing bytes", `ssh-ed25519 ${Buffer.concat([wire("ssh-ed25519", Buffer.alloc(32)), Buffer.from([0])]).toString("base64")}`, /malformed/],
    ["a wrong curve", `ecdsa-sha2-nistp256 ${wire("ecdsa-sha2-nistp256", "nistp384", Buffer.alloc(65, 4)).toString("base64")}`, /curve does not match/],
    ["an over-long line", `ssh-ed25519 ${"A".repeat(9000)}`, /too long/],
  ])("refuses %s", (_name, input, error) => {
    const r = parsePublicKey(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it("strips control characters from the comment", () => {
    const k = keygen("ctl", ["-t", "ed25519"]);
    const [type, data] = k.pub.split(" ");
    const r = parsePublicKey(`${type} ${data} evil\u0007name`);
    expect(r.ok && r.key.comment).toBe("evilname");
  });
});
