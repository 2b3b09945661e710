#!/usr/bin/env bash
# Installs what is missing, builds, and starts PhaseLab on the bundled demo hologram
# (or on the file given as argument).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"

app="$root/build/app/gui/phaselab"
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
  shot="$root/build/phaselab-screenshot.png"
  echo "run.sh: no display found (DISPLAY and WAYLAND_DISPLAY are unset)."
  echo "run.sh: rendering the window offscreen to $shot instead."
  exec "$app" --screenshot "$shot" "$@"
fi
exec "$app" "$@"
