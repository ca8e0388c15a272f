import Link from "next/link";
import { cx } from "~/lib/cx";

/** The ZeroLagHub mark and word, linking home (or to `href`). */
export function Logo({ href = "/", className }: { href?: string; className?: string }) {
  return (
    <Link href={href} className={cx("inline-flex items-center gap-2 font-semibold tracking-tight text-white", className)}>
      <svg viewBox="0 0 32 32" className="size-7" aria-hidden="true">
        <rect width="32" height="32" rx="8" className="fill-brand-500" />
        <path d="M9 10h14l-10 12h10" fill="none" stroke="#09090b" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <span>
        ZeroLag<span className="text-brand-400">Hub</span>
      </span>
    </Link>
  );
}
