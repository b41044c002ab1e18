# Sourced after lib.sh: synq and synq-gen on this machine joined by net_memif (no NIC,
# no network namespace), synq the server on lcore 1, the generator the client on
# lcore 0, each --no-pci --no-huge with its own --file-prefix. Used by gen_smoke.sh,
# memif_peer.sh and tests/bench/gen-memif.sh. Sets the EXIT trap (memif_cleanup) and
# E2E_DIR.

# synq-gen is built beside synq (meson passes SYNQ_BIN only).
GEN_BIN=${SYNQ_GEN_BIN:-$(dirname "$SYNQ_BIN")/../synq-gen/synq-gen}
GEN_PREFIX="synq-gen-e2e-$E2E_ID"
GEN_SOCK="/tmp/synq-gen-$E2E_ID.sock"
GEN_PID=""

[ -x "$SYNQ_BIN" ] || e2e_fail "no synq at $SYNQ_BIN"
[ -x "$GEN_BIN" ] || e2e_fail "no synq-gen at $GEN_BIN"

memif_cleanup() {
	if [ -n "$GEN_PID" ] && kill -0 "$GEN_PID" 2>/dev/null; then
		kill -TERM "$GEN_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$GEN_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$GEN_PID" 2>/dev/null
	fi
	e2e_cleanup
	rm -f "$GEN_SOCK"
	rm -rf "/var/run/dpdk/$GEN_PREFIX"
	return 0
}
trap memif_cleanup EXIT
trap 'exit 130' INT TERM
E2E_DIR=$(mktemp -d /tmp/synq-e2e.XXXXXX)
E2E_STATS="$E2E_DIR/stats.json"

# memif_synq_config APP BACKLOG: synq's config for these runs in $E2E_DIR/synq.json: the
# memif port, lcore 1 its worker and application, syncookies 1 with a SYN table of 64
# entries (a flood fills it, cookies answer), one listener, port 80, running APP.
memif_synq_config() {
	cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_memif0", "ipv4": ["$SYNQ_IPV4"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_memif0" } ] } ],
	"tcp": { "syncookies": 1, "max_syn_backlog": 64 },
	"listeners": [ { "port": 80, "backlog": $2, "app": "$1" } ]
}
JSON
}

# memif_synq_start CONFIG MEM_MB STATS_MS DURATION_S: synq first (a memif client does
# not retry), bounded by its --duration, back once its first stats file is written.
# memif takes its MAC from its devargs only (synq's "mac" key would be refused).
# MEMIF_RSIZE, when set, is both ends' rsize devarg: log2 of the rings' slots (the
# client's, the generator's, sizes them; memif's default is 10, 1024 slots).
memif_synq_start() {
	rm -f "$E2E_STATS" "$GEN_SOCK"
	"$SYNQ_BIN" --no-pci --no-huge -m "$2" --file-prefix "$E2E_PREFIX" -l 1 \
		--vdev "net_memif0,role=server,socket=$GEN_SOCK,mac=$SYNQ_MAC${MEMIF_RSIZE:+,rsize=$MEMIF_RSIZE}" -- \
		--config "$1" --stats-file "$E2E_STATS" --stats-interval-ms "$3" \
		--duration "$4" >"$E2E_DIR/synq.out" 2>"$E2E_DIR/synq.err" &
	E2E_SYNQ_PID=$!
	for _ in $(seq 100); do
		[ -s "$E2E_STATS" ] && break
		kill -0 "$E2E_SYNQ_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$E2E_STATS" ] || { cat "$E2E_DIR/synq.err" >&2; e2e_fail "synq did not start"; }
}

# memif_gen MEM_MB TIMEOUT_S [synq-gen options...]: the generator, to its end (SIGINT
# after TIMEOUT_S at the latest); output in $E2E_DIR/gen.{out,err}; its exit status.
memif_gen() {
	local mem=$1 limit=$2 rc
	shift 2
	timeout -s INT "$limit" "$GEN_BIN" --no-pci --no-huge -m "$mem" --file-prefix "$GEN_PREFIX" \
		-l 0 --vdev "net_memif0,role=client,socket=$GEN_SOCK,mac=02:53:47:00:00:01${MEMIF_RSIZE:+,rsize=$MEMIF_RSIZE}" -- \
		"$@" >"$E2E_DIR/gen.out" 2>"$E2E_DIR/gen.err" &
	GEN_PID=$!
	wait "$GEN_PID"
	rc=$?
	GEN_PID=""
	return "$rc"
}
