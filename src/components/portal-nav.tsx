"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "~/lib/cx";

/** The portal's top-level sections. Other areas add theirs here. */
export const portalLinks = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/billing", label: "Billing" },
  { href: "/settings", label: "Settings" },
] as const;

export function PortalNav({ className }: { className?: string }) {
  const pathname = usePathname();
  return (
    <nav className={cx("flex items-center gap-1", className)} aria-label="Portal">
      {portalLinks.map((link) => {
        const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? "page" : undefined}
            className={cx(
              "rounded-md px-3 py-1.5 text-sm font-medium transition-colors",
              active ? "bg-white/10 text-white" : "text-zinc-400 hover:bg-white/5 hover:text-white",
            )}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
