import { z } from "zod";

/** The history a chart can ask for: how far back, and the bucket that keeps it near 120-340 points. */
export const historyRangeSchema = z.enum(["hour", "day", "week"]);
export type HistoryRange = z.infer<typeof historyRangeSchema>;

export const RANGES: Record<HistoryRange, { spanMs: number; bucketSeconds: number }> = {
  hour: { spanMs: 60 * 60_000, bucketSeconds: 30 },
  day: { spanMs: 24 * 60 * 60_000, bucketSeconds: 300 },
  week: { spanMs: 7 * 24 * 60 * 60_000, bucketSeconds: 1800 },
};
