#!/usr/bin/env bash
# A SYN flood on a queue_model "bsd" listener (issue 11): the default config plus an
# http listener on 9000 with the bsd model and a backlog of 64. hping3 floods it with
# spoofed SYNs from the flooder's namespace while the Linux client runs up to 100
# sequential curl requests to it for at most 20 s (at least 20) (each a new connection) beside the usual legitimate
# loop. Every request must get its 200: once the single queue is full of half-open
# entries synq must answer with cookies (TcpExtSyncookiesSent, TcpExtSyncookiesRecv
# grow), as FreeBSD's syncache does, instead of dropping SYNs before the cookie path.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flooder.sh"
. "$(dirname "$0")/adv_lib.sh"
N=100

adv_start 240
nsf timeout -s INT 40 hping3 --flood -S --rand-source -p 9000 -c 20000000 "$SYNQ_FL_IPV4" \
	>"$E2E_DIR/hping.out" 2>&1 &
FLOOD_PID=$!
sleep 2
adv_snap flood0
adv_legit_start
nsc timeout 40 bash -c '
	end=$((SECONDS + 20))
	for i in $(seq "$1"); do
		[ $SECONDS -lt $end ] || break
		code=$(curl -sS --max-time 3 -o /dev/null -w "%{http_code}" "http://$2:9000/" 2>&1)
		echo "$i $code"
	done' curl-loop "$N" "$SYNQ_IPV4" >"$E2E_DIR/bsd.out"
adv_legit_stop
adv_snap flood1
kill -0 "$FLOOD_PID" 2>/dev/null || e2e_fail "hping3 ended early: $(cat "$E2E_DIR/hping.out")"
flood_stop INT
good=$(grep -c '^[0-9]* 200$' "$E2E_DIR/bsd.out")
tried=$(wc -l <"$E2E_DIR/bsd.out")
e2e_log "bsd listener under the flood: $good/$tried requests answered (in at most 20 s)"
adv_show flood0 flood1 TcpExtSyncookiesSent TcpExtSyncookiesRecv TcpExtTCPReqQFullDoCookies \
	TcpExtTCPReqQFullDrop TcpExtListenDrops TcpExtListenOverflows
[ "$good" = "$tried" ] && [ "$tried" -ge 20 ] || e2e_fail "bsd listener: $((tried - good)) of $tried legitimate requests failed: $(grep -v ' 200$' "$E2E_DIR/bsd.out" | head -3)"
adv_legit_check
adv_counters flood0 flood1 "d('TcpExtSyncookiesSent') > 0" "d('TcpExtSyncookiesRecv') > 0" ||
	e2e_fail "the bsd listener answered the flood without cookies"
adv_snap after
adv_mem_back settled 15
adv_finish
