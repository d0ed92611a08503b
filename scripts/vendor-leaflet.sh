#!/usr/bin/env bash
# Refreshes the vendored Leaflet of the web pages from the npm registry (pinned version).
# The pages serve these files themselves: no page ever loads a script from the internet.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=1.9.4
DEST=lotse_server/web/static/vendor/leaflet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "leaflet@$VERSION" --silent >/dev/null && tar xzf "leaflet-$VERSION.tgz")
rm -rf "$DEST" && mkdir -p "$DEST"
cp "$tmp"/package/dist/leaflet.js "$tmp"/package/dist/leaflet.css "$tmp"/package/LICENSE "$DEST"/
cp -r "$tmp"/package/dist/images "$DEST"/
echo "Leaflet $VERSION (npm package 'leaflet', dist/), BSD-2-Clause; see LICENSE. Refresh: scripts/vendor-leaflet.sh" > "$DEST/VERSION"
echo "vendored Leaflet $VERSION into $DEST"
