#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench beside baidu/dperf over a net_memif pair on one machine, the same two
# loads in the same run, server/responder on lcore 0, client on lcore 1:
#   keep-alive requests/s, CONNS connections, closed loop
#   connections/s, one request per connection, the server closing first
# drench: `drench serve` + `drench run`, HTTP/1.1 with a 1-byte body, full TCP,
# requests and responses parsed. dperf: its server + its client, twice:
#   tcp   payload_size 1: one byte each way, no HTTP (the issue's figure)
#   http  payload_size 86, protocol http: a GET and a 200 with a 1-byte body,
#         its client parsing the response
# dperf has no vdev option, so a small preload library built here turns the
# port name net_memif000 of its config into a memif vdev and caps its mbuf
# pools. dperf's connection rate is open loop (it sends at a target rate and
# falls over past its ceiling), so its cps is found in two runs: a linear ramp
# to DPERF_CPS_MAX gives the best second before the first retransmission (the
# knee), then a steady run at 90 % of the knee gives the figure.
# Each pair runs under `flock /tmp/drench-dpdk.lock` (taken per pair, unless the
# whole script already runs under it) and `timeout`.
#   DPERF=/path/to/dperf [DRENCH=...] scripts/bench-vs-dperf.sh [SECS] [CONNS]
# CROSS=1 adds two keep-alive pairs in dperf's HTTP shape, each side of drench
# against the other tool's (drench serve answering dperf's client, drench run
# against dperf's server): which side holds drench's figure back.
# Last line (ratios, the drench figure over dperf's):
#   drench/dperf cps: X, rps: Y, http cps: X2, http rps: Y2
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
CONNS=${2:-256}
DRENCH=${DRENCH:-build/app/drench/drench}
DPERF=${DPERF:-}
DPERF_CPS_MAX=${DPERF_CPS_MAX:-2000000}
DPERF_RAMP_S=${DPERF_RAMP_S:-20}
DPERF_MBUFS=${DPERF_MBUFS:-8191}
LOCK=/tmp/drench-dpdk.lock
SOCK=/run/drench-memif-vs-dperf.$$.sock
MEMIF="socket=$SOCK${MEMIF_OPTS-,rsize=12}"
BG=

die() {
	echo "bench-vs-dperf: $*" >&2
	exit 2
}

