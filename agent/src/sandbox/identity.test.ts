import { describe, expect, it } from "vitest";
import { parsePasswdEntry, runAsArgv, runAsFrom, supplementaryGroups } from "./identity";

const passwd = "root:x:0:0:root:/root:/bin/bash\ndev:x:1000:1000::/home/dev:/bin/bash\ndevops:x:1001:1001::/home/devops:/bin/sh\ngame:x:999:999::/opt/zlh/game:/usr/sbin/nologin\n";
const group = "root:x:0:\nusers:x:100:dev,game\ndev:x:1000:\naudio:x:29:devops\nbad:x::dev\n";

describe("parsePasswdEntry", () => {
  it("finds by exact name", () => expect(parsePasswdEntry(passwd, "dev")).toEqual({ uid: 1000, gid: 1000, home: "/home/dev", shell: "/bin/bash" }));
  it("does not match a prefix", () => expect(parsePasswdEntry("devops:x:1001:1001::/h:/bin/sh\n", "dev")).toBeNull());
  it("refuses empty ids", () => expect(parsePasswdEntry("dev:x:::/h:/h:/bin/sh\n", "dev")).toBeNull());
});

describe("supplementaryGroups", () => {
  it("primary first, then groups listing the user", () => expect(supplementaryGroups(group, "dev", 1000)).toEqual([1000, 100]));
  it("no member match by prefix", () => expect(supplementaryGroups("g:x:5:devops\n", "dev", 1000)).toEqual([1000]));
});

describe("runAsArgv", () => {
  const game = runAsFrom(passwd, group, "game")!;
  it("wraps the command in setpriv with uid, gid, groups, no caps, no new privileges", () => {
    expect(runAsArgv(game, ["node", "launcher.mjs"])).toEqual([
      "/usr/bin/setpriv", "--reuid=999", "--regid=999", "--groups=999,100", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--", "node", "launcher.mjs",
    ]);
  });
  it("runs as the agent itself when there is no user to switch to", () => expect(runAsArgv(null, ["sh", "-l"])).toEqual(["sh", "-l"]));
  it("refuses root", () => {
    expect(() => runAsArgv(runAsFrom(passwd, group, "root"), ["sh"])).toThrow(/root/);
    expect(() => runAsArgv({ name: "x", uid: 5, gid: 5, groups: [5, 0], home: "/" }, ["sh"])).toThrow(/root/);
  });
});
