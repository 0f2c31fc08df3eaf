#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Traffic through vmbnet: two devices in netns a and b joined by
# vmbnet-endpoint pair, then the loopback, null, tap and hostile endpoints.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

# avg_size NETNS DEV tx|rx: mean bytes per packet as the device counted them.
avg_size() {
	local p b

	p=$(ethstat "$1" "$2" "$3_packets")
	b=$(ethstat "$1" "$2" "$3_bytes")
	echo $((b / (p ? p : 1)))
}

iperf_server() {	# iperf_server NETNS
	ip netns exec "$1" iperf3 -s -D -1 >/dev/null
	sleep 0.3
}

ping_v4() {
	pair_up
	ip netns exec a ping -c 3 -W 2 192.0.2.2
}

ping_v6() {
	pair_up
	ip netns exec a ping -6 -c 3 -W 2 2001:db8::2
}

ping_fragmented() {
	pair_up
	ip netns exec a ping -c 3 -W 2 -s 8000 192.0.2.2
	ip netns exec b ping -6 -c 3 -W 2 -s 8000 2001:db8::1
}

tcp_tso_both_ways() {
	local size

	pair_up
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -t 3
	# Whole TSO frames crossed: the average is far beyond the MTU.
	size=$(avg_size a vmb0 tx)
	[ "$size" -gt 1514 ] || fail "vmb0 sent $size-byte frames on average: no TSO"
	size=$(avg_size b vmb1 rx)
	[ "$size" -gt 1514 ] || fail "vmb1 received $size-byte frames on average: no GSO"
	iperf_server a
	ip netns exec b iperf3 -c 192.0.2.1 -t 3 -R
	iperf_server a
	ip netns exec b iperf3 -6 -c 2001:db8::1 -t 2
}

udp_low_loss() {
	local out loss

	pair_up
	iperf_server b
	# A rate the emulated CPUs keep up with, and a socket buffer that
	# rides out the receiver being descheduled: the loss measured is the
	# device path's, not the socket's.
	sysctl -qw net.core.rmem_max=8388608 net.core.wmem_max=8388608
	out=$(ip netns exec a iperf3 -c 192.0.2.2 -u -b 20M -l 1400 -w 4M -t 3) ||
		fail "iperf3: $out"
	echo "$out"
	loss=$(echo "$out" | sed -n 's/.*(\([0-9.e+-]*\)%).*receiver/\1/p' | tail -n1)
	[ -n "$loss" ] || fail "no loss figure from iperf3"
	ip netns exec a ethtool -S vmb0 | grep -E '^     (tx|rx)_(packets|dropped|ring_full)'
	ip netns exec b ethtool -S vmb1 | grep -E '^     (tx|rx)_(packets|dropped|bad_header)'
	awk -v l="$loss" 'BEGIN { exit !(l < 5) }' || fail "UDP loss $loss% >= 5%"
}

offloads_off() {
	local size

	pair_up
	ip netns exec a ethtool -K vmb0 tso off gso off tx off
	ip netns exec a ethtool -k vmb0 | grep -q '^tcp-segmentation-offload: off'
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -t 2
	size=$(avg_size a vmb0 tx)
	[ "$size" -le 1514 ] || fail "TSO off, yet $size-byte frames on average"
	ip netns exec a ping -c 2 -W 2 -s 8000 192.0.2.2
}

flows_spread() {
	local q used=0

	pair_up 4
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -t 3 -P 8
	for q in 0 1 2 3; do
		[ "$(ethstat a vmb0 "tx_queue_${q}_packets")" -gt 100 ] && used=$((used + 1))
	done
	echo "tx queues carrying traffic: $used"
	[ "$used" -ge 2 ] || fail "8 flows used $used tx queue(s)"
}

