#!/usr/bin/env bash
# synq's main job on one machine: build it, make a network namespace joined to the
# host by a veth, run synq with its built-in default config (config/default.json) on
# the host end through net_af_packet, and drive it from the namespace as a Linux host
# would: ARP and ND, ping, ping -6, a ping flood, TCP connection attempts. Prints the
# stats while it runs and the whole stats document at the end. Runs 8 s, then
# removes everything it made.
#   sudo scripts/demo.sh
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
keys = ["SynqRxFrames", "SynqTxFrames", "SynqArpOutGratuitous", "SynqArpInRequests", "Icmp6InNeighborSolicits",
        "IcmpInEchos", "Icmp6InEchos", "TcpInSegs", "SynqTcpDropNoListener"]
print("  t=%5.1fs " % d["uptime_s"] + " ".join("%s=%d" % (k, c[k]) for k in keys))
PY
}
{
	nsx ping -c 4 -i 0.5 "$SYNQ_IPV4"
	nsx ping -6 -c 4 -i 0.5 "$SYNQ_IPV6"
	nsx ping -f -c 500 -W 1 "$SYNQ_IPV4"
	# TCP: no listener yet (the handshake engine adds them); the SYNs are counted.
	for port in 80 443; do nsx timeout 1 bash -c "exec 3<>/dev/tcp/$SYNQ_IPV4/$port" 2>/dev/null; done
} >"$E2E_DIR/traffic.log" 2>&1 &
traffic=$!
while kill -0 "$E2E_SYNQ_PID" 2>/dev/null; do show; sleep 1; done
wait "$traffic"
wait "$E2E_SYNQ_PID"; rc=$?
E2E_SYNQ_PID=""
echo "--- the peer's view"
grep -E 'packets transmitted|rtt' "$E2E_DIR/traffic.log"
nsx ip neigh show dev "$E2E_PEER"
echo "--- synq's final stats document"
sed -n '/^{/,$p' "$E2E_DIR/synq.out"
exit "$rc"
