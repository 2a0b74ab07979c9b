#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Servers drench was never tuned for, started in the rig's server namespace
# beside nginx, on the same bodies (scripts/rig.sh up writes them). Source
# after lib.sh; call stop_ns_servers from the test's EXIT trap.
NS=${DRENCH_NS:-drench-sut}
RIG_DIR=${DRENCH_RIG_DIR:-/run/drench-rig}
NS_SERVER_PIDS=()

# wait_listening PORT : until something in the namespace listens on PORT (5 s)
wait_listening() {
	for _ in $(seq 50); do
		ip netns exec "$NS" ss -Htln "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	fail "nothing listens on $SUT_IP:$1"
}

# start_lighttpd PORT MAX_KEEPALIVE_REQUESTS : lighttpd closes each
# keep-alive connection itself after that many requests
start_lighttpd() {
	local conf="$WORK/lighttpd-$1.conf"
	cat >"$conf" <<CONF
server.modules = ()
server.bind = "$SUT_IP"
server.port = $1
server.document-root = "$RIG_DIR/www"
server.max-keep-alive-requests = $2
server.max-keep-alive-idle = 120
server.errorlog = "$WORK/lighttpd-$1.err"
mimetype.assign = ("" => "application/octet-stream")
CONF
	ip netns exec "$NS" taskset -c 0 lighttpd -D -f "$conf" &
	NS_SERVER_PIDS+=($!)
	wait_listening "$1"
}

# start_python_http PORT : python's http.server, HTTP/1.0: it closes every
# connection after one response
start_python_http() {
	ip netns exec "$NS" taskset -c 0 python3 -m http.server "$1" --bind "$SUT_IP" \
		--directory "$RIG_DIR/www" >/dev/null 2>&1 &
	NS_SERVER_PIDS+=($!)
	wait_listening "$1"
}

stop_ns_servers() {
	local p
	for p in "${NS_SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${NS_SERVER_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	NS_SERVER_PIDS=()
}

# start_logging_nginx PORT... : an nginx of the test's own beside the rig's,
# on each PORT, logging "port status body_bytes completion" per request to
# $WORK/access.log, so a test can count what the server saw per port
start_logging_nginx() {
	local conf="$WORK/nginx.conf" listen="" p
	for p in "$@"; do listen+="		listen $SUT_IP:$p;"$'\n'; done
	mkdir -p "$WORK/nginx-tmp"
	cat >"$conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
	log_format counts '\$server_port \$status \$body_bytes_sent \$request_completion';
	access_log $WORK/access.log counts;
	sendfile on;
	keepalive_requests 1000000;
	keepalive_timeout 120s;
	default_type application/octet-stream;
	client_body_temp_path $WORK/nginx-tmp;
	proxy_temp_path $WORK/nginx-tmp;
	fastcgi_temp_path $WORK/nginx-tmp;
	uwsgi_temp_path $WORK/nginx-tmp;
	scgi_temp_path $WORK/nginx-tmp;
	server {
$listen		root $RIG_DIR/www;
	}
}
CONF
	ip netns exec "$NS" taskset -c 0 nginx -c "$conf" &
	NS_SERVER_PIDS+=($!)
	for p in "$@"; do wait_listening "$p"; done
}

# server_open_conns PORT : connections the server still holds open on PORT
# (established, half-open or waiting for its own close); one line each
server_open_conns() {
	ip netns exec "$NS" ss -Htn state established state syn-recv state close-wait \
		"( sport = :$1 )"
}
