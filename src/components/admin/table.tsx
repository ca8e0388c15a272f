import type { ComponentProps, ReactNode } from "react";
import { cx } from "~/lib/cx";

/** A compact data table for the operator console. */
export function Table({ head, children, className }: { head: ReactNode[]; children: ReactNode; className?: string }) {
  return (
    <div className={cx("overflow-x-auto rounded-xl ring-1 ring-white/10", className)}>
      <table className="w-full text-left text-sm">
        <thead className="bg-white/5 text-xs uppercase tracking-wide text-zinc-400">
          <tr>
            {head.map((h, i) => (
              <th key={i} className="px-3 py-2 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-white/5">{children}</tbody>
      </table>
    </div>
  );
}

export function Td({ className, ...rest }: ComponentProps<"td">) {
  return <td className={cx("px-3 py-2 align-top text-zinc-200", className)} {...rest} />;
}

export function when(d: Date | string | null | undefined): string {
  if (!d) return "-";
  return new Date(d).toISOString().replace("T", " ").slice(0, 19);
}

export function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} KB`;
}

export const inputClass =
  "h-9 rounded-lg bg-zinc-900/80 px-3 text-sm text-zinc-100 ring-1 ring-inset ring-white/10 outline-none focus:ring-2 focus:ring-brand-400";
