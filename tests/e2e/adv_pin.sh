#!/usr/bin/env bash
# Tiny-segment pinning (issue 11): attackers from 198.18.0.64.. make real handshakes
# (attack.py, raw frames) to the hold (8080), echo (7) and http (8000) listeners of the
# default config, then each sends ADV_PIN_SEGS (5000) in-order 1-byte segments: hold
# never reads them, the echo attacker never ACKs what comes back, the http attacker's
# head never ends. tcpdump on the client's veth shows the segments are 1 byte each.
# Meanwhile legitimate clients (curl v4/v6 to http, close, echo 64 KB) loop, and must
# all succeed, also while the attackers stay connected; while they stay, no rx queue
# found the pool empty and less than half of it is in use; what synq refused or
# collapsed is counted and it accounts what it holds (SynqMemHeldBytes); once the
# attackers RST, memory (pools, connection gauges, held bytes, VmRSS) is back at its
# baseline. The attackers go on for at most 15 s (what synq does not take they send
# again from its ACK), and stay 3 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flooder.sh"
. "$(dirname "$0")/adv_lib.sh"
SEGS=${ADV_PIN_SEGS:-5000}

adv_start 240
adv_legit_start
if command -v tcpdump >/dev/null; then
	nsc timeout 20 tcpdump -n -i "$E2E_PEER" -c 200 -w "$E2E_DIR/pin.pcap" \
		"tcp dst port 8080 and src host 198.18.0.64" >/dev/null 2>&1 &
	TCPDUMP_PID=$!
	ADV_BG+=("$TCPDUMP_PID")
	sleep 1
fi
adv_attack pin-hold 40 pin --port 8080 --app hold --src 198.18.0.64 --segs "$SEGS" --seconds 15 --hold 3
adv_attack pin-echo 40 pin --port 7 --app echo --src 198.18.0.72 --segs "$SEGS" --seconds 15 --hold 3
adv_attack pin-http 40 pin --port 8000 --app http --src 198.18.0.80 --segs "$SEGS" --seconds 15 --hold 3
sleep 10
adv_snap during
e2e_log "while attacked: $(adv_mem_brief during)"
adv_attack_wait || e2e_fail "an attacker failed: $(cat "$E2E_DIR"/pin-*.err)"
for a in hold echo http; do e2e_log "attacker $a: $(cat "$E2E_DIR/pin-$a.out")"; done
for a in hold echo http; do
	[ "$(adv_json "pin-$a" conns)" -ge 1 ] || e2e_fail "attacker $a: no handshake"
done
if [ -n "${TCPDUMP_PID:-}" ]; then
	wait "$TCPDUMP_PID"
	ones=$(tcpdump -n -r "$E2E_DIR/pin.pcap" 2>/dev/null | grep -cE 'length 1(:|$)')
	e2e_log "tcpdump: $ones of the first 200 attacker frames to 8080 are 1-byte segments"
	[ "$ones" -ge 150 ] || e2e_fail "the attacker did not send 1-byte segments"
fi
adv_legit_stop
adv_legit_check
adv_not_pinned during "tiny segments"
adv_snap after
adv_show before after SynqTcpRcvWindowDrops SynqTcpInDataBytes TcpEstabResets SynqAppHttpRequests \
	SynqMemCollapsed SynqTcpRcvMemDrops SynqTcpUnacceptedMemDrops SynqMemPressureDrops SynqMemPressureResets
# synq accounts held buffers (SynqMemHeldBytes), and what it refused or collapsed of
# the 3 x SEGS segments is counted: beyond the window, past a connection's or the
# unaccepted connections' memory limit, collapsed into full buffers, under pressure
adv_counters before after "c('SynqMemHeldBytes') >= 0" \
	"o('SynqTcpRcvWindowDrops') + o('SynqMemCollapsed') + o('SynqTcpRcvMemDrops') + o('SynqTcpUnacceptedMemDrops') + o('SynqMemPressureDrops') + o('SynqMemPressureResets') > 0" ||
	e2e_fail "the refused segments are not counted"
adv_mem_back settled 15
adv_finish
