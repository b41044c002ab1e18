#!/usr/bin/env bash
# Every attack of the adversarial suite at once, under an hping3 SYN flood (issue 11):
# hping3 floods the http listener (8000) with spoofed SYNs from the flooder's
# namespace while, from the client's veth, attack.py runs tiny-segment pinning (hold,
# echo, http), 2000 slowloris heads from one host, zero-window echo and pipelining http
# clients, RST/SYN/ACK storms at the long-lived connections of advclient.py, 10000
# forged cookie ACKs with data and replays, and frames with broadcast/multicast MACs
# and martian sources. Every legitimate request (the usual loop and the long-lived
# connections) must succeed, no frame may answer an invalid source, synq stays up,
# and once the attackers leave, memory is back at its baseline.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flooder.sh"
. "$(dirname "$0")/adv_lib.sh"
SECS=12
# The flood fills synq's af_packet ring and, on a loaded machine, takes the RST with
# which an attacker leaves: its connection stays, an orphan retransmitting its FIN or an
# idle one, until its timeout (orphan 120 s, idle 300 s by default). Memory must then
# come back by those timeouts: shortened here to fit the settle window, longer than
# any attack's pauses.
ADV_TCP='{"orphan_timeout_ms": 8000, "fin_timeout_ms": 8000, "idle_timeout_ms": 15000}'

adv_start 240
nsf timeout -s INT 60 hping3 --flood -S --rand-source -p 8000 -c 30000000 "$SYNQ_FL_IPV4" \
	>"$E2E_DIR/hping.out" 2>&1 &
FLOOD_PID=$!
sleep 1
adv_legit_start
# Every attack at once and a flood, on the test machine's CPUs: a request lost in a
# full ring and then its retransmission (RTO 200 ms, doubling) may pass 1.5 s; an
# answer still comes within 4 s, or the connection is broken.
nsc timeout 45 python3 "$ADV_HERE/advclient.py" "$SYNQ_IPV4" $((SECS + 5)) --http 4 --echo 4 --slow 4 \
	>"$E2E_DIR/victim.out" 2>&1 &
VICTIM=$!
ADV_BG+=("$VICTIM")
sleep 1
adv_attack pin-hold 40 pin --port 8080 --app hold --src 198.18.0.64 --segs 3000 --seconds "$SECS" --hold 2
adv_attack pin-echo 40 pin --port 7 --app echo --src 198.18.0.72 --segs 3000 --seconds "$SECS" --hold 2
adv_attack pin-http 40 pin --port 8000 --app http --src 198.18.0.80 --segs 3000 --seconds "$SECS" --hold 2
adv_attack slow 40 slowloris --port 8000 --src 198.18.0.100 --conns 2000 --hold 2
adv_attack zw-echo 40 zerowin --port 7 --app echo --src 198.18.0.110 --conns 8 --seconds 8 --hold 2
adv_attack zw-http 40 zerowin --port 8000 --app http --src 198.18.0.120 --conns 2 --seconds 8 --hold 2
adv_attack storm-http 40 storm --port 8000 --seconds "$SECS" --gap 0.01
adv_attack storm-echo 40 storm --port 7 --seconds "$SECS" --gap 0.01
adv_attack cookie 40 cookie --port 8000 --src 198.18.0.90 --count 10000 --seconds "$SECS" \
	--replay-conns 5 --replays 5
adv_attack badsrc 40 badsrc --rounds 20 --seconds "$SECS"
adv_attack_wait || e2e_fail "an attacker failed: $(cat "$E2E_DIR"/*.err)"
wait "$VICTIM"
vrc=$?
for f in "$E2E_DIR"/*.out; do
	case $f in */synq.out | */hping.out | */victim.out) ;; *) e2e_log "$(basename "$f" .out): $(cat "$f")" ;; esac
done
e2e_log "long-lived clients: $(cat "$E2E_DIR/victim.out")"
adv_legit_stop
kill -0 "$FLOOD_PID" 2>/dev/null || e2e_fail "hping3 ended early: $(cat "$E2E_DIR/hping.out")"
flood_stop INT
adv_snap after
adv_show before after TcpExtSyncookiesSent TcpExtSyncookiesFailed TcpEstabResets TcpExtTCPChallengeACK \
	TcpExtTCPACKSkippedChallenge SynqTcpRcvWindowDrops SynqDropSrcMacInvalid SynqIpDropBadSource
[ "$vrc" = 0 ] || e2e_fail "long-lived connections broke: $(cat "$E2E_DIR/victim.out")"
adv_legit_check
[ "$(adv_json badsrc replies)" = 0 ] || e2e_fail "synq answered $(adv_json badsrc replies) invalid sources"
[ "$(adv_json cookie replay_answered)" = 0 ] || e2e_fail "a replayed cookie ACK was answered"
[ "$(adv_json cookie replay_first_answered)" -ge 1 ] ||
	e2e_fail "no cookie handshake of the replay attacker was answered: nothing replayed"
adv_counters before after "d('TcpExtSyncookiesSent') > 0" "d('SynqDropSrcMacInvalid') > 0" ||
	e2e_fail "counters"
adv_mem_back settled 30
adv_finish
