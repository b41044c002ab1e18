#!/usr/bin/env bash
# synqctl against a running synq (the default config: listeners 80, 8000 and 8080 "hold")
# over its telemetry socket: ss -lnt laid out exactly as iproute2's ss prints the same
# listeners of Linux sockets (made in the client namespace), ss -tn / -tni showing a
# connection kept open, nstat's deltas (TcpPassiveOpens grows by the handshakes made
# between two calls), -a, -j, top's rates (also under a bounded hping3 flood: the real
# source on top), metrics (promtool), the control commands (reload adds a listener that
# ss lists and clients reach, an invalid config changes nothing and exits 1 saying why,
# rotate-secret reads the secret file; nstat counts them), and the errors: a bad filter,
# a --file-prefix no synq has.
. "$(dirname "$0")/lib.sh"
e2e_setup
here=$(dirname "$0")
SYNQCTL_BIN=${SYNQCTL_BIN:-$(dirname "$SYNQ_BIN")/../synqctl/synqctl}
export SYNQCTL_HISTORY="$E2E_DIR/nstat.hist"
ctl() { "$SYNQCTL_BIN" --file-prefix "$E2E_PREFIX" "$@"; }
client() { ip netns exec "$E2E_NS" python3 "$here/tcpclient.py" "$@"; }
show() { e2e_log "synqctl $*:"; sed 's/^/#   /' "$E2E_DIR/out"; }

# the built-in config (config/default.json) as a file, so that reload has one to read,
# with a cookie secret file for rotate-secret
cp "$here/../../config/default.json" "$E2E_DIR/synq.json"
echo 00112233445566778899aabbccddeeff >"$E2E_DIR/secret"
python3 - "$E2E_DIR/synq.json" "$E2E_DIR/secret" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tcp"]["cookie_secret_file"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
e2e_synq_start --config "$E2E_DIR/synq.json"

# ss -lnt: the layout of iproute2's ss for the same listeners (dual-stack, backlogs 511,
# 511, 4) of Linux sockets in the client namespace; rows sorted, ss lists in hash order.
ip netns exec "$E2E_NS" python3 - "$E2E_DIR/ready" <<'PY' &
import socket, sys, time
socks = []
for port, backlog in ((80, 511), (8000, 511), (8080, 4)):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(backlog)
    socks.append(s)
open(sys.argv[1], "w").close()
time.sleep(5)
PY
linux_pid=$!
for _ in $(seq 50); do [ -e "$E2E_DIR/ready" ] && break; sleep 0.1; done
want=$(ip netns exec "$E2E_NS" ss -lnt | { IFS= read -r h; echo "$h"; sort; })
kill "$linux_pid" 2>/dev/null; wait "$linux_pid" 2>/dev/null
ctl ss -lnt >"$E2E_DIR/out" || e2e_fail "ss -lnt exited $?"
show ss -lnt
got=$({ IFS= read -r h; echo "$h"; sort; } <"$E2E_DIR/out")
[ "$got" = "$want" ] || e2e_fail "ss -lnt differs from iproute2's ss:
$(diff <(echo "$want") <(echo "$got"))"
ctl ss -lt sport = :8000 | grep -q '\*:8000 ' || e2e_fail "ss -lt sport = :8000"
[ "$(ctl ss -ltH sport = :8000 | wc -l)" = 1 ] || e2e_fail "ss -ltH sport = :8000: one row"

# nstat: the first call sets the history, the second shows what moved since
ctl nstat >/dev/null || e2e_fail "nstat exited $?"
got=$(client seq 7 "$SYNQ_IPV4" 80)
[ "$got" = 7 ] || e2e_fail "$got of 7 handshakes"
ctl nstat >"$E2E_DIR/out" || e2e_fail "nstat exited $?"
show nstat
[ "$(head -1 "$E2E_DIR/out")" = "#synq" ] || e2e_fail "nstat's first line is not #synq"
grep -Eqv '^(#synq|[A-Za-z0-9]+ +[0-9]+ +[0-9.]+)$' "$E2E_DIR/out" && e2e_fail "nstat: a line not 'Name value rate'"
delta=$(awk '$1 == "TcpPassiveOpens" { print $2 }' "$E2E_DIR/out")
[ "$delta" = 7 ] || e2e_fail "nstat: TcpPassiveOpens delta '$delta', 7 handshakes made"
ctl nstat -a -s >"$E2E_DIR/out" || e2e_fail "nstat -a exited $?"
[ "$(awk '$1 == "TcpPassiveOpens" { print $2 }' "$E2E_DIR/out")" = 7 ] || e2e_fail "nstat -a"
grep -q '^SynqRxFrames ' "$E2E_DIR/out" || e2e_fail "nstat -a lacks SynqRxFrames"
ctl nstat -s >"$E2E_DIR/out"
grep -q '^TcpPassiveOpens ' "$E2E_DIR/out" && e2e_fail "nstat: nothing moved, TcpPassiveOpens shown"
ctl nstat -az 'Tcp*Opens' >"$E2E_DIR/out"
[ "$(sed 1d "$E2E_DIR/out" | awk '{ print $1 }' | tr '\n' ' ')" = "TcpPassiveOpens TcpActiveOpens " ] ||
	e2e_fail "nstat -az 'Tcp*Opens': $(cat "$E2E_DIR/out")"