how_to_build_dperf() {
	cat >&2 <<'EOF'
bench-vs-dperf: set DPERF to a dperf binary linked against the shared DPDK
libraries (the script preloads a library into it, which a static build ignores).
Build it beside the project, against Debian's DPDK 22.11 (libdpdk-dev):
  git clone https://github.com/baidu/dperf ../dperf
  (cd ../dperf && mkdir -p build && gcc -O3 -g -I./src -Wall -DHTTP_PARSE \
      -DALLOW_EXPERIMENTAL_API $(pkg-config --cflags libdpdk) \
      -Wno-address-of-packed-member $(ls src/*.c | grep -v src/kni.c) -o build/dperf \
      $(pkg-config --libs libdpdk) -lrte_net_bond -lrte_bus_pci -lrte_bus_vdev -lpthread)
  DPERF=../dperf/build/dperf scripts/bench-vs-dperf.sh
(dperf's own Makefile links DPDK statically, which the preload cannot reach,
and stops on "cannot find -lsystemd" without libsystemd-dev; src/kni.c is
left out as that Makefile does for DPDK >= 20.11.)
EOF
	exit 2
}

[ -n "$DPERF" ] || how_to_build_dperf
[ -x "$DPERF" ] || die "DPERF=$DPERF is not an executable"
case "$(ldd "$DPERF" 2>/dev/null)" in
*librte_eal*) ;;
*) how_to_build_dperf ;;
esac
[ "$(id -u)" = 0 ] || die "needs root (DPDK, hugepages)"
[ -x "$DRENCH" ] || die "no drench binary at $DRENCH (set DRENCH)"
command -v gcc >/dev/null || die "needs gcc (to build the preload library)"

OUT=$(mktemp -d /tmp/drench-vs-dperf.XXXXXX)

cleanup() {
	if [ -n "$BG" ]; then
		kill -INT "$BG" 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
	rm -f "$SOCK"
}
trap cleanup EXIT

# client IPs a dperf side needs for RATE conn/s: it wants twice as many
# sockets (one per IP and port, 65535 ports per IP) as the target rate
dperf_ips() { echo $(((2 * $1 + 65534) / 65535)); }

# hugepages (2 MiB) both dperf processes take: 80-byte sockets, 4 pools
need_pages() {
	local ips=$1
	echo $(((2 * (ips * 65535 * 80 + 4 * DPERF_MBUFS * 2432 + 48 * 1048576)) / 2097152))
}
free_pages=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
ramp_ips=$(dperf_ips "$DPERF_CPS_MAX")
[ "$free_pages" -ge "$(need_pages "$ramp_ips")" ] ||
	die "dperf's ramp to $DPERF_CPS_MAX conn/s needs $(need_pages "$ramp_ips") free 2 MiB" \
		"hugepages, $free_pages are free (lower DPERF_CPS_MAX or reserve more)"

# The preload library: dperf passes "-a NAME" for each port of its config to
# rte_eal_init; for a NAME starting with net_memif it becomes
# "--vdev NAME,$DPERF_MEMIF", and --no-pci --in-memory are added (two dperf
# processes, no shared runtime files). Its pools (65536 mbufs each, four per
# worker) are capped at $DPERF_MBUFS so both sides fit in the hugepages.
cat >"$OUT/dperf-memif.c" <<'EOF'
/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rte_mempool;

int rte_eal_init(int argc, char **argv)
{
	static char *args[128];
	static char vdev[512];
	int (*eal_init)(int, char **) = (int (*)(int, char **))dlsym(RTLD_NEXT, "rte_eal_init");
	const char *memif = getenv("DPERF_MEMIF");
	int n = 0;

	for (int i = 0; i < argc && n < 120; i++) {
		if (memif && strcmp(argv[i], "-a") == 0 && i + 1 < argc &&
		    strncmp(argv[i + 1], "net_memif", 9) == 0) {
			snprintf(vdev, sizeof(vdev), "%s,%s", argv[i + 1], memif);
			args[n++] = "--vdev";
			args[n++] = vdev;
			i++;
		} else if (argv[i][0] != '\0') { /* dperf passes "" for unset options */
			args[n++] = argv[i];
		}
	}
	args[n++] = "--no-pci";
	args[n++] = "--in-memory";
	args[n] = NULL;
	return eal_init(n, args);
}

struct rte_mempool *rte_pktmbuf_pool_create(const char *name, unsigned int n,
					    unsigned int cache_size, uint16_t priv_size,
					    uint16_t data_room_size, int socket_id)
{
	struct rte_mempool *(*create)(const char *, unsigned int, unsigned int, uint16_t,
				      uint16_t, int) =
		(struct rte_mempool * (*)(const char *, unsigned int, unsigned int, uint16_t,
					  uint16_t, int)) dlsym(RTLD_NEXT, "rte_pktmbuf_pool_create");
	const char *cap = getenv("DPERF_MBUFS");

	if (cap && atoi(cap) > 0 && n > (unsigned int)atoi(cap))
		n = (unsigned int)atoi(cap);
	return create(name, n, cache_size, priv_size, data_room_size, socket_id);
}
EOF
gcc -O2 -Wall -Wextra -shared -fPIC -o "$OUT/dperf-memif.so" "$OUT/dperf-memif.c" -ldl ||
	die "cannot build the preload library"

source scripts/memif-bench-lib.sh

# drench_figure NAME : "rps cps errors" from the client's report.json
drench_figure() {
	python3 - "$OUT/$1/report.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["phases"][0]
conn = p.get("connections", {}).get("opened", 0)
print(f'{p["rps"]:.0f} {conn / (p["end"] - p["start"]):.0f} {sum(p["errors"].values())}')
PY
}

# ---- dperf ----

