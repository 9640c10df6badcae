#!/usr/bin/env bash
# Installs the Debian tools the tests drive (listed in apt-packages.txt) when any is missing.
# As root it runs apt-get; otherwise it stops and prints the exact command to run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
missing=()
while read -r pkg cmd; do
  [[ -z "${pkg:-}" || "$pkg" == \#* ]] && continue
  command -v "$cmd" >/dev/null 2>&1 || [[ -x "/usr/sbin/$cmd" ]] || missing+=("$pkg")
done < "$here/apt-packages.txt"
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "deskprov tests need: ${missing[*]}" >&2
  echo "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
# A policy-rc.d that refuses service starts keeps packaged daemons (tftpd-hpa, lldpd, nginx) from
# starting on the machine's real interfaces; tests start their own on loopback or in namespaces.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[[ $created_policy -eq 1 ]] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
