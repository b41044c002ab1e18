#!/usr/bin/env bash
# What `meson install` gives an operator and an application developer (issue 15, 5):
#  1. this build installed with --destdir into a temporary directory: the programs,
#     libsynq.a, libsynq.pc, the headers under include/synq/, synq@.service;
#  2. the installed headers are closed under #include and hold no private header;
#  3. examples/echo (the upper-case echo of docs/applications.md) built out of tree
#     with its Makefile against the installed libsynq.pc, with DPDK's shared
#     libraries and with --static, and each run under EAL (--no-pci --no-huge,
#     net_null0, its own --file-prefix) for 2 s: it links, starts and stops cleanly;
#  4. as root: the example built last serves a Linux client over a veth
#     (tests/e2e/lib.sh's namespaces, net_af_packet): "hello synq" comes back upper-case;
#  5. `systemd-analyze verify` accepts synq@.service (when systemd-analyze exists),
#     its ExecStartPre refuses a bad config and passes a good one, and its ExecStart,
#     run as systemd would run it, starts synq (net_null0, --no-huge, 2 s).
# The installed .pc names the build's prefix: a copy of it names the temporary one
# (PKG_CONFIG_SYSROOT_DIR would move libdpdk's paths too).
set -u
build=${SYNQ_BUILD_ROOT:?}
src=${SYNQ_SOURCE_ROOT:?}
prefix_fp="synq-install-$$"
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }
log() { printf '# %s\n' "$*"; }
for tool in make pkg-config cc; do
	command -v "$tool" >/dev/null || { echo "SKIP: needs $tool"; exit 77; }
done
D=$(mktemp -d /tmp/synq-install.XXXXXX)
trap 'rm -rf "$D" "/var/run/dpdk/$prefix_fp" "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$prefix_fp"' EXIT

# 1. install, and find where meson put each thing
meson install -C "$build" --no-rebuild --quiet --destdir "$D/root" >"$D/install.log" 2>&1 ||
	fail "meson install: $(cat "$D/install.log")"
opt() { meson introspect "$build" --buildoptions |
	python3 -c 'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}[sys.argv[1]])' "$1"; }
prefix=$(opt prefix)
bindir="$D/root$prefix/$(opt bindir)"
libdir="$D/root$prefix/$(opt libdir)"
incdir="$D/root$prefix/$(opt includedir)/synq"
unit="$D/root$prefix/lib/systemd/system/synq@.service"
programs="synq synq-gen"
[ -f "$src/app/synqctl/meson.build" ] && programs="$programs synqctl"
for f in $programs; do
	[ -x "$bindir/$f" ] || fail "$bindir/$f not installed"
done
docdir="$D/root$prefix/$(opt datadir)/doc/synq"
for f in "$libdir/libsynq.a" "$libdir/pkgconfig/libsynq.pc" "$incdir/synq_app.h" "$unit" \
	"$docdir/deploy.md"; do
	[ -f "$f" ] || fail "$f not installed"
done
"$bindir/synq" --version | grep -q '^synq ' || fail "the installed synq: --version"
log "installed: $programs, libsynq.a, libsynq.pc, $(ls "$incdir" | wc -l) headers, synq@.service"

# 2. every header an installed header includes is installed; no private one
for h in "$incdir"/*; do
	case "$h" in *_priv.h | */tcp_*.h) fail "private header installed: $h" ;; esac
	for inc in $(sed -n 's/^#include "\(.*\)"/\1/p' "$h"); do
		[ -f "$incdir/$inc" ] || fail "$(basename "$h") includes $inc, not installed"
	done
done
log "the installed headers are closed under #include"