# dperf_conf FILE ROLE IPS [KEY VALUE]... : a dperf config over net_memif000
dperf_conf() {
	local file=$1 role=$2 ips=$3 local_ip=198.18.0.1 peer=198.18.0.2 cpu=0
	shift 3
	if [ "$role" = client ]; then
		local_ip=198.18.0.2 peer=198.18.0.1 cpu=1
	fi
	{
		echo "mode $role"
		echo "cpu $cpu"
		echo "port net_memif000 $local_ip $peer" # 12 characters, as dperf wants of a PCI address
		echo "client 198.18.0.2 $ips"
		echo "server 198.18.0.1 1"
		echo "listen 80 1"
		while [ $# -gt 0 ]; do
			echo "$1 $2"
			shift 2
		done
	} >"$file"
}

# dperf_limit NAME : how long NAME.client.conf runs, with room to spare
dperf_limit() {
	awk '$1 == "slow_start" {s = $2} $1 == "duration" {d = $2 + 0} END {print s + d + 30}' \
		"$OUT/$1.client.conf"
}

# dperf_server_bg NAME LIMIT : dperf's server NAME.server.conf on lcore 0, in
# the background, for at most LIMIT + 20 s
dperf_server_bg() {
	rm -f "$SOCK"
	DPERF_MEMIF="role=server,id=0,mac=02:00:00:00:00:01,$MEMIF" DPERF_MBUFS=$DPERF_MBUFS \
		LD_PRELOAD="$OUT/dperf-memif.so" timeout --signal=INT --kill-after=10 $(($2 + 20)) \
		stdbuf -oL "$DPERF" -c "$OUT/$1.server.conf" >"$OUT/$1.server" 2>&1 &
	BG=$!
	wait_for "$OUT/$1.server" "socket allocation succeeded" "$BG"
}

# dperf_client NAME LIMIT : dperf's client NAME.client.conf on lcore 1 until it
# exits by itself (ramp + duration + 4 s)
dperf_client() {
	DPERF_MEMIF="role=client,id=0,mac=02:00:00:00:00:02,$MEMIF" DPERF_MBUFS=$DPERF_MBUFS \
		LD_PRELOAD="$OUT/dperf-memif.so" timeout --signal=INT --kill-after=10 "$2" \
		stdbuf -oL "$DPERF" -c "$OUT/$1.client.conf" >"$OUT/$1.client" 2>&1 ||
		echo "bench-vs-dperf: $1: dperf client exited with $?" >&2
}

# dperf_pair NAME : dperf's server, then its client, then the server stopped
dperf_pair() {
	local limit
	limit=$(dperf_limit "$1")
	dperf_server_bg "$1" "$limit"
	dperf_client "$1" "$limit"
	stop_bg
}

# dperf_seconds NAME MODE ARG : "mean_rsp_per_s retransmissions frames_per_rsp"
# from the client's line per second ("seconds N" blocks):
#   knee -      the best responses/s of a second before the first one with a
#               retransmission (mean = that best, the rest 0)
#   from N      the SECS seconds N, N+1, ...
#   full CONNS  the last SECS seconds with all CONNS connections open and none
#               opening (keep-alive: dperf opens them during its slow start)
dperf_seconds() {
	python3 - "$OUT/$1.client" "$2" "$3" "$SECS" <<'PY'
import re, sys
text = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1]).read())
secs = []
for block in re.split(r"\n(?=seconds )", text):
    m = re.match(r"seconds (\d+)", block)
    if not m:
        continue
    f = {k: int(v.replace(",", "")) for k, v in re.findall(r"(\w+) +([\d,]+)\b", block)}
    f["n"] = int(m.group(1))
    f.setdefault("tcpRsp", f.get("http2XX", 0))  # protocol http counts 2xx instead
    secs.append(f)
rt = lambda f: f.get("synRt", 0) + f.get("finRt", 0) + f.get("ackRt", 0) + f.get("pushRt", 0)
if sys.argv[2] == "knee":
    best = 0
    for f in secs:
        if rt(f):
            break
        best = max(best, f.get("tcpRsp", 0))
    print(best, 0, 0)
    sys.exit()
n = int(sys.argv[4])
if sys.argv[2] == "full":
    sel = [f for f in secs if f.get("skCon") == int(sys.argv[3]) and f.get("skOpen") == 0]
    sel = sel[-n:]
else:
    sel = [f for f in secs if int(sys.argv[3]) <= f["n"] < int(sys.argv[3]) + n]
if not sel:
    print(0, 0, 0)
    sys.exit()
