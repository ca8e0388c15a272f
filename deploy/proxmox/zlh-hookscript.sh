#!/usr/bin/env bash
# Proxmox VE hookscript (pre-start) for ZeroLagHub containers: copies the agent's settings from the
# container's description into /etc/zlh/agent.env inside its root filesystem (mode 0600, root only),
# then removes the token from the description so the API no longer shows it.
#   pct set <vmid> --hookscript local:snippets/zlh-hookscript.sh   (the provider sets it at create)
set -euo pipefail
vmid=$1 phase=$2
[ "$phase" = pre-start ] || exit 0
desc=$(pct config "$vmid" | sed -n 's/^description: //p' | python3 -c 'import sys,urllib.parse;print(urllib.parse.unquote(sys.stdin.read()))')
token=$(printf '%s\n' "$desc" | sed -n 's/^zlh-agent-token=\([0-9a-f]\{32,128\}\)$/\1/p' | head -1)
[ -n "$token" ] || exit 0
artifacts=$(printf '%s\n' "$desc" | sed -n 's/^artifacts=\(https\?:\/\/[^ ]*\)$/\1/p' | head -1)
pubkey=$(printf '%s\n' "$desc" | sed -n 's/^catalog-public-key=\([A-Za-z0-9+/=_-]*\)$/\1/p' | head -1)
pct mount "$vmid" >/dev/null
rootfs="/var/lib/lxc/$vmid/rootfs"
install -d -m 0700 "$rootfs/etc/zlh"
umask 077
printf 'ZLH_AGENT_TOKEN=%s\nZLH_ARTIFACTS_URL=%s\nZLH_CATALOG_PUBLIC_KEY=%s\n' "$token" "$artifacts" "$pubkey" > "$rootfs/etc/zlh/agent.env"
pct unmount "$vmid"
pct set "$vmid" --description "$(printf '%s\n' "$desc" | grep -v '^zlh-agent-token=')"
