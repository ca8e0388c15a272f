import type { Webhook } from "../../../generated/prisma/client";
import { unseal } from "../../mail/sealed";
import { postJson } from "./http-post";
import { webhookBody, type WebhookEvent, type WebhookFormat } from "./payload";
import { signedHeaders } from "./sign";
import { allowPrivateTargets, checkWebhookUrl } from "./url-policy";

/**
 * One signed POST of an event to a webhook: the URL is checked again (policy may have changed
 * since it was saved), the body rendered in the webhook's format and signed with its secret.
 * Returns the receiver's HTTP status.
 */
export async function sendToWebhook(hook: Pick<Webhook, "id" | "url" | "format" | "secretEnc">, event: WebhookEvent, deliveryId: string): Promise<number> {
  const allowPrivate = allowPrivateTargets();
  const verdict = checkWebhookUrl(hook.url, allowPrivate);
  if (!verdict.ok) throw new Error(verdict.reason);
  const body = webhookBody(hook.format as WebhookFormat, event);
  const secret = unseal("zlh/webhook-secret/v1", hook.secretEnc, hook.id);
  return postJson(verdict.url, body, { ...signedHeaders(secret, body), "x-zlh-delivery": deliveryId }, { guard: !allowPrivate });
}
