# Sourced after lib.sh by the tests that flood synq (flood.sh, http_flood.sh): a third
# namespace, the flooder, on a second veth whose other end is synq's second port
# (net_af_packet1, 198.19.0.1), hping3 there, and the cleanup of all of it.
#   . lib.sh; . flooder.sh; flooder_setup   (then synq with two ports, E2E_EAL_EXTRA set)

FL_NS="synq-e2e-fl-$E2E_ID"  # the flooder
FL_HOST="sqfh$E2E_ID"        # synq's end of the second veth
FL_PEER="sqfp$E2E_ID"        # the flooder's end
SYNQ_FL_IPV4=198.19.0.1
FL_IPV4=198.19.0.2
SYNQ_FL_MAC=02:53:51:00:00:02
FLOOD_PID=""
CLIENT_PID=""

# flood_stop SIGNAL: stop our hping3 (FLOOD_PID is its timeout(1), which passes the
# signal on); SIGKILL both, by PID, if they are still there after 3 s.
flood_stop() {
	local child
	[ -n "$FLOOD_PID" ] || return 0
	child=$(pgrep -P "$FLOOD_PID" 2>/dev/null)
	kill "-$1" "$FLOOD_PID" 2>/dev/null
	for _ in $(seq 30); do kill -0 "$FLOOD_PID" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$FLOOD_PID" 2>/dev/null; then
		[ -n "$child" ] && kill -KILL $child 2>/dev/null
		kill -KILL "$FLOOD_PID" 2>/dev/null
	fi
	wait "$FLOOD_PID" 2>/dev/null
	FLOOD_PID=""
}

# CLIENT_PID, when set, is a timeout(1) too: SIGTERM reaches the client under it.
flood_cleanup() {
	flood_stop TERM
	[ -n "$CLIENT_PID" ] && kill -TERM "$CLIENT_PID" 2>/dev/null
	e2e_netns_del "$FL_NS"
	e2e_cleanup
	return 0
}

# flooder_setup: lib.sh's namespaces, the flooder's, the second veth; synq's second
# port goes into E2E_EAL_EXTRA.
flooder_setup() {
	e2e_setup
	trap flood_cleanup EXIT
	ip netns add "$FL_NS" || e2e_fail "ip netns add"
	ip link add "$FL_HOST" netns "$E2E_SNS" type veth peer name "$FL_PEER" netns "$FL_NS" ||
		e2e_fail "ip link add veth (flooder)"
	ip netns exec "$E2E_SNS" sysctl -qw net.ipv4.ip_forward=0 "net.ipv6.conf.$FL_HOST.disable_ipv6=1"
	ip netns exec "$E2E_SNS" ip link set "$FL_HOST" up
	ip netns exec "$FL_NS" sysctl -qw net.ipv4.ip_forward=0 "net.ipv6.conf.$FL_PEER.disable_ipv6=1"
	ip netns exec "$FL_NS" ip link set lo up
	ip netns exec "$FL_NS" ip addr add "$FL_IPV4/24" dev "$FL_PEER"
	ip netns exec "$FL_NS" ip link set "$FL_PEER" up
	ip netns exec "$FL_NS" ethtool -K "$FL_PEER" tx off >/dev/null 2>&1 || true
	E2E_EAL_EXTRA=(--vdev "net_af_packet1,iface=$FL_HOST")
}

# flooder_config FILE ROLE APP: synq on both ports, one lcore of ROLE polling them,
# syncookies 1 with a SYN table of 256 (so the flood makes cookies), port 80 app APP.
flooder_config() {
	cat >"$1" <<JSON
{
	"ports": [
		{ "name": "net_af_packet0", "mac": "$SYNQ_MAC", "ipv4": ["$SYNQ_IPV4"] },
		{ "name": "net_af_packet1", "mac": "$SYNQ_FL_MAC", "ipv4": ["$SYNQ_FL_IPV4"] }
	],
	"lcores": [ { "lcore": 1, "role": "$2", "rx": [
		{ "port": "net_af_packet0", "queue": 0 },
		{ "port": "net_af_packet1", "queue": 0 } ] } ],
	"tcp": { "syncookies": 1, "max_syn_backlog": 256 },
	"listeners": [ { "address": "*", "port": 80, "backlog": 4096, "app": "$3" } ]
}
JSON
}

nsc() { ip netns exec "$E2E_NS" "$@"; }
nsf() { ip netns exec "$FL_NS" "$@"; }

# flooder_ping_both: hping3 sends nothing useful until ARP for the target is answered.
flooder_ping_both() {
	nsf ping -c 1 -W 2 "$SYNQ_FL_IPV4" >/dev/null || nsf ping -c 1 -W 2 "$SYNQ_FL_IPV4" >/dev/null ||
		e2e_fail "flooder cannot ping $SYNQ_FL_IPV4"
	nsc ping -c 1 -W 2 "$SYNQ_IPV4" >/dev/null || nsc ping -c 1 -W 2 "$SYNQ_IPV4" >/dev/null ||
		e2e_fail "client cannot ping $SYNQ_IPV4"
}
