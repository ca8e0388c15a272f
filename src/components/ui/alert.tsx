import type { ComponentProps } from "react";
import { cx } from "~/lib/cx";
import type { Tone } from "./badge";

const tones: Record<Exclude<Tone, "neutral" | "brand">, string> = {
  success: "bg-emerald-500/10 text-emerald-200 ring-emerald-400/30",
  warning: "bg-amber-500/10 text-amber-200 ring-amber-400/30",
  danger: "bg-red-500/10 text-red-200 ring-red-400/30",
  info: "bg-sky-500/10 text-sky-200 ring-sky-400/30",
};

/**
 * A message box for a whole form or page: `<Alert tone="danger">Too many attempts…</Alert>`.
 * Danger and warning alerts are announced to screen readers (role="alert").
 */
export function Alert({ tone = "info", className, ...rest }: ComponentProps<"div"> & { tone?: keyof typeof tones }) {
  return (
    <div
      role={tone === "danger" || tone === "warning" ? "alert" : "status"}
      className={cx("rounded-lg px-4 py-3 text-sm ring-1 ring-inset", tones[tone], className)}
      {...rest}
    />
  );
}
