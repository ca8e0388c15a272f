/**
 * The product's email frame, pure: one dark card with the ZeroLagHub mark, a heading, paragraphs,
 * an optional button and a footer, as table-based HTML with inline styles (what mail clients
 * render) and the same content as plain text. Every value is escaped here, once.
 */
export type EmailContent = {
  /** Shown by mail clients next to the subject. */
  preheader: string;
  heading: string;
  paragraphs: string[];
  button?: { label: string; url: string };
  /** Small print under the card (why you got this, how to stop it). */
  footer: string[];
  /** Accent of the top bar: danger for crashes and payment trouble. */
  tone?: "brand" | "danger" | "warning";
};
export type Rendered = { html: string; text: string };

const BRAND = "#10b96f";
const TONES = { brand: BRAND, danger: "#ef4444", warning: "#f59e0b" } as const;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Only http(s) links make it into a button; anything else is a bug upstream. */
function safeUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`refusing a ${u.protocol} link in an email`);
  return u.toString();
}

export function renderEmail(c: EmailContent): Rendered {
  const accent = TONES[c.tone ?? "brand"];
  const url = c.button ? safeUrl(c.button.url) : undefined;
  const p = (s: string) => `<p style="margin:0 0 16px;font-size:15px;line-height:24px;color:#d4d4d8;white-space:pre-line">${escapeHtml(s)}</p>`;
  const button = c.button
    ? `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px"><tr><td style="border-radius:8px;background:${BRAND}">` +
      `<a href="${escapeHtml(url!)}" style="display:inline-block;padding:12px 22px;font-size:15px;font-weight:600;color:#09090b;text-decoration:none;border-radius:8px">${escapeHtml(c.button.label)}</a>` +
      `</td></tr></table>` +
      `<p style="margin:0 0 16px;font-size:13px;line-height:20px;color:#a1a1aa">Or paste this link into your browser:<br><a href="${escapeHtml(url!)}" style="color:#34d389;word-break:break-all">${escapeHtml(url!)}</a></p>`
    : "";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="dark"><title>${escapeHtml(c.heading)}</title></head>
<body style="margin:0;padding:0;background:#09090b;font-family:ui-sans-serif,system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif">
<div style="display:none;max-height:0;overflow:hidden;opacity:0">${escapeHtml(c.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#09090b;padding:32px 12px"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px">
<tr><td style="padding:0 4px 20px">
<table role="presentation" cellpadding="0" cellspacing="0"><tr>
<td style="width:28px;height:28px;border-radius:8px;background:${BRAND};text-align:center;font-weight:800;font-size:16px;line-height:28px;color:#09090b">Z</td>
<td style="padding-left:10px;font-size:17px;font-weight:600;color:#ffffff">ZeroLag<span style="color:#34d389">Hub</span></td>
</tr></table></td></tr>
<tr><td style="background:#18181b;border:1px solid #27272a;border-top:3px solid ${accent};border-radius:12px;padding:28px 28px 12px">
<h1 style="margin:0 0 16px;font-size:20px;line-height:28px;color:#ffffff">${escapeHtml(c.heading)}</h1>
${c.paragraphs.map(p).join("\n")}
${button}
</td></tr>
<tr><td style="padding:20px 4px;font-size:12px;line-height:18px;color:#71717a">${c.footer.map(escapeHtml).join("<br>")}</td></tr>
</table></td></tr></table>
</body></html>
`;
  const text = [
    "ZeroLagHub",
    "",
    c.heading,
    "=".repeat(Math.min(c.heading.length, 60)),
    "",
    ...c.paragraphs.flatMap((s) => [s, ""]),
    ...(c.button ? [`${c.button.label}: ${url}`, ""] : []),
    "--",
    ...c.footer,
    "",
  ].join("\n");
  return { html, text };
}