rsp = sum(f.get("tcpRsp", 0) for f in sel)
frames = sum(f.get("pktRx", 0) + f.get("pktTx", 0) for f in sel)
print(round(rsp / len(sel)), sum(rt(f) for f in sel), f"{frames / rsp if rsp else 0:.1f}")
PY
}


# outer_lock : does an ancestor of this shell hold the lock already (the whole
# script run under `flock /tmp/drench-dpdk.lock ...`)? Then taking it again
# per pair would wait for ever.
outer_lock() {
	local inode holders pid=$$
	[ -e "$LOCK" ] || return 1
	inode=$(stat -c %i "$LOCK")
	holders=" $(awk -v ino="$inode" '$2 == "FLOCK" { split($6, f, ":"); if (f[3] == ino) print $5 }' \
		/proc/locks | tr '\n' ' ') "
	while [ "$pid" -gt 1 ]; do
		case "$holders" in *" $pid "*) return 0 ;; esac
		pid=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
	done
	return 1
}
OUTER_LOCK=0
outer_lock && OUTER_LOCK=1

flock_on() {
	[ "$OUTER_LOCK" = 1 ] && return 0
	exec 9>"$LOCK" && timeout 600 flock 9
}
flock_off() {
	[ "$OUTER_LOCK" = 1 ] && return 0
	flock -u 9
}

# dperf_keepalive TAG KEY VALUE... : the keep-alive pair with those extra
# config lines; sets KA="rps retransmissions frames_per_request"
dperf_keepalive() {
	local tag=$1
	shift
	dperf_conf "$OUT/$tag-ka.server.conf" server 1 keepalive 60s duration 10m "$@"
	dperf_conf "$OUT/$tag-ka.client.conf" client 1 keepalive 0us cc "$CONNS" cps 10k \
		slow_start 10 duration "$((SECS > 6 ? SECS - 5 : 1))s" "$@"
	flock_on
	dperf_pair "$tag-ka"
	flock_off
	KA=$(dperf_seconds "$tag-ka" full "$CONNS")
}

# dperf_cps TAG KEY VALUE... : the ramp, then the steady run at 90 % of its
# knee; sets CPS="cps retransmissions frames_per_connection target knee"
dperf_cps() {
	local tag=$1 knee target ips
	shift
	dperf_conf "$OUT/$tag-ramp.server.conf" server "$ramp_ips" duration 10m "$@"
	dperf_conf "$OUT/$tag-ramp.client.conf" client "$ramp_ips" cps "$DPERF_CPS_MAX" \
		slow_start "$DPERF_RAMP_S" duration 1s "$@"
	flock_on
	dperf_pair "$tag-ramp"
	flock_off
	read -r knee _ _ <<<"$(dperf_seconds "$tag-ramp" knee -)"
	if [ "$knee" -le 0 ]; then
		cat "$OUT/$tag-ramp.client" >&2
		die "$tag: dperf's ramp completed no connection"
	fi
	if [ $((knee * 100)) -ge $((DPERF_CPS_MAX * 95)) ]; then
		echo "bench-vs-dperf: $tag: dperf's ramp reached DPERF_CPS_MAX ($DPERF_CPS_MAX)" \
			"without a retransmission: its ceiling is higher (a higher DPERF_CPS_MAX" \
			"needs more hugepages)" >&2
	fi
	target=$((knee * 9 / 10))
	ips=$(dperf_ips "$target")
	dperf_conf "$OUT/$tag-cps.server.conf" server "$ips" duration 10m "$@"
	dperf_conf "$OUT/$tag-cps.client.conf" client "$ips" cps "$target" slow_start 10 \
		duration "$((SECS + 4))s" "$@"
	flock_on
	dperf_pair "$tag-cps"
	flock_off
	CPS="$(dperf_seconds "$tag-cps" from 12) $target $knee"
}

# dperf's two message shapes: "tcp", the issue's figure: payload_size 1 sends
# one byte each way, no HTTP at all; "http": payload_size 86 makes dperf send
# a real GET and a 200 response with Content-Length 1, and protocol http makes
# its client parse the response (status line, headers, length)
TCP_KEYS=(payload_size 1)
HTTP_KEYS=(payload_size 86 protocol http)

# ---- the runs: each pair holds the lock on its own ----

