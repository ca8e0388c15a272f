"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Alert, Button, Card, CardBody, Field, Spinner } from "~/components/ui";
import { cx } from "~/lib/cx";
import { formError, type FormError } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { PreparingList, preparingText } from "./preparing";
import { ProvisioningTimeline } from "./provisioning-timeline";

const MEMORY_CHOICES = [512, 1024, 2048, 4096, 8192];

const selectClass =
  "block h-10 w-full rounded-lg bg-zinc-900/80 px-3 text-sm text-zinc-100 ring-1 ring-inset ring-white/10 outline-none focus:ring-2 focus:ring-brand-400 disabled:opacity-60";

function Select({ label, error, children, ...rest }: React.ComponentProps<"select"> & { label: string; error?: string }) {
  return (
    <label className="block space-y-1.5">
      <span className="block text-sm font-medium text-zinc-300">{label}</span>
      <select className={cx(selectClass, error && "ring-red-500/70")} aria-invalid={error ? true : undefined} {...rest}>
        {children}
      </select>
      {error && (
        <span className="block text-sm text-red-400" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

/** Create a server: kind, name, runtime/version or game, code-server, memory; then the live provisioning view. */
export function CreateWizard() {
  const trpc = useTRPC();
  // The first run prepares artifacts in the background: poll while any is on its way, and the
  // catalog with it, so each one becomes selectable the moment it is published (no reload).
  const preparing = useQuery({
    ...trpc.artifacts.preparing.queryOptions(),
    refetchInterval: (q) => (q.state.data?.items.some((i) => i.status !== "failed") ? 2_000 : 15_000),
  });
  const inProgress = preparing.data?.items.filter((i) => i.status !== "failed") ?? [];
  const catalog = useQuery({ ...trpc.servers.runtimeCatalog.queryOptions(), refetchInterval: inProgress.length ? 2_000 : false });
  // An item leaves the preparing list the moment it is published: fetch the catalog then. Its own
  // poll stops with the last item and may have run just before that publication.
  const inProgressKey = inProgress.map((i) => `${i.name}@${i.version}`).join(",");
  const seenKey = useRef(inProgressKey);
  const { refetch: refetchCatalog } = catalog;
  useEffect(() => {
    if (seenKey.current === inProgressKey) return;
    seenKey.current = inProgressKey;
    void refetchCatalog();
  }, [inProgressKey, refetchCatalog]);
  const [kind, setKind] = useState<"game" | "dev">("game");
  const [name, setName] = useState("");
  const [runtimeId, setRuntimeId] = useState("");
  const [runtimeVersion, setRuntimeVersion] = useState("");
  const [gameTemplate, setGameTemplate] = useState("");
  const [enableCodeServer, setEnableCodeServer] = useState(false);
  const [memoryMb, setMemoryMb] = useState(1024);
  const [error, setError] = useState<FormError | null>(null);
  const create = useMutation(trpc.servers.create.mutationOptions());

  const runtimes = catalog.data?.runtimes ?? [];
  const games = catalog.data?.games ?? [];
  // Node is the default runtime when it is offered (the catalog lists runtimes alphabetically).
  const runtime = runtimes.find((r) => r.name === (runtimeId || (runtimes.some((x) => x.name === "node") ? "node" : runtimes[0]?.name)));
  const game = gameTemplate || games[0]?.name || "";
  const preparingOf = (kinds: string[]) => (preparing.data?.items ?? []).filter((i) => kinds.includes(i.kind ?? "") || (i.kind === null && kinds.includes(i.name === "flying-squid" ? "game" : i.name === "code-server" ? "service" : "runtime")));
  const gamesPreparing = preparingOf(["game"]);
  const runtimesPreparing = preparingOf(["runtime"]);
  const ideItem = (preparing.data?.items ?? []).find((i) => i.name === "code-server");

  if (create.data) {
    return (
      <Card>
        <CardBody className="space-y-4">
          <div>
            <h2 className="text-lg font-semibold text-white">Setting up {create.data.name}</h2>
            <p className="text-sm text-zinc-400">This page follows each step live. You can leave it; setup carries on without you.</p>
          </div>
          <ProvisioningTimeline serverId={create.data.id} compact />
        </CardBody>
      </Card>
    );
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const fields: Record<string, string | undefined> = {};
    if (!name.trim()) fields.name = "Give your server a name.";
    if (kind === "dev" && !runtime) fields.runtimeId = "No runtime is available yet.";
    if (kind === "game" && !game) fields.gameTemplate = "No game is available yet.";
    if (Object.values(fields).some(Boolean)) return setError({ fields, message: "" });
    create.mutate(
      kind === "dev"
        ? { kind, name: name.trim(), runtimeId: runtime!.name, runtimeVersion: runtimeVersion || undefined, enableCodeServer: enableCodeServer && !ideItem, memoryMb }
        : { kind, name: name.trim(), gameTemplate: game, enableCodeServer: false, memoryMb },
      { onError: (err) => setError(formError(err)) },
    );
  };

  const upgrade = error?.code === "FORBIDDEN" && /upgrade|plan/i.test(error.message);
  return (
    <Card>
      <CardBody>
        <form onSubmit={onSubmit} className="space-y-6" noValidate data-testid="create-wizard">
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-zinc-300">What do you want to run?</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              {(
                [
                  ["game", "Game server", "A Minecraft-compatible world with crash recovery and a live console."],
                  ["dev", "Dev container", "A Linux workspace with your runtime, a shell and optional VS Code in the browser."],
                ] as const
              ).map(([k, title, text]) => (
                <label key={k} className={cx("cursor-pointer rounded-xl p-4 ring-1 ring-inset transition-colors", kind === k ? "bg-brand-500/10 ring-brand-400/60" : "ring-white/10 hover:bg-white/5")}>
                  <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} className="sr-only" />
                  <span className="block font-medium text-white">{title}</span>
                  <span className="mt-1 block text-sm text-zinc-400">{text}</span>
                </label>
              ))}
            </div>
          </fieldset>

          <Field label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={60} placeholder={kind === "game" ? "Friday night survival" : "api-playground"} error={error?.fields.name} />

          {catalog.isPending ? (
            <p className="flex items-center gap-2 text-sm text-zinc-400">
              <Spinner className="size-4" /> Loading available runtimes…
            </p>
          ) : catalog.isError ? (
            <Alert tone="danger">The runtime catalog is unavailable right now: {catalog.error.message}</Alert>
          ) : kind === "dev" ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <Select label="Runtime" name="runtimeId" value={runtime?.name ?? ""} onChange={(e) => (setRuntimeId(e.target.value), setRuntimeVersion(""))} error={error?.fields.runtimeId}>
                {runtimes.length === 0 && <option value="">{runtimesPreparing.length ? "Runtimes are being prepared…" : "No runtimes published yet"}</option>}
                {runtimes.map((r) => (
                  <option key={r.name} value={r.name}>
                    {r.displayName}
                  </option>
                ))}
                {runtimesPreparing.map((i) => (
                  <option key={i.name} value="" disabled>
                    {preparingText(i)}
                  </option>
                ))}
              </Select>
              <Select label="Version" name="runtimeVersion" value={runtimeVersion} onChange={(e) => setRuntimeVersion(e.target.value)} error={error?.fields.runtimeVersion}>
                {runtime && <option value="">Recommended ({runtime.defaultVersion})</option>}
                {runtime?.versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    {v.version}
                    {v.channels.length ? ` (${v.channels.join(", ")})` : ""}
                  </option>
                ))}
              </Select>
              <label className="flex items-start gap-3 sm:col-span-2">
                <input type="checkbox" name="enableCodeServer" checked={enableCodeServer && !ideItem} disabled={Boolean(ideItem)} onChange={(e) => setEnableCodeServer(e.target.checked)} className="mt-1 size-4 accent-brand-500" />
                <span>
                  <span className="block text-sm font-medium text-zinc-200">Enable code-server</span>
                  <span className="block text-sm text-zinc-400">
                    {ideItem ? `${preparingText(ideItem)}: available here once it is ready.` : "VS Code in your browser, opened from the server page. Uses about 300 MB of memory."}
                  </span>
                </span>
              </label>
            </div>
          ) : (
            <Select label="Game" name="gameTemplate" value={game} onChange={(e) => setGameTemplate(e.target.value)} error={error?.fields.gameTemplate}>
              {games.length === 0 && gamesPreparing.length === 0 && <option value="">No games published yet</option>}
              {games.map((g) => (
                <option key={g.name} value={g.name}>
                  {g.displayName} {g.defaultVersion}
                </option>
              ))}
              {gamesPreparing.map((i) => (
                <option key={i.name} value="" disabled={games.length > 0}>
                  {preparingText(i)}
                </option>
              ))}
            </Select>
          )}

          {preparing.data && <PreparingList items={preparing.data.items} canRetry={preparing.data.canRetry} />}

          <Select label="Memory" name="memoryMb" value={memoryMb} onChange={(e) => setMemoryMb(Number(e.target.value))} error={error?.fields.memoryMb}>
            {MEMORY_CHOICES.map((m) => (
              <option key={m} value={m}>
                {m >= 1024 ? `${m / 1024} GB` : `${m} MB`}
              </option>
            ))}
          </Select>

          {error?.message && (
            <Alert tone="danger" data-testid="create-error">
              {error.message.replace(/\s*Upgrade on the billing page: \/billing/, "")}
              {upgrade && (
                <>
                  {" "}
                  <Link href="/billing" className="font-medium text-white underline">
                    Upgrade your plan
                  </Link>
                </>
              )}
            </Alert>
          )}
          <Button type="submit" pending={create.isPending} size="lg" className="w-full sm:w-auto">
            Create server
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
