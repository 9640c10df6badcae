#!/usr/bin/env bash
# Installs the reference servers the benchmarks compare against: nginx (static files),
# tftp-hpa's in.tftpd and PostgreSQL. A policy-rc.d that refuses service starts keeps the
# packaged daemons from starting on the machine's real interfaces; each benchmark starts its own on loopback.
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
command -v in.tftpd >/dev/null 2>&1 || [[ -x /usr/sbin/in.tftpd ]] || need+=(tftpd-hpa)
command -v curl >/dev/null 2>&1 || need+=(curl)
# The scale-out benchmark's PostgreSQL (pg_ctlcluster comes with the server package only).
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[[ ${#need[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "deskprov benchmarks need: ${need[*]}" >&2
  echo "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[[ $created_policy -eq 1 ]] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "installed: ${need[*]}"
