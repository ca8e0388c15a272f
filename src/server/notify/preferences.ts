import { db } from "../db/client";
import { kindInfo, notificationKinds, type NotificationKind } from "./kinds";

/** Per-user email preference per kind; a kind without a row is on. */
export type PreferenceView = { kind: NotificationKind; label: string; description: string; email: boolean };

export async function getPreferences(userId: string): Promise<PreferenceView[]> {
  const rows = await db.notificationPreference.findMany({ where: { userId } });
  const off = new Set(rows.filter((r) => !r.email).map((r) => r.kind));
  return notificationKinds.map((kind) => ({ kind, label: kindInfo[kind].label, description: kindInfo[kind].description, email: !off.has(kind) }));
}

export async function setPreference(userId: string, kind: NotificationKind, email: boolean): Promise<PreferenceView[]> {
  await db.notificationPreference.upsert({ where: { userId_kind: { userId, kind } }, create: { userId, kind, email }, update: { email } });
  return getPreferences(userId);
}
