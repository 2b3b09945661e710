#!/usr/bin/env bash
# Installs the Debian 12 packages PhaseLab needs, only those that are missing; arguments name
# further packages to install the same way.
# Idempotent: when everything is present it runs no apt-get at all.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqt6svg6 libqcustomplot-dev
  libtorch-dev libopenblas0-pthread libgloo-dev
  libopencv-dev libfftw3-dev libhdf5-dev libtiff-dev libxrl-dev
  nlohmann-json3-dev libcli11-dev libeigen3-dev libbenchmark-dev libgtest-dev
  xvfb xauth fonts-dejavu-core bsdutils
  python3-tifffile python3-h5py python3-numpy
  zlib1g-dev
)
# Extra packages for optional tools (scripts/fuzz.sh passes clang and its runtimes).
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
