#!/usr/bin/env bash
# Install and start, from Debian packages, the servers the test suite needs.
set -euo pipefail
echo "ci: no external servers needed yet"
