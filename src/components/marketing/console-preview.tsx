import { DEFAULT_BACKOFF } from "../../../agent/src/game/backoff";
import { Badge } from "~/components/ui";
import { crashPreview, type PreviewLine } from "~/lib/crash-preview";

const TONE: Record<PreviewLine["tone"], string> = { log: "text-zinc-300", crash: "text-red-400", zlh: "text-amber-300", ok: "text-brand-300" };

/** A crash and its recovery as the console shows it, with the agent's real default backoff. */
export function ConsolePreview() {
  return (
    <div className="overflow-hidden rounded-2xl bg-zinc-900/80 ring-1 ring-white/10 shadow-2xl shadow-brand-500/5">
      <div className="flex items-center justify-between border-b border-white/5 px-4 py-3">
        <div className="flex items-center gap-2">
          <span className="size-2.5 rounded-full bg-zinc-700" />
          <span className="size-2.5 rounded-full bg-zinc-700" />
          <span className="size-2.5 rounded-full bg-zinc-700" />
          <span className="ml-3 text-xs text-zinc-400">survival-smp · console (example)</span>
        </div>
        <Badge tone="success" dot>
          Running
        </Badge>
      </div>
      <pre className="overflow-x-auto px-4 py-4 font-mono text-[12px] leading-6 sm:text-[13px]" data-testid="console-preview">
        {crashPreview(DEFAULT_BACKOFF).map((l) => (
          <div key={l.text} className={TONE[l.tone]}>
            {l.text}
          </div>
        ))}
        <div className="text-zinc-400">
          &gt; <span className="inline-block h-4 w-2 translate-y-0.5 animate-pulse bg-brand-400" />
        </div>
      </pre>
    </div>
  );
}
