#!/usr/bin/env bash
# A memif peer that leaves mid-flood never takes synq down (issue 12). synq is the
# memif server; synq-gen, the client, floods it flat out (90 % spoofed SYNs, 10 %
# handshake clients) and is stopped with SIGINT 0.1-0.4 s (at random) after synq
# resumed the port for it (SynqPortLinkResumed grew: it is connected, whatever the
# machine's load makes its start take), while SYN-ACKs still flow, then starts again:
# PEERS times (50) in one synq run. Before the
# fix, 3 of 4 such runs died with a SIGSEGV inside DPDK 22.11's memif driver (after
# 4, 36 and 43 leaves: it unmapped the peer's memory under a burst in flight); the
# counters below do not exist without it either. Checks: synq is alive
# after every leave; each return resumed the port (SynqPortLinkResumed = PEERS + 1);
# the counters only grew; after the last leave a well-behaved peer still completes
# handshakes with no failure; synq exits 0 and writes its final stats.
. "$(dirname "$0")/lib.sh"
e2e_skip_unless_root

. "$(dirname "$0")/memif.sh"

PEERS=${SYNQ_MEMIF_PEERS:-50}

memif_synq_config reset 4096

# counter NAME: its value in synq's latest stats file
counter() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"][sys.argv[2]])' \
		"$E2E_STATS" "$1"
}

# resumed: SynqPortLinkResumed in the latest stats file, cheaply (polled every 50 ms);
# the largest of its occurrences (the sum and the one lcore's)
resumed() {
	local v
	v=$(grep -o '"SynqPortLinkResumed": *[0-9]*' "$E2E_STATS" 2>/dev/null |
		grep -o '[0-9]*$' | sort -n | tail -1)
	echo "${v:-0}"
}

# peer I: a flooding synq-gen, stopped 0.1-0.4 s after synq resumed the port for it
peer() {
	local i=$1
	timeout -s INT 20 "$GEN_BIN" --no-pci --no-huge -m 256 --file-prefix "$GEN_PREFIX" \
		-l 0 --vdev "net_memif0,role=client,socket=$GEN_SOCK,mac=02:53:47:00:00:01" -- \
		--dst "$SYNQ_IPV4" --dport 80 --mix syn=90,handshake=10 --rate 0 --duration 15 \
		--close rst --quiet >"$E2E_DIR/gen.out" 2>"$E2E_DIR/gen.err" &
	GEN_PID=$!
	for _ in $(seq 300); do
		[ "$(resumed)" -ge "$i" ] && break
		kill -0 "$GEN_PID" 2>/dev/null || break
		sleep 0.05
	done
	[ "$(resumed)" -ge "$i" ] || {
		cat "$E2E_DIR/gen.err" >&2
		e2e_fail "peer $i never connected (SynqPortLinkResumed $(resumed))"
	}
	sleep "0.$((1 + RANDOM % 4))"
	kill -INT "$GEN_PID" 2>/dev/null
	wait "$GEN_PID"
	GEN_PID=""
}

memif_synq_start "$E2E_DIR/synq.json" 256 50 $((PEERS * 2 + 30))
prev_rx=0
for i in $(seq "$PEERS"); do
	peer "$i"
	kill -0 "$E2E_SYNQ_PID" 2>/dev/null || {
		wait "$E2E_SYNQ_PID"
		echo "# synq exited with $? after peer $i left" >&2
		tail -5 "$E2E_DIR/synq.err" >&2
		e2e_fail "synq died when memif peer $i left"
	}
	if [ $((i % 10)) = 0 ]; then
		sleep 0.3 # a stats file written after the leave
		rx=$(counter SynqRxFrames)
		[ "$rx" -gt "$prev_rx" ] || e2e_fail "SynqRxFrames went from $prev_rx to $rx"
		e2e_log "$i peers left: SynqRxFrames $rx, SynqDropTxLinkDown" \
			"$(counter SynqDropTxLinkDown), SynqPortLinkResumed $(counter SynqPortLinkResumed)"
		prev_rx=$rx
	fi
done

# A peer that stays to its end: the port works after all those leaves.
memif_gen 256 30 --dst "$SYNQ_IPV4" --dport 80 --mix syn=50,handshake=50 --rate 100000 \
	--duration 2 --close rst --quiet --json "$E2E_DIR/gen.json" ||
	{ cat "$E2E_DIR/gen.err" >&2; e2e_fail "the last synq-gen failed"; }
sleep 0.5
kill -TERM "$E2E_SYNQ_PID"
wait "$E2E_SYNQ_PID"
rc=$?
E2E_SYNQ_PID=""
[ "$rc" = 0 ] || e2e_fail "synq exited with $rc"

python3 - "$E2E_DIR/gen.json" "$E2E_STATS" "$PEERS" "$prev_rx" <<'PY' || e2e_fail "figures"
import json, sys
g = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))["counters"]
peers, prev_rx = int(sys.argv[3]), int(sys.argv[4])
print("# synq: SynqRxFrames %d, TcpExtSyncookiesSent %d, TcpPassiveOpens %d, "
      "SynqDropTxLinkDown %d, SynqDropTxFull %d, SynqPortLinkResumed %d"
      % (c["SynqRxFrames"], c["TcpExtSyncookiesSent"], c["TcpPassiveOpens"],
         c["SynqDropTxLinkDown"], c["SynqDropTxFull"], c["SynqPortLinkResumed"]))
print("# last peer: handshakes %d, failures %d" % (g["handshakes"]["completed"],
      g["failures"]["total"]))
# every peer's arrival reopened the port once: the PEERS that left and the last one
assert c["SynqPortLinkResumed"] == peers + 1, ("resumed", c["SynqPortLinkResumed"], peers + 1)
assert c["SynqRxFrames"] > prev_rx, ("the final stats lost frames", c["SynqRxFrames"], prev_rx)
assert c["TcpExtSyncookiesSent"] > 0, "no cookie sent"
assert g["handshakes"]["completed"] > 0, ("no handshake after the leaves", g["handshakes"])
assert g["failures"]["total"] == 0, ("failures", g["failures"])
assert c["TcpPassiveOpens"] >= g["handshakes"]["completed"], "passive opens lost"
PY
echo PASS
