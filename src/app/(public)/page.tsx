import type { ReactNode } from "react";
import { DEFAULT_BACKOFF } from "../../../agent/src/game/backoff";
import { ConsolePreview } from "~/components/marketing/console-preview";
import { PublishedGames } from "~/components/marketing/published-games";
import { Badge, ButtonLink, Card } from "~/components/ui";
import { backoffWords } from "~/lib/crash-preview";
import { plans } from "~/server/billing/plans";
import { cx } from "~/lib/cx";

// The games and runtimes listed come from the catalog as it is now, not from the build.
export const dynamic = "force-dynamic";

const backoff = backoffWords(DEFAULT_BACKOFF);

// Only what the product does today; each line is backed by code (see the README sections).
const features: { title: string; body: string; icon: ReactNode }[] = [
  {
    title: "Crash recovery, automatically",
    body: `When the game exits unexpectedly, the supervisor records the exit, a likely cause (out of memory, a mod or plugin error, a missing dependency) and the last log lines, then restarts it after ${backoff}. After ${DEFAULT_BACKOFF.maxFailures} crashes in a row it stops and tells you instead of looping.`,
    icon: <path d="M4 12a8 8 0 1 1 2.3 5.7M4 12V7m0 5h5" />,
  },
  {
    title: "VS Code in your browser",
    body: "Dev containers can run code-server (VS Code) at their own address, dev-<id>.<your domain>, opened from the portal with a one-time link. It runs inside your container, next to your files and terminal.",
    icon: <path d="M8 9l-4 3 4 3m8-6l4 3-4 3M14 5l-4 14" />,
  },
  {
    title: "Live console",
    body: "The game's own console for game servers, a shell for dev containers: output as it happens, type commands, and it reconnects by itself.",
    icon: <path d="M4 6h16v12H4zM7 10l3 2-3 2m5 0h4" />,
  },
  {
    title: "File manager",
    body: "Browse, edit, rename, delete and download files; drag files in to upload. Large uploads go in pieces and carry on where they stopped if your connection drops.",
    icon: <path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z" />,
  },
  {
    title: "SSH into dev containers",
    body: "Add your public keys once in Settings; every dev container accepts them for SSH and SFTP, and the portal prints the ssh config block to paste.",
    icon: <path d="M4 17l6-6-6-6m8 14h8" />,
  },
  {
    title: "Signed, checked installs",
    body: "Runtimes and games come from a signed catalog; the container checks the signature and every file's sha256 before installing it.",
    icon: <path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z" />,
  },
];

const faqs: { q: string; a: string }[] = [
  {
    q: "Which games can I host?",
    a: "The ones listed above under \"Available now\": they come straight from this portal's published catalog. Minecraft Java clients connect to them with the address shown on the server page.",
  },
  {
    q: "What is a dev container?",
    a: "A Linux workspace with the runtime you pick (the list above), a shell in the browser, SSH with your keys, and optionally VS Code in the browser at its own address.",
  },
  {
    q: "What happens when my server crashes?",
    a: `The crash is recorded with its exit, a likely cause and the last log lines, and the game restarts after ${backoff}. After ${DEFAULT_BACKOFF.maxFailures} crashes in a row the restarts stop and the server page says so, so you can fix the cause and press Start.`,
  },
  {
    q: "Can I change or cancel my plan?",
    a: "Yes, from the billing page (payments through Stripe). Each plan's limits are listed below and enforced when you create a server.",
  },
  {
    q: "Is there a free plan?",
    a: "Yes, no card needed. Its limits are the first column of the pricing above.",
  },
];

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      {children}
    </svg>
  );
}

export default function LandingPage() {
  return (
    <>
      <section className="mx-auto grid max-w-6xl items-center gap-12 px-4 pt-16 pb-20 sm:px-6 lg:grid-cols-2 lg:pt-24">
        <div>
          <Badge tone="brand" className="mb-6">Minecraft-compatible game servers · Cloud dev containers</Badge>
          <h1 className="text-4xl font-semibold tracking-tight text-white sm:text-5xl lg:text-6xl">
            Servers that <span className="text-brand-400">get back up</span> on their own.
          </h1>
          <p className="mt-6 max-w-xl text-lg text-zinc-400">
            Host a game server for your friends or a dev container for your next project. When the game crashes,
            ZeroLagHub restarts it and tells you why.
          </p>
          <div className="mt-8 flex flex-col gap-3 sm:flex-row">
            <ButtonLink href="/signup" size="lg">Start free</ButtonLink>
            <ButtonLink href="/#pricing" size="lg" variant="secondary">See pricing</ButtonLink>
          </div>
          <p className="mt-4 text-sm text-zinc-500">Free plan, no card.</p>
        </div>
        <ConsolePreview />
      </section>

      <section id="features" className="scroll-mt-20 border-t border-white/5 bg-zinc-950/40">
        <div className="mx-auto max-w-6xl px-4 py-20 sm:px-6">
          <div className="max-w-2xl">
            <h2 className="text-3xl font-semibold tracking-tight text-white">Everything a server needs, nothing you have to babysit</h2>
            <p className="mt-3 text-zinc-400">Game servers and dev containers share one dashboard, one console, one file manager; every plan has all of this.</p>
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

      <section id="catalog" className="scroll-mt-20 border-t border-white/5">
        <div className="mx-auto max-w-6xl px-4 py-20 sm:px-6">
          <h2 className="text-3xl font-semibold tracking-tight text-white">Available now</h2>
          <p className="mt-3 mb-8 text-zinc-400">What you can create on this portal today, straight from its published catalog.</p>
          <PublishedGames />
        </div>
      </section>

      <section id="pricing" className="scroll-mt-20 border-t border-white/5">
        <div className="mx-auto max-w-6xl px-4 py-20 sm:px-6">
          <div className="mx-auto max-w-2xl text-center">
            <h2 className="text-3xl font-semibold tracking-tight text-white">Simple pricing</h2>
            <p className="mt-3 text-zinc-400">One monthly price per plan; every line below is a limit the portal enforces.</p>
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
          <h2 className="text-3xl font-semibold tracking-tight text-white">Your server, back up without you.</h2>
          <p className="mt-3 text-zinc-400">Create an account; the free plan needs no card.</p>
          <ButtonLink href="/signup" size="lg" className="mt-8">Create your account</ButtonLink>
        </div>
      </section>
    </>
  );
}
