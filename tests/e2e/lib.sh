# Shared by the end-to-end tests and scripts/demo.sh and scripts/tour.sh: two network namespaces joined
# by a veth, synq in one (on its end of the veth, through net_af_packet), a Linux host
# in the other, and cleanup of all of it. Neither end is in the root namespace, so no
# test packet can be routed off the machine. Addresses come from the benchmarking
# ranges (198.18.0.0/15, 2001:2::/48). Source it, then call e2e_setup; the EXIT trap
# removes what was made (namespaces, veth, files, synq's DPDK runtime directory).

set -u

E2E_ID="$$"
E2E_NS="synq-e2e-$E2E_ID"       # the Linux host
E2E_SNS="synq-e2e-srv-$E2E_ID"  # synq's side
E2E_HOST="sqh$E2E_ID"           # synq's end of the veth
E2E_PEER="sqp$E2E_ID"           # the Linux host's end
E2E_PREFIX="synq-e2e-$E2E_ID"   # synq's --file-prefix
E2E_DIR=""
E2E_SYNQ_PID=""
SYNQ_IPV4=198.18.0.1
SYNQ_IPV6=2001:2::1
PEER_IPV4=198.18.0.2
PEER_IPV6=2001:2::2
SYNQ_MAC=02:53:51:00:00:01
SYNQ_BIN=${SYNQ_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/app/synq/synq}

e2e_log() { printf '# %s\n' "$*"; }
# E2E_KEEP=DIR in the environment: a failing test leaves a copy of its files there
# (stats, configs, clients' and attackers' output) for a post-mortem.
e2e_fail() {
	printf 'FAIL: %s\n' "$*"
	[ -n "${E2E_KEEP:-}" ] && [ -n "$E2E_DIR" ] && cp -r "$E2E_DIR" "$E2E_KEEP"
	exit 1
}

