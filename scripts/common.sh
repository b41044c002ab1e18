# Sourced by scripts/demo.sh and scripts/test.sh: install what synq needs on a fresh
# Debian 12 machine (only what is missing), then configure and build into build/.

set -eu
SYNQ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SYNQ_ROOT"

# Build: compiler, meson, DPDK 22.11, libnuma, jansson, cmocka; clang and its
# runtimes for the libFuzzer targets (AddressSanitizer, UBSan).
# Run: iproute2, ethtool, ping, python3 (tests read JSON), dpdk-dev (dpdk-telemetry.py),
# hping3 (the SYN flood of tests/e2e/flood.sh), curl, wrk, apache2-utils (ab) and
# nftables (the clients and the packet loss of the data path's tests); tcpdump (the
# adversarial suite shows its 1-byte segments on the wire) and python3-matplotlib (the
# soak benchmark's plot).
SYNQ_PACKAGES="build-essential pkg-config meson ninja-build dpdk dpdk-dev libdpdk-dev
	libnuma-dev libjansson-dev libcmocka-dev clang libclang-rt-14-dev
	iproute2 ethtool iputils-ping python3 procps hping3 curl wrk apache2-utils nftables
	tcpdump python3-matplotlib"

synq_install_deps() {
	local missing=""
	for p in $SYNQ_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "synq: missing packages:$missing (run as root, or apt-get install them)" >&2
		exit 1
	fi
	echo "synq: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# Quiet when it works; the whole log when it does not.
synq_build() {
	local werror=false log
	[ "${CI:-}" = true ] && werror=true
	log=$(mktemp /tmp/synq-build.XXXXXX)
	if { if [ ! -f build/build.ninja ]; then
		meson setup build -Dwerror=$werror
	else
		meson configure build -Dwerror=$werror
	fi && ninja -C build; } >"$log" 2>&1; then
		rm -f "$log"
	else
		cat "$log" >&2
		rm -f "$log"
		echo "synq: build failed" >&2
		exit 1
	fi
}

# The libFuzzer targets, with AddressSanitizer and UBSan, in build-fuzz (clang).
synq_build_fuzz() {
	local log
	log=$(mktemp /tmp/synq-build.XXXXXX)
	if { if [ ! -f build-fuzz/build.ninja ]; then
		CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false \
			-Db_sanitize=address,undefined -Db_lundef=false -Db_lto=false \
			-Dbuildtype=debugoptimized -Dfuzz_seconds="${SYNQ_FUZZ_SECONDS:-60}"
	else
		meson configure build-fuzz -Dfuzz_seconds="${SYNQ_FUZZ_SECONDS:-60}"
	fi && ninja -C build-fuzz; } >"$log" 2>&1; then
		rm -f "$log"
	else
		cat "$log" >&2
		rm -f "$log"
		echo "synq: fuzz build failed" >&2
		exit 1
	fi
}
