import type { ReactNode } from "react";
import { cx } from "~/lib/cx";

/** The "nothing here yet" block: an icon, a title, one sentence and the action that fixes it. */
export function EmptyState({
  icon,
  title,
  description,
  action,
  className,
}: {
  icon?: ReactNode;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div
      className={cx(
        "flex flex-col items-center rounded-2xl border border-dashed border-white/10 bg-zinc-900/30 px-6 py-16 text-center",
        className,
      )}
    >
      {icon && <div className="mb-4 grid size-12 place-items-center rounded-xl bg-brand-500/10 text-brand-300 ring-1 ring-brand-400/20">{icon}</div>}
      <h2 className="text-lg font-semibold text-white">{title}</h2>
      {description && <p className="mt-1 max-w-md text-sm text-zinc-400">{description}</p>}
      {action && <div className="mt-6">{action}</div>}
    </div>
  );
}
