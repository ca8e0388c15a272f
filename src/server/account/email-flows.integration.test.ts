import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startBillingHarness, type BillingHarness } from "../../../test/billing/harness";
import { firstLink, startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink";
import { until } from "../../../test/support/until";

/**
 * The account's email flows on real parts: PostgreSQL, the durable delivery jobs and a real SMTP
 * server that receives every message; account deletion against the Stripe fake and the real
 * provisioning delete jobs.
 */
const databaseUrl = useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
process.env.ZLH_SIGNUP_PER_MINUTE = "1000";
// Before anything reads the environment (billing config, mail transport).
const billing: BillingHarness = await startBillingHarness();
const smtp: SmtpSink = await startSmtpSink();
process.env.ZLH_SMTP_URL = smtp.url;

const { db, closeDb } = await import("../db/client");
const { createCaller } = await import("../api/root");
const { logger } = await import("../log/logger");
const { deliveryService } = await import("../notify/services");
const { startJobs, stopJobs } = await import("../provisioning/jobs");
const { verifyCredentials } = await import("./service");
const { hashToken } = await import("./email-tokens");
const { createCheckoutSession } = await import("../billing/service");

const service = deliveryService(1_000);
beforeAll(async () => {
  await service.start();
  await startJobs({ connectionString: databaseUrl, concurrency: 1 });
});
afterAll(async () => {
  await stopJobs();
  await service.stop();
  await smtp.stop();
  await billing.stop();
  await closeDb();
});

const password = "a long enough password";
let ipCounter = 0;
function caller(session: { id: string; email: string } | null, ip = `10.9.${ipCounter++}.1`) {
  return createCaller({
    db,
    session: session ? { user: { ...session, name: null }, expires: new Date(Date.now() + 3600_000).toISOString() } : null,
    headers: new Headers(),
    ip,
    log: logger,
  } as Parameters<typeof createCaller>[0]);
}
const mailTo = (email: string, subject?: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(email) && (!subject || m.subject === subject));
const waitMail = (email: string, subject: string) => until(`"${subject}" to ${email}`, () => mailTo(email, subject).at(-1), 30_000);
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

async function signedUp(email = `flow-${randomUUID()}@example.test`) {
  await caller(null).account.signUp({ email, password });
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  return { id: user.id, email };
}

describe("verification", () => {
  it("sign-up emails a one-shot link (text and HTML); a taken address tells its owner; tokens are stored hashed", async () => {
    const user = await signedUp();
    const mail = await waitMail(user.email, "Confirm your email address");
    const link = firstLink(mail, "/verify-email");
    expect(mail.html).toContain(link.replaceAll("&", "&amp;"));
    expect(await db.emailToken.count({ where: { tokenHash: tokenOf(link) } })).toBe(0);
    expect(await db.emailToken.count({ where: { tokenHash: hashToken(tokenOf(link)) } })).toBe(1);

    // Unverified: paid plans are refused.
    await expect(caller(user).billing.createCheckoutSession({ plan: "pro" })).rejects.toThrow(/Confirm your email address/);

    expect(await caller(null).accountEmail.verify({ token: tokenOf(link) })).toEqual({ ok: true, email: user.email });
    expect((await caller(null).accountEmail.verify({ token: tokenOf(link) })).ok).toBe(false);
    expect(await caller(user).accountEmail.status()).toEqual({ email: user.email, verified: true });
    expect(await db.auditLog.count({ where: { action: "account.email_verified", targetId: user.id } })).toBe(1);

    // The same sign-up again answers the same, creates nothing, and emails the owner.
    expect(await caller(null).account.signUp({ email: user.email, password: "some other password" })).toEqual({ ok: true });
    const notice = await waitMail(user.email, "Someone tried to sign up with your address");
    expect(notice.text).toContain("/forgot-password");
  });

  it("an unconfirmed account keeps to one server even when its plan allows more", async () => {
    const { assertCanCreateServer } = await import("../billing/entitlements");
    const user = await signedUp();
    await db.subscription.create({ data: { userId: user.id, stripeSubscriptionId: `sub_${randomUUID()}`, plan: "pro", status: "active" } });
    const req = { kind: "game" as const, memoryMb: 1024, enableCodeServer: false };
    await assertCanCreateServer(user.id, req);
    const top = await db.server.aggregate({ _max: { vmid: true } });
    await db.server.create({ data: { userId: user.id, name: "first", kind: "game", vmid: Math.max(940_000, top._max.vmid ?? 0) + 1, provider: "local", status: "stopped" } });
    await expect(assertCanCreateServer(user.id, req)).rejects.toThrow("Confirm your email address to create another server");
    const link = firstLink(await waitMail(user.email, "Confirm your email address"), "/verify-email");
    await caller(null).accountEmail.verify({ token: tokenOf(link) });
    await assertCanCreateServer(user.id, req);
  });

  it("an expired link does nothing", async () => {
    const user = await signedUp();
    const link = firstLink(await waitMail(user.email, "Confirm your email address"), "/verify-email");
    await db.emailToken.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await caller(null).accountEmail.verify({ token: tokenOf(link) })).ok).toBe(false);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).toBeNull();
  });
});

