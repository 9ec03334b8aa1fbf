#!/bin/sh
# Installs Debian's chromium for the report rendering test (ChromiumRenderingTests), which
# fails rather than skips when the browser is missing. Called by .ci/run before `dotnet test`.
set -e
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "ci-install-chromium.sh: /usr/bin/chromium is missing and this is not root; install the Debian package 'chromium'" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