ctl nstat -j -a -s 'TcpPassive*' >"$E2E_DIR/out" || e2e_fail "nstat -j exited $?"
show nstat -j -a -s "'TcpPassive*'"
[ "$(cat "$E2E_DIR/out")" = '{"synq":{"TcpPassiveOpens":7}}' ] || e2e_fail "nstat -j -a -s 'TcpPassive*'"
ctl nstat -j -a >"$E2E_DIR/out" || e2e_fail "nstat -j exited $?"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["synq"]["TcpPassiveOpens"] == 7, d' \
	"$E2E_DIR/out" || e2e_fail "nstat -j -a: not {\"synq\": {...}} with TcpPassiveOpens 7"
[ "$(stat -c %a "$SYNQCTL_HISTORY")" = 600 ] || e2e_fail "history mode not 0600"

# a connection kept open to the "hold" listener (never accepted: Recv-Q 1 on 8080)
ip netns exec "$E2E_NS" python3 - "$SYNQ_IPV4" "$E2E_DIR/port" <<'PY' &
import socket, sys, time
s = socket.create_connection((sys.argv[1], 8080), timeout=2)
s.sendall(b"hello")
open(sys.argv[2] + ".tmp", "w").write(str(s.getsockname()[1]))
__import__("os").rename(sys.argv[2] + ".tmp", sys.argv[2])
time.sleep(20)
PY
held_pid=$!
for _ in $(seq 50); do [ -s "$E2E_DIR/port" ] && break; sleep 0.1; done
cport=$(cat "$E2E_DIR/port" 2>/dev/null) || e2e_fail "the held connection did not connect"
sleep 0.3
ctl ss -tn >"$E2E_DIR/out" || e2e_fail "ss -tn exited $?"
show ss -tn
grep -Eq "^ESTAB +5 +0 +$SYNQ_IPV4:8080 +$PEER_IPV4:$cport *\$" "$E2E_DIR/out" ||
	e2e_fail "ss -tn: no ESTAB 5 0 $SYNQ_IPV4:8080 $PEER_IPV4:$cport"
ctl ss -tni dport = :"$cport" >"$E2E_DIR/out" || e2e_fail "ss -tni exited $?"
show ss -tni dport = :"$cport"
[ "$(wc -l <"$E2E_DIR/out")" = 3 ] || e2e_fail "ss -tni dport = :$cport: header, row, info"
# ss's spelling, what synq keeps (no rtt: the held connection has sent nothing to time)
grep -Eq $'^\t rto:[0-9]+ (rtt:[0-9.]+/[0-9.]+ )?mss:1448 cwnd:[0-9]+ ' "$E2E_DIR/out" ||
	e2e_fail "ss -tni: no info line with rto, mss, cwnd"
[ "$(ctl ss -tnH src "$SYNQ_IPV4/24" dst "$PEER_IPV4" | wc -l)" = 1 ] || e2e_fail "ss src/dst"
[ "$(ctl ss -tnH dst 198.19.0.0/16 | wc -l)" = 0 ] || e2e_fail "ss dst 198.19.0.0/16"
ctl ss -lnt >"$E2E_DIR/out"
show ss -lnt
grep -Eq '^LISTEN +1 +4 +\*:8080 ' "$E2E_DIR/out" || e2e_fail "ss -lnt: 8080's Recv-Q 1"

