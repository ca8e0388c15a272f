import { kindInfo, type NotificationKind } from "../kinds";

/**
 * Webhook bodies, pure. "discord": Discord's execute-webhook JSON (one embed), also accepted by
 * Discord-compatible receivers. "generic": a small stable JSON document for your own code.
 */
export const webhookFormats = ["discord", "generic"] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

export type WebhookEvent = {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  server: { id: string; name: string } | null;
  url: string;
  createdAt: Date;
};

const COLORS = { danger: 0xef4444, warning: 0xf59e0b, info: 0x38bdf8, success: 0x10b96f } as const;

export function webhookBody(format: WebhookFormat, e: WebhookEvent): string {
  if (format === "discord") {
    const info = kindInfo[e.kind];
    return JSON.stringify({
      username: "ZeroLagHub",
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: e.title.slice(0, 256),
          description: e.body.slice(0, 4000),
          url: e.url,
          color: COLORS[info.tone],
          timestamp: e.createdAt.toISOString(),
          fields: e.server ? [{ name: "Server", value: e.server.name.slice(0, 1024), inline: true }, { name: "Event", value: info.label, inline: true }] : [{ name: "Event", value: info.label, inline: true }],
          footer: { text: "ZeroLagHub alerts" },
        },
      ],
    });
  }
  return JSON.stringify({
    id: e.id,
    type: e.kind,
    title: e.title,
    body: e.body,
    server: e.server,
    url: e.url,
    createdAt: e.createdAt.toISOString(),
  });
}
