#!/usr/bin/env bash
# Installs the Debian packages the tests need, once: Chromium (Playwright runs Debian's build),
# libkrb5-dev (code-server's native modules), openssh-client (SSH tests), bubblewrap (container
# isolation in the local provider), prometheus (promtool checks deploy/prometheus.yml). Idempotent: a warm machine skips apt entirely.
set -euo pipefail
pkgs=(chromium libkrb5-dev openssh-client bubblewrap prometheus)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
