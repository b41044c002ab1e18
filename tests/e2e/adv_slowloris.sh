#!/usr/bin/env bash
# Slowloris heads (issue 11): one host (198.18.0.100) opens ADV_SLOW_CONNS (6000)
# connections (more than the mbuf pool holds) to the http listener (8000) of the default config, each sending an
# unfinished request head (attack.py slowloris: real handshakes from raw frames), and
# keeps them 5 s. Legitimate clients (curl v4/v6, close, echo) loop throughout and must
# all succeed; the mbufs in use while the heads wait must stay under half the pool;
# what bounded the attack is counted by name (per-source limit, head pool, its share
# a /24 may take); once the
# attacker leaves (RSTs), memory is back at its baseline.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flooder.sh"
. "$(dirname "$0")/adv_lib.sh"
N=${ADV_SLOW_CONNS:-6000}

adv_start 240
adv_legit_start
adv_attack slow 50 slowloris --port 8000 --src 198.18.0.100 --conns "$N" --hold 5
sleep 8
adv_snap during
e2e_log "while attacked: $(adv_mem_brief during)"
adv_attack_wait || e2e_fail "the attacker failed: $(cat "$E2E_DIR/slow.err")"
e2e_log "attacker: $(cat "$E2E_DIR/slow.out")"
adv_legit_stop
adv_legit_check
adv_not_pinned during "partial heads of one host"
adv_snap after
adv_show before after TcpPassiveOpens SynqSrcLimitSource SynqSrcLimitPrefix SynqAppHttpHeadPoolEmpty SynqAppHttpHeadSourceLimit \
	SynqAppHttpHeadTimeouts TcpEstabResets
adv_counters before after \
	"c('SynqAppHttpHeadPoolEmpty') >= 0" \
	"o('SynqSrcLimitSource') + o('SynqSrcLimitPrefix') + o('SynqAppHttpHeadPoolEmpty') + o('SynqAppHttpHeadSourceLimit') > 0" ||
	e2e_fail "nothing bounded one host's $N partial heads (or it is not counted)"
adv_mem_back settled 15
adv_finish
