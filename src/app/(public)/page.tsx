import type { ReactNode } from "react";
import { Badge, ButtonLink, Card } from "~/components/ui";
import { plans } from "~/server/billing/plans";
import { cx } from "~/lib/cx";

const features: { title: string; body: string; icon: ReactNode }[] = [
  {
    title: "Crash recovery, automatically",
    body: "When your server crashes, it is back within seconds: we restart it with backoff, keep a record of every crash with the last log lines, and stop retrying a crash loop before it burns your evening.",
    icon: <path d="M4 12a8 8 0 1 1 2.3 5.7M4 12V7m0 5h5" />,
  },
  {
    title: "VS Code in your browser",
    body: "Every dev container can run a full VS Code at its own address, dev-<id>.yourdomain. Open it from any laptop or tablet; your workspace, terminal and extensions are where you left them.",
    icon: <path d="M8 9l-4 3 4 3m8-6l4 3-4 3M14 5l-4 14" />,
  },
  {
    title: "Live console",
    body: "Watch the server log as it happens and type commands straight into the game console or a dev shell, with scrollback, from the dashboard.",
    icon: <path d="M4 6h16v12H4zM7 10l3 2-3 2m5 0h4" />,
  },
  {
    title: "File manager",
    body: "Browse, edit and upload configs, worlds, mods and plugins without SFTP. Need SFTP anyway? Pro plans include SSH access.",
    icon: <path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z" />,
  },
  {
    title: "Ready in a minute",
    body: "Pick Minecraft or a dev runtime, choose memory, and press Create. Runtimes come from a signed catalog, so every install is exactly what we tested.",
    icon: <path d="M13 3L5 14h6l-1 7 8-11h-6z" />,
  },
  {
    title: "Yours, isolated",
    body: "Each server runs in its own container with its own resources. Your friends' lag is not your lag, and your files are not theirs.",
    icon: <path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z" />,
  },
];

const faqs: { q: string; a: string }[] = [
  {
    q: "Which games can I host?",
    a: "Minecraft (Java edition, with mods and plugins) today. Each game server gets crash recovery, a live console and a file manager; more games follow the same model.",
  },
  {
    q: "What is a dev container?",
    a: "A small Linux machine in the cloud with your language runtime installed, a terminal, and optionally VS Code in the browser at its own subdomain. Good for side projects, teaching, or coding from a Chromebook.",
  },
  {
    q: "What happens when my server crashes?",
    a: "The supervisor notices within a second, records why (exit code and the last lines of the log), and restarts it with increasing delays. If it keeps crashing, it stops and tells you instead of looping forever.",
  },
  {
    q: "Can I change or cancel my plan?",
    a: "Yes, any time from Billing. Upgrades apply at once; if you cancel, your servers keep running until the end of the paid period.",
  },
  {
    q: "Is there a free plan?",
    a: "Yes: one small game or dev server with crash recovery and the browser IDE, no card required.",
  },
];

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      {children}
    </svg>
  );
}

function ConsolePreview() {
  const lines: [string, string][] = [
    ["text-zinc-500", "[12:04:11] Server thread/INFO: Done (3.2s)! For help, type \"help\""],
    ["text-zinc-300", "[12:31:52] Steve joined the game"],
    ["text-red-400", "[12:47:03] Server crashed: java.lang.OutOfMemoryError"],
    ["text-amber-300", "[12:47:03] zlh: crash recorded, restarting in 2s (attempt 1)"],
    ["text-brand-300", "[12:47:08] zlh: server ready again in 4.9s"],
    ["text-zinc-300", "[12:47:15] Steve joined the game"],
  ];
  return (
    <div className="overflow-hidden rounded-2xl bg-zinc-900/80 ring-1 ring-white/10 shadow-2xl shadow-brand-500/5">
      <div className="flex items-center justify-between border-b border-white/5 px-4 py-3">
        <div className="flex items-center gap-2">
          <span className="size-2.5 rounded-full bg-zinc-700" />
          <span className="size-2.5 rounded-full bg-zinc-700" />
          <span className="size-2.5 rounded-full bg-zinc-700" />
          <span className="ml-3 text-xs text-zinc-400">survival-smp · console</span>
        </div>
        <Badge tone="success" dot>Running</Badge>
      </div>
      <pre className="overflow-x-auto px-4 py-4 font-mono text-[12px] leading-6 sm:text-[13px]">
        {lines.map(([cls, text]) => (
          <div key={text} className={cls}>
            {text}
          </div>
        ))}
        <div className="text-zinc-400">
          &gt; <span className="inline-block h-4 w-2 translate-y-0.5 animate-pulse bg-brand-400" />
        </div>
      </pre>
    </div>
  );
}

