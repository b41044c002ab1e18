# Sourced by the adversarial tests (adv_*.sh) and tests/bench/soak.sh, after lib.sh and
# flooder.sh: synq with config/default.json's listeners (plus an echo listener on 7
# and a bsd-model http listener on 9000) on the client's veth and on the flooder's,
# legitimate clients looping in the background, memory snapshots, counter checks.
#   . lib.sh; . flooder.sh; . adv_lib.sh; adv_start; adv_legit_start; ...; adv_finish

ADV_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ADV_ROOT=$(cd "$ADV_HERE/../.." && pwd)
ADV_LEGIT_PID=""
ADV_ATTACKS=()
ADV_BG=() # other bounded helpers a test started (timeout(1) PIDs): stopped at exit

adv_cleanup() {
	adv_legit_stop
	for p in "${ADV_ATTACKS[@]}" "${ADV_BG[@]}"; do kill -TERM "$p" 2>/dev/null; done
	flood_cleanup
}

# adv_start [duration_s]: (synq's --duration, a bound for a test that hangs; meson's
# timeout is 300 s) namespaces, the default config, synq; warm-up traffic; the
# baseline memory snapshot (before.mem.json) and stats (before.json).
# ADV_TCP: a JSON object merged into the config's "tcp" (the timeouts of a test that must
# see every connection reclaimed within its settle window).
adv_start() {
	local secs=${1:-120}
	for t in python3 curl hping3; do
		command -v "$t" >/dev/null || { echo "SKIP: needs $t"; exit 77; }
	done
	flooder_setup
	trap adv_cleanup EXIT
	python3 - "$ADV_ROOT/config/default.json" "$E2E_DIR/synq.json" "$SYNQ_FL_MAC" "$SYNQ_FL_IPV4" \
		"${ADV_TCP:-{\}}" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tcp"].update(json.loads(sys.argv[5]))
c["ports"].append({"name": "net_af_packet1", "mac": sys.argv[3], "ipv4": [sys.argv[4]]})
for l in c["lcores"]:
    l["rx"].append({"port": "net_af_packet1", "queue": 0})
c["listeners"] += [{"port": 7, "backlog": 511, "app": "echo"},
                   {"port": 9000, "backlog": 64, "app": "http", "queue_model": "bsd"}]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
	e2e_synq_start --stats-interval-ms 200 --duration "$secs" --config "$E2E_DIR/synq.json"
	flooder_ping_both
	nsc ping -6 -c 1 -W 2 "$SYNQ_IPV6" >/dev/null || true
	head -c 65536 /dev/urandom >"$E2E_DIR/echo.bin"
	adv_legit_once || e2e_fail "warm-up: a legitimate client failed: $(tail -3 "$E2E_DIR/legit.log")"
	sleep 1
	adv_snap before
}

# adv_snap NAME: NAME.json (stats, once rewritten) and NAME.mem.json (memory).
adv_snap() {
	sleep 0.4
	cp "$E2E_STATS" "$E2E_DIR/$1.json"
	python3 "$ADV_HERE/advmem.py" "$E2E_PREFIX" "$E2E_SYNQ_PID" "$E2E_DIR/$1.json" \
		>"$E2E_DIR/$1.mem.json" || e2e_fail "memory snapshot $1"
}

