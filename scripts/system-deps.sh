#!/usr/bin/env bash
# Installs the Debian packages ZeroLagHub needs, once. Idempotent: a warm machine skips apt entirely.
#   bash scripts/system-deps.sh          everything (what `npm test` and CI need)
#   bash scripts/system-deps.sh --lxc    only what the lxc provider needs (`npm run dev` as root runs this)
# The lxc provider: lxc, uidmap (LXC maps container ids with it), slirp4netns (each container's
# network and published ports), debootstrap + zstd (the container template), pigz (backups compress
# on every core; the local provider's agents run the host's, lxc containers their template's). Tests also need
# Chromium (Playwright runs Debian's build), libkrb5-dev (code-server's native modules),
# openssh-client (SSH tests), bubblewrap (the unisolated provider) and nginx (the scale-out and load
# harnesses run the production nginx configuration).
set -euo pipefail
lxc_pkgs=(lxc uidmap slirp4netns debootstrap zstd pigz)
test_pkgs=(chromium libkrb5-dev openssh-client bubblewrap nginx)
if [ "${1:-}" = "--lxc" ]; then pkgs=("${lxc_pkgs[@]}"); else pkgs=("${test_pkgs[@]}" "${lxc_pkgs[@]}"); fi
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The lxc provider's containers map their ids to host 100000-165535 (as Proxmox VE does); with uidmap
# installed LXC checks that root may use that range.
for f in /etc/subuid /etc/subgid; do
  if ! grep -q '^root:100000:65536$' "$f" 2>/dev/null; then
    echo "root:100000:65536" | $SUDO tee -a "$f" >/dev/null
    echo "added root:100000:65536 to $f"
  fi
done
