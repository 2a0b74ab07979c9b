#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Shared by scripts/bench-vs-wrk.sh and scripts/bench-vs-kernel-impaired.sh
# (sourced): wrk, the kernel's TCP, as the client from the root namespace on
# gen0, the very wire drench drives through its DPDK port. The caller sets
# GEN_IF (gen0).
GEN_CIDR=${DRENCH_GEN_CIDR:-198.18.0.2/24}

# lend_gen_ip : give drench's address to the kernel on gen0, for a kernel
# client's run only (the rest of the time drench owns it through DPDK, and
# the kernel must not answer ARP or reset flows it does not know)
lend_gen_ip() { ip addr add "$GEN_CIDR" dev "$GEN_IF"; }
return_gen_ip() { ip addr del "$GEN_CIDR" dev "$GEN_IF" 2>/dev/null || true; }

# offload_state : "tx on tso on gso on", as `ethtool -K` takes it back
offload_state() {
	ethtool -k "$GEN_IF" | awk '
		$1 == "tx-checksumming:" { tx = $2 }
		$1 == "tcp-segmentation-offload:" { tso = $2 }
		$1 == "generic-segmentation-offload:" { gso = $2 }
		END { print "tx", tx, "tso", tso, "gso", gso }'
}

# plain_gen_if : the kernel sends whole frames with full checksums on gen0.
# Through the rig's bridge partial checksums and GSO super-frames pass as
# they are; the impairing forwarder reads and writes raw frames, so it
# would forward wrong checksums and could not send frames above the MTU.
# Prints the state to hand to restore_gen_if.
plain_gen_if() {
	offload_state
	ethtool -K "$GEN_IF" tx off tso off gso off >/dev/null
}
restore_gen_if() { # STATE
	# shellcheck disable=SC2086
	ethtool -K "$GEN_IF" $1 >/dev/null 2>&1 || true
}

# wrk_run FILE SECONDS CORE ARGS... : one wrk thread pinned to CORE, bounded;
# returns wrk's exit code
wrk_run() {
	local file=$1 secs=$2 core=$3
	shift 3
	timeout --kill-after=5 $((secs + 30)) taskset -c "$core" wrk -t1 -d"${secs}s" "$@" >"$file" 2>&1
}

# wrk prints "Requests/sec: N", a latency line "99%  1.23ms", and on trouble
# "Socket errors: connect C, read R, write W, timeout T" and
# "Non-2xx or 3xx responses: N"
wrk_rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
wrk_p99_us() {
	awk '$1 == "99%" {v=$2; u=v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
		m = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 : 60000000;
		printf "%.0f\n", v * m}' "$1"
}
wrk_errors() {
	awk '/Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
		/Non-2xx/ { n += $NF } END { print n + 0 }' "$1"
}
