#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The test rig on one machine: a network namespace holding the server under
# test, reached from the root namespace through a "wire" namespace that
# bridges two veth pairs; drench drives the root-side end (gen0) through a
# DPDK vdev (net_af_xdp or net_af_packet). Addresses come from 198.18.0.0/15
# (RFC 2544) and exist only inside what this script creates.
#
#   gen0 (root, drench) -- wire0 [br0 in drench-wire] wire1 -- sut0 (drench-sut, nginx)
#   sut0 also holds 198.18.0.254 (outside the client ranges the tests use:
#   198.18.0.2-198.18.0.3), where a second nginx listens on port 8080:
#   the second server of two-target campaigns
#   mgmt0 198.19.255.1 (root) -- mgmt1 198.19.255.2 (drench-sut): the management
#   link agents beside the servers use to reach drench's telemetry collector
#
#   scripts/rig.sh up      create namespaces, veths, hugepages, start nginx
#   scripts/rig.sh down    undo all of it
#   scripts/rig.sh status  print what exists
#   scripts/rig.sh impair "--loss 2 --reorder 5"   lose and reorder frames on the wire
#   scripts/rig.sh impair off
#   scripts/rig.sh second stop|start   stop or start the second nginx (198.18.0.254:8080)
#
# This kernel has no qdiscs (no tc netem), so impairment is wire-impair
# (tests/rig/wire-impair.c) forwarding between wire0 and wire1 in place of the
# bridge: frames are lost or held in transit, and neither TCP stack knows.
set -euo pipefail

NS=${DRENCH_NS:-drench-sut}
WIRE_NS=${DRENCH_WIRE_NS:-drench-wire}
WIRE_IMPAIR=${WIRE_IMPAIR:-$(cd "$(dirname "$0")/.." && pwd)/build/tests/rig/wire-impair}
GEN_IF=${DRENCH_GEN_IF:-gen0}
SUT_IF=${DRENCH_SUT_IF:-sut0}
SUT_IP=${DRENCH_SUT_IP:-198.18.0.1}
SUT_IP2=${DRENCH_SUT_IP2:-198.18.0.254}
SUT_IP6=${DRENCH_SUT_IP6:-fd00::1} # on a /64; drench takes fd00::2
GEN_IP=${DRENCH_GEN_IP:-198.18.0.2}
HUGEPAGES=${DRENCH_HUGEPAGES:-512}
RUN_DIR=${DRENCH_RIG_DIR:-/run/drench-rig}
NGINX_CPU=${DRENCH_NGINX_CPU:-0}
STATE_FILE=$RUN_DIR/hugepages.before

log() { echo "rig: $*"; }

in_ns() { ip netns exec "$NS" "$@"; }

reserve_hugepages() {
	local f=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	[ -f "$STATE_FILE" ] || cat "$f" >"$STATE_FILE"
	if [ "$(cat "$f")" -lt "$HUGEPAGES" ]; then
		echo "$HUGEPAGES" >"$f"
	fi
	mkdir -p /dev/hugepages
	mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages
	log "hugepages: $(cat "$f") x 2 MiB"
}

