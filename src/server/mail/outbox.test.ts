import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deliver } from "./transport";
import { listOutbox, readOutboxEntry } from "./outbox";

const dir = mkdtempSync(path.join(os.tmpdir(), "zlh-outbox-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("local outbox", () => {
  const m = { id: "msg1", messageId: "<msg1@zerolaghub>", to: "new@example.test", subject: "Confirm your email address", text: "Open https://portal.example/verify-email?token=abc", html: "<p>hi</p>" };
  it("writes the .eml nodemailer composed plus a readable index entry, atomically, once per message", async () => {
    await deliver({ transport: "outbox", dir, from: "ZeroLagHub <no-reply@example.test>" }, m);
    await deliver({ transport: "outbox", dir, from: "ZeroLagHub <no-reply@example.test>" }, m);
    expect(readdirSync(dir).sort()).toEqual(["msg1.eml", "msg1.json"]);
    const eml = readFileSync(path.join(dir, "msg1.eml"), "utf8");
    expect(eml).toContain("To: new@example.test");
    expect(eml).toContain("Message-ID: <msg1@zerolaghub>");
    expect(eml).toMatch(/https?:\/\/[^\s"]+/);
    expect(await listOutbox(dir)).toHaveLength(1);
    expect(await readOutboxEntry(dir, "msg1")).toMatchObject({ to: m.to, subject: m.subject });
    expect(await readOutboxEntry(dir, "../secrets")).toBeNull();
  });
});