# top: two blocks of rates while handshakes go on
# not through client(): $! must be the client itself (ip netns exec execs it) to kill it
ip netns exec "$E2E_NS" python3 "$here/tcpclient.py" seq 30000 "$SYNQ_IPV4" 80 >/dev/null &
load_pid=$!
sleep 0.5 # the client's python started
ctl top -n 2 -d 0.5 >"$E2E_DIR/out" || e2e_fail "top exited $?"
kill "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null
show top -n 2 -d 0.5
[ "$(grep -c '^per second' "$E2E_DIR/out")" = 2 ] || e2e_fail "top -n 2: not two blocks"
[ "$(grep -Ec '^  handshakes done +[1-9][0-9]*/s$' "$E2E_DIR/out")" = 2 ] ||
	e2e_fail "top: no handshake rate in each block"
grep -Eq '^  \*:80 +[0-9]+ +511  close$' "$E2E_DIR/out" || e2e_fail "top: no listener *:80"
grep -Eq '^(SYN sources|no SYN source data)' "$E2E_DIR/out" || e2e_fail "top: no SYN sources"

# top under a SYN flood (bounded: 3 s, 30000 SYNs at most each): spoofed sources at
# 5000/s and one real source, 198.18.0.2, at 2000/s. The SYN table's share fills, so
# cookies go out; with /synq/syn_sources, the real source is the top one.
if command -v hping3 >/dev/null; then
	ip netns exec "$E2E_NS" timeout 3 hping3 -q -S -p 80 -i u200 -c 30000 --rand-source \
		"$SYNQ_IPV4" >/dev/null 2>&1 &
	flood1=$!
	ip netns exec "$E2E_NS" timeout 3 hping3 -q -S -p 80 -i u500 -c 30000 "$SYNQ_IPV4" \
		>/dev/null 2>&1 &
	flood2=$!
	sleep 1.2 # a whole published second of the sketch
	ctl top -n 1 -d 1 >"$E2E_DIR/out" || e2e_fail "top under a flood exited $?"
	wait "$flood1" "$flood2"
	show top -n 1 -d 1 "(flood)"
	grep -Eq '^  cookies sent +[1-9][0-9]*/s$' "$E2E_DIR/out" || e2e_fail "top: no cookies sent in a flood"
	for row in 'SYNs received' 'SYN-ACKs sent'; do
		grep -Eq "^  $row +[1-9][0-9]*/s\$" "$E2E_DIR/out" || e2e_fail "top: no '$row' rate in a flood"
	done
	grep -q 'TcpExtTCPReqQFullDoCookies' "$E2E_DIR/out" && e2e_fail "top: cookies answered listed as drops"
	if grep -q '^SYN sources' "$E2E_DIR/out"; then
		grep -A1 '^  top sources' "$E2E_DIR/out" | grep -Eq "^  $PEER_IPV4 +[1-9]" ||
			e2e_fail "top: $PEER_IPV4 is not the top source"
	fi
else
	e2e_log "no hping3: top under a flood not checked"
fi

# reload: a listener added (port 9090) is listed and answers; a config that does not
# validate changes nothing, exits 1 and says why; rotate-secret reads the secret file
python3 - "$E2E_DIR/synq.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["listeners"].append({"port": 9090, "app": "close", "backlog": 16, "max_flows": 64})
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
ctl reload >"$E2E_DIR/out" 2>&1 || e2e_fail "reload exited $?: $(cat "$E2E_DIR/out")"
show reload
grep -q "^reloaded $E2E_DIR/synq.json: 1 added, 0 removed" "$E2E_DIR/out" ||
	e2e_fail "reload: $(cat "$E2E_DIR/out")"
ctl ss -lnt >"$E2E_DIR/out" || e2e_fail "ss -lnt exited $?"
grep -Eq '^LISTEN +0 +16 +\*:9090 ' "$E2E_DIR/out" || e2e_fail "ss -lnt after reload: $(cat "$E2E_DIR/out")"
got=$(client outcome 3 "$SYNQ_IPV4" 9090)
echo "$got" | python3 -c 'import json, sys; sys.exit(json.load(sys.stdin)["eof"] != 3)' ||
	e2e_fail "the listener added by reload (app close): $got"
cp "$E2E_DIR/synq.json" "$E2E_DIR/good.json"
sed -i 's/"backlog": 16/"backlog": "sixteen"/' "$E2E_DIR/synq.json"
ctl reload >"$E2E_DIR/out" 2>&1 && e2e_fail "an invalid config reloaded: $(cat "$E2E_DIR/out")"
show reload
grep -q "^synqctl: reload refused, nothing changed: .*backlog" "$E2E_DIR/out" ||
	e2e_fail "invalid config: $(cat "$E2E_DIR/out")"
