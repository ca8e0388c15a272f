import { cx } from "~/lib/cx";
import { usedFraction } from "./format";

/** One limit of the plan and how much of it is used, as a labelled bar. */
export function UsageBar({ label, used, max, unit }: { label: string; used: number; max: number; unit?: string }) {
  const fraction = usedFraction(used, max);
  const full = used >= max;
  return (
    <div className="space-y-1.5" data-testid={`usage-${label.toLowerCase().replace(/\s+/g, "-")}`}>
      <div className="flex items-baseline justify-between text-sm">
        <span className="text-zinc-300">{label}</span>
        <span className={cx("tabular-nums", full ? "text-amber-300" : "text-zinc-400")}>
          {used} / {max}
          {unit ? ` ${unit}` : ""}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={Math.min(used, max)}
        className="h-2 overflow-hidden rounded-full bg-white/5 ring-1 ring-inset ring-white/10"
      >
        <div
          className={cx("h-full rounded-full transition-[width]", full ? "bg-amber-400" : fraction >= 0.75 ? "bg-brand-300" : "bg-brand-500")}
          style={{ width: `${Math.round(fraction * 100)}%` }}
        />
      </div>
    </div>
  );
}
