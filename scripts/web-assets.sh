#!/usr/bin/env bash
# Refresh the vendored ECharts file from the npm package `echarts` (docs/decisions/0400-web-assets.md).
# Usage: scripts/web-assets.sh [version]   (default: the version in VERSION)
# `npm pack` fetches the package tarball from npm's configured registry; VERSION records the package,
# its version and the SHA-256 of the tarball and of the file, never where it was fetched from.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/carbonpeak/web/static/vendor/echarts
version="${1:-$(sed -n 's/^echarts \([0-9.]*\) .*/\1/p' "$dest/VERSION")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$version" >/dev/null && tar xzf "echarts-$version.tgz")
cp "$work/package/dist/echarts.min.js" "$work/package/LICENSE" "$work/package/NOTICE" "$dest/"
cat > "$dest/VERSION" <<TXT
echarts $version (Apache-2.0): dist/echarts.min.js of the npm package tarball echarts-$version.tgz
tarball sha256 $(sha256sum "$work/echarts-$version.tgz" | cut -d' ' -f1)
echarts.min.js sha256 $(sha256sum "$dest/echarts.min.js" | cut -d' ' -f1)
Refresh: scripts/web-assets.sh x.y.z (see docs/decisions/0400-web-assets.md)
TXT
echo "echarts $version vendored into $dest"