# e2e_netns_del NS: stop every process still in our namespace NS (a flooder or client
# whose timeout(1) died with a killed test would run on, orphaned, in a namespace no
# name reaches), by PID, then remove it.
e2e_netns_del() {
	local pids
	pids=$(ip netns pids "$1" 2>/dev/null)
	[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	ip netns del "$1" 2>/dev/null
	return 0
}

e2e_cleanup() {
	if [ -n "$E2E_SYNQ_PID" ] && kill -0 "$E2E_SYNQ_PID" 2>/dev/null; then
		kill -TERM "$E2E_SYNQ_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$E2E_SYNQ_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$E2E_SYNQ_PID" 2>/dev/null
	fi
	e2e_netns_del "$E2E_NS"
	e2e_netns_del "$E2E_SNS"
	[ -n "$E2E_DIR" ] && rm -rf "$E2E_DIR"
	rm -rf "/var/run/dpdk/$E2E_PREFIX"
}

e2e_skip_unless_root() {
	if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
		echo "SKIP: needs root and iproute2"
		exit 77
	fi
}

e2e_setup() {
	e2e_skip_unless_root
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
	E2E_DIR=$(mktemp -d /tmp/synq-e2e.XXXXXX)
	ip netns add "$E2E_NS" || e2e_fail "ip netns add"
	ip netns add "$E2E_SNS" || e2e_fail "ip netns add"
	ip link add "$E2E_HOST" netns "$E2E_SNS" type veth peer name "$E2E_PEER" netns "$E2E_NS" ||
		e2e_fail "ip link add veth"
	# synq's end: no kernel addresses, no IPv6 of its own, no forwarding.
	ip netns exec "$E2E_SNS" sysctl -qw net.ipv4.ip_forward=0 "net.ipv6.conf.$E2E_HOST.disable_ipv6=1"
	ip netns exec "$E2E_SNS" ip link set "$E2E_HOST" up
	ip netns exec "$E2E_NS" ip link set lo up
	ip netns exec "$E2E_NS" ip addr add "$PEER_IPV4/24" dev "$E2E_PEER"
	ip netns exec "$E2E_NS" ip addr add "$PEER_IPV6/64" dev "$E2E_PEER" nodad
	ip netns exec "$E2E_NS" ip link set "$E2E_PEER" up
	# Kernel frames with partial checksums look corrupt to a userspace stack.
	ip netns exec "$E2E_NS" ethtool -K "$E2E_PEER" tx off >/dev/null 2>&1 || true
}

# e2e_synq_start [synq args...]: start synq on its end of the veth, wait until its
# first stats file is written. Without --config synq runs its built-in default.
# E2E_EAL_EXTRA (an array) adds EAL arguments, e.g. a second --vdev; later synq
# arguments override the defaults given here. E2E_VDEV0, when set, replaces the first
# port's --vdev (af_xdp.sh: net_af_xdp0); E2E_WRAP (an array), when set, is a command
# synq runs under inside its namespace (it must exec its arguments, keeping the PID).
# E2E_MEM (an array) is EAL's memory: --no-huge unless a test brings hugepages
# (pdump.sh: a secondary process cannot attach to a --no-huge primary).
E2E_MEM=(--no-huge -m 256)
E2E_EAL_EXTRA=()
E2E_VDEV0=""
E2E_WRAP=()
e2e_synq_start() {
	E2E_STATS="$E2E_DIR/stats.json"
	rm -f "$E2E_STATS" # a restart must not take the last run's file for its own
	ip netns exec "$E2E_SNS" "${E2E_WRAP[@]}" "$SYNQ_BIN" --no-pci "${E2E_MEM[@]}" \
		--file-prefix "$E2E_PREFIX" -l 0,1 \
		--vdev "${E2E_VDEV0:-net_af_packet0,iface=$E2E_HOST}" "${E2E_EAL_EXTRA[@]}" -- \
		--stats-file "$E2E_STATS" --stats-interval-ms 200 "$@" \
		>"$E2E_DIR/synq.out" 2>"$E2E_DIR/synq.err" &
	E2E_SYNQ_PID=$!
	for _ in $(seq 100); do
		[ -s "$E2E_STATS" ] && { e2e_synq_wait_dad; return 0; }
		kill -0 "$E2E_SYNQ_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$E2E_DIR/synq.err" >&2
	e2e_fail "synq did not start"
}

# e2e_synq_wait_dad: wait (up to 5 s) until synq's IPv6 addresses are usable: its
# first MLD report went (the start, once the link is up) and none is still tentative
# (duplicate address detection, ports[].ipv6_dad, lasts a second).
e2e_synq_wait_dad() {
	for _ in $(seq 50); do
		python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counters"]
sys.exit(0 if c["Icmp6OutMLDv2Reports"] >= 1 and c["SynqIp6Tentative"] == 0 else 1)' \
			"$E2E_STATS" 2>/dev/null && return 0
		sleep 0.1
	done
	e2e_log "synq's IPv6 addresses still tentative after 5 s"
}

# e2e_synq_stop: SIGTERM synq and wait for it; fails if it does not exit cleanly.
e2e_synq_stop() {
	local rc
	kill -TERM "$E2E_SYNQ_PID"
	wait "$E2E_SYNQ_PID"
	rc=$?
	E2E_SYNQ_PID=""
	[ "$rc" = 0 ] || { cat "$E2E_DIR/synq.err" >&2; e2e_fail "synq exited with $rc"; }
}

# e2e_counter FILE NAME: a summed counter from a stats document.
e2e_counter() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"][sys.argv[2]])' "$1" "$2"
}

# e2e_config FILE: the default config, for the veth's port.
e2e_config() {
	cat >"$1" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC",
		"ipv4": ["$SYNQ_IPV4"], "ipv6": ["$SYNQ_IPV6"] } ],
	"lcores": [ { "lcore": 1, "role": "worker",
		"rx": [ { "port": "net_af_packet0", "queue": 0 } ] } ]
}
JSON
}
