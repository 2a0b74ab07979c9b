#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The test rig on one machine: a network namespace holding the server under
# test, joined to the root namespace by a veth pair that drench drives through
# a DPDK vdev (net_af_xdp or net_af_packet). Addresses come from 198.18.0.0/15
# (RFC 2544) and exist only inside what this script creates.
#
#   scripts/rig.sh up      create namespace, veth, hugepages, start nginx
#   scripts/rig.sh down    undo all of it
#   scripts/rig.sh status  print what exists
#   scripts/rig.sh netem "loss 2% reorder 5% delay 1ms"   impair the server side
#   scripts/rig.sh netem off
set -euo pipefail

NS=${DRENCH_NS:-drench-sut}
GEN_IF=${DRENCH_GEN_IF:-gen0}
SUT_IF=${DRENCH_SUT_IF:-sut0}
SUT_IP=${DRENCH_SUT_IP:-198.18.0.1}
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

start_nginx() {
	write_nginx_conf
	if [ -f "$RUN_DIR/nginx.pid" ] && kill -0 "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null; then
		log "nginx already running"
		return
	fi
	in_ns taskset -c "$NGINX_CPU" nginx -c "$RUN_DIR/nginx.conf"
	log "nginx on $SUT_IP:80 (pinned to cpu $NGINX_CPU)"
}

stop_nginx() {
	if [ -f "$RUN_DIR/nginx.pid" ]; then
		kill "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null || true
		sleep 0.3
		rm -f "$RUN_DIR/nginx.pid"
	fi
}

make_netns() {
	ip netns list | grep -qw "$NS" || ip netns add "$NS"
	if ! ip link show "$GEN_IF" >/dev/null 2>&1; then
		ip link add "$GEN_IF" type veth peer name "$SUT_IF"
		ip link set "$SUT_IF" netns "$NS"
	fi
	# No address on the generator side: drench owns $GEN_IP, and an address
	# here would make the root kernel answer ARP and reset unknown flows.
	ip link set "$GEN_IF" up
	ethtool -K "$GEN_IF" rxvlan off txvlan off >/dev/null 2>&1 || true
	in_ns ip addr replace "$SUT_IP/24" dev "$SUT_IF"
	in_ns ip link set "$SUT_IF" up
	in_ns ip link set lo up
	# Without this the namespace's kernel sends partial checksums and GSO
	# super-frames that a DPDK port on the other end receives as such.
	in_ns ethtool -K "$SUT_IF" tx off tso off gso off gro off >/dev/null 2>&1 ||
		in_ns ethtool -K "$SUT_IF" tx off tso off gso off
	log "netns $NS: $SUT_IF $SUT_IP <-> $GEN_IF (drench uses $GEN_IP)"
}

cmd_up() {
	mkdir -p "$RUN_DIR"
	reserve_hugepages
	make_netns
	make_bodies
	start_nginx
}

cmd_down() {
	stop_nginx
	ip link del "$GEN_IF" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	release_hugepages
	rm -rf "$RUN_DIR"
	log "down"
}

cmd_netem() {
	if [ "${1:-off}" = off ]; then
		in_ns tc qdisc del dev "$SUT_IF" root 2>/dev/null || true
		log "netem off"
	else
		# shellcheck disable=SC2086
		in_ns tc qdisc replace dev "$SUT_IF" root netem $1
		log "netem on $SUT_IF: $1"
	fi
}

cmd_status() {
	ip netns list | grep -w "$NS" || echo "no namespace $NS"
	ip -br link show "$GEN_IF" 2>/dev/null || echo "no $GEN_IF"
	[ -f "$RUN_DIR/nginx.pid" ] && echo "nginx pid $(cat "$RUN_DIR/nginx.pid")" || echo "no nginx"
	grep -E 'HugePages_(Total|Free)' /proc/meminfo
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
netem) cmd_netem "${2:-off}" ;;
status) cmd_status ;;
*)
	echo "usage: $0 up|down|status|netem \"ARGS\"|netem off" >&2
	exit 2
	;;
esac