release_hugepages() {
	[ -f "$STATE_FILE" ] || return 0
	rm -f /dev/hugepages/rtemap_* /dev/hugepages/*map_* 2>/dev/null || true
	cat "$STATE_FILE" >/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	rm -f "$STATE_FILE"
}

make_bodies() {
	local www=$RUN_DIR/www
	mkdir -p "$www"
	head -c 64 /dev/zero | tr '\0' 'a' >"$www/64b"
	head -c 4096 /dev/zero | tr '\0' 'b' >"$www/4k"
	head -c 262144 /dev/zero | tr '\0' 'c' >"$www/256k"
	head -c 10000 /dev/zero | tr '\0' 'd' >"$www/chunked"
	echo -n "ok" >"$www/index.html"
}

write_nginx_conf() {
	cat >"$RUN_DIR/nginx.conf" <<CONF
worker_processes 1;
pid $RUN_DIR/nginx.pid;
error_log $RUN_DIR/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	keepalive_timeout 120s;
	default_type application/octet-stream;
	client_body_temp_path $RUN_DIR/tmp;
	proxy_temp_path $RUN_DIR/tmp;
	fastcgi_temp_path $RUN_DIR/tmp;
	uwsgi_temp_path $RUN_DIR/tmp;
	scgi_temp_path $RUN_DIR/tmp;
	server {
		listen $SUT_IP:80 reuseport backlog=4096;
		listen [$SUT_IP6]:80 reuseport backlog=4096;
		root $RUN_DIR/www;
		# sub_filter drops Content-Length, so nginx answers with chunked encoding;
		# the replacement has the same length, so the decoded body stays 10000 B.
		location = /chunked {
			sub_filter_types *;
			sub_filter 'dddd' 'dddd';
		}
	}
}
CONF
	mkdir -p "$RUN_DIR/tmp"
}

# A daemon must not keep the descriptors of whoever ran us: a lock held by a
# caller (flock FILE scripts/rig.sh up) would otherwise stay held by nginx.
close_inherited_fds() {
	local fd
	for fd in $(ls /proc/$BASHPID/fd); do
		[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
	done
	return 0
}

start_nginx() {
	write_nginx_conf
	if [ -f "$RUN_DIR/nginx.pid" ] && kill -0 "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null; then
		# the configuration may have grown (a listen line): take it in
		(close_inherited_fds && in_ns nginx -c "$RUN_DIR/nginx.conf" -s reload)
		log "nginx already running (configuration reloaded)"
		return
	fi
	(close_inherited_fds && in_ns taskset -c "$NGINX_CPU" nginx -c "$RUN_DIR/nginx.conf")
	log "nginx on $SUT_IP:80 and [$SUT_IP6]:80 (pinned to cpu $NGINX_CPU)"
}

# The second server: its own nginx process (so it can stop alone), its own
# address, the same files.
start_second() {
	sed -e "s|^pid .*|pid $RUN_DIR/nginx2.pid;|" \
		-e "s|error_log .*|error_log $RUN_DIR/nginx2-error.log warn;|" \
		-e "s|listen $SUT_IP:80 |listen $SUT_IP2:8080 |" -e "/listen \[$SUT_IP6\]/d" \
		"$RUN_DIR/nginx.conf" >"$RUN_DIR/nginx2.conf"
	if [ -f "$RUN_DIR/nginx2.pid" ] && kill -0 "$(cat "$RUN_DIR/nginx2.pid")" 2>/dev/null; then
		log "second nginx already running"
		return
	fi
	(close_inherited_fds && in_ns taskset -c "$NGINX_CPU" nginx -c "$RUN_DIR/nginx2.conf")
	log "second nginx on $SUT_IP2:8080 (pinned to cpu $NGINX_CPU)"
}

stop_second() {
	if [ -f "$RUN_DIR/nginx2.pid" ]; then
		kill "$(cat "$RUN_DIR/nginx2.pid")" 2>/dev/null || true
		sleep 0.3
		rm -f "$RUN_DIR/nginx2.pid"
	fi
	log "second nginx stopped"
}

stop_nginx() {
	if [ -f "$RUN_DIR/nginx.pid" ]; then
		kill "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null || true
		sleep 0.3
		rm -f "$RUN_DIR/nginx.pid"
	fi
}

in_wire() { ip netns exec "$WIRE_NS" "$@"; }

# wire0/wire1 carry frames as they are: no offload may merge or split them
plain_link() { # NS IF
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 ||
		ip netns exec "$1" ethtool -K "$2" tx off tso off gso off
}

make_wire() {
	ip netns list | grep -qw "$WIRE_NS" || ip netns add "$WIRE_NS"
	if ! ip link show "$GEN_IF" >/dev/null 2>&1; then
		ip link add "$GEN_IF" type veth peer name wire0
		ip link set wire0 netns "$WIRE_NS"
	fi
	if ! in_wire ip link show wire1 >/dev/null 2>&1; then
		in_wire ip link add wire1 type veth peer name "$SUT_IF"
		in_wire ip link set "$SUT_IF" netns "$NS"
	fi
	in_wire ip link show br0 >/dev/null 2>&1 || in_wire ip link add br0 type bridge
	in_wire ip link set br0 type bridge stp_state 0 forward_delay 0 ageing_time 30000
	for i in wire0 wire1; do
		plain_link "$WIRE_NS" "$i"
		in_wire ip link set "$i" master br0
		in_wire ip link set "$i" up
	done
	in_wire ip link set br0 up
}

MGMT_GEN_IP=${DRENCH_MGMT_GEN_IP:-198.19.255.1}
MGMT_SUT_IP=${DRENCH_MGMT_SUT_IP:-198.19.255.2}

# A kernel-to-kernel link for telemetry, apart from the DPDK data path.
make_mgmt() {
	if ! ip link show mgmt0 >/dev/null 2>&1; then
		ip link add mgmt0 type veth peer name mgmt1
		ip link set mgmt1 netns "$NS"
	fi
	ip addr replace "$MGMT_GEN_IP/30" dev mgmt0
	ip link set mgmt0 up
	in_ns ip addr replace "$MGMT_SUT_IP/30" dev mgmt1
	in_ns ip link set mgmt1 up
}

make_netns() {
	ip netns list | grep -qw "$NS" || ip netns add "$NS"
	make_wire
	# No address on the generator side: drench owns $GEN_IP, and an address
	# here would make the root kernel answer ARP and reset unknown flows.
	ip link set "$GEN_IF" up
	ethtool -K "$GEN_IF" rxvlan off txvlan off >/dev/null 2>&1 || true
	in_ns ip addr replace "$SUT_IP/24" dev "$SUT_IF"
	in_ns ip addr replace "$SUT_IP2/24" dev "$SUT_IF"
	# nodad: usable at once, so nginx can bind it now
	in_ns sysctl -qw "net.ipv6.conf.$SUT_IF.disable_ipv6=0"
	in_ns ip -6 addr replace "$SUT_IP6/64" dev "$SUT_IF" nodad
	in_ns ip link set "$SUT_IF" up
	in_ns ip link set lo up
	make_mgmt
	# Without this the namespace's kernel sends partial checksums and GSO
	# super-frames that a DPDK port on the other end receives as such.
	in_ns ethtool -K "$SUT_IF" tx off tso off gso off gro off >/dev/null 2>&1 ||
		in_ns ethtool -K "$SUT_IF" tx off tso off gso off
	log "netns $NS: $SUT_IF $SUT_IP and $SUT_IP6/64 <-> $GEN_IF (drench uses $GEN_IP, fd00::2)"
}

cmd_up() {
	mkdir -p "$RUN_DIR"
	reserve_hugepages
	make_netns
	make_bodies
	start_nginx
	start_second
}

cmd_down() {
	stop_second
	stop_nginx
	cmd_impair off >/dev/null 2>&1 || true
	ip link del "$GEN_IF" 2>/dev/null || true
	ip link del mgmt0 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	ip netns del "$WIRE_NS" 2>/dev/null || true
	release_hugepages
	rm -rf "$RUN_DIR"
	log "down"
}

cmd_impair() {
	local pidf=$RUN_DIR/wire-impair.pid
	if [ -f "$pidf" ]; then
		kill "$(cat "$pidf")" 2>/dev/null || true
		sleep 0.2
		rm -f "$pidf"
	fi
	if [ "${1:-off}" = off ]; then
		for i in wire0 wire1; do in_wire ip link set "$i" master br0; done
		log "wire: bridged, no impairment"
		return
	fi
	[ -x "$WIRE_IMPAIR" ] || { echo "rig: $WIRE_IMPAIR not built (ninja -C build)" >&2; exit 2; }
	for i in wire0 wire1; do in_wire ip link set "$i" nomaster; done
	# not through in_wire: $! must be wire-impair itself (ip netns exec execs it)
	# shellcheck disable=SC2086
	ip netns exec "$WIRE_NS" "$WIRE_IMPAIR" wire0 wire1 $1 --duration "${IMPAIR_MAX_S:-900}" \
		2>>"$RUN_DIR/wire-impair.log" &
	echo $! >"$pidf"
	sleep 0.3
	kill -0 "$(cat "$pidf")" || { echo "rig: wire-impair did not start" >&2; exit 1; }
	log "wire: impaired ($1)"
}

cmd_status() {
	ip netns list | grep -w "$NS" || echo "no namespace $NS"
	ip -br link show "$GEN_IF" 2>/dev/null || echo "no $GEN_IF"
	[ -f "$RUN_DIR/wire-impair.pid" ] && echo "wire impaired (pid $(cat "$RUN_DIR/wire-impair.pid"))"
	[ -f "$RUN_DIR/nginx.pid" ] && echo "nginx pid $(cat "$RUN_DIR/nginx.pid")" || echo "no nginx"
	[ -f "$RUN_DIR/nginx2.pid" ] && echo "second nginx pid $(cat "$RUN_DIR/nginx2.pid")" ||
		echo "no second nginx"
	grep -E 'HugePages_(Total|Free)' /proc/meminfo
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
impair) cmd_impair "${2:-off}" ;;
status) cmd_status ;;
second)
	case "${2:-}" in
	stop) stop_second ;;
	start) start_second ;;
	*) echo "usage: $0 second stop|start" >&2; exit 2 ;;
	esac
	;;
*)
	echo "usage: $0 up|down|status|impair \"--loss P --reorder P\"|impair off|second stop|start" >&2
	exit 2
	;;
esac
