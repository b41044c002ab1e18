#!/usr/bin/env bash
# synq answers like a host: a Linux peer in a namespace learns synq's MAC by ARP and
# ND (no static entries), ping and ping -6 get replies through the DPDK process, the
# stats file parses while synq runs and after, and dpdk-telemetry.py reads /synq/stats.
. "$(dirname "$0")/lib.sh"
e2e_setup
e2e_config "$E2E_DIR/synq.json"
e2e_synq_start --config "$E2E_DIR/synq.json"

nsx() { ip netns exec "$E2E_NS" "$@"; }

# RFC 5227 2.3: two announcements, 2 s apart. Then forget them, so that what the
# peer learns below it learns by asking.
for _ in $(seq 50); do
	[ "$(e2e_counter "$E2E_STATS" SynqArpOutGratuitous)" -ge 2 ] && break
	sleep 0.1
done
[ "$(e2e_counter "$E2E_STATS" SynqArpOutGratuitous)" = 2 ] || e2e_fail "expected 2 gratuitous ARPs"
nsx ip neigh flush dev "$E2E_PEER"
e2e_log "2 gratuitous ARPs sent; the peer's neighbour table flushed"

nsx ping -c 3 -i 0.2 -W 2 "$SYNQ_IPV4" >"$E2E_DIR/ping4" || { cat "$E2E_DIR/ping4"; e2e_fail "ping $SYNQ_IPV4"; }
nsx ping -6 -c 3 -i 0.2 -W 2 "$SYNQ_IPV6" >"$E2E_DIR/ping6" || { cat "$E2E_DIR/ping6"; e2e_fail "ping -6 $SYNQ_IPV6"; }
e2e_log "ping and ping -6 answered"

# The kernel learnt synq's MAC by ARP and ND, not from us.
nsx ip -4 neigh show "$SYNQ_IPV4" dev "$E2E_PEER" | grep -qi "lladdr $SYNQ_MAC" ||
	e2e_fail "neighbour table has no ARP entry for synq: $(nsx ip -4 neigh)"
nsx ip -6 neigh show "$SYNQ_IPV6" dev "$E2E_PEER" | grep -qi "lladdr $SYNQ_MAC" ||
	e2e_fail "neighbour table has no ND entry for synq: $(nsx ip -6 neigh)"
e2e_log "neighbour entries: $(nsx ip neigh show dev "$E2E_PEER" | tr '\n' ';')"

# The stats file is whole JSON while synq runs; wait for a dump after the pings.
sleep 0.5
for c in IcmpInEchos IcmpOutEchoReps Icmp6InEchos Icmp6OutEchoReplies; do
	v=$(e2e_counter "$E2E_STATS" "$c") || e2e_fail "stats file does not parse"
	[ "$v" -ge 3 ] || e2e_fail "$c is $v, expected >= 3"
done
[ "$(e2e_counter "$E2E_STATS" SynqArpInRequests)" -ge 1 ] || e2e_fail "no ARP request counted: $(cat "$E2E_STATS")"
[ "$(e2e_counter "$E2E_STATS" Icmp6InNeighborSolicits)" -ge 1 ] || e2e_fail "no NS counted"
e2e_log "counters agree with the pings"

# Telemetry, as an operator would read it.
if command -v dpdk-telemetry.py >/dev/null; then
	echo /synq/stats | dpdk-telemetry.py -f "$E2E_PREFIX" >"$E2E_DIR/tel" 2>&1
	python3 - "$E2E_DIR/tel" <<'PY' || e2e_fail "telemetry: $(cat "$E2E_DIR/tel")"
import json, sys
text = open(sys.argv[1]).read()
docs = [json.loads(l) for l in text.splitlines() if l.startswith("{")]
stats = [d["/synq/stats"] for d in docs if "/synq/stats" in d]
assert stats and stats[0]["IcmpInEchos"] >= 3, text
PY
	echo / | dpdk-telemetry.py -f "$E2E_PREFIX" 2>&1 | grep -q '"/synq/stats"' || e2e_fail "telemetry does not list /synq/stats"
	e2e_log "dpdk-telemetry.py lists and returns /synq/stats"
else
	e2e_fail "dpdk-telemetry.py not installed (package dpdk-dev)"
fi

e2e_synq_stop
python3 - "$E2E_STATS" "$E2E_DIR/synq.out" <<'PY' || e2e_fail "final stats"
import json, sys
after = json.load(open(sys.argv[1]))
out = open(sys.argv[2]).read().splitlines()
final = json.loads("\n".join(out[out.index("{"):]))  # EAL may log before it
for doc in (after, final):
    lc = [l for l in doc["lcores"] if l["role"] == "worker"]
    assert lc, "no worker lcore in stats"
    total = sum(l["counters"]["IcmpInEchos"] for l in doc["lcores"])
    assert total == doc["counters"]["IcmpInEchos"] >= 3, "per-lcore counters do not sum"
    assert doc["ports"][0]["ipackets"] > 0 and doc["ports"][0]["opackets"] > 0, doc["ports"]
PY
e2e_log "stats file and final dump parse; per-lcore counters sum to the totals"
echo "PASS"
