import { Badge } from "~/components/ui";

/** One build's state: a bar with the step while it runs, the reason when it failed. */
export function BuildProgress(p: { status: string; percent: number | null; step: string | null; message: string | null; error: string | null }) {
  if (p.status === "failed") return <span className="text-sm text-red-300">Failed: {p.error ?? "no reason recorded"}</span>;
  if (p.status === "done") return <Badge tone="success">published</Badge>;
  if (p.status === "queued") return <span className="text-sm text-zinc-400">Waiting for the build before it{p.message ? ` (${p.message})` : ""}</span>;
  return (
    <div className="space-y-1">
      <div className="h-1.5 w-full overflow-hidden rounded-full bg-white/10" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={p.percent ?? undefined}>
        <div className="h-full rounded-full bg-brand-400 transition-all" style={{ width: `${p.percent ?? 5}%` }} />
      </div>
      <span className="block truncate text-xs text-zinc-400" title={p.message ?? undefined}>
        {p.percent ?? 0}% · {p.step ?? "starting"}
        {p.message ? ` · ${p.message}` : ""}
      </span>
    </div>
  );
}
