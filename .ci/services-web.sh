#!/usr/bin/env bash
# Web browser tests: Debian's Chromium and the Noto CJK fonts (pages are in Chinese). Idempotent.
# Never `playwright install`: the tests drive /usr/bin/chromium through Playwright's executable_path.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
chromium --version
