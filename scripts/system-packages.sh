#!/usr/bin/env bash
# Installs the Debian packages the project needs beyond Python ones:
#   fonts-wqy-microhei  WenQuanYi Micro Hei (Apache-2.0), the certificates' main CJK font
#   fonts-hanazono      HanaMin A/B, the fallback covering CJK Extension B (e.g. 𠮷 U+20BB7)
#   chromium            headless browser for the verification page's end-to-end test
#   libzbar0            zbar, the second QR decoder that reads a photocopied certificate
#   docker-compose      checks docker-compose.yml (`config`) where no Docker engine runs
# Idempotent: when everything is installed it only runs dpkg-query and exits.
set -euo pipefail
PACKAGES=(fonts-wqy-microhei fonts-hanazono chromium docker-compose libzbar0)

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when the install cannot find a package with the old ones.
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