# 3. the example, out of tree, against the installed pkg-config file
mkdir -p "$D/pc" "$D/echo"
sed "s|^prefix=.*|prefix=$D/root$prefix|" "$libdir/pkgconfig/libsynq.pc" >"$D/pc/libsynq.pc"
cp "$src/examples/echo/echo.c" "$src/examples/echo/Makefile" "$D/echo/"
cat >"$D/echo.json" <<JSON
{
	"ports": [ { "name": "net_null0", "ipv4": ["198.18.0.1"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_null0" } ] } ],
	"listeners": [ { "port": 7 } ]
}
JSON
run_echo() { # HOW
	"$D/echo/synq-echo" --no-pci --no-huge -m 256 --file-prefix "$prefix_fp" -l 0,1 \
		--vdev net_null0 -- "$D/echo.json" 2 >"$D/echo.out" 2>&1 ||
		fail "synq-echo ($1) exited with $?: $(cat "$D/echo.out")"
	grep -q '^synq-echo: running' "$D/echo.out" || fail "synq-echo ($1) did not run: $(cat "$D/echo.out")"
	grep -q '^synq-echo: 0 connections accepted' "$D/echo.out" ||
		fail "synq-echo ($1) did not stop cleanly: $(cat "$D/echo.out")"
}
for how in shared static; do
	static=""
	[ "$how" = static ] && static=--static
	make -s -C "$D/echo" clean >/dev/null
	start=$(date +%s)
	PKG_CONFIG_PATH="$D/pc" make -s -C "$D/echo" CC=cc STATIC="$static" \
		>"$D/make.log" 2>&1 || fail "make ($how): $(cat "$D/make.log")"
	[ -x "$D/echo/synq-echo" ] || fail "make ($how) built no synq-echo"
	run_echo "$how"
	log "examples/echo built against the installed libsynq.pc ($how DPDK, $(($(date +%s) - start)) s) and ran 2 s"
done

# 4. the example at work: a Linux client's bytes come back upper-case
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
	. "$src/tests/e2e/lib.sh"
	e2e_setup
	trap 'e2e_cleanup; rm -rf "$D" "/var/run/dpdk/$prefix_fp"' EXIT
	e2e_config "$D/veth.json"
	python3 - "$D/veth.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["lcores"][0]["role"] = "both"
c["listeners"] = [{"port": 7}]
json.dump(c, open(sys.argv[1], "w"))
PY
	ip netns exec "$E2E_SNS" "$D/echo/synq-echo" --no-pci --no-huge -m 256 \
		--file-prefix "$E2E_PREFIX" -l 0,1 --vdev "net_af_packet0,iface=$E2E_HOST" -- \
		"$D/veth.json" 20 >"$D/veth.out" 2>&1 &
	E2E_SYNQ_PID=$! # e2e_cleanup stops it if the test fails
	for _ in $(seq 100); do
		grep -q '^synq-echo: running' "$D/veth.out" && break
		kill -0 "$E2E_SYNQ_PID" 2>/dev/null || fail "synq-echo on the veth: $(cat "$D/veth.out")"
		sleep 0.1
	done
	got=$(ip netns exec "$E2E_NS" python3 - "$SYNQ_IPV4" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 7), timeout=5)
s.sendall(b"hello synq\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    data += b
print(data.decode().strip())
PY
)
	[ "$got" = "HELLO SYNQ" ] || fail "synq-echo answered \"$got\": $(cat "$D/veth.out")"
	kill -TERM "$E2E_SYNQ_PID"
	wait "$E2E_SYNQ_PID" || fail "synq-echo on the veth exited with $?: $(cat "$D/veth.out")"
	E2E_SYNQ_PID=""
	grep -q '^synq-echo: 1 connections accepted' "$D/veth.out" ||
		fail "synq-echo on the veth: $(cat "$D/veth.out")"
	log "the installed example answered a Linux client over a veth: \"$got\""
else
	log "not root: the example not run on a veth"
fi

# 5. the service unit, with the temporary directory's paths
mkdir -p "$D/unit"
sed "s|$prefix/|$D/root$prefix/|g" "$unit" >"$D/unit/synq@test.service"
if command -v systemd-analyze >/dev/null; then
	# verify loads a unit's EnvironmentFile only to run it: not needed here
	systemd-analyze verify "$D/unit/synq@test.service" >"$D/verify.log" 2>&1 ||
		fail "systemd-analyze verify: $(cat "$D/verify.log")"
	[ -s "$D/verify.log" ] && fail "systemd-analyze verify warns: $(cat "$D/verify.log")"
	log "systemd-analyze verify: synq@.service clean"
else
	log "no systemd-analyze: synq@.service not verified"
fi
pre="$D/root$prefix/$(opt libexecdir)/synq/synq-preflight"
sed "s|$prefix/|$D/root$prefix/|g" "$pre" >"$D/preflight"
chmod +x "$D/preflight"
echo '{"ports": [' >"$D/bad.json"
SYNQ_EAL_ARGS="-l 0 --no-huge" "$D/preflight" "$D/bad.json" >"$D/pre.out" 2>&1 &&
	fail "synq-preflight passed a bad config"
grep -q 'does not validate' "$D/pre.out" || fail "synq-preflight: $(cat "$D/pre.out")"
SYNQ_EAL_ARGS="-l 0 --no-huge" "$D/preflight" "$D/echo.json" >"$D/pre.out" 2>&1 ||
	fail "synq-preflight refused a good config: $(cat "$D/pre.out")"
log "synq-preflight refuses a bad config, passes a good one"

# the unit's ExecStart as systemd would run it for synq@NAME (%i the instance, the
# .env's variables split at blanks), synq on net_null0 for 2 s
cmd=$(sed -n 's/^ExecStart=//p' "$D/unit/synq@test.service")
# shellcheck disable=SC2034 # expanded by the eval below, as systemd expands them
SYNQ_EAL_ARGS="--no-pci --no-huge -m 256 -l 0,1 --vdev net_null0" SYNQ_ARGS="--duration 2"
cp "$D/echo.json" "$D/$prefix_fp.json"
cmd=${cmd//%i/$prefix_fp}
cmd=${cmd//\/etc\/synq\//$D/}
eval "set -- $cmd" # $VAR split at blanks: what systemd does
"$@" >"$D/unit.out" 2>&1 || fail "the unit's ExecStart exited with $?: $* $(cat "$D/unit.out")"
grep -q '"TcpPassiveOpens"' "$D/unit.out" || fail "the unit's ExecStart: no final stats: $(cat "$D/unit.out")"
log "the unit's ExecStart ran synq for 2 s: $*"
