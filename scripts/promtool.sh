#!/usr/bin/env bash
# Print the path of a promtool (Prometheus' checker of the text exposition format),
# for tests/e2e/metrics.sh. One in PATH is used as it is. Otherwise Debian 12's
# package `prometheus` ships it, but installing that package also starts the
# Prometheus daemon (its postinst enables the service): so the package is only
# downloaded (apt-get download) and unpacked (dpkg-deb -x) into a cache directory,
# never installed, and nothing runs. Cached in $SYNQ_PROMTOOL_DIR (default
# /var/cache/synq/prometheus); scripts/common.sh's synq_install_deps fetches it too.
# Exit 1, saying why, when there is none and it cannot be fetched.
set -eu

if command -v promtool >/dev/null 2>&1; then
	command -v promtool
	exit 0
fi
dir=${SYNQ_PROMTOOL_DIR:-/var/cache/synq/prometheus}
bin="$dir/root/usr/bin/promtool"
if [ ! -x "$bin" ]; then
	command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
		{ echo "promtool.sh: no promtool, and no apt-get to fetch one" >&2; exit 1; }
	mkdir -p "$dir"
	tmp=$(mktemp -d "$dir/dl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# apt-get download writes into the current directory, as the _apt user when it can
	chmod 0755 "$tmp"
	(cd "$tmp" && apt-get download -qq prometheus >/dev/null 2>&1) ||
		{ [ "$(id -u)" = 0 ] && apt-get update -qq && (cd "$tmp" && apt-get download -qq prometheus >/dev/null); } ||
		{ echo "promtool.sh: apt-get download prometheus failed" >&2; exit 1; }
	rm -rf "$dir/root"
	dpkg-deb -x "$tmp"/prometheus_*.deb "$dir/root"
	[ -x "$bin" ] || { echo "promtool.sh: no usr/bin/promtool in the package" >&2; exit 1; }
fi
echo "$bin"
