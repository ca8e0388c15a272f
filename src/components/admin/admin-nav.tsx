"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "~/lib/cx";

export const adminLinks = [
  { href: "/admin/users", label: "Users" },
  { href: "/admin/servers", label: "Servers" },
  { href: "/admin/jobs", label: "Jobs" },
  { href: "/admin/artifacts", label: "Artifacts" },
  { href: "/admin/audit", label: "Audit log" },
] as const;

export function AdminNav({ className }: { className?: string }) {
  const pathname = usePathname();
  return (
    <nav className={cx("flex items-center gap-1", className)} aria-label="Operator console">
      {adminLinks.map((link) => {
        const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? "page" : undefined}
            className={cx("rounded-md px-3 py-1.5 text-sm font-medium transition-colors", active ? "bg-white/10 text-white" : "text-zinc-400 hover:bg-white/5 hover:text-white")}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
