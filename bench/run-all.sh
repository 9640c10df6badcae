#!/usr/bin/env bash
# Runs every benchmark in turn (npm run bench), or a short smoke version of each (--smoke, about
# ten seconds of load per benchmark). Loopback only; each benchmark starts and stops its own
# servers. Figures go to stdout as Markdown tables (copy them into docs/PERFORMANCE.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
bash bench/setup.sh
run() { echo; echo "## $*"; echo; node --import tsx "$@"; }
uptime
if [[ "${1:-}" == "--smoke" ]]; then
  run bench/render.ts --seconds 0.3
  run bench/http-storm.ts --devices 300 --claim-devices 30 --deadline 10
  run bench/http-ceiling.ts --phones 300 --deadline 3
  run bench/served-record.ts --devices 200 --rounds 1
  run bench/tftp.ts --phones 20 --firmware-mib 2 --seconds 10
  run bench/agent-reports.ts --devices 200 --rounds 1 --deadline 10
  run bench/memory-start.ts --devices 1000 --starts 1
  run bench/scaling.ts --sizes 300,1000 --deadline 5
  run bench/scale-out.ts --devices 300 --deadline 5
  run bench/soak.ts --smoke
else
  run bench/render.ts
  run bench/http-storm.ts
  run bench/http-ceiling.ts
  run bench/served-record.ts
  run bench/tftp.ts
  run bench/agent-reports.ts
  run bench/memory-start.ts
  run bench/scaling.ts
  run bench/scale-out.ts
  # Last: ten minutes, and it exits non-zero when a soak criterion fails.
  run bench/soak.ts
fi
uptime