# One round of legitimate clients, each bounded: http (curl, new connection), the close
# app (a connect that sees a FIN), echo (64 KB back intact), IPv6 http. One log line each.
adv_legit_once() {
	local log="$E2E_DIR/legit.log" code out rc=0
	code=$(nsc curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://$SYNQ_IPV4:8000/" 2>&1)
	[ "$code" = 200 ] && echo "ok http" >>"$log" || { echo "FAIL http $code" >>"$log"; rc=1; }
	code=$(nsc curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://[$SYNQ_IPV6]:8000/" 2>&1)
	[ "$code" = 200 ] && echo "ok http6" >>"$log" || { echo "FAIL http6 $code" >>"$log"; rc=1; }
	out=$(nsc timeout 10 python3 "$ADV_HERE/tcpclient.py" outcome 1 "$SYNQ_IPV4" 80 2>&1)
	case $out in *'"eof": 1'*) echo "ok close" >>"$log" ;; *) echo "FAIL close $out" >>"$log"; rc=1 ;; esac
	out=$(nsc timeout 15 python3 "$ADV_HERE/echoclient.py" "$SYNQ_IPV4" 7 "$E2E_DIR/echo.bin" \
		--timeout 10 2>&1) && echo "ok echo" >>"$log" ||
		{ echo "FAIL echo $(echo "$out" | head -c 300)" >>"$log"; rc=1; }
	return $rc
}

# adv_legit_start: legitimate rounds in the background until adv_legit_stop.
adv_legit_start() {
	: >"$E2E_DIR/legit.log"
	rm -f "$E2E_DIR/legit.stop"
	(
		while [ ! -e "$E2E_DIR/legit.stop" ]; do
			adv_legit_once
			sleep 0.2
		done
	) &
	ADV_LEGIT_PID=$!
}

adv_legit_stop() {
	[ -n "$ADV_LEGIT_PID" ] || return 0
	touch "$E2E_DIR/legit.stop"
	for _ in $(seq 400); do kill -0 "$ADV_LEGIT_PID" 2>/dev/null || break; sleep 0.1; done
	kill -TERM "$ADV_LEGIT_PID" 2>/dev/null
	wait "$ADV_LEGIT_PID" 2>/dev/null
	ADV_LEGIT_PID=""
}

# adv_legit_check: every legitimate request of the run succeeded, and there were some.
adv_legit_check() {
	local ok fail
	ok=$(grep -c '^ok' "$E2E_DIR/legit.log")
	fail=$(grep -c '^FAIL' "$E2E_DIR/legit.log")
	e2e_log "legitimate clients: $ok succeeded, $fail failed"
	[ "$fail" = 0 ] || e2e_fail "legitimate clients failed: $(grep '^FAIL' "$E2E_DIR/legit.log" | sort | uniq -c | head -5)"
	[ "$ok" -ge 4 ] || e2e_fail "legitimate clients: only $ok requests ran"
}

# adv_attack NAME LIMIT attack.py-args...: one attacker in the client namespace, in
# the background, bounded by timeout(1); its JSON goes to NAME.out.
adv_attack() {
	local name=$1 limit=$2
	shift 2
	ip netns exec "$E2E_NS" timeout "$limit" python3 "$ADV_HERE/attack.py" "$E2E_PEER" "$@" \
		>"$E2E_DIR/$name.out" 2>"$E2E_DIR/$name.err" &
	ADV_ATTACKS+=($!)
}

adv_attack_wait() {
	local p rc=0
	for p in "${ADV_ATTACKS[@]}"; do wait "$p" || rc=$?; done
	ADV_ATTACKS=()
	return $rc
}

# adv_alive: synq is up and answers ping and http on the client's port.
adv_alive() {
	kill -0 "$E2E_SYNQ_PID" 2>/dev/null || e2e_fail "synq is gone: $(tail -5 "$E2E_DIR/synq.err")"
	nsc ping -c 2 -i 0.2 -W 2 "$SYNQ_IPV4" >/dev/null || e2e_fail "no ping reply from synq"
	local code
	code=$(nsc curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://$SYNQ_IPV4:8000/" 2>&1)
	[ "$code" = 200 ] || e2e_fail "synq does not answer http: $code"
}

# adv_mem_back NAME [tries]: memory back at the baseline, tried about once a second
# (the settle time) up to TRIES times.
adv_mem_back() {
	local i rc t0=$SECONDS
	for i in $(seq "${2:-10}"); do
		adv_snap "$1"
		python3 "$ADV_HERE/advmem.py" "$E2E_PREFIX" "$E2E_SYNQ_PID" "$E2E_DIR/$1.json" --check \
			"$E2E_DIR/before.mem.json" "$E2E_DIR/$1.mem.json" >"$E2E_DIR/$1.memcheck"
		rc=$?
		[ "$rc" = 0 ] && {
			e2e_log "memory back at its baseline after $((SECONDS - t0)) s: $(adv_mem_brief "$1")"
			return 0
		}
		[ "$rc" = 2 ] && break
		sleep 0.6
	done
	e2e_fail "$(cat "$E2E_DIR/$1.memcheck"); before: $(adv_mem_brief before)"
}

adv_mem_brief() {
	python3 - "$E2E_DIR/$1.mem.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(" ".join(["%s in_use %d/%d" % (n, p["in_use"], p["size"]) for n, p in m["pools"].items()] +
               ["rx_nombuf %d" % m["rx_nombuf"], "VmRSS %d kB" % m["rss_kb"]] +
               ["%s %d" % kv for kv in sorted(m["gauges"].items())]))