endpoint_killed_and_back() {
	pair_up
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -t 8 >/dev/null 2>&1 &
	sleep 2
	kill -9 "$EP_PID"
	wait "$EP_PID" 2>/dev/null || true
	wait_for 5 eval '[ "$(carrier a vmb0)" = 0 ]' || fail "carrier still on"
	expect_eq "vmb1 carrier" 0 "$(carrier b vmb1)"
	expect_eq "endpoint" none "$(ip netns exec a cat /sys/class/net/vmb0/vmbnet/endpoint)"
	ip -n a addr show dev vmb0 | grep -q 192.0.2.1/24 || fail "address lost"
	ip -n a -6 addr show dev vmb0 | grep -q 2001:db8::1/64 || fail "v6 address lost"
	killall -q iperf3 || true
	start_endpoint pair vmb0@a vmb1@b
	wait_for 5 has_carrier a vmb0 || fail "no carrier after re-attach"
	ip netns exec a ping -c 3 -W 2 192.0.2.2
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -t 2
}

netns_move_keeps_endpoint() {
	pair_up
	ip netns add c
	ip -n a link set vmb0 netns c
	ip -n c addr add 192.0.2.1/24 dev vmb0
	ip -n c link set vmb0 up
	expect_eq "endpoint after the move" user \
		"$(ip netns exec c cat /sys/class/net/vmb0/vmbnet/endpoint)"
	wait_for 5 has_carrier c vmb0 || fail "no carrier after the move"
	ip netns exec c ping -c 3 -W 2 192.0.2.2
}

loopback_mode() {
	local mac rx0 rx1

	ip netns add a
	ip link add vmb0 netns a type vmbnet
	ip -n a addr add 192.0.2.1/24 dev vmb0
	ip -n a link set vmb0 up
	mac=$(ip netns exec a cat /sys/class/net/vmb0/address)
	ip -n a neigh add 192.0.2.99 lladdr "$mac" dev vmb0
	start_endpoint loopback vmb0@a
	wait_for 5 has_carrier a vmb0 || fail "no carrier"
	rx0=$(ethstat a vmb0 rx_packets)
	ip netns exec a ping -c 5 -i 0.2 -W 1 192.0.2.99 || true
	rx1=$(ethstat a vmb0 rx_packets)
	# Each echo request came back to the device it left.
	[ $((rx1 - rx0)) -ge 5 ] || fail "only $((rx1 - rx0)) frames looped back"
}

null_mode() {
	ip netns add a
	ip link add vmb0 netns a type vmbnet
	ip -n a addr add 192.0.2.1/24 dev vmb0
	ip -n a link set vmb0 up
	ip -n a neigh add 192.0.2.99 lladdr 02:00:00:00:00:99 dev vmb0
	start_endpoint null vmb0@a
	wait_for 5 has_carrier a vmb0 || fail "no carrier"
	ip netns exec a ping -c 5 -i 0.2 -W 1 192.0.2.99 && fail "null endpoint answered"
	kill "$EP_PID"
	wait "$EP_PID" || true
	cat "$EP_LOG"
	grep -qE '^frames ([5-9]|[1-9][0-9]+) ' "$EP_LOG" || fail "null endpoint did not count 5 frames"
	expect_eq "rx_packets" 0 "$(ethstat a vmb0 rx_packets)"
}

tap_mode() {
	local size

	modprobe tun
	ip netns add a
	ip link add vmb0 netns a type vmbnet
	ip -n a addr add 192.0.2.1/24 dev vmb0
	ip -n a link set vmb0 up
	start_endpoint tap vmb0@a vmbtap0
	wait_for 5 has_carrier a vmb0 || fail "no carrier"
	wait_for 5 ip link show vmbtap0 >/dev/null 2>&1 || fail "no TAP: $(cat "$EP_LOG")"
	ip addr add 192.0.2.2/24 dev vmbtap0
	ip link set vmbtap0 up
	ip netns exec a ping -c 3 -W 2 192.0.2.2
	ip netns exec a ping -c 2 -W 2 -s 8000 192.0.2.2
	iperf3 -s -D -1 >/dev/null
	sleep 0.3
	ip netns exec a iperf3 -c 192.0.2.2 -t 2
	size=$(avg_size a vmb0 tx)
	[ "$size" -gt 1514 ] || fail "TSO frames did not reach the TAP whole ($size)"
	ip addr flush dev vmbtap0
}

