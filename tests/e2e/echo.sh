#!/usr/bin/env bash
# The data path with the echo application: a Linux client (echoclient.py) sends
# random bytes while reading, shuts its write side and reads to EOF; what comes back
# must be what went out (SHA-256). Cases: 1 MB over IPv4 and IPv6; 1 MB each with 2 %
# of port-7 frames lost each way by nftables on the client's end of the veth (synq
# retransmits, and sees holes: out-of-order drops); 8 connections of 256 KB at once;
# then synq again with test.reorder_permille 50, 1 MB over IPv4 (its worker holds
# segments back: out-of-order drops until the client retransmits). Each synq instance
# ends with no connection established and every accepted connection closed.
. "$(dirname "$0")/lib.sh"
for tool in python3 nft; do
	command -v "$tool" >/dev/null || { echo "SKIP: needs $tool"; exit 77; }
done
e2e_setup
here=$(dirname "$0")
one_mb="$E2E_DIR/1m.bin"
many="$E2E_DIR/8x256k.bin"
head -c 1000000 /dev/urandom >"$one_mb"
head -c $((8 * 262144)) /dev/urandom >"$many"

start_synq() { # REORDER_PERMILLE
	cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC",
		"ipv4": ["$SYNQ_IPV4"], "ipv6": ["$SYNQ_IPV6"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet0" } ] } ],
	"listeners": [ { "port": 7, "app": "echo" } ],
	"test": { "reorder_permille": $1 }
}
JSON
	rm -f "$E2E_DIR/stats.json" # the last instance's: e2e_synq_start waits for a new one
	e2e_synq_start --config "$E2E_DIR/synq.json"
}

# snap NAME: the stats as they are once synq has written them again (every 200 ms),
# and the frames its end of the veth received (some never reach synq: the af_packet
# PMD does not count its socket's drops in imissed).
snap() {
	sleep 0.5
	cp "$E2E_STATS" "$E2E_DIR/$1.json"
	ip -n "$E2E_SNS" -s -j link show "$E2E_HOST" >"$E2E_DIR/$1.veth.json"
}

# echo_case NAME HOST FILE [echoclient args]: one client run, bounded in time; the
# client exits non-zero unless every connection came back whole.
echo_case() {
	local name=$1 host=$2 file=$3 got
	shift 3
	got=$(timeout 90 ip netns exec "$E2E_NS" python3 "$here/echoclient.py" "$host" 7 "$file" \
		--timeout 60 "$@") || e2e_fail "$name: $got (synq: $(counters_brief "$E2E_STATS"))"
	e2e_log "$name: $got"
}

counters_brief() { # STATS
	python3 - "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["counters"]
print(" ".join("%s=%s" % (k, c[k]) for k in (
    "TcpCurrEstab", "SynqAppAccepted", "SynqAppEventsClosed", "SynqTcpInDataBytes",
    "SynqTcpOutDataBytes", "TcpRetransSegs", "TcpExtTCPTimeouts", "TcpExtTCPFastRetrans",
    "SynqTcpOfoDrops", "SynqTcpDupData", "SynqTestReorderHeld", "TcpEstabResets")))
PY
}

# check BEFORE AFTER EXPR...: each python expression over d(name) (the counter's
# change from BEFORE to AFTER) must hold; the changes are logged.
check() {
	python3 - "$E2E_DIR/$1.json" "$E2E_DIR/$2.json" "${@:3}" <<'PY'
import json, sys
sa, sb = (json.load(open(f)) for f in sys.argv[1:3])
a, b = sa["counters"], sb["counters"]
d = lambda k: b[k] - a[k]
veth = [json.load(open(f[:-5] + ".veth.json"))[0]["stats64"]["rx"]["packets"] for f in sys.argv[1:3]]
ipk = [s["ports"][0]["ipackets"] for s in (sa, sb)]
names = ("SynqTcpInDataBytes", "SynqTcpOutDataBytes", "TcpRetransSegs", "TcpExtTCPTimeouts",
         "TcpExtTCPFastRetrans", "SynqTcpOfoDrops", "SynqTcpDupData", "SynqTestReorderHeld",
         "SynqTcpRcvWindowDrops", "SynqDropOtherHost", "SynqAppSendBlocked")
print("#   " + " ".join("%s +%d" % (k, d(k)) for k in names) +
      " (frames lost before synq: %d)" % (veth[1] - veth[0] - (ipk[1] - ipk[0])))
bad = [e for e in sys.argv[3:] if not eval(e)]
if bad:
    print("failed: " + "; ".join(bad))
    sys.exit(1)
PY
}

