#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest (labels: unit, gui, slow,
# gpu, bench). GPU tests skip themselves when no GPU is present.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"

cd "$root/build"
export QT_QPA_PLATFORM=offscreen
ctest --output-on-failure --parallel "$(nproc)" "$@"
