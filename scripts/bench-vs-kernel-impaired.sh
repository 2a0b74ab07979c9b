#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench against the kernel's TCP (wrk) through the same impaired wire, in
# the same run: for each fault of wire-impair and each load shape, wrk and
# drench fetch from the rig's nginx through gen0, with the same connections
# for the same time, each behind a fresh wire-impair started
# with the same seed, REPEAT (2) times each. Prints one line per case with the
# best rate of each and drench/kernel, and a TSV of every turn's figures.
# Columns after the ratio: errors of wrk and drench over all turns, then
# drench's TCP counters in its best turn: RTO rounds, fast retransmits,
# SYNs retransmitted by the timer, SYNs sent again at once after resetting
# a server's old state for the tuple, out-of-order segments queued, tail
# loss probes, out-of-order segments dropped (queue full or the per-connection
# cap) and ACKs sent with SACK blocks ("-" from a drench without them).
#   scripts/bench-vs-kernel-impaired.sh [SECONDS]
#   ONLY_FAULT=loss ONLY_SHAPE=big: one fault, one shape; REPEAT=N turns
# wrk uses 198.18.0.3 (lent to gen0 for its turn), drench 198.18.0.2: a
# server's TIME_WAIT left by the kernel's connections would make drench's
# SYNs on those tuples pay a round trip (scripts/bench-rerun.sh measures that).
# Placement: nginx and wire-impair on core 0, the load (wrk's thread, or
# drench's worker lcore) on core 1, so the forwarder gets the same core
# whichever client runs. The rig must be up (scripts/rig.sh up); run under
# the rig lock.
set -euo pipefail
cd "$(dirname "$0")/.."
export DRENCH=${DRENCH:-build/app/drench/drench}
source tests/integration/lib.sh
source scripts/kernel-client-lib.sh
GEN_CIDR=${KERNEL_CIDR:-198.18.0.3/24}
need_rig
command -v wrk >/dev/null || fail "wrk is not installed"
SECS=${1:-3}
CORE=${BENCH_CORE:-1}
WIRE_CORE=${WIRE_CORE:-0}
SEED=${SEED:-15}
ONLY_FAULT=${ONLY_FAULT:-}
ONLY_SHAPE=${ONLY_SHAPE:-}
REPEAT=${REPEAT:-2} # turns of each client per case
RESULTS=$WORK/results.tsv

# name | wire-impair arguments ("none" forwards through wire-impair too, so
# every case pays the same forwarder)
FAULTS=(
	"none|"
	"loss|--loss 5"
	"delay|--delay 50 --jitter 10"
	"reorder|--reorder 25 --reorder-gap 5"
	"duplicate|--duplicate 5"
	"corrupt|--corrupt 1"
	"rate|--rate 10mbit --limit 100"
	"mix|--loss 2 --duplicate 2 --corrupt 1 --reorder 10 --reorder-gap 5 --delay 10 --jitter 5"
)
# name | path | connections | drench arguments | a header for wrk. wrk has
# no option to close after each request; with "Connection: close" nginx
# closes each connection after its response, where drench closes first.
SHAPES=(
	"keepalive|4k|16||"
	"churn|4k|16|--requests-per-conn 1|Connection: close"
	"big|256k|4||"
)

wire_on() { taskset -c "$WIRE_CORE" "$RIG" impair "$1 --seed $SEED" >/dev/null; }
wire_off() { "$RIG" impair off >/dev/null; }

# kernel_case OUT PATH CONNS HEADER : prints "rps errors"
kernel_case() {
	local out=$1 path=$2 conns=$3 header=(${4:+-H "$4"}) rc=0
	lend_gen_ip
	wrk_run "$out" "$SECS" "$CORE" -c"$conns" "${header[@]}" "http://$SUT_IP/$path" || rc=$?
	return_gen_ip
	[ "$rc" = 0 ] || { echo "wrk exited $rc: $(cat "$out")" >&2; echo "0 1"; return; }
	echo "$(wrk_rps "$out") $(wrk_errors "$out")"
}

# drench_case OUT PATH CONNS DRENCH_ARGS : prints "rps errors rto fast syn
# again ooo". The drain waits for the response each connection still had in
# flight when the load ended, and the report counts them; wrk drops those.
# The rate here leaves one response per connection out, so it never
# flatters drench.
drench_case() {
	local out=$1 path=$2 conns=$3 drench_args=$4 rc=0
	# shellcheck disable=SC2086
	RUN_LIMIT=$((SECS + 40)) drench_run "$out" --lcores "0,$CORE" --url "http://$SUT_IP/$path" \
		--connections "$conns" --duration "${SECS}s" --drain 3s --quiet $drench_args \
		>/dev/null || rc=$?
	if [ ! -f "$out/report.json" ]; then
		echo "drench exited $rc without a report: $out.log" >&2
		echo "0 1 - - - - - - - -"
		return
	fi
	local p='r["phases"][0]'
	json "$out/report.json" "'%.1f %d %d %d %d %d %d %s %s %s' % (
		max(0, sum(${p}['responses'].values()) - $conns) / ${p}['seconds'],
		sum(${p}['errors'].values()), ${p}['tcp']['retrans_rto'], ${p}['tcp']['retrans_fast'],
		${p}['tcp']['retrans_syn'], ${p}['tcp']['syn_again'], ${p}['tcp']['ooo_queued'],
		${p}['tcp'].get('tlp_probes', '-'),
		${p}['tcp'].get('ooo_drop_full', 0) + ${p}['tcp'].get('ooo_drop_conn', 0)
			if 'ooo_drop_conn' in ${p}['tcp'] else '-',
		${p}['tcp'].get('sack_acks', '-'))"
}

