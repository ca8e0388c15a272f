/**
 * The pages a person sees instead of an IDE: what happened and a way back to the portal. Static
 * HTML with every dynamic value escaped; no scripts, so a strict CSP fits.
 */
export type IdePageKind = "signed-out" | "link-expired" | "not-found" | "stopped" | "no-ide" | "upstream-down" | "bad-host";

const PAGES: Record<IdePageKind, { status: number; title: string; message: string; action: string }> = {
  "signed-out": {
    status: 401,
    title: "Open this IDE from the portal",
    message: "This browser has no IDE session for this server yet. Open it from your server's page in the portal.",
    action: "Open from the portal",
  },
  "link-expired": {
    status: 403,
    title: "This IDE link has expired",
    message: "IDE links work once and only for a minute. Open the IDE again from the portal for a fresh one.",
    action: "Open from the portal",
  },
  "not-found": {
    status: 404,
    title: "No IDE here for your account",
    message: "This IDE does not exist, or it belongs to another account. If it is yours, sign in to the portal with that account and open it from there.",
    action: "Back to the portal",
  },
  stopped: {
    status: 409,
    title: "This server is not running",
    message: "Start the server from the portal, then open the IDE again.",
    action: "Back to the portal",
  },
  "no-ide": {
    status: 404,
    title: "The browser IDE is not enabled on this server",
    message: "Enable code-server for this server in the portal to use VS Code in the browser.",
    action: "Back to the portal",
  },
  "upstream-down": {
    status: 502,
    title: "The IDE is not answering",
    message: "The server is running but VS Code did not answer. It may still be starting: try again in a few seconds, or restart it from the portal.",
    action: "Back to the portal",
  },
  "bad-host": {
    status: 400,
    title: "This is not a valid IDE address",
    message: "IDE addresses look like dev-<number> followed by the IDE domain. Open the IDE from the portal.",
    action: "Back to the portal",
  },
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export function idePage(kind: IdePageKind, link: string): { status: number; html: string } {
  const p = PAGES[kind];
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(p.title)} · ZeroLagHub</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#0b1020;color:#e5e7eb;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:34rem;padding:2rem;background:#111833;border-radius:12px;box-shadow:0 10px 30px #0006}
h1{font-size:1.35rem;margin:0 0 .75rem}p{color:#b6bccb}a{display:inline-block;margin-top:1rem;padding:.6rem 1rem;border-radius:8px;background:#4f46e5;color:#fff;text-decoration:none;font-weight:600}</style>
</head><body><main data-zlh-ide-page="${kind}"><h1>${escapeHtml(p.title)}</h1><p>${escapeHtml(p.message)}</p>
<a href="${escapeHtml(link)}">${escapeHtml(p.action)}</a></main></body></html>
`;
  return { status: p.status, html };
}

/** Writes a page as the whole response (raw Node response; route handlers use idePage). */
export function sendIdePage(res: import("node:http").ServerResponse, kind: IdePageKind, link: string): void {
  const { status, html } = idePage(kind, link);
  res.writeHead(status, { ...PAGE_HEADERS, "content-length": Buffer.byteLength(html) });
  res.end(html);
}

/** A page as a whole raw HTTP/1.1 response that closes the connection (for sockets no HTTP server owns). */
export function rawIdePage(kind: IdePageKind, link: string): string {
  const { status, html } = idePage(kind, link);
  let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n`;
  for (const [k, v] of Object.entries(PAGE_HEADERS)) head += `${k}: ${v}\r\n`;
  return `${head}content-length: ${Buffer.byteLength(html)}\r\nconnection: close\r\n\r\n${html}`;
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 502: "Bad Gateway" };
