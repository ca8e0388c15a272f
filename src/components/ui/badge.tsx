import type { ComponentProps } from "react";
import { cx } from "~/lib/cx";

export type Tone = "neutral" | "brand" | "success" | "warning" | "danger" | "info";

const tones: Record<Tone, string> = {
  neutral: "bg-white/5 text-zinc-300 ring-white/10",
  brand: "bg-brand-500/10 text-brand-300 ring-brand-400/30",
  success: "bg-emerald-500/10 text-emerald-300 ring-emerald-400/30",
  warning: "bg-amber-500/10 text-amber-300 ring-amber-400/30",
  danger: "bg-red-500/10 text-red-300 ring-red-400/30",
  info: "bg-sky-500/10 text-sky-300 ring-sky-400/30",
};

/** A short status label: `<Badge tone="success">Running</Badge>`. `dot` adds a coloured dot. */
export function Badge({ tone = "neutral", dot, className, children, ...rest }: ComponentProps<"span"> & { tone?: Tone; dot?: boolean }) {
  return (
    <span
      className={cx("inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset", tones[tone], className)}
      {...rest}
    >
      {dot && <span className="size-1.5 rounded-full bg-current" aria-hidden="true" />}
      {children}
    </span>
  );
}
