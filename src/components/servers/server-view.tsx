"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { OpenIdeButton } from "~/components/servers/open-ide-button";
import { Alert, Badge, Card, CardBody, CardHeader, CardTitle, Spinner } from "~/components/ui";
import { cx } from "~/lib/cx";
import { useTRPC } from "~/trpc/react";
import { ConnectCard } from "./connect-card";
import { ModsPanel } from "./mods-panel";
import { RuntimesPanel } from "./runtimes-panel";
import { ConsoleTerminal } from "./console-terminal";
import { ContainerFigures } from "./container-figures";
import { CrashHistory } from "./crash-history";
import { FileBrowser } from "./file-browser";
import { HistoryPanel } from "./history-panel";
import { LogViewer } from "./log-viewer";
import { displayPhase, formatBytes, formatUptime, statusLabel, statusTone } from "./format";
import { PowerButtons } from "./power-buttons";
import { ProvisioningTimeline } from "./provisioning-timeline";
import { SshSnippet } from "./ssh-snippet";
import { BackupsPanel } from "./backups-panel";
import { SchedulesPanel } from "./schedules-panel";
import { WakeOnOpen } from "./wake-on-open";
import type { SshGateway } from "./ssh-config";

const TABS = ["overview", "console", "files", "logs", "backups", "schedules", "ide", "ssh"] as const;
type Tab = (typeof TABS)[number];
const TAB_LABELS: Record<Tab, string> = { overview: "Overview", console: "Console", files: "Files", logs: "Logs", backups: "Backups", schedules: "Schedules", ide: "IDE", ssh: "SSH" };