flock_on
drench_serve ka --body-size 1
drench_client ka --connections "$CONNS"
flock_off
read -r d_rps _ d_ka_err <<<"$(drench_figure ka)"
dperf_keepalive tcp "${TCP_KEYS[@]}"
read -r p_rps p_ka_rt p_ka_fpr <<<"$KA"
dperf_keepalive http "${HTTP_KEYS[@]}"
read -r h_rps h_ka_rt h_ka_fpr <<<"$KA"

# cross_keepalive : each side of drench against the other tool's, in dperf's
# HTTP shape: sets X_SERVE (drench serve answering dperf's client, requests/s)
# and X_RUN (drench run against dperf's server, requests/s)
cross_keepalive() {
	dperf_conf "$OUT/x-serve.client.conf" client 1 keepalive 0us cc "$CONNS" cps 10k \
		slow_start 10 duration "$((SECS > 6 ? SECS - 5 : 1))s" "${HTTP_KEYS[@]}"
	flock_on
	drench_serve x-serve --body-size 1
	dperf_client x-serve "$(dperf_limit x-serve)"
	stop_bg
	flock_off
	read -r X_SERVE _ _ <<<"$(dperf_seconds x-serve full "$CONNS")"
	dperf_conf "$OUT/x-run.server.conf" server 1 keepalive 60s duration 10m "${HTTP_KEYS[@]}"
	flock_on
	dperf_server_bg x-run $((SECS + 60))
	drench_client x-run --connections "$CONNS"
	flock_off
	read -r X_RUN _ _ <<<"$(drench_figure x-run)"
}
[ "${CROSS:-0}" = 1 ] && cross_keepalive

flock_on
drench_serve cps --body-size 1 --keepalive-requests 1
drench_client cps --connections "$CONNS" --requests-per-conn 1
flock_off
read -r _ d_cps d_cps_err <<<"$(drench_figure cps)"
dperf_cps tcp "${TCP_KEYS[@]}"
read -r p_cps p_cps_rt p_cps_fpc p_target p_knee <<<"$CPS"
dperf_cps http "${HTTP_KEYS[@]}"
read -r h_cps h_cps_rt h_cps_fpc h_target h_knee <<<"$CPS"

ratio() { python3 -c "import sys; a,b=map(float,sys.argv[1:]); print('%.2f' % (a/b if b else 0))" "$@"; }
echo "drench beside dperf over net_memif (${MEMIF_OPTS-,rsize=12}), ${SECS}s per load,"
echo "server/responder lcore 0, client lcore 1; drench: HTTP/1.1, 1-byte bodies, parsed;"
echo "dperf tcp: 1-byte payloads, no HTTP; dperf http: GET and 200 with a 1-byte body"
printf "keep-alive, %s connections, requests/s:\n" "$CONNS"
printf "  drench     %9s  errors %s\n" "$d_rps" "$d_ka_err"
printf "  dperf tcp  %9s  retransmissions %s, %s frames per request\n" \
	"$p_rps" "$p_ka_rt" "$p_ka_fpr"
printf "  dperf http %9s  retransmissions %s, %s frames per request\n" \
	"$h_rps" "$h_ka_rt" "$h_ka_fpr"
if [ "${CROSS:-0}" = 1 ]; then
	printf "  drench serve, dperf http client  %9s\n" "$X_SERVE"
	printf "  dperf http server, drench run    %9s\n" "$X_RUN"
fi
printf "one GET per connection, connections/s:\n"
printf "  drench     %9s  errors %s\n" "$d_cps" "$d_cps_err"
printf "  dperf tcp  %9s  retransmissions %s, %s frames per connection (ramp knee %s, run at %s)\n" \
	"$p_cps" "$p_cps_rt" "$p_cps_fpc" "$p_knee" "$p_target"
printf "  dperf http %9s  retransmissions %s, %s frames per connection (ramp knee %s, run at %s)\n" \
	"$h_cps" "$h_cps_rt" "$h_cps_fpc" "$h_knee" "$h_target"
echo "logs: $OUT"
echo "drench/dperf cps: $(ratio "$d_cps" "$p_cps"), rps: $(ratio "$d_rps" "$p_rps")," \
	"http cps: $(ratio "$d_cps" "$h_cps"), http rps: $(ratio "$d_rps" "$h_rps")"