export default function LandingPage() {
  return (
    <>
      <section className="mx-auto grid max-w-6xl items-center gap-12 px-4 pt-16 pb-20 sm:px-6 lg:grid-cols-2 lg:pt-24">
        <div>
          <Badge tone="brand" className="mb-6">Minecraft servers · Cloud dev containers</Badge>
          <h1 className="text-4xl font-semibold tracking-tight text-white sm:text-5xl lg:text-6xl">
            Servers that <span className="text-brand-400">get back up</span> on their own.
          </h1>
          <p className="mt-6 max-w-xl text-lg text-zinc-400">
            Host a game server for your friends or a dev container for your next project. When something crashes,
            ZeroLagHub restarts it, tells you why, and keeps your world and your code safe.
          </p>
          <div className="mt-8 flex flex-col gap-3 sm:flex-row">
            <ButtonLink href="/signup" size="lg">Start free</ButtonLink>
            <ButtonLink href="/#pricing" size="lg" variant="secondary">See pricing</ButtonLink>
          </div>
          <p className="mt-4 text-sm text-zinc-500">Free plan, no card. Upgrade when your server outgrows it.</p>
        </div>
        <ConsolePreview />
      </section>

      <section id="features" className="scroll-mt-20 border-t border-white/5 bg-zinc-950/40">
        <div className="mx-auto max-w-6xl px-4 py-20 sm:px-6">
          <div className="max-w-2xl">
            <h2 className="text-3xl font-semibold tracking-tight text-white">Everything a server needs, nothing you have to babysit</h2>
            <p className="mt-3 text-zinc-400">Game servers and dev containers share one dashboard, one console, one file manager.</p>
          </div>
          <div className="mt-12 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {features.map((f) => (
              <Card key={f.title} className="p-6">
                <div className="mb-4 grid size-10 place-items-center rounded-lg bg-brand-500/10 text-brand-300 ring-1 ring-brand-400/20">
                  <Icon>{f.icon}</Icon>
                </div>
                <h3 className="font-semibold text-white">{f.title}</h3>
                <p className="mt-2 text-sm leading-6 text-zinc-400">{f.body}</p>
              </Card>
            ))}
          </div>
        </div>
      </section>

      <section id="pricing" className="scroll-mt-20 border-t border-white/5">
        <div className="mx-auto max-w-6xl px-4 py-20 sm:px-6">
          <div className="mx-auto max-w-2xl text-center">
            <h2 className="text-3xl font-semibold tracking-tight text-white">Simple pricing</h2>
            <p className="mt-3 text-zinc-400">One monthly price per plan. No per-player fees, no bandwidth surprises.</p>
          </div>
          <div className="mt-12 grid gap-4 md:grid-cols-3">
            {plans.map((plan) => {
              const featured = plan.id === "starter";
              return (
                <Card
                  key={plan.id}
                  className={cx("flex flex-col p-6", featured && "ring-2 ring-brand-400/60 bg-zinc-900/90")}
                  data-plan={plan.id}
                >
                  <div className="flex items-center justify-between">
                    <h3 className="text-lg font-semibold text-white">{plan.name}</h3>
                    {featured && <Badge tone="brand">Most popular</Badge>}
                  </div>
                  <p className="mt-1 text-sm text-zinc-400">{plan.tagline}</p>
                  <p className="mt-6 flex items-baseline gap-1">
                    <span className="text-4xl font-semibold tracking-tight text-white">${plan.priceMonthlyUsd}</span>
                    <span className="text-sm text-zinc-500">/ month</span>
                  </p>
                  <ul className="mt-6 flex-1 space-y-3 text-sm text-zinc-300">
                    {plan.features.map((feature) => (
                      <li key={feature} className="flex gap-2">
                        <svg viewBox="0 0 20 20" className="mt-0.5 size-4 shrink-0 text-brand-400" fill="currentColor" aria-hidden="true">
                          <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0z" />
                        </svg>
                        {feature}
                      </li>
                    ))}
                  </ul>
                  <ButtonLink href="/signup" variant={featured ? "primary" : "secondary"} className="mt-8 w-full">
                    {plan.priceMonthlyUsd === 0 ? "Start free" : `Choose ${plan.name}`}
                  </ButtonLink>
                </Card>
              );
            })}
          </div>
        </div>
      </section>

      <section id="faq" className="scroll-mt-20 border-t border-white/5 bg-zinc-950/40">
        <div className="mx-auto max-w-3xl px-4 py-20 sm:px-6">
          <h2 className="text-center text-3xl font-semibold tracking-tight text-white">Questions</h2>
          <div className="mt-10 divide-y divide-white/5 rounded-2xl ring-1 ring-white/10">
            {faqs.map((f) => (
              <details key={f.q} className="group px-6 py-5 [&_summary::-webkit-details-marker]:hidden">
                <summary className="flex cursor-pointer list-none items-center justify-between gap-4 font-medium text-white">
                  {f.q}
                  <span className="text-zinc-500 transition-transform group-open:rotate-45" aria-hidden="true">+</span>
                </summary>
                <p className="mt-3 text-sm leading-6 text-zinc-400">{f.a}</p>
              </details>
            ))}
          </div>
        </div>
      </section>

      <section className="border-t border-white/5">
        <div className="mx-auto flex max-w-6xl flex-col items-center px-4 py-20 text-center sm:px-6">
          <h2 className="text-3xl font-semibold tracking-tight text-white">Your server, back up before anyone notices.</h2>
          <p className="mt-3 text-zinc-400">Create an account in seconds. Your first server is free.</p>
          <ButtonLink href="/signup" size="lg" className="mt-8">Create your account</ButtonLink>
        </div>
      </section>
    </>
  );
}
