#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# libvmbnet under a real netstack: lwIP (tools/examples/lwip, vmbnet-lwip)
# on a vmbnet device's rings, talking to the kernel's stack.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }
command -v vmbnet-lwip >/dev/null ||
	{ echo "1..0 # SKIP vmbnet-lwip not built (liblwip-dev)"; exit $KSFT_SKIP; }

LWIP_LOG=/tmp/vmbnet-lwip.log
LWIP_ADDR=192.0.2.9

# The kernel's side 192.0.2.1/24 on vmb0, lwIP's 192.0.2.9/24 on its rings.
lwip_up() {
	ip link add vmb0 type vmbnet
	ip addr add 192.0.2.1/24 dev vmb0
	ip link set vmb0 up
	lwip_start
}

lwip_start() {
	: >"$LWIP_LOG"
	# Shown with the case's output, which only a failure prints.
	trap 'echo "vmbnet-lwip said:"; head -n 40 "$LWIP_LOG"' EXIT
	vmbnet-lwip vmb0 "$LWIP_ADDR/24" >>"$LWIP_LOG" 2>&1 &
	LWIP_PID=$!
	wait_for "$WAIT_S" has_carrier_here vmb0 || fail "no carrier on vmb0"
	# Answered once lwIP has the link and ARP works both ways.
	ping -c 1 -w "$WAIT_S" "$LWIP_ADDR" >/dev/null
}

has_carrier_here() {
	[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]
}

# counter NAME: vmbnet-lwip's counter, as its SIGUSR1 report gives it.
counter() {
	local before

	before=$(grep -c '^vmbnet-lwip: rx_frames' "$LWIP_LOG")
	kill -USR1 "$LWIP_PID"
	wait_for "$WAIT_S" eval '[ "$(grep -c "^vmbnet-lwip: rx_frames" "$LWIP_LOG")" -gt "$before" ]'
	grep '^vmbnet-lwip: rx_frames' "$LWIP_LOG" | tail -n1 |
		sed -E "s/.* $1 ([0-9]+).*/\1/"
}

ping_lwip() {
	lwip_up
	ping -c 20 -i 0.05 -w "$WAIT_S" "$LWIP_ADDR"
}

echo_1mb() {
	lwip_up
	tcp_client echo "$LWIP_ADDR" 7 1048576
	expect_eq "bytes lwIP echoed" 1048576 "$(counter echo_bytes)"
}

http_get() {
	local reply="" line

	lwip_up
	exec 3<>"/dev/tcp/$LWIP_ADDR/80"
	printf 'GET / HTTP/1.0\r\nHost: lwip\r\n\r\n' >&3
	# Up to the page's line: the client closes (the server waits for it).
	while read -r -t "$WAIT_S" line <&3; do
		reply+="$line"$'\n'
		[[ $line != hello* ]] || break
	done
	exec 3<&-
	echo "$reply"
	grep -q '^HTTP/1.0 200 OK' <<<"$reply" || fail "no 200 OK"
	grep -q 'hello from lwIP on vmbnet!' <<<"$reply" || fail "no page"
	tcp_client http "$LWIP_ADDR" 80 20
}

parallel_connections() {
	lwip_up
	tcp_client conns "$LWIP_ADDR" 7 50
	expect_eq "connections lwIP accepted" 50 "$(counter accepted)"
}

# Killed, the device keeps its settings and drops what comes meanwhile;
# a new vmbnet-lwip attaches and everything works again.
kill_and_restart() {
	lwip_up
	kill -KILL "$LWIP_PID"
	wait "$LWIP_PID" 2>/dev/null || true
	lwip_start
	ping -c 3 -w "$WAIT_S" "$LWIP_ADDR"
	tcp_client echo "$LWIP_ADDR" 7 262144
}

# ethtool -G makes the driver let go (ECONNRESET): the library attaches
# again by itself, the application only told.
rings_changed() {
	lwip_up
	ethtool -G vmb0 rx 256 tx 256
	wait_for "$WAIT_S" eval '[ "$(counter reattaches)" = 1 ]' || fail "no re-attach"
	ping -c 3 -w "$WAIT_S" "$LWIP_ADDR"
	tcp_client echo "$LWIP_ADDR" 7 262144
}

cleanup() {
	killall -q vmbnet-lwip || true
	wait_for "$WAIT_S" eval '! killall -q -0 vmbnet-lwip' || true
	ip link del vmb0 2>/dev/null
	return 0
}

run_test "lwip: ping the lwIP stack on vmbnet's rings" ping_lwip
run_test "lwip: 1 MB TCP echo, byte for byte" echo_1mb
run_test "lwip: HTTP GET (bash /dev/tcp), 20 more" http_get
run_test "lwip: 50 connections at once" parallel_connections
run_test "lwip: killed and restarted, the device recovers" kill_and_restart
run_test "lwip: ethtool -G, the library re-attaches by itself" rings_changed
ksft_finish
