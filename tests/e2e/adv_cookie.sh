#!/usr/bin/env bash
# Forged cookie ACKs carrying data, and replays (issue 11). hping3 sends spoofed SYNs
# to the http listener (8000) from the flooder's namespace, 10000 a second: enough to
# keep its SYN table full, so that synq answers with cookies (default config:
# syncookies 1, max_syn_backlog 256), not so many that frames are lost before synq.
# Meanwhile attack.py cookie sends ADV_FORGED (10000) final ACKs, 2000 a second, from
# made-up sources with random sequence and ACK numbers, half with timestamps, each
# carrying "GET /forged"; then makes 10 real handshakes (answered with cookies), sends
# a request on each, resets it, and replays its final ACK with the same request 5
# times. No forged or replayed ACK may become a connection: the http app runs exactly
# the legitimate requests plus the 10 real ones (SynqAppHttpRequests), 90 % of the
# forged ones at least are counted (TcpExtSyncookiesFailed), no replay gets an answer.
# Legitimate clients loop throughout and all succeed; memory is back at its baseline.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flooder.sh"
. "$(dirname "$0")/adv_lib.sh"
FORGED=${ADV_FORGED:-10000}

adv_start 240
nsf timeout -s INT 40 hping3 -i u100 -S --rand-source -p 8000 -c 2000000 "$SYNQ_FL_IPV4" \
	>"$E2E_DIR/hping.out" 2>&1 &
FLOOD_PID=$!
sleep 2
adv_snap flood0
adv_legit_start
adv_attack cookie 40 cookie --port 8000 --src 198.18.0.90 --count "$FORGED" --pps 2000 --seconds 20 \
	--replay-conns 10 --replays 5
adv_attack_wait || e2e_fail "the attacker failed: $(cat "$E2E_DIR/cookie.err")"
e2e_log "attacker: $(cat "$E2E_DIR/cookie.out")"
adv_legit_stop
adv_snap flood1
kill -0 "$FLOOD_PID" 2>/dev/null || e2e_fail "hping3 ended early: $(cat "$E2E_DIR/hping.out")"
flood_stop INT
adv_legit_check
legit_http=$(grep -c '^ok http' "$E2E_DIR/legit.log")
real=$(adv_json cookie replay_first_answered)
replayed=$(adv_json cookie replay_answered)
[ "$real" -ge 5 ] || e2e_fail "only $real of the attacker's 10 real handshakes were answered"
[ "$replayed" = 0 ] || e2e_fail "$replayed replayed cookie ACKs were answered"
adv_show flood0 flood1 TcpExtSyncookiesSent TcpExtSyncookiesRecv TcpExtSyncookiesFailed \
	SynqAppHttpRequests TcpPassiveOpens SynqTcpEstabSegs SynqTcpDropNoConnection
adv_counters flood0 flood1 \
	"d('TcpExtSyncookiesSent') > 0" \
	"d('TcpExtSyncookiesFailed') >= $FORGED * 9 // 10" \
	"d('SynqAppHttpRequests') == $legit_http + $real" ||
	e2e_fail "forged or replayed cookie ACKs were taken, or not counted"
adv_snap after
adv_mem_back settled 15
adv_finish
