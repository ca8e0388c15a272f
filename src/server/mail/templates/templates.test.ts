import { describe, expect, it } from "vitest";
import { escapeHtml, renderEmail } from "./layout";
import { renderTemplate, templateNames, type TemplateName } from "./index";

const samples: Record<TemplateName, unknown> = {
  verify_email: { url: "https://portal.example/verify-email?token=abc" },
  signup_attempt: { signInUrl: "https://portal.example/signin", resetUrl: "https://portal.example/forgot-password" },
  reset_password: { url: "https://portal.example/reset-password?token=abc" },
  password_changed: { resetUrl: "https://portal.example/forgot-password" },
  change_email_verify: { url: "https://portal.example/confirm-email?token=abc", newEmail: "new@example.test" },
  change_email_notice: { newEmail: "new@example.test", stage: "requested", securityUrl: "https://portal.example/settings/account" },
  account_deleted: { email: "gone@example.test" },
  notification: {
    kind: "crash",
    title: "mc crashed",
    body: "The game crashed <script>alert(1)</script> & more",
    serverName: "mc",
    url: "https://portal.example/servers/s1",
    settingsUrl: "https://portal.example/settings/notifications",
  },
};

describe("email templates", () => {
  it.each(templateNames)("%s renders a subject, plain text and product-styled HTML with the same links", (name) => {
    const r = renderTemplate(name, samples[name]);
    expect(r.subject.length).toBeGreaterThan(5);
    expect(r.text).toContain("ZeroLagHub");
    expect(r.html).toMatch(/^<!doctype html>/);
    expect(r.html).toContain("ZeroLag<span style=\"color:#34d389\">Hub</span>");
    expect(r.html).toContain("#10b96f");
    const textLinks = r.text.match(/https?:\/\/[^\s]+/g) ?? [];
    for (const link of textLinks) expect(r.html).toContain(escapeHtml(link));
    // Every template that asks the reader to act carries a link in both parts.
    if (name !== "account_deleted") expect(textLinks.length).toBeGreaterThan(0);
    if (name !== "notification") expect(r.text).not.toMatch(/<[a-z]/i);
  });

  it("escapes what users control in HTML and keeps it readable in text", () => {
    const r = renderTemplate("notification", samples.notification);
    expect(r.html).not.toContain("<script>");
    expect(r.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
    expect(r.text).toContain("<script>alert(1)</script> & more");
    expect(r.subject).toBe("mc crashed");
    expect(renderTemplate("notification", { ...(samples.notification as object), title: "The game crashed" }).subject).toBe("[mc] The game crashed");
  });

  it("refuses bad data and non-http links", () => {
    expect(() => renderTemplate("verify_email", { url: "javascript:alert(1)" })).toThrow();
    expect(() => renderTemplate("reset_password", {})).toThrow();
    expect(() => renderEmail({ preheader: "", heading: "x", paragraphs: [], footer: [], button: { label: "x", url: "data:text/html,hi" } })).toThrow(/refusing/);
  });
});
