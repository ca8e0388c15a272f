import { describe, expect, it } from "vitest";
import { isOwnDisk } from "./own-disk";

// Lines as a container's /proc/self/mountinfo has them.
const lxcOverlay = "412 380 0:52 / / rw,relatime - overlay overlay rw,lowerdir=/srv/zlh/templates/debian-12/rootfs,upperdir=/srv/zlh/lxc/containers/zlh-101/delta0,workdir=/srv/zlh/lxc/containers/zlh-101/olwork\n413 412 0:53 / /proc rw - proc proc rw";
const hostBind = "500 400 254:1 /var/lib/lxc/zlh-102/rootfs / rw,relatime - ext4 /dev/vda1 rw";
const pveVolume = "600 590 253:7 / / rw,relatime - ext4 /dev/mapper/pve-vm--103--disk--0 rw";
const pveZfs = "700 690 0:61 / / rw,xattr,posixacl - zfs rpool/data/subvol-104-disk-0 rw,xattr,posixacl";

describe("isOwnDisk", () => {
  it("an overlay root (the lxc provider) or a bind-mounted host folder is the host's disk, not the container's", () => {
    expect(isOwnDisk(lxcOverlay, "/")).toBe(false);
    expect(isOwnDisk(hostBind, "/")).toBe(false);
  });

  it("a volume of the container's own (Proxmox VE's LV or ZFS subvolume) is its disk", () => {
    expect(isOwnDisk(pveVolume, "/")).toBe(true);
    expect(isOwnDisk(pveZfs, "/")).toBe(true);
  });

  it("the deepest mount holding the folder decides, the last of equal mount points (stacked on top) wins", () => {
    const data = `${lxcOverlay}\n420 412 253:9 / /srv/data rw - ext4 /dev/vdb rw`;
    expect(isOwnDisk(data, "/srv/data/world")).toBe(true);
    expect(isOwnDisk(data, "/srv/database")).toBe(false);
    expect(isOwnDisk(`${pveVolume}\n${lxcOverlay.split("\n")[0]}`, "/")).toBe(false);
  });

  it("mount points with escaped spaces are decoded; no mountinfo at all is not an own disk", () => {
    expect(isOwnDisk("30 23 8:1 / /mnt/my\\040disk rw - ext4 /dev/sdb1 rw", "/mnt/my disk/x")).toBe(true);
    expect(isOwnDisk("", "/")).toBe(false);
  });
});
