import { describe, expect, it } from "vitest";
import { classifyCrash } from "./classify";

const lines = (s: string) => s.trim().split("\n");

const PAPER_BOOT = lines(`
[12:00:01 INFO]: Starting minecraft server version 1.20.4
[12:00:01 INFO]: Loading properties
[12:00:02 INFO]: This server is running Paper version git-Paper-496 (MC: 1.20.4)
[12:00:05 INFO]: Preparing level "world"
[12:00:09 INFO]: Done (7.812s)! For help, type "help"
`);

describe("crash classifier", () => {
  it("Java OutOfMemoryError is oom", () => {
    const log = [
      ...PAPER_BOOT,
      ...lines(`
[13:10:44 ERROR]: Encountered an unexpected exception
java.lang.OutOfMemoryError: Java heap space
	at java.util.Arrays.copyOf(Arrays.java:3512) ~[?:?]
	at net.minecraft.world.level.chunk.storage.RegionFile.write(RegionFile.java:248) ~[paper-1.20.4.jar:git-Paper-496]
[13:10:45 ERROR]: This crash report has been saved to: /opt/zlh/game/server/crash-reports/crash-2024-01-10_13.10.45-server.txt
`),
    ];
    const r = classifyCrash({ exitCode: 1, signal: null, logTail: log });
    expect(r.classification).toBe("oom");
    expect(r.reason).toContain("OutOfMemoryError");
  });

  it("a process killed by the kernel (SIGKILL with a Killed line, or exit 137) is oom", () => {
    const log = [...PAPER_BOOT, "[13:55:02 INFO]: Saving chunks for level 'ServerLevel[world]'/minecraft:overworld", "./start.sh: line 3:  4242 Killed                  java -Xmx2G -jar server.jar nogui"];
    expect(classifyCrash({ exitCode: null, signal: "SIGKILL", logTail: log }).classification).toBe("oom");
    expect(classifyCrash({ exitCode: 137, signal: null, logTail: PAPER_BOOT }).classification).toBe("oom");
    expect(classifyCrash({ exitCode: null, signal: "SIGKILL", logTail: PAPER_BOOT, oomKilled: true }).classification).toBe("oom");
  });

  it("a cgroup OOM kill names the container's memory limit in its reason", () => {
    const r = classifyCrash({ exitCode: null, signal: "SIGKILL", logTail: PAPER_BOOT, oomKilled: true, memoryLimitBytes: 512 * 1024 ** 2 });
    expect(r).toEqual({ classification: "oom", reason: expect.stringContaining("memory limit of 512 MiB") });
    expect(classifyCrash({ exitCode: null, signal: "SIGKILL", logTail: [], oomKilled: true, memoryLimitBytes: 1.5 * 1024 ** 3 }).reason).toContain("1.5 GiB");
    expect(classifyCrash({ exitCode: null, signal: "SIGKILL", logTail: [], oomKilled: true, memoryLimitBytes: null }).reason).not.toContain("limit of");
  });

  it("a Node heap exhaustion (flying-squid) is oom", () => {
    const log = lines(`
<--- Last few GCs --->
[4242:0x6a3c000]    61234 ms: Mark-Compact 251.3 (258.6) -> 250.9 (259.1) MB, 812.33 / 0.00 ms  (average mu = 0.112, current mu = 0.021) allocation failure; scavenge might not succeed
FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
 1: 0xb8d0a3 node::Abort() [node]
`);
    expect(classifyCrash({ exitCode: null, signal: "SIGABRT", logTail: log }).classification).toBe("oom");
  });

  it("a bare SIGKILL from outside is unexpected, not a guess at oom", () => {
    const r = classifyCrash({ exitCode: null, signal: "SIGKILL", logTail: PAPER_BOOT });
    expect(r).toEqual({ classification: "unexpected_exit", reason: "killed by SIGKILL" });
  });

  it("a Bukkit plugin failing to enable is mod_or_plugin_error", () => {
    const log = lines(`
[12:00:06 INFO]: [Essentials] Enabling Essentials v2.20.1
[12:00:06 ERROR]: Error occurred while enabling Essentials v2.20.1 (Is it up to date?)
java.lang.NullPointerException: Cannot invoke "org.bukkit.World.getName()" because "world" is null
	at com.earth2me.essentials.Essentials.onEnable(Essentials.java:312) ~[EssentialsX-2.20.1.jar:?]
	at org.bukkit.plugin.java.JavaPlugin.setEnabled(JavaPlugin.java:281) ~[paper-api-1.20.4-R0.1-SNAPSHOT.jar:?]
[12:00:07 INFO]: [Essentials] Disabling Essentials v2.20.1
`);
    const r = classifyCrash({ exitCode: 1, signal: null, logTail: log });
    expect(r.classification).toBe("mod_or_plugin_error");
    expect(r.reason).toContain("Essentials");
  });

  it("a Forge mod loading failure and a Fabric entrypoint failure are mod_or_plugin_error", () => {
    const forge = lines(`
[main/ERROR] [net.minecraftforge.fml.javafmlmod.FMLModContainer/LOADING]: Failed to create mod instance. ModID: create, class com.simibubi.create.Create
net.minecraftforge.fml.ModLoadingException: Create (create) has failed to load correctly
	at net.minecraftforge.fml.javafmlmod.FMLModContainer.constructMod(FMLModContainer.java:112) ~[javafmllanguage-1.20.1-47.2.0.jar%23194!/:?]
`);
    expect(classifyCrash({ exitCode: 255, signal: null, logTail: forge }).classification).toBe("mod_or_plugin_error");
    const fabric = lines(`
[main/INFO]: Loading 42 mods:
[main/ERROR]: Could not execute entrypoint stage 'main' due to errors, provided by 'lithium'!
java.lang.IllegalStateException: Lithium config is invalid
	at me.jellysquid.mods.lithium.common.LithiumMod.onInitialize(LithiumMod.java:22)
`);
    expect(classifyCrash({ exitCode: 255, signal: null, logTail: fabric }).classification).toBe("mod_or_plugin_error");
  });

  it("ClassNotFoundException, NoClassDefFoundError and missing mods are missing_dependency", () => {
    const cnf = lines(`
[12:00:06 ERROR]: Could not load 'plugins/WorldGuard.jar' in folder 'plugins'
org.bukkit.plugin.InvalidPluginException: java.lang.NoClassDefFoundError: com/sk89q/worldedit/WorldEdit
	at org.bukkit.plugin.java.JavaPluginLoader.loadPlugin(JavaPluginLoader.java:150)
Caused by: java.lang.ClassNotFoundException: com.sk89q.worldedit.WorldEdit
`);
    const r = classifyCrash({ exitCode: 1, signal: null, logTail: cnf });
    expect(r.classification).toBe("missing_dependency");
    const fabric = lines(`
[main/ERROR]: Incompatible mods found!
net.fabricmc.loader.impl.FormattedException: Some of your mods are incompatible with the game or each other!
A potential solution has been determined:
	 - Install fabric-api, any version.
Unmet dependency listing:
	 - Mod 'Sodium Extra' (sodium-extra) 0.5.1 requires any version of sodium, which is missing!
`);
    expect(classifyCrash({ exitCode: 255, signal: null, logTail: fabric }).classification).toBe("missing_dependency");
    const forge = ["Missing or unsupported mandatory dependencies:", "\tMod ID: 'geckolib', Requested by: 'alexsmobs', Expected range: '[4.2,)', Actual version: '[MISSING]'"];
    expect(classifyCrash({ exitCode: 1, signal: null, logTail: forge }).classification).toBe("missing_dependency");
    const node = ["node:internal/modules/cjs/loader:1228", "Error: Cannot find module 'prismarine-chunk'", "Require stack:"];
    expect(classifyCrash({ exitCode: 1, signal: null, logTail: node }).classification).toBe("missing_dependency");
  });

  it("a plain non-zero exit is nonzero_exit", () => {
    const r = classifyCrash({ exitCode: 3, signal: null, logTail: [...PAPER_BOOT, "[13:00:00 WARN]: Can't keep up! Is the server overloaded?"] });
    expect(r).toEqual({ classification: "nonzero_exit", reason: "exit code 3" });
    expect(classifyCrash({ exitCode: null, signal: "SIGSEGV", logTail: [] }).classification).toBe("nonzero_exit");
  });

  it("a clean exit nobody asked for is unexpected_exit", () => {
    const log = [...PAPER_BOOT, "[14:00:00 INFO]: Stopping server", "[14:00:01 INFO]: Saving worlds"];
    expect(classifyCrash({ exitCode: 0, signal: null, logTail: log }).classification).toBe("unexpected_exit");
  });
});
