#!/usr/bin/env bash
# Builds the Proxmox VE container template: Debian bookworm (systemd, DHCP on eth0), Node for the
# agent, the agent bundle with its native modules, and the agent as a boot service. Output: a
# .tar.zst for `vztmpl` storage, plus the pre-start hookscript that hands the agent its settings.
#
#   deploy/proxmox/build-template.sh [OUT_DIR]     (as root, on Debian, from the repository root)
#
# The Debian archive is the mirror this machine's apt already uses; Node comes from the artifact
# cache (`npm run artifacts -- build node`), never from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-$PWD/.data/proxmox-template}
node_version=${ZLH_TEMPLATE_NODE:-24.21.0}
node_tar="$HOME/.cache/zeroLagHub/node/$node_version/node-$node_version-linux-x64.tar.gz"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)}

[ "$(id -u)" = 0 ] || { echo "build-template: run as root (debootstrap)"; exit 1; }
command -v debootstrap >/dev/null || { echo "build-template: apt-get install debootstrap zstd"; exit 1; }
[ -f "$node_tar" ] || npm run -s artifacts -- build "node@$node_version"
node scripts/build-agent.mjs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
echo "debootstrap bookworm from $mirror"
debootstrap --variant=minbase --include=systemd-sysv,ifupdown,isc-dhcp-client,ca-certificates,procps,passwd,util-linux \
  bookworm "$root" "$mirror" >/dev/null

# Node for the agent (runtimes for users come from the artifact server at provisioning).
mkdir -p "$root/opt/zlh/node" "$root/opt/zlh/agent" "$root/etc/zlh"
tar -xzf "$node_tar" -C "$root/opt/zlh/node" --strip-components=1
cp agent/dist/main.mjs agent/dist/wrapper.mjs "$root/opt/zlh/agent/"
# Native modules stay external to the bundle: ship them beside it.
for m in node-pty ssh2 cpu-features; do
  [ -d "node_modules/$m" ] && mkdir -p "$root/opt/zlh/agent/node_modules" && cp -a "node_modules/$m" "$root/opt/zlh/agent/node_modules/"
done
chmod 0700 "$root/etc/zlh"

install -m 0644 deploy/systemd/zerolaghub-agent.service "$root/etc/systemd/system/zerolaghub-agent.service"
ln -sf /etc/systemd/system/zerolaghub-agent.service "$root/etc/systemd/system/multi-user.target.wants/zerolaghub-agent.service"
cat > "$root/etc/network/interfaces" <<'IF'
auto lo
iface lo inet loopback
auto eth0
iface eth0 inet dhcp
IF
echo "zlh" > "$root/etc/hostname"
rm -f "$root/etc/machine-id" && touch "$root/etc/machine-id"
apt_cache="$root/var/cache/apt/archives"; rm -f "$apt_cache"/*.deb

mkdir -p "$out"
tarball="$out/zlh-agent-debian-12_$(date +%Y%m%d)_amd64.tar.zst"
tar --numeric-owner -C "$root" -cf - . | zstd -q -6 -T0 -o "$tarball" -f
install -m 0755 deploy/proxmox/zlh-hookscript.sh "$out/zlh-hookscript.sh"
echo "template: $tarball ($(du -h "$tarball" | cut -f1))"
echo "hookscript: $out/zlh-hookscript.sh -> copy to /var/lib/vz/snippets/ on every node"
