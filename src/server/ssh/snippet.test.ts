import { describe, expect, it } from "vitest";
import { sshConfigSnippet, sshWildcardSnippet } from "./snippet";

describe("sshConfigSnippet", () => {
  it("gives a direct Host/Port entry for a local container", () => {
    expect(sshConfigSnippet({ vmid: 6001, sshHost: "127.0.0.1", sshPort: 40222 }, { devDomain: "localhost" })).toBe(
      "Host dev-6001\n  HostName 127.0.0.1\n  Port 40222\n  User dev\n  HostKeyAlias dev-6001\n",
    );
  });

  it("goes through the tunnel command when one is configured", () => {
    const s = sshConfigSnippet({ vmid: 6002, sshHost: "10.0.0.5", sshPort: 22 }, { devDomain: "dev.example.com", proxyCommand: "cloudflared access ssh --hostname %h" });
    expect(s).toBe(
      "Host dev-6002\n  HostName dev-6002.dev.example.com\n  User dev\n  Port 22\n  ProxyCommand cloudflared access ssh --hostname %h\n  HostKeyAlias dev-6002\n",
    );
  });

  it("points at the portal's SSH gateway when it runs (login name dev-<vmid>, one host key alias), endpoint or not", () => {
    const gateway = { host: "portal.example.com", port: 2222 };
    expect(sshConfigSnippet({ vmid: 6004, sshHost: null, sshPort: null }, { devDomain: "localhost", proxyCommand: "cloudflared access ssh --hostname %h", gateway })).toBe(
      "Host dev-6004\n  HostName portal.example.com\n  Port 2222\n  User dev-6004\n  HostKeyAlias zlh-ssh-gateway\n",
    );
  });

  it("is null before the container has an SSH endpoint (direct mode)", () => {
    expect(sshConfigSnippet({ vmid: 6003, sshHost: null, sshPort: null }, { devDomain: "localhost" })).toBeNull();
    expect(sshConfigSnippet({ vmid: 6003, sshHost: "127.0.0.1", sshPort: null }, { devDomain: "localhost", proxyCommand: " " })).toBeNull();
  });

  it("refuses values that would add directives", () => {
    expect(() => sshConfigSnippet({ vmid: 1, sshHost: "h\n  ProxyCommand evil", sshPort: 22 }, { devDomain: "localhost" })).toThrow(/single line/);
    expect(() => sshConfigSnippet({ vmid: 1, sshHost: null, sshPort: null }, { devDomain: "x", proxyCommand: "a\nb" })).toThrow(/single line/);
  });
});

describe("sshWildcardSnippet", () => {
  it("is the seed's Host *.<dev domain> block with a tunnel, null without", () => {
    expect(sshWildcardSnippet({ devDomain: "dev.example.com", proxyCommand: "cloudflared access ssh --hostname %h" })).toBe(
      "Host *.dev.example.com\n  User dev\n  ProxyCommand cloudflared access ssh --hostname %h\n",
    );
    expect(sshWildcardSnippet({ devDomain: "localhost" })).toBeNull();
  });
});