PY
}

# adv_not_pinned NAME WHAT: while the attack holds what it can (snapshot NAME), no rx
# queue found the pool empty since the baseline (rx_nombuf) and each pool is less than
# half in use.
adv_not_pinned() {
	python3 - "$E2E_DIR/before.mem.json" "$E2E_DIR/$1.mem.json" <<'PY' || e2e_fail "$2 pinned the memory"
import json, sys
b, m = (json.load(open(f)) for f in sys.argv[1:3])
bad = []
if m["rx_nombuf"] > b["rx_nombuf"]:
    bad.append("rx queues found the mbuf pool empty %d times" % (m["rx_nombuf"] - b["rx_nombuf"]))
if not m["pools"]:
    bad.append("no pool figures in synq's stats (expected \"mempools\": [{name, size, in_use, free}])")
for n, p in m["pools"].items():
    if p["in_use"] * 2 >= p["size"]:
        bad.append("%s: %d of %d in use" % (n, p["in_use"], p["size"]))
for x in bad:
    print("FAIL: " + x)
sys.exit(1 if bad else 0)
PY
}

# adv_counters A B EXPR...: python expressions over d("Name") (growth from A.json to
# B.json) and c("Name") (value in B) must hold. A counter that does not exist fails
# with its name: the defence that counts it is missing. o("Name") is d() for one of
# several counters that may each count the event (0 when it does not exist).
adv_counters() {
	python3 - "$E2E_DIR/$1.json" "$E2E_DIR/$2.json" "${@:3}" <<'PY'
import json, sys
a, b = (json.load(open(f))["counters"] for f in sys.argv[1:3])
missing = []
def c(k):
    if k not in b:
        missing.append(k)
        return 0
    return b[k]
def d(k):
    if k not in b or k not in a:
        missing.append(k)
        return 0
    return b[k] - a[k]
def o(k):
    return b[k] - a[k] if k in a and k in b else 0
bad = []
for e in sys.argv[3:]:
    ok = eval(e)
    if not ok:
        bad.append(e)
if missing:
    print("FAIL: counters missing (the defence is not there): " + " ".join(sorted(set(missing))))
for e in bad:
    print("FAIL: " + e)
sys.exit(1 if bad or missing else 0)
PY
}

# adv_show A B NAME...: log the growth of some counters.
adv_show() {
	python3 - "$E2E_DIR/$1.json" "$E2E_DIR/$2.json" "${@:3}" <<'PY'
import json, sys
a, b = (json.load(open(f))["counters"] for f in sys.argv[1:3])
print("#   " + " ".join("%s +%s" % (k, b[k] - a[k] if k in a and k in b else "(missing)")
                      for k in sys.argv[3:]))
PY
}

# adv_json NAME KEY: a field of an attacker's JSON output.
adv_json() {
	python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])[sys.argv[2]])' \
		"$E2E_DIR/$1.out" "$2"
}

# adv_finish: synq answers, stops cleanly.
adv_finish() {
	adv_alive
	e2e_synq_stop
	echo PASS
}
