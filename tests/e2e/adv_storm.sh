#!/usr/bin/env bash
# ACK and RST storms aimed at established connections (issue 11): 8 keep-alive http
# and 8 echo connections of a Linux client (advclient.py) make a request each every
# 0.3 s for 20 s. attack.py storm, on the same veth, learns their 4-tuples from the
# wire and sprays spoofed segments at synq for 15 s: RSTs with a sequence number in
# the window but never the expected one, SYNs and SYN-ACKs in the window, and pure ACKs
# with a zero window whose ACK number lies far outside [SND.UNA - MAX.SND.WND, SND.NXT]
# (RFC 5961 sections 3, 4, 5). Every request of the client must succeed (no reset, no
# frozen window); the other legitimate clients loop too. synq's answers are bounded
# (challenge ACKs at most about 2 a second per connection plus the worker's budget,
# the rest counted as skipped) and the refused segments are counted by name.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flooder.sh"
. "$(dirname "$0")/adv_lib.sh"
SECS=15

adv_start 240
adv_legit_start
# A request or its answer lost in a ring the storm fills on a loaded machine comes again
# after a retransmission timeout (RTO 1 s before a sample, 200 ms at least after):
# 1.6 s was seen. A frozen window or a connection reset never answers: 3 s tells them apart.
nsc timeout 40 python3 "$ADV_HERE/advclient.py" "$SYNQ_IPV4" $((SECS + 5)) --slow 3 \
	>"$E2E_DIR/victim.out" 2>&1 &
VICTIM=$!
ADV_BG+=("$VICTIM")
sleep 1
adv_attack storm-http $((SECS + 10)) storm --port 8000 --seconds "$SECS"
adv_attack storm-echo $((SECS + 10)) storm --port 7 --seconds "$SECS"
adv_attack_wait || e2e_fail "an attacker failed: $(cat "$E2E_DIR"/storm-*.err)"
wait "$VICTIM"
vrc=$?
for a in http echo; do e2e_log "storm $a: $(cat "$E2E_DIR/storm-$a.out")"; done
e2e_log "long-lived clients: $(cat "$E2E_DIR/victim.out")"
[ "$vrc" = 0 ] || e2e_fail "the storm broke established connections: $(cat "$E2E_DIR/victim.out")"
adv_legit_stop
adv_legit_check
adv_snap after
flows=$(( $(adv_json storm-http flows_seen) + $(adv_json storm-echo flows_seen) ))
frames=$(( $(adv_json storm-http frames) + $(adv_json storm-echo frames) ))
[ "$flows" -ge 16 ] || e2e_fail "the storm saw only $flows connections"
e2e_log "storm: $frames spoofed frames at $flows connections"
adv_show before after TcpExtTCPChallengeACK TcpExtTCPACKSkippedChallenge SynqTcpOutOfWindow \
	TcpExtTCPACKSkippedSeq SynqTcpAckTooOld SynqTcpAckUnsent SynqTcpDropRst TcpEstabResets TcpOutSegs
adv_counters before after \
	"d('TcpEstabResets') == 0" \
	"d('TcpExtTCPChallengeACK') > 0" \
	"d('TcpExtTCPChallengeACK') <= $flows * (2 * $SECS + 4) + 3 * 1000 // 2 * ($SECS + 1)" \
	"d('TcpExtTCPACKSkippedChallenge') > 0" \
	"d('SynqTcpAckTooOld') + d('SynqTcpAckUnsent') > 0" \
	"d('TcpOutSegs') < $frames // 4 + 20000" ||
	e2e_fail "the storm's segments were not refused, bounded and counted"
adv_mem_back settled 15
adv_finish
