#!/usr/bin/env bash
# A tour of synq as a host, on one machine: build it, make two network namespaces joined by a
# veth, run synq in one with its built-in default config (config/default.json) on
# its end of the veth through net_af_packet, and drive it from the other as a Linux
# host would: ARP and ND, ping, ping -6, a ping flood, then TCP: 500 handshakes to
# port 80 (app close: each connection is closed with a FIN exchange), and the seeds'
# listen-not-accept experiment on port 8080 (app hold, backlog 4: 5 connects complete),
# and HTTP on port 8000 (app http: curl, then wrk for 2 s).
# Prints the stats while it runs and the whole stats document at the end. Runs 8 s,
# then removes everything it made.
#   scripts/tour.sh            (as root)
. "$(dirname "$0")/common.sh"
synq_install_deps
synq_build
set +e
. tests/e2e/lib.sh
e2e_setup

echo "synq: namespace $E2E_NS ($PEER_IPV4, $PEER_IPV6) <-> veth <-> synq ($SYNQ_IPV4, $SYNQ_IPV6)"
echo "synq: $SYNQ_BIN --no-pci --no-huge -m 256 -l 0,1 --vdev net_af_packet0,iface=$E2E_HOST -- --duration 8"
e2e_synq_start --duration 8

nsx() { ip netns exec "$E2E_NS" "$@"; }
show() {
	python3 - "$E2E_STATS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counters"]
keys = ["SynqRxFrames", "SynqTxFrames", "IcmpInEchos", "Icmp6InEchos", "TcpPassiveOpens",
        "SynqConnClosed", "TcpExtListenOverflows", "SynqAppHttpRequests", "TcpCurrEstab"]
q = " ".join("%d:recv_q=%d,send_q=%d" % (l["port"], l["recv_q"], l["send_q"])
             for l in d["listeners"])
print("  t=%4.1fs " % d["uptime_s"] + " ".join("%s=%d" % (k, c[k]) for k in keys) + " " + q)
PY
}
{
	nsx ping -c 4 -i 0.5 "$SYNQ_IPV4"
	nsx ping -6 -c 4 -i 0.5 "$SYNQ_IPV6"
	nsx ping -f -c 500 -W 1 "$SYNQ_IPV4"
	echo "handshakes to port 80 (close): $(nsx python3 tests/e2e/tcpclient.py outcome 500 "$SYNQ_IPV4" 80)"
	echo "listen-not-accept on port 8080 (hold, backlog 4): $(nsx python3 tests/e2e/tcpclient.py until-fail 8 "$SYNQ_IPV4" 8080) connects completed"
	echo "curl http://$SYNQ_IPV4:8000/ (http): $(nsx curl -sS -m 5 "http://$SYNQ_IPV4:8000/")"
	echo "wrk, 2 s, 8 connections, keep-alive (http):"
	nsx wrk -t1 -c8 -d2s "http://$SYNQ_IPV4:8000/" | grep -E "requests in|Requests/sec|errors"
} >"$E2E_DIR/traffic.log" 2>&1 &
traffic=$!
while kill -0 "$E2E_SYNQ_PID" 2>/dev/null; do show; sleep 1; done
wait "$traffic"
wait "$E2E_SYNQ_PID"; rc=$?
E2E_SYNQ_PID=""
echo "--- the peer's view"
grep -E 'packets transmitted|rtt|port|curl|wrk|requests|Requests/sec' "$E2E_DIR/traffic.log"
nsx ip neigh show dev "$E2E_PEER"
echo "--- synq's final stats document"
sed -n '/^{/,$p' "$E2E_DIR/synq.out"
exit "$rc"
