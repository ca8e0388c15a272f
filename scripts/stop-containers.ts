// Stops every local container agent (and what it started) under a data folder: used after the e2e
// suite and by hand (`npx tsx scripts/stop-containers.ts [dataDir]`). Folders stay; a portal start
// restarts what should run.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { LocalProvider } from "../src/server/provisioning/providers/local";
import { LxcProvider } from "../src/server/provisioning/providers/lxc";

const dataDir = path.resolve(process.argv[2] ?? process.env.ZLH_DATA_DIR ?? ".data");
const provider = new LocalProvider({ dataDir });
const dir = provider.containersDir;
const vmids = existsSync(dir) ? readdirSync(dir).filter((n) => /^\d+$/.test(n)).map(Number) : [];
for (const vmid of vmids) {
  await provider.stop(JSON.stringify({ dir: provider.dirOf(vmid), vmid }), 20_000);
}
console.log(`stopped ${vmids.length} unisolated container(s) under ${dir}`);
// lxc containers (and their slirp4netns) under the same data folder.
const lxc = new LxcProvider({ dataDir });
const lxcVmids = lxc.listVmids();
for (const vmid of lxcVmids) await lxc.stop(lxc.refOf(vmid), 20_000);
console.log(`stopped ${lxcVmids.length} lxc container(s) under ${lxc.containersDir}`);