# settle: within 2 s, no connection left established and every accepted one closed.
settle() {
	for _ in $(seq 10); do
		sleep 0.2
		python3 - "$E2E_STATS" <<'PY' && return 0
import json, sys
c = json.load(open(sys.argv[1]))["counters"]
sys.exit(not (c["TcpCurrEstab"] == 0 and c["SynqAppEventsClosed"] == c["SynqAppAccepted"]))
PY
	done
	e2e_fail "connections left: $(counters_brief "$E2E_STATS")"
}

# drops ADD|DEL: 2 % of TCP port-7 frames lost each way on the client's end of the
# veth, as on a lossy wire. Towards the client, dropped at ingress. Towards synq a drop
# would be no loss: a drop in the output (or egress) hook is reported to the kernel's
# TCP, which keeps the segment unsent and sends it again later, so synq would never
# see a hole. Those frames are sent instead with another destination MAC address,
# which synq discards (SynqDropOtherHost) and the client's TCP cannot know about.
# Meanwhile the client's GSO packets are one segment each: the egress hook sees them
# before they are cut, so it would pick among a few large data packets and many single
# ACKs, and some runs would lose ACKs only, no data.
LOST_MAC=02:53:51:00:00:99
drops() {
	if [ "$1" = ADD ]; then
		ip -n "$E2E_NS" link set "$E2E_PEER" gso_max_segs 1 || e2e_fail "gso_max_segs 1"
		ip netns exec "$E2E_NS" nft -f - <<NFT || e2e_fail "nft: the netdev egress hook needs Linux 5.16"
table netdev synq_e2e_loss {
	chain in {
		type filter hook ingress device "$E2E_PEER" priority 0; policy accept;
		meta l4proto tcp tcp sport 7 numgen random mod 100 < 2 counter drop
	}
	chain out {
		type filter hook egress device "$E2E_PEER" priority 0; policy accept;
		meta l4proto tcp tcp dport 7 numgen random mod 100 < 2 counter ether daddr set $LOST_MAC
	}
}
NFT
	else
		local lost
		lost=$(ip netns exec "$E2E_NS" nft list table netdev synq_e2e_loss |
			sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | tr '\n' ' ')
		e2e_log "frames lost (to the client, to synq): $lost"
		lost_to_synq=${lost#* }
		ip netns exec "$E2E_NS" nft delete table netdev synq_e2e_loss || e2e_fail "nft delete"
		ip -n "$E2E_NS" link set "$E2E_PEER" gso_max_segs 65535 || e2e_fail "gso_max_segs"
	fi
}

start_synq 0
snap s0
echo_case "plain, IPv4" "$SYNQ_IPV4" "$one_mb"
echo_case "plain, IPv6" "$SYNQ_IPV6" "$one_mb"
snap s1
check s0 s1 "d('SynqTcpInDataBytes') == 2000000" "d('SynqTcpOutDataBytes') >= 2000000" ||
	e2e_fail "plain: counters"

drops ADD
echo_case "2 % loss each way, IPv4" "$SYNQ_IPV4" "$one_mb"
echo_case "2 % loss each way, IPv6" "$SYNQ_IPV6" "$one_mb"
drops DEL
snap s2
check s1 s2 "d('SynqTcpInDataBytes') == 2000000" "d('TcpRetransSegs') > 0" \
	"d('SynqTcpOfoDrops') + d('SynqTcpDupData') > 0" "0 < d('SynqDropOtherHost') <= $lost_to_synq" ||
	e2e_fail "loss: counters"

echo_case "8 connections of 256 KB at once, IPv4" "$SYNQ_IPV4" "$many" --conns 8
snap s3
check s2 s3 "d('SynqTcpInDataBytes') == 8 * 262144" || e2e_fail "8 connections: counters"
settle
e2e_log "settled: $(counters_brief "$E2E_STATS")"
e2e_synq_stop

start_synq 50
snap r0
# (IPv4 only: each hole costs the client a retransmission timeout, about 10 s a MB)
echo_case "reorder 50 permille, IPv4" "$SYNQ_IPV4" "$one_mb"
snap r1
check r0 r1 "d('SynqTcpInDataBytes') == 1000000" "d('SynqTestReorderHeld') > 0" \
	"d('SynqTcpOfoDrops') > 0" || e2e_fail "reorder: counters"
settle
e2e_log "settled: $(counters_brief "$E2E_STATS")"
e2e_synq_stop
echo PASS
