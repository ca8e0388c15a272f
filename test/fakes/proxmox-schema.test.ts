import { describe, expect, it } from "vitest";
import { loadSchema, validateRequest } from "./proxmox-schema";

const create = {
  vmid: "6000", ostemplate: "local:vztmpl/zlh.tar.zst", hostname: "zlh-6000", memory: "2048", swap: "0", cores: "2",
  storage: "local-lvm", rootfs: "local-lvm:8", net0: "name=eth0,bridge=vmbr0,ip=dhcp,firewall=1", unprivileged: "1",
  features: "nesting=1", onboot: "1", start: "0", description: "x",
};
const errorsOf = (v: ReturnType<typeof validateRequest>) => (v.ok ? {} : "errors" in v ? v.errors : { status: v.message });

describe("Proxmox VE schema validation (official extract)", () => {
  it("is the official extract, with its source", () => {
    expect(loadSchema().source).toMatch(/Official Proxmox VE API schema .*9\.1\.3/);
  });

  it("accepts a well-formed create, firewall options and rules", () => {
    expect(validateRequest("POST", "/nodes/pve/lxc", create)).toMatchObject({ ok: true, route: "/nodes/{node}/lxc" });
    expect(validateRequest("PUT", "/nodes/pve/lxc/6000/firewall/options", { enable: "1", policy_in: "DROP", policy_out: "ACCEPT" }).ok).toBe(true);
    expect(validateRequest("POST", "/nodes/pve/lxc/6000/firewall/rules", { type: "in", action: "ACCEPT", proto: "tcp", dport: "7070", source: "10.0.0.2", enable: "1", comment: "zlh" }).ok).toBe(true);
    expect(validateRequest("GET", "/nodes/pve/tasks/UPID:pve:0001:x/status", {}).ok).toBe(true);
  });

  it("refuses what the real API refuses, naming the parameter", () => {
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc", { ...create, firewall: "1" }))).toEqual({ firewall: expect.stringMatching(/not defined in schema/) });
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc", { ...create, memory: "2GB" }))).toEqual({ memory: expect.stringMatching(/type check \('integer'\)/) });
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc", { ...create, memory: "8" }))).toEqual({ memory: expect.stringMatching(/minimum value of 16/) });
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc", { ...create, unprivileged: "maybe" }))).toEqual({ unprivileged: expect.stringMatching(/boolean/) });
    const { ostemplate: _o, ...noTemplate } = create;
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc", noTemplate))).toEqual({ ostemplate: "property is missing and it is not optional" });
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc", { ...create, net0: "name=eth0,bridge=vmbr0,firewal=1" }))).toEqual({ "net0.firewal": expect.stringMatching(/not defined/) });
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc", { ...create, net0: "name=eth0,bridge=vmbr 0" }))).toEqual({ "net0.bridge": expect.stringMatching(/regex/) });
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc", { ...create, net0: "bridge=vmbr0" }))).toEqual({ "net0.name": "property is missing and it is not optional" });
    expect(errorsOf(validateRequest("PUT", "/nodes/pve/lxc/6000/firewall/options", { policy_in: "BLOCK" }))).toEqual({ policy_in: expect.stringMatching(/enumeration/) });
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc/6000/firewall/rules", { type: "in", action: "ACCEPT", dport: "70000" }))).toEqual({ dport: expect.stringMatching(/format/) });
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc/6000/firewall/rules", { type: "in", action: "ACCEPT", source: "10.0.0.1/99" }))).toEqual({ source: expect.stringMatching(/format/) });
    expect(errorsOf(validateRequest("POST", "/nodes/pve/lxc/6000/firewall/rules", { action: "ACCEPT" }))).toEqual({ type: "property is missing and it is not optional" });
    expect(errorsOf(validateRequest("GET", "/nodes/pve/lxc/99/status/current", {}))).toEqual({ vmid: expect.stringMatching(/minimum value of 100/) });
  });

  it("answers 501 for paths and methods the API does not have", () => {
    expect(validateRequest("GET", "/nodes/pve/lxc/6000/exec", {})).toMatchObject({ ok: false, status: 501 });
    expect(validateRequest("PATCH", "/nodes/pve/lxc/6000/config", {})).toMatchObject({ ok: false, status: 501 });
  });
});
