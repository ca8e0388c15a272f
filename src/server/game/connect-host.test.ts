import { describe, expect, it } from "vitest";
import { connectAddress, connectHost, hostnameOf, pingHost } from "./connect-host";

describe("the Connect address", () => {
  it("prefers ZLH_GAME_HOST, then the public URL, then the browser's host, never a port", () => {
    expect(connectHost({ gameHost: "play.example.com", publicUrl: "https://portal.example.com", requestHost: "x:1" })).toBe("play.example.com");
    expect(connectHost({ publicUrl: "https://portal.example.com:8443/", requestHost: "x:1" })).toBe("portal.example.com");
    expect(connectHost({ requestHost: "127.0.0.1:3000" })).toBe("127.0.0.1");
    expect(connectHost({ requestHost: "[::1]:3000" })).toBe("[::1]");
    expect(connectHost({ requestHost: "evil host<script>" })).toBe("localhost");
    expect(connectHost({})).toBe("localhost");
    expect(hostnameOf("Portal.Example.com")).toBe("portal.example.com");
  });

  it("leaves out the default Minecraft port", () => {
    expect(connectAddress("play.example.com", 25565)).toBe("play.example.com");
    expect(connectAddress("127.0.0.1", 30123)).toBe("127.0.0.1:30123");
  });

  it("pings local games on their bind address, loopback for a wildcard, nothing for Proxmox", () => {
    expect(pingHost("lxc", undefined)).toBe("127.0.0.1");
    expect(pingHost("lxc", "0.0.0.0")).toBe("127.0.0.1");
    expect(pingHost("lxc", "10.0.0.5")).toBe("10.0.0.5");
    expect(pingHost("proxmox", undefined)).toBeNull();
  });
});
