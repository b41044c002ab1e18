#!/usr/bin/env bash
# Never-reading and zero-window clients (issue 11): attack.py zerowin opens 24
# connections to echo (7) that send 1 MB each (more than the pool holds, altogether),
# advertise a zero window and never ACK what comes back, and 4 connections to http
# (8000) that pipeline requests the same way; both keep answering synq's probes with a zero window for 4 s, then RST.
# Legitimate clients loop throughout and must all succeed. synq must apply
# back-pressure, not reset: the http app pauses its reading (SynqAppHttpPaused), an
# attacker connection is reset only by the memory budget's last level (counted), and
# the mbufs in use stay under half the pool. Memory is back at its baseline once they leave.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flooder.sh"
. "$(dirname "$0")/adv_lib.sh"

adv_start 240
adv_legit_start
adv_attack zw-echo 45 zerowin --port 7 --app echo --src 198.18.0.110 --conns 24 --seconds 8 --hold 4
adv_attack zw-http 45 zerowin --port 8000 --app http --src 198.18.0.120 --conns 4 --seconds 8 --hold 4
sleep 9
adv_snap during
e2e_log "while attacked: $(adv_mem_brief during)"
adv_attack_wait || e2e_fail "an attacker failed: $(cat "$E2E_DIR"/zw-*.err)"
for a in echo http; do e2e_log "attacker $a: $(cat "$E2E_DIR/zw-$a.out")"; done
adv_legit_stop
adv_legit_check
adv_not_pinned during "zero-window clients"
resets=0
for a in echo http; do
	[ "$(adv_json "zw-$a" conns)" -ge 1 ] || e2e_fail "attacker $a: no handshake"
	resets=$((resets + $(adv_json "zw-$a" reset_by_synq)))
done
adv_snap after
# The apps pause, never reset; what the attackers hold together passes the workers'
# memory budget, whose last level resets the largest holders: every reset must be one
# of those, counted (docs/architecture.md, "Memory").
adv_counters before after "d('SynqMemPressureResets') >= $resets" ||
	e2e_fail "synq reset $resets zero-window connections, not all for memory pressure"
adv_show before after SynqAppHttpPaused SynqAppSendBlocked SynqTcpRcvWindowDrops SynqTcpRcvMemDrops TcpEstabResets \
	SynqAppHttpRequests
adv_counters before after "d('SynqAppHttpPaused') > 0" "c('SynqMemHeldBytes') >= 0" \
	"o('SynqTcpRcvWindowDrops') + o('SynqTcpRcvMemDrops') + o('SynqMemPressureDrops') > 0" ||
	e2e_fail "back-pressure is not counted"
adv_mem_back settled 15
adv_finish
