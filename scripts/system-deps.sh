#!/usr/bin/env bash
# Installs the Debian packages the tests need, once: Chromium (Playwright runs Debian's build),
# libkrb5-dev (code-server's native modules), openssh-client (SSH tests), bubblewrap (the
# unisolated provider), and for the lxc provider: lxc, uidmap (LXC maps container ids with it),
# slirp4netns (each container's network and published ports), debootstrap + zstd (the container
# template), prometheus (promtool checks deploy/prometheus.yml). Idempotent: a warm machine skips apt entirely.
set -euo pipefail
pkgs=(chromium libkrb5-dev openssh-client bubblewrap lxc uidmap slirp4netns debootstrap zstd prometheus)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The lxc provider's containers map their ids to host 100000-165535 (as Proxmox VE does); with uidmap
# installed LXC checks that root may use that range.
if [ "$(id -u)" = 0 ]; then
  for f in /etc/subuid /etc/subgid; do
    grep -q '^root:100000:65536$' "$f" 2>/dev/null || { echo "root:100000:65536" >> "$f"; echo "added root:100000:65536 to $f"; }
  done
fi