describe("forgot password", () => {
  it("answers the same for known and unknown addresses; the link resets once and signs out every session", async () => {
    const user = await signedUp();
    const ip = `10.8.${ipCounter++}.1`;
    const known = await caller(null, ip).accountEmail.forgotPassword({ email: user.email });
    const unknown = await caller(null, ip).accountEmail.forgotPassword({ email: `nobody-${randomUUID()}@example.test` });
    expect(unknown).toEqual(known);
    const mail = await waitMail(user.email, "Reset your password");
    expect(mail.html).toContain("Choose a new password");
    const token = tokenOf(firstLink(mail, "/reset-password"));
    const before = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion;

    expect(await caller(null).accountEmail.resetPassword({ token, password: "the new long password" })).toEqual({ email: user.email });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(before + 1);
    await expect(verifyCredentials(db, { email: user.email, password }, { address: ip })).rejects.toThrow();
    expect((await verifyCredentials(db, { email: user.email, password: "the new long password" }, { address: ip })).id).toBe(user.id);
    await expect(caller(null).accountEmail.resetPassword({ token, password: "yet another password" })).rejects.toThrow(/invalid, was already used or has expired/);
    await waitMail(user.email, "Your password was changed");
    // Sent messages keep no payload: the one-shot link is gone from the database.
    const rows = await db.mailMessage.findMany({ where: { userId: user.id, status: "sent" } });
    expect(rows.every((r) => r.payloadEnc === null)).toBe(true);
  });

  it("two clicks racing on one link: exactly one reset wins", async () => {
    const user = await signedUp();
    await caller(null).accountEmail.forgotPassword({ email: user.email });
    const token = tokenOf(firstLink(await waitMail(user.email, "Reset your password"), "/reset-password"));
    const results = await Promise.allSettled([
      caller(null).accountEmail.resetPassword({ token, password: "first racing password" }),
      caller(null).accountEmail.resetPassword({ token, password: "second racing password" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("a link is valid for 30 minutes", async () => {
    const user = await signedUp();
    await caller(null).accountEmail.forgotPassword({ email: user.email });
    const token = tokenOf(firstLink(await waitMail(user.email, "Reset your password"), "/reset-password"));
    const row = await db.emailToken.findFirstOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(30 * 60_000);
    await db.emailToken.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    await expect(caller(null).accountEmail.resetPassword({ token, password: "the new long password" })).rejects.toThrow(/expired/);
  });

  it("is rate limited per account (silently, same answer) and per address (refused)", async () => {
    const user = await signedUp();
    for (let i = 0; i < 5; i++) await caller(null).accountEmail.forgotPassword({ email: user.email });
    await until("three reset emails", () => mailTo(user.email, "Reset your password").length === 3, 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(mailTo(user.email, "Reset your password")).toHaveLength(3);

    const ip = `10.7.${ipCounter++}.1`;
    for (let i = 0; i < 10; i++) await caller(null, ip).accountEmail.forgotPassword({ email: `x${i}-${randomUUID()}@example.test` });
    await expect(caller(null, ip).accountEmail.forgotPassword({ email: user.email })).rejects.toThrow(/Too many attempts/);
  }, 60_000);
});

describe("change email", () => {
  it("needs the password, emails a link to the new address, tells the old one twice, signs out", async () => {
    const user = await signedUp();
    const newEmail = `moved-${randomUUID()}@example.test`;
    await expect(caller(user).accountEmail.changeEmail({ newEmail, currentPassword: "wrong password!" })).rejects.toThrow(/Current password is wrong/);
    await caller(user).accountEmail.changeEmail({ newEmail, currentPassword: password });
    await waitMail(user.email, "A change of your email address was requested");
    const link = firstLink(await waitMail(newEmail, "Confirm your new email address"), "/confirm-email");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);

    expect(await caller(null).accountEmail.confirmEmailChange({ token: tokenOf(link) })).toEqual({ ok: true, email: newEmail });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.email).toBe(newEmail);
    expect(row.emailVerifiedAt).not.toBeNull();
    expect(row.sessionVersion).toBeGreaterThan(0);
    const changed = await waitMail(user.email, "Your email address was changed");
    expect(changed.text).toContain(newEmail);
  });
});

describe("delete account", () => {
  it("needs the typed address and password; deletes the servers, cancels the subscription, erases personal data", async () => {
    const user = await signedUp();
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    // A paying customer (through the Stripe fake) with two servers and an SSH key.
    const { url } = await createCheckoutSession(user.id, "pro");
    const from = billing.fake.events.length;
    billing.fake.completeCheckout(url.split("/").pop()!);
    for (const e of billing.fake.events.slice(from)) expect(await billing.fake.deliver(e.id)).toBe(200);
    const sub = await db.subscription.findUniqueOrThrow({ where: { userId: user.id } });
    const top = await db.server.aggregate({ _max: { vmid: true } });
    for (let i = 1; i <= 2; i++) {
      await db.server.create({ data: { userId: user.id, name: `gone-${i}`, kind: "game", vmid: Math.max(950_000, top._max.vmid ?? 0) + i, provider: "local", status: "stopped" } });
    }
    await db.sshKey.create({ data: { userId: user.id, name: "laptop", publicKey: "ssh-ed25519 AAAA test", fingerprint: `SHA256:${randomUUID()}` } });

    await expect(caller(user).accountEmail.deleteAccount({ confirmation: "delete", password })).rejects.toThrow(/Type your email address/);
    await expect(caller(user).accountEmail.deleteAccount({ confirmation: user.email, password: "wrong password!" })).rejects.toThrow(/Wrong password/);
    expect(await caller(user).accountEmail.deleteAccount({ confirmation: user.email.toUpperCase(), password })).toEqual({ deleted: true, servers: 2 });

    await until("both servers deleted", async () => (await db.server.count({ where: { userId: user.id, status: "deleted" } })) === 2, 30_000);
    expect(billing.fake.subscriptions.get(sub.stripeSubscriptionId)?.status).toBe("canceled");
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.email).not.toContain(user.email.split("@")[0]);
    expect(row.deletedAt).not.toBeNull();
    expect(row.stripeCustomerId).not.toBeNull();
    expect(await db.sshKey.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.subscription.count({ where: { userId: user.id } })).toBe(1);
    await expect(verifyCredentials(db, { email: user.email, password }, { address: "10.6.0.1" })).rejects.toThrow();
    await waitMail(user.email, "Your ZeroLagHub account was deleted");
    await until("the goodbye row erased", async () => (await db.mailMessage.count({ where: { to: user.email } })) === 0, 10_000);
    expect(await db.auditLog.count({ where: { action: "account.delete", targetId: user.id } })).toBe(1);
    // The address is free again.
    expect(await caller(null).account.signUp({ email: user.email, password })).toEqual({ ok: true });
  }, 90_000);
});
