import { z } from "zod";
import { kindInfo, notificationKindSchema } from "../../notify/kinds";
import { renderEmail, type EmailContent, type Rendered } from "./layout";

/**
 * Every email the portal sends: a data schema (checked when queued and again when the job renders
 * it) and the content. Links are absolute URLs built by the caller from publicUrl().
 */
const url = z.url({ protocol: /^https?$/ });
const notice = "You get this email because you have a ZeroLagHub account with this address.";

export const templates = {
  verify_email: {
    data: z.object({ url }),
    content: (d: { url: string }): EmailContent & { subject: string } => ({
      subject: "Confirm your email address",
      preheader: "One click to confirm the address of your ZeroLagHub account.",
      heading: "Confirm your email address",
      paragraphs: [
        "Welcome to ZeroLagHub. Confirm that this address is yours so we can reach you about your servers, and to unlock a second server and paid plans.",
        "The link works once and expires in 24 hours.",
      ],
      button: { label: "Confirm email address", url: d.url },
      footer: ["If you did not create a ZeroLagHub account, ignore this email: nothing happens without the click."],
    }),
  },
  signup_attempt: {
    data: z.object({ signInUrl: url, resetUrl: url }),
    content: (d: { signInUrl: string; resetUrl: string }): EmailContent & { subject: string } => ({
      subject: "Someone tried to sign up with your address",
      preheader: "There already is a ZeroLagHub account with this address.",
      heading: "Someone tried to sign up with your address",
      paragraphs: [
        "Somebody (maybe you) tried to create a new ZeroLagHub account with this email address. There already is an account with it, so nothing was created.",
        `If it was you, sign in instead: ${d.signInUrl}`,
        "Forgot your password? Set a new one:",
      ],
      button: { label: "Reset password", url: d.resetUrl },
      footer: [notice, "If it was not you, you can ignore this email; your account is unchanged."],
    }),
  },
  reset_password: {
    data: z.object({ url }),
    content: (d: { url: string }): EmailContent & { subject: string } => ({
      subject: "Reset your password",
      preheader: "A link to choose a new ZeroLagHub password (valid 30 minutes).",
      heading: "Reset your password",
      paragraphs: [
        "Someone asked to reset the password of the ZeroLagHub account with this address. Choose a new password with the button below.",
        "The link works once and expires in 30 minutes. Setting a new password signs out every session of the account.",
      ],
      button: { label: "Choose a new password", url: d.url },
      footer: [notice, "If you did not ask for this, ignore this email: your password stays as it is."],
    }),
  },
  password_changed: {
    data: z.object({ resetUrl: url }),
    content: (d: { resetUrl: string }): EmailContent & { subject: string } => ({
      subject: "Your password was changed",
      preheader: "The password of your ZeroLagHub account was just changed.",
      heading: "Your password was changed",
      paragraphs: [
        "The password of your ZeroLagHub account was changed and every session was signed out.",
        "If this was not you, reset your password now.",
      ],
      button: { label: "Reset password", url: d.resetUrl },
      footer: [notice],
      tone: "warning",
    }),
  },
  change_email_verify: {
    data: z.object({ url, newEmail: z.email() }),
    content: (d: { url: string; newEmail: string }): EmailContent & { subject: string } => ({
      subject: "Confirm your new email address",
      preheader: "Confirm the new address of your ZeroLagHub account.",
      heading: "Confirm your new email address",
      paragraphs: [
        `You asked to use ${d.newEmail} for your ZeroLagHub account. Confirm it with the button below; until then the old address stays in place.`,
        "The link works once and expires in 24 hours.",
      ],
      button: { label: "Use this address", url: d.url },
      footer: ["If you did not ask for this, ignore this email."],
    }),
  },
  change_email_notice: {
    data: z.object({ newEmail: z.email(), stage: z.enum(["requested", "changed"]), securityUrl: url }),
    content: (d: { newEmail: string; stage: "requested" | "changed"; securityUrl: string }): EmailContent & { subject: string } => ({
      subject: d.stage === "requested" ? "A change of your email address was requested" : "Your email address was changed",
      preheader: `Your ZeroLagHub account ${d.stage === "requested" ? "may move" : "moved"} to ${d.newEmail}.`,
      heading: d.stage === "requested" ? "A change of your email address was requested" : "Your email address was changed",
      paragraphs: [
        d.stage === "requested"
          ? `Someone signed in to your ZeroLagHub account asked to change its email address to ${d.newEmail}. It changes once the new address is confirmed.`
          : `Your ZeroLagHub account now uses ${d.newEmail}. This address no longer receives its emails.`,
        "If this was not you, sign in and change your password now.",
      ],
      button: { label: "Review account security", url: d.securityUrl },
      footer: ["You get this email because this address belongs to a ZeroLagHub account."],
      tone: "warning",
    }),
  },
  account_deleted: {
    data: z.object({ email: z.email() }),
    content: (d: { email: string }): EmailContent & { subject: string } => ({
      subject: "Your ZeroLagHub account was deleted",
      preheader: "Your servers and personal data were removed.",
      heading: "Your account was deleted",
      paragraphs: [
        `The ZeroLagHub account ${d.email} was deleted: its servers were stopped and removed, any subscription was cancelled, and its personal data was erased.`,
        "We keep only the billing records the law requires us to keep. This is the last email you get from us.",
      ],
      footer: ["You get this email because you deleted your ZeroLagHub account."],
    }),
  },
  notification: {
    data: z.object({
      kind: notificationKindSchema,
      title: z.string().max(200),
      body: z.string().max(4000),
      serverName: z.string().max(200).nullable(),
      url,
      settingsUrl: url,
    }),
    content: (d: { kind: z.infer<typeof notificationKindSchema>; title: string; body: string; serverName: string | null; url: string; settingsUrl: string }): EmailContent & { subject: string } => {
      const info = kindInfo[d.kind];
      return {
        // Titles that already name the server are not prefixed with it again.
        subject: d.serverName && !d.title.includes(d.serverName) ? `[${d.serverName}] ${d.title}` : d.title,
        preheader: `${info.label}${d.serverName ? ` on ${d.serverName}` : ""}`,
        heading: d.title,
        paragraphs: [d.body],
        button: { label: d.serverName ? "Open the server" : "Open billing", url: d.url },
        footer: [`${info.label} alerts are on for your account. Change which alerts you get: ${d.settingsUrl}`],
        tone: info.tone === "danger" ? "danger" : info.tone === "warning" ? "warning" : "brand",
      };
    },
  },
} as const;

export type TemplateName = keyof typeof templates;
export type TemplateData<T extends TemplateName> = z.infer<(typeof templates)[T]["data"]>;
export const templateNames = Object.keys(templates) as TemplateName[];

export function isTemplateName(s: string): s is TemplateName {
  return s in templates;
}

/** Renders a template after checking its data (a row written by an older version fails loudly). */
export function renderTemplate(name: TemplateName, data: unknown): Rendered & { subject: string } {
  const t = templates[name];
  const parsed = t.data.parse(data);
  const { subject, ...content } = (t.content as (d: unknown) => EmailContent & { subject: string })(parsed);
  return { subject, ...renderEmail(content) };
}
