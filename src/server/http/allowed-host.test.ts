import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { allowedHostNames, allowedHostRoute, allowedHostUpgradeRoute, hostAllowed, hostNameOf } from "./allowed-host";

const ours = allowedHostNames(new URL("https://portal.example.com").hostname, " Portal.Example.NET , ");

describe("allowed hosts", () => {
  it("reads the name out of a Host header (port, brackets, case, trailing dot)", () => {
    expect(hostNameOf("Portal.Example.com:8443")).toBe("portal.example.com");
    expect(hostNameOf("portal.example.com.")).toBe("portal.example.com");
    expect(hostNameOf("[::1]:3000")).toBe("::1");
    expect(hostNameOf("[::1")).toBeNull();
    expect(hostNameOf("a:b:c")).toBeNull();
    expect(hostNameOf("host:port")).toBeNull();
  });

  it("answers the public URL's name, ZLH_ALLOWED_HOSTS, localhost and IP addresses", () => {
    for (const h of ["portal.example.com", "PORTAL.example.com:443", "portal.example.net", "localhost:3000", "localhost.", "127.0.0.1:3000", "10.0.2.2", "[::1]:3000", "[fd00::5]"]) expect(hostAllowed(h, ours), h).toBe(true);
    expect(hostAllowed(undefined, ours)).toBe(true);
  });

  it("refuses every other name, including ones that look like ours", () => {
    for (const h of ["evil.test", "dev-1.localhost.evil.test", "dev-1.evil.test", "portal.example.com.evil.test", "xportal.example.com", "localhost.evil.test:3000", "127.0.0.1.nip.io", "", "[::1"]) expect(hostAllowed(h, ours), h).toBe(false);
  });

  it("the route answers 421 for a foreign name and lets ours through", () => {
    const call = (host: string) => {
      let status = 0;
      const res = { writeHead: (s: number) => ((status = s), { end: () => {} }) } as unknown as ServerResponse;
      const took = allowedHostRoute(() => ours)({ headers: { host } } as IncomingMessage, res);
      return { took, status };
    };
    expect(call("evil.test:3000")).toEqual({ took: true, status: 421 });
    expect(call("portal.example.com")).toEqual({ took: false, status: 0 });
  });

  it("an upgrade for a foreign name is answered 421 and closed; ours goes on to the relay", async () => {
    const call = async (host: string) => {
      let written = "";
      const socket = { end: (s: string) => void (written = s) } as unknown as Duplex;
      const took = await allowedHostUpgradeRoute(() => ours)({ headers: { host } } as IncomingMessage, socket, Buffer.alloc(0));
      return { took, written: written.split("\r\n")[0] };
    };
    expect(await call("rebind.evil.test:3000")).toEqual({ took: true, written: "HTTP/1.1 421 Misdirected Request" });
    expect(await call("localhost:3000")).toEqual({ took: false, written: "" });
  });
});
