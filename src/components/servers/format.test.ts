import { describe, expect, it } from "vitest";
import { displayPhase, formatBytes, formatUptime, percent, statusTone } from "./format";
import { sshConfigSnippet } from "./ssh-config";

describe("server formatting", () => {
  it("formats bytes, uptimes and percentages", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(250 * 1024 * 1024)).toBe("250 MB");
    expect(formatBytes(null)).toBe("–");
    expect(formatUptime(59)).toBe("59s");
    expect(formatUptime(3725)).toBe("1h 2m");
    expect(formatUptime(90061)).toBe("1d 1h");
    expect(percent(5, 10)).toBe(50);
    expect(percent(5, 0)).toBeNull();
    expect(statusTone("running")).toBe("success");
    expect(statusTone("mystery")).toBe("neutral");
  });
});

describe("sshConfigSnippet", () => {
  it("points a local container's alias at its port", () => {
    expect(sshConfigSnippet({ vmid: 6001, provider: "local", sshHost: "127.0.0.1", sshPort: 40222 }, "localhost")).toBe(
      "Host dev-6001\n  HostName 127.0.0.1\n  Port 40222\n  User dev\n  StrictHostKeyChecking accept-new\n",
    );
  });
  it("points an lxc container's alias at its published port", () => {
    expect(sshConfigSnippet({ vmid: 6004, provider: "lxc", sshHost: "127.0.0.1", sshPort: 40223 }, "localhost")).toBe(
      "Host dev-6004\n  HostName 127.0.0.1\n  Port 40223\n  User dev\n  StrictHostKeyChecking accept-new\n",
    );
  });
  it("names the portal's SSH gateway when it runs (it starts a stopped server), endpoint or not", () => {
    expect(sshConfigSnippet({ vmid: 6005, provider: "lxc", sshHost: null, sshPort: null }, "localhost", { host: "portal.example.com", port: 2222 })).toBe(
      "Host dev-6005\n  HostName portal.example.com\n  Port 2222\n  User dev-6005\n  HostKeyAlias zlh-ssh-gateway\n",
    );
  });
  it("uses the dev domain for other providers", () => {
    const s = sshConfigSnippet({ vmid: 6002, provider: "proxmox", sshHost: "10.0.0.12", sshPort: 22 }, "dev.zerolaghub.com")!;
    expect(s).toContain("Host *.dev.zerolaghub.com\n  User dev");
    expect(s).toContain("Host dev-6002.dev.zerolaghub.com\n  HostName 10.0.0.12\n  Port 22");
  });
  it("has nothing to offer without a port", () => {
    expect(sshConfigSnippet({ vmid: 6003, provider: "local", sshHost: "127.0.0.1", sshPort: null }, "localhost")).toBeNull();
  });
});

describe("displayPhase", () => {
  const live = (over: Partial<{ reachable: boolean; error: string | null; game: { state: string } | null }> = {}) => ({ reachable: true, error: null, game: null, ...over });
  it("says unreachable when a running server's agent does not answer", () => {
    expect(displayPhase({ kind: "dev", status: "running" }, live({ reachable: false, error: "agent at unix:/x is unreachable" }))).toBe("unreachable");
    expect(statusTone("unreachable")).toBe("danger");
  });
  it("shows the game's own state while it answers, and the stored status otherwise", () => {
    expect(displayPhase({ kind: "game", status: "running" }, live({ game: { state: "crashed" } }))).toBe("crashed");
    expect(displayPhase({ kind: "dev", status: "stopped" }, live({ reachable: false }))).toBe("stopped");
  });
});