row() { printf "%-10s %-9s %10s %10s %6s   %5s %5s   %5s %5s %4s %5s %6s %5s %5s %6s\n" "$@"; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print('%.2f' % (a / b if b else 0))" "$1" "$2"; }
best() { printf "%s\n" "$@" | sort -g | tail -n 1; }

# kernel_turn NAME IMPAIR PATH CONNS HEADER : one wrk run behind a fresh
# wire; appends to K_RPS and K_ERR
kernel_turn() {
	local rps err
	wire_on "$2"
	read -r rps err < <(kernel_case "$WORK/$1.wrk" "$3" "$4" "$5")
	wire_off
	K_RPS+=("$rps")
	K_ERR=$((K_ERR + err))
}

# drench_turn NAME IMPAIR PATH CONNS DRENCH_ARGS : the same for drench;
# appends to D_RPS, D_ERR, and keeps the TCP counters of its best run in D_TCP
drench_turn() {
	local rps err tcp
	wire_on "$2"
	read -r rps err tcp < <(drench_case "$WORK/$1" "$3" "$4" "$5")
	wire_off
	[ "$(best "$rps" "${D_RPS[@]}")" != "$rps" ] || D_TCP=$tcp
	D_RPS+=("$rps")
	D_ERR=$((D_ERR + err))
}

# one_case FAULT IMPAIR SHAPE PATH CONNS DRENCH_ARGS WRK_HEADER : REPEAT
# turns of each client, in the order ABBA..., so a slow spell of the shared
# machine falls on both; the best of each client's turns is compared
one_case() {
	local fault=$1 impair=$2 shape=$3 path=$4 conns=$5 drench_args=$6 wrk_header=$7 i
	local name="$fault-$shape"
	K_RPS=() D_RPS=() K_ERR=0 D_ERR=0 D_TCP=""
	for i in $(seq "$REPEAT"); do
		if [ $((i % 2)) = 1 ]; then
			kernel_turn "$name-$i" "$impair" "$path" "$conns" "$wrk_header"
			drench_turn "$name-$i" "$impair" "$path" "$conns" "$drench_args"
		else
			drench_turn "$name-$i" "$impair" "$path" "$conns" "$drench_args"
			kernel_turn "$name-$i" "$impair" "$path" "$conns" "$wrk_header"
		fi
	done
	local k d r
	k=$(best "${K_RPS[@]}")
	d=$(best "${D_RPS[@]}")
	r=$(ratio "$d" "$k")
	# shellcheck disable=SC2086
	row "$fault" "$shape" "$k" "$d" "$r" "$K_ERR" "$D_ERR" $D_TCP
	printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$fault" "$shape" "$r" \
		"${K_RPS[*]}" "${D_RPS[*]}" "$K_ERR" "$D_ERR" "$D_TCP" "$(date -u +%T) $(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"
}

selected() { [ -z "$1" ] || [ "$1" = "$2" ]; }

# for the whole run: drench's frames leave through its DPDK port, whatever
# the kernel's offloads on gen0 are
GEN_OFFLOADS=$(plain_gen_if)
trap 'wire_off 2>/dev/null; return_gen_ip; restore_gen_if "$GEN_OFFLOADS"' EXIT
echo "nginx at $SUT_IP, ${SECS}s per client and case, load on core $CORE, wire-impair on core $WIRE_CORE, seed $SEED"
row fault shape "wrk rps" "drench rps" ratio "w.err" "d.err" "d.rto" "fast" "syn" "again" "ooo" "tlp" "oodrp" "sacks"
printf "fault\tshape\tratio\twrk_rps\tdrench_rps\twrk_errors\tdrench_errors\tdrench_rto_fast_syn_again_ooo_tlp_ooodrop_sacks\ttime_load\n" >"$RESULTS"
for f in "${FAULTS[@]}"; do
	IFS='|' read -r fname impair <<<"$f"
	selected "$ONLY_FAULT" "$fname" || continue
	for s in "${SHAPES[@]}"; do
		IFS='|' read -r sname spath sconns sdrench swrk <<<"$s"
		selected "$ONLY_SHAPE" "$sname" || continue
		one_case "$fname" "$impair" "$sname" "$spath" "$sconns" "$sdrench" "$swrk"
	done
done
echo "results: $RESULTS (reports and wrk output beside it)"