hostile_survived() {
	local errs

	ip netns add a
	ip link add vmb0 numtxqueues 2 numrxqueues 2 netns a type vmbnet
	ip -n a addr add 192.0.2.1/24 dev vmb0
	ip -n a link set vmb0 up
	start_endpoint hostile vmb0@a --seed 7
	wait_for 5 has_carrier a vmb0 || fail "no carrier"
	ip netns exec a ping -c 20 -i 0.1 -W 1 192.0.2.2 >/dev/null || true
	sleep 3
	kill "$EP_PID"
	wait "$EP_PID" || true
	errs=$(($(ethstat a vmb0 rx_bad_header) + $(ethstat a vmb0 rx_ring_errors) +
		$(ethstat a vmb0 ctl_bad_messages)))
	echo "bad headers and ring errors counted: $errs"
	[ "$errs" -gt 0 ] || fail "garbage went uncounted"
	# The device is still good for a well-behaved endpoint.
	ip -n a neigh add 192.0.2.99 lladdr "$(ip netns exec a cat /sys/class/net/vmb0/address)" dev vmb0
	start_endpoint loopback vmb0@a
	wait_for 5 has_carrier a vmb0 || fail "no carrier after the hostile endpoint"
	local rx0
	rx0=$(ethstat a vmb0 rx_packets)
	ip netns exec a ping -c 3 -i 0.2 -W 1 192.0.2.99 || true
	[ $(($(ethstat a vmb0 rx_packets) - rx0)) -ge 3 ] || fail "no traffic after the hostile endpoint"
}

# Received frames' pages come from a per-queue page_pool: a receiver that
# stops reading still holds them when the devices and the module go, and
# gives them back afterwards (KASAN and kmemleak watch this under --debug).
pages_outlive_device() {
	local srv queued

	pair_up
	ip netns exec b iperf3 -s -1 >/dev/null 2>&1 &
	srv=$!
	sleep 0.3
	ip netns exec a iperf3 -c 192.0.2.2 -t 30 >/dev/null 2>&1 &
	sleep 2
	kill -STOP "$srv"
	sleep 2
	queued=$(ip netns exec b ss -tnH state established | awk '$1 > q { q = $1 } END { print q + 0 }')
	echo "bytes the stopped receiver holds: $queued"
	[ "$queued" -gt 65536 ] || fail "the receiver holds only $queued bytes"
	kill "$EP_PID"
	wait "$EP_PID" || true
	ip -n a link del vmb0
	ip -n b link del vmb1
	modprobe -r vmbnet || fail "vmbnet did not unload"
	kill -CONT "$srv"
	cleanup
	sleep 2
	modprobe vmbnet
	pair_up
	ip netns exec a ping -c 3 -W 2 192.0.2.2
}

run_test "pair: ping IPv4" ping_v4
run_test "pair: ping IPv6" ping_v6
run_test "pair: 8000-byte fragmented pings, v4 and v6" ping_fragmented
run_test "pair: TCP both ways, TSO frames cross whole" tcp_tso_both_ways
run_test "pair: UDP at 20 Mbit/s loses < 5%" udp_low_loss
run_test "pair: offloads off, TCP still works" offloads_off
run_test "pair: 8 flows spread over >= 2 queues" flows_spread
run_test "pair: endpoint SIGKILLed mid-iperf, device survives, re-attach" endpoint_killed_and_back
run_test "pair: a device moved to another netns keeps its endpoint" netns_move_keeps_endpoint
run_test "loopback endpoint returns every frame" loopback_mode
run_test "null endpoint drains and counts" null_mode
run_test "tap endpoint bridges to a TAP, TSO included" tap_mode
run_test "hostile endpoint: counted, survived, device reusable" hostile_survived
run_test "pair: pages a stopped receiver holds outlive the devices and the module" pages_outlive_device
ksft_finish
