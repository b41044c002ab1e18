#!/usr/bin/env bash
# pdump.sh killed midway gives back what it took: its 2 MiB hugepages
# (nr_hugepages as before), its hugetlbfs mount, dpdk-pdump. pdump.sh runs in a
# process group of its own; once it captures, the group gets a SIGKILL (an OOM kill,
# a CI job cancelled, meson's SIGKILL past a timeout when its SIGTERM was not
# enough), which runs no trap: before, 256 pages (512 MB) stayed reserved and the
# mount held synq's hugepage files. dpdk-pdump runs under timeout(1), which makes a
# process group of its own: the group's signal does not reach it. What lib.sh's
# trap would have removed (namespaces, files, runtime directory) is removed here.
here=$(dirname "$0")
for tool in dpdk-pdump tshark python3 setsid; do
	command -v "$tool" >/dev/null || { echo "SKIP: needs $tool"; exit 77; }
done
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root"
	exit 77
fi
nr=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
[ -w "$nr" ] || { echo "SKIP: no 2 MiB hugepages"; exit 77; }
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }

before=$(cat "$nr")
mounts() { awk '$3 == "hugetlbfs" && $2 ~ /^\/tmp\/synq-huge\./ {print $2}' /proc/mounts; }
mounts_before=$(mounts)
out=$(mktemp /tmp/synq-pdump-killed.XXXXXX)
trap 'rm -f "$out"' EXIT
setsid bash "$here/pdump.sh" >"$out" 2>&1 &
pid=$!
# its capture has started: pdump.sh's mount is there, and dpdk-pdump, the child of
# pdump.sh's timeout(1)
mnt="" pdump=""
for _ in $(seq 200); do
	kill -0 "$pid" 2>/dev/null || fail "pdump.sh ended by itself: $(cat "$out")"
	mnt=$(mounts | grep -vxF -- "$mounts_before" | head -1)
	tpid=$(pgrep -P "$pid" -x timeout | head -1)
	[ -n "$mnt" ] && [ -n "$tpid" ] && pdump=$(pgrep -P "$tpid" | head -1) &&
		[ -n "$pdump" ] && break
	sleep 0.1
done
[ -n "$pdump" ] || fail "dpdk-pdump did not start: $(cat "$out")"
sleep 1
kill -KILL -- "-$pid" 2>/dev/null
wait "$pid" 2>/dev/null
# lib.sh's names for pdump.sh, whose PID was $pid
ip netns del "synq-e2e-$pid" 2>/dev/null
ip netns del "synq-e2e-srv-$pid" 2>/dev/null
rm -rf "/var/run/dpdk/synq-e2e-$pid"
for d in /tmp/synq-e2e.*; do
	grep -qsw -- "synq-e2e-$pid" "$d/synq.err" "$d/pdump.out" && rm -rf "$d"
done
# what pdump.sh left to finish (its watchdog) has 10 s
for _ in $(seq 100); do
	[ "$(cat "$nr")" = "$before" ] && ! mounts | grep -qxF -- "$mnt" &&
		! kill -0 "$pdump" 2>/dev/null && break
	sleep 0.1
done
left=""
[ "$(cat "$nr")" = "$before" ] || left="$left nr_hugepages $(cat "$nr") (was $before);"
mounts | grep -qxF -- "$mnt" && left="$left the mount $mnt;"
kill -0 "$pdump" 2>/dev/null && left="$left dpdk-pdump (pid $pdump);"
if [ -n "$left" ]; then
	# given back here, so that the failure leaves nothing either
	kill -KILL "$pdump" 2>/dev/null
	umount -l "$mnt" && rmdir "$mnt"
	rm -f "$mnt.held"
	echo "$before" >"$nr"
	fail "killed midway, pdump.sh left:$left"
fi
echo "# killed midway: nr_hugepages back to $before, no mount, no dpdk-pdump left"
