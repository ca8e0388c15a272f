/** A tiny inline SVG line chart; gaps (null) break the line. No axes: the label carries the scale. */
export function Sparkline({ values, max, className, label }: { values: (number | null)[]; max?: number; className?: string; label: string }) {
  const w = 120;
  const h = 32;
  const known = values.filter((v): v is number => v !== null);
  const top = Math.max(max ?? 0, ...known, 1e-9);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (h - 2 - (v / top) * (h - 4)).toFixed(1);
    d += `${pen ? "L" : "M"}${x} ${y} `;
    pen = true;
  });
  return (
    <svg viewBox={`0 0 ${w} ${h}`} className={className ?? "h-8 w-full"} role="img" aria-label={label} preserveAspectRatio="none">
      <path d={`M0 ${h - 1} H${w}`} stroke="currentColor" strokeOpacity="0.15" strokeWidth="1" fill="none" />
      {d && <path d={d} stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinejoin="round" strokeLinecap="round" vectorEffect="non-scaling-stroke" />}
    </svg>
  );
}