/** The server page: live state (polled) and the tabs. The tab lives in ?tab= so it survives reloads. */
export function ServerView({ serverId, devDomain, sshGateway = null }: { serverId: string; devDomain: string; sshGateway?: SshGateway | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const q = useQuery({ ...trpc.monitor.server.queryOptions({ serverId }), refetchInterval: 2_000 });
  if (q.isPending) {
    return (
      <p className="flex items-center gap-2 text-sm text-zinc-400">
        <Spinner className="size-4" /> Loading…
      </p>
    );
  }
  if (q.isError) return <Alert tone="danger">{q.error.message}</Alert>;
  const data = q.data;
  const { server, live } = data;
  const tabs = TABS.filter((t) => t !== "ide" || server.kind === "dev").filter((t) => t !== "ssh" || server.kind === "dev");
  const wanted = params.get("tab") as Tab | null;
  const tab: Tab = wanted && tabs.includes(wanted) ? wanted : "overview";
  const running = server.status === "running";
  const phase = displayPhase(server, live);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="truncate text-2xl font-semibold text-white">{server.name}</h1>
          <p className="mt-1 text-sm text-zinc-400">
            {server.kind === "game" ? `Game server · ${server.gameTemplate}` : `Dev container · ${server.runtimeId} ${server.runtimeVersion ?? ""}`} · vmid {server.vmid} · {server.memoryMb} MB
          </p>
        </div>
        <Badge tone={statusTone(phase)} dot className="text-sm" data-testid="server-status">
          {statusLabel(phase)}
        </Badge>
      </div>

      <div role="tablist" aria-label="Server sections" className="flex gap-1 overflow-x-auto border-b border-white/10">
        {tabs.map((t) => (
          <button
            key={t}
            role="tab"
            aria-selected={tab === t}
            onClick={() => router.replace(`${pathname}?tab=${t}`, { scroll: false })}
            className={cx("-mb-px border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap", tab === t ? "border-brand-400 text-white" : "border-transparent text-zinc-400 hover:text-zinc-200")}
          >
            {TAB_LABELS[t]}
          </button>
        ))}
      </div>

      {tab === "overview" && (
        <div className="grid gap-6 lg:grid-cols-3">
          <Card className="lg:col-span-1">
            <CardHeader>
              <CardTitle>State</CardTitle>
            </CardHeader>
            <CardBody className="space-y-4">
              <dl className="grid grid-cols-2 gap-3 text-sm">
                <dt className="text-zinc-500">Container</dt>
                <dd className="text-zinc-200">{statusLabel(server.status)}</dd>
                {server.kind === "game" && (
                  <>
                    <dt className="text-zinc-500">Game</dt>
                    <dd className="text-zinc-200" data-testid="game-state">
                      {live.game ? statusLabel(live.game.state) : "–"}
                    </dd>
                    <dt className="text-zinc-500">Game port</dt>
                    <dd className="text-zinc-200">{live.game?.port ?? "–"}</dd>
                  </>
                )}
                <dt className="text-zinc-500">Uptime</dt>
                <dd className="text-zinc-200">{running ? formatUptime(server.kind === "game" ? live.game?.uptimeSeconds : live.agentUptimeSeconds) : "–"}</dd>
                {live.container ? (
                  <ContainerFigures c={live.container} />
                ) : (
                  <>
                    <dt className="text-zinc-500">Agent memory</dt>
                    <dd className="text-zinc-200">{formatBytes(data.samples.at(-1)?.rssBytes)}</dd>
                  </>
                )}
                {live.runtimes.length > 0 && (
                  <>
                    <dt className="text-zinc-500">Runtimes</dt>
                    <dd className="text-zinc-200">{live.runtimes.map((r) => `${r.name} ${r.version}`).join(", ")}</dd>
                  </>
                )}
              </dl>
              {live.game?.nextRestartAt && <Alert tone="warning">The game crashed; it restarts automatically at {new Date(live.game.nextRestartAt).toLocaleTimeString()}.</Alert>}
              {live.game?.error && <Alert tone="danger">{live.game.error} Fix the cause (see the crash history), then press Start.</Alert>}
              {server.suspendedReason && <Alert tone="warning">Suspended: {server.suspendedReason}</Alert>}
              <PowerButtons data={data} />
            </CardBody>
          </Card>
          <div className="space-y-6 lg:col-span-2">
            {server.kind === "game" && server.status !== "provisioning" && <ConnectCard serverId={serverId} running={running} />}
            {running && live.provisioningComplete && (server.kind === "game" ? <ModsPanel serverId={serverId} /> : <RuntimesPanel serverId={serverId} />)}
            {server.status !== "provisioning" && (
              <Card>
                <CardHeader>
                  <CardTitle>History</CardTitle>
                </CardHeader>
                <CardBody>
                  <HistoryPanel serverId={serverId} kind={server.kind} />
                </CardBody>
              </Card>
            )}
            {server.kind === "game" && (
              <Card>
                <CardHeader>
                  <CardTitle>Crash history</CardTitle>
                </CardHeader>
                <CardBody>
                  <CrashHistory serverId={serverId} />
                </CardBody>
              </Card>
            )}
            <Card>
              <CardHeader>
                <CardTitle>Timeline</CardTitle>
              </CardHeader>
              <CardBody>
                <ProvisioningTimeline serverId={serverId} />
              </CardBody>
            </Card>
          </div>
        </div>
      )}

      {tab === "console" &&
        (running ? (
          <ConsoleTerminal serverId={serverId} kind={server.kind === "game" ? "game" : "dev"} />
        ) : server.autoStoppedAt || server.status === "starting" || server.status === "stopped" ? (
          <WakeOnOpen serverId={serverId} status={server.status} auto={server.autoStoppedAt !== null || server.status === "starting"} />
        ) : (
          <Alert tone="info">The console is available while the server is running.</Alert>
        ))}

      {tab === "files" &&
        (running ? <FileBrowser serverId={serverId} rootLabel={server.kind === "game" ? "server" : "workspace"} /> : <Alert tone="info">Start the server to browse its files.</Alert>)}

      {tab === "ide" && (
        <Card>
          <CardBody className="space-y-3">
            {server.enableCodeServer ? (
              <>
                <p className="text-sm text-zinc-400">VS Code in your browser, running inside this container. It opens in a new tab.</p>
                <OpenIdeButton serverId={serverId} disabled={!running || !live.codeServer?.running} />
                {running && !live.codeServer?.running && <p className="text-xs text-zinc-500">code-server is not running yet.</p>}
              </>
            ) : (
              <p className="text-sm text-zinc-400">code-server was not enabled when this server was created.</p>
            )}
          </CardBody>
        </Card>
      )}

      {tab === "logs" &&
        (running ? <LogViewer serverId={serverId} source={server.kind === "game" ? "game" : "code-server"} /> : <Alert tone="info">Start the server to read its logs.</Alert>)}

      {tab === "backups" && <BackupsPanel serverId={serverId} kind={server.kind === "game" ? "game" : "dev"} running={running} />}

      {tab === "schedules" && <SchedulesPanel serverId={serverId} kind={server.kind === "game" ? "game" : "dev"} />}

      {tab === "ssh" && (
        <Card>
          <CardBody>
            <SshSnippet target={{ vmid: server.vmid, provider: server.provider, sshHost: server.sshHost, sshPort: server.sshPort }} devDomain={devDomain} gateway={sshGateway} />
          </CardBody>
        </Card>
      )}
    </div>
  );
}
