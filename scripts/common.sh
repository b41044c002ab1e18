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
# adversarial suite shows its 1-byte segments on the wire), python3-matplotlib (the
# soak benchmark's plot) and nginx (the proxy's backends in tests/e2e/proxy_nginx.sh;
# Debian 12's `nginx` is the smallest: nginx-light adds a module to it); tshark
# (tests/e2e/pdump.sh reads dpdk-pdump's capture); libsystemd-dev (tests/install links
# an application against DPDK's static libraries, whose pkg-config names -lsystemd);
# gnuplot-nox (scripts/demo.sh's plot).
SYNQ_PACKAGES="build-essential pkg-config meson ninja-build dpdk dpdk-dev libdpdk-dev
	libnuma-dev libjansson-dev libcmocka-dev clang libclang-rt-14-dev
	iproute2 ethtool iputils-ping python3 procps hping3 curl wrk apache2-utils nftables
	tcpdump python3-matplotlib nginx tshark libsystemd-dev gnuplot-nox"

synq_install_deps() {
	local missing=""
	for p in $SYNQ_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && { synq_promtool_fetch; return 0; }
	if [ "$(id -u)" != 0 ]; then
		echo "synq: missing packages:$missing (run as root, or apt-get install them)" >&2
		exit 1
	fi
	echo "synq: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	synq_quiet_service nginx "$missing"
	synq_promtool_fetch
}

# promtool for tests/e2e/metrics.sh: Debian's package `prometheus` unpacked into a
# cache, not installed (its postinst would start the daemon): scripts/promtool.sh.
synq_promtool_fetch() {
	[ "$(id -u)" = 0 ] || return 0
	"$SYNQ_ROOT/scripts/promtool.sh" >/dev/null ||
		echo "synq: no promtool: tests/e2e/metrics.sh will skip" >&2
}

# synq_quiet_service PKG "PACKAGES": when PKG is among the packages just installed and
# systemd runs, stop and disable the service its package started (Debian's nginx
# starts one on port 80 of the host): the tests start their own, with their own
# config, in their own namespaces. A service installed before is left alone; in a
# container or chroot without systemd the package starts nothing (invoke-rc.d, or
# policy-rc.d, declines).
synq_quiet_service() {
	case " $(echo $2) " in *" $1 "*) ;; *) return 0 ;; esac
	[ -d /run/systemd/system ] && command -v systemctl >/dev/null || return 0
	systemctl disable --now "$1.service" >/dev/null 2>&1 || true
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
