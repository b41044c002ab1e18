#!/usr/bin/env bash
# A client without window scaling must not start an ACK storm (issue 11): the client
# namespace's kernel gets net.ipv4.tcp_window_scaling=0, then 4 Linux connections to the
# hold listener (8080) stay idle for 3 s. synq may send them a handful of segments
# (the handshake, a window update), not a window update on every poll: at most 10
# segments a connection over the 3 s (TcpOutSegs; before the fix, 55,484 pure ACKs for
# one connection in 3 s). Legitimate clients loop meanwhile and all succeed; memory is
# back at its baseline after.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flooder.sh"
. "$(dirname "$0")/adv_lib.sh"

adv_start 240
nsc sysctl -qw net.ipv4.tcp_window_scaling=0 || e2e_fail "sysctl tcp_window_scaling"
adv_snap idle0
nsc timeout 20 python3 -c '
import socket, sys, time
s = []
for _ in range(4):
    c = socket.create_connection((sys.argv[1], 8080), timeout=3)
    s.append(c)
time.sleep(3)
for c in s:
    c.close()
print("held 4 connections 3 s")' "$SYNQ_IPV4" || e2e_fail "the client could not connect to hold"
adv_snap idle1
adv_show idle0 idle1 TcpOutSegs TcpInSegs TcpPassiveOpens
adv_counters idle0 idle1 "d('TcpOutSegs') <= 4 * 10" ||
	e2e_fail "synq sent a storm of segments to idle connections without window scaling"
nsc sysctl -qw net.ipv4.tcp_window_scaling=1
adv_legit_start
sleep 2
adv_legit_stop
adv_legit_check
adv_snap after
adv_mem_back settled 15
adv_finish
