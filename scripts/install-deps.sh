#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Install everything drench needs to build, test and run its rig (Debian 12).
set -euo pipefail

packages=(
	# build
	meson ninja-build pkg-config gcc clang libclang-rt-14-dev
	# generator
	dpdk dpdk-dev libdpdk-dev libhyperscan-dev libnuma-dev libbpf-dev libxdp-dev
	# config, report, agent
	libyaml-dev libjansson-dev libcurl4-openssl-dev libsodium-dev
	# terminal view (drench run/monitor --tui)
	libncurses-dev
	# tests
	libcmocka-dev
	# tests: report.html laid out in a headless browser, the terminal view in a pane
	chromium tmux
	# deploy/ manifests and playbook (tests/deploy/check-manifests.py)
	python3-yaml ansible-core
	# rig: servers, peers and tools
	nginx-light lighttpd wrk ethtool iproute2 tcpdump procps curl python3 jq iputils-ping
	golang-go golang-github-gin-gonic-gin-dev golang-github-labstack-echo-dev
	golang-github-prometheus-client-golang-dev
)

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
# Debian starts nginx and lighttpd on installation; the rig runs its own instances in a namespace.
systemctl stop nginx 2>/dev/null || service nginx stop 2>/dev/null || pkill -x nginx || true
systemctl stop lighttpd 2>/dev/null || service lighttpd stop 2>/dev/null || true