ctl ss -lnt | grep -Eq '^LISTEN +0 +16 +\*:9090 ' || e2e_fail "a refused reload changed the listeners"
cp "$E2E_DIR/good.json" "$E2E_DIR/synq.json"
echo ffeeddccbbaa99887766554433221100 >"$E2E_DIR/secret"
ctl rotate-secret >"$E2E_DIR/out" 2>&1 || e2e_fail "rotate-secret exited $?: $(cat "$E2E_DIR/out")"
show rotate-secret
grep -q "^cookie secret generation 1 read from tcp.cookie_secret_file, in force from " \
	"$E2E_DIR/out" || e2e_fail "rotate-secret: $(cat "$E2E_DIR/out")"
ctl rotate-secret >"$E2E_DIR/out" 2>&1
grep -q "holds the secret in use (generation 1)" "$E2E_DIR/out" ||
	e2e_fail "rotate-secret again: $(cat "$E2E_DIR/out")"
ctl nstat -a -z 'SynqReload*' 'SynqSecretRotations' >"$E2E_DIR/out" || e2e_fail "nstat exited $?"
for want in "SynqReloads 1" "SynqReloadsRefused 1" "SynqSecretRotations 1"; do
	grep -Eq "^${want% *} +${want#* }( |\$)" "$E2E_DIR/out" ||
		e2e_fail "nstat after the control commands: want $want: $(cat "$E2E_DIR/out")"
done
ctl backends >"$E2E_DIR/out" || e2e_fail "backends exited $?"
[ "$(wc -l <"$E2E_DIR/out")" = 1 ] || e2e_fail "backends: rows without a proxy listener"
# metrics: Prometheus text from telemetry, per lcore with its role; -o writes it whole
ctl metrics >"$E2E_DIR/metrics.txt" || e2e_fail "metrics exited $?"
grep -Eq '^synq_tcp_passive_opens_total\{lcore="1",role="both"\} [1-9]' "$E2E_DIR/metrics.txt" ||
	e2e_fail "metrics: no synq_tcp_passive_opens_total of lcore 1 (role both)"
if promtool=$("$here/../../scripts/promtool.sh" 2>/dev/null); then
	"$promtool" check metrics <"$E2E_DIR/metrics.txt" >"$E2E_DIR/out" 2>&1 ||
		e2e_fail "promtool check metrics: $(head -5 "$E2E_DIR/out")"
else
	e2e_log "no promtool: synqctl metrics not checked by it"
fi
ctl metrics -o "$E2E_DIR/synq.prom" || e2e_fail "metrics -o exited $?"
[ "$(stat -c %a "$E2E_DIR/synq.prom")" = 644 ] || e2e_fail "metrics -o: mode not 0644"
ls "$E2E_DIR"/synq.prom.* >/dev/null 2>&1 && e2e_fail "metrics -o left a temporary file"
ctl --json ss -lnt | python3 -c 'import json,sys; assert "/synq/listeners" in json.loads(sys.stdin.readline())' ||
	e2e_fail "--json: not the raw reply"

# errors: exit 1, naming what is wrong
ctl ss -tn sport = :nosuchport >"$E2E_DIR/out" 2>&1 && e2e_fail "a bad port exited 0"
grep -q "bad port ':nosuchport'" "$E2E_DIR/out" || e2e_fail "bad port: $(cat "$E2E_DIR/out")"
ctl ss -tn frobnicate >"$E2E_DIR/out" 2>&1 && e2e_fail "a bad filter exited 0"
show ss -tn frobnicate
grep -q "bad filter word 'frobnicate'" "$E2E_DIR/out" || e2e_fail "bad filter: $(cat "$E2E_DIR/out")"
"$SYNQCTL_BIN" --file-prefix "nosuch-$E2E_ID" nstat >"$E2E_DIR/out" 2>&1 && e2e_fail "no synq, exit 0"
show --file-prefix "nosuch-$E2E_ID" nstat
grep -q "no synq running with --file-prefix nosuch-$E2E_ID (no socket at " "$E2E_DIR/out" ||
	e2e_fail "wrong prefix: $(cat "$E2E_DIR/out")"

kill "$held_pid" 2>/dev/null; wait "$held_pid" 2>/dev/null
e2e_synq_stop
e2e_log "synqctl: ss, nstat, top, control commands and errors as expected"
