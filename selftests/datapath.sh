#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Traffic through vmbnet: two devices in netns a and b joined by
# vmbnet-endpoint pair, then the loopback, null and tap endpoints
# (hostile.sh has the hostile one).
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

# Pings expect every echo answered; ping -w sends more while it waits, so
# a late or lost first answer (neighbour resolution) fails nothing.
ping_v4() {
	pair_up
	ip netns exec a ping -c 3 -w "$WAIT_S" 192.0.2.2
}

ping_v6() {
	pair_up
	ip netns exec a ping -6 -c 3 -w "$WAIT_S" 2001:db8::2
}

ping_fragmented() {
	pair_up
	ip netns exec a ping -c 3 -w "$WAIT_S" -s 8000 192.0.2.2
	ip netns exec b ping -6 -c 3 -w "$WAIT_S" -s 8000 2001:db8::1
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

# NAPI's counters: each poll lands in one frames-per-poll bucket; a poll
# woken for nothing is an empty one. One `ethtool -S vmb1` in
# /tmp/napi.stats: the buckets add up to the polls, on the queue as in
# all, unless a poll ran while it was read.
napi_snapshot() {
	ip netns exec b ethtool -S vmb1 >/tmp/napi.stats
	awk '$1 ~ /^rx_poll_(0|1|2_3|4_7|8_15|16_31|32_63|64):$/ { sum += $2 }
	     $1 == "rx_polls:" { polls = $2 }
	     $1 == "rx_queue_0_polls:" { q0 = $2 }
	     END { exit !(sum == polls && q0 == polls) }' /tmp/napi.stats
}

napi_stat() {	# napi_stat NAME: from the snapshot
	awk -v n="$1:" '$1 == n { print $2 }' /tmp/napi.stats
}

napi_poll_counters() {
	local polls

	pair_up 1
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -t 2 >/dev/null
	# All read at one moment with no poll running: once traffic is over.
	wait_for "$WAIT_S" napi_snapshot ||
		fail "buckets and polls differ: $(grep -E 'rx_(queue_0_)?poll' /tmp/napi.stats)"
	polls=$(napi_stat rx_polls)
	[ "$(napi_stat rx_empty_polls)" -le "$polls" ] || fail "more empty polls than polls"
	[ "$(napi_stat rx_poll_0)" -lt "$polls" ] || fail "no poll took a frame"
}

# qdisc_backlog NETNS DEV: packets waiting in DEV's qdiscs.
qdisc_backlog() {
	ip netns exec "$1" tc -s qdisc show dev "$2" |
		awk '$1 == "backlog" { sub(/p$/, "", $3); n += $3 } END { print n + 0 }'
}

# Frames vmb1 has taken out of its rings: delivered, or dropped and counted.
vmb1_seen() {
	echo $(($(ethstat b vmb1 rx_packets) + $(ethstat b vmb1 rx_dropped)))
}

# The device path loses no frame, whatever the receiving socket does (what
# iperf3 calls loss is that socket's, and depends on the load). The pair
# endpoint never drops for want of room: a frame whose destination ring is
# full stays in its source ring until there is (fwd_flow_run(), forward.c);
# it drops only what the destination's rx filter refuses, nothing here,
# vmb1 being promiscuous. vmbnet counts each frame it puts in a ring
# (tx_packets, tx.c) and each one it takes out (rx_packets, or rx_dropped
# with its reason, rx.c). So once the stack has handed vmb0 everything (an
# empty qdisc: a tx queue that never wakes fails there) and the endpoint
# has caught up, vmb1 has seen at least as many frames as vmb0 sent since
# (more if some were on their way at the start), and dropped none.
udp_low_loss() {
	local out tx0 seen0 txd0 rxd0 sent seen

	pair_up
	ip -n b link set vmb1 promisc on
	# Logged, then applied at once: long before iperf3 is listening.
	expect_logged 'vmb1@b: SET_RX_FILTER seq=[0-9]+ promisc=1'
	iperf_server b
	tx0=$(ethstat a vmb0 tx_packets)
	txd0=$(ethstat a vmb0 tx_dropped)
	seen0=$(vmb1_seen)
	rxd0=$(ethstat b vmb1 rx_dropped)
	# A rate the emulated CPUs mostly keep up with; the check does not
	# depend on it.
	out=$(ip netns exec a iperf3 -c 192.0.2.2 -u -b 20M -l 1400 -t 3) ||
		fail "iperf3: $out"
	echo "$out"
	wait_for "$WAIT_S" eval '[ "$(qdisc_backlog a vmb0)" -eq 0 ]' ||
		fail "vmb0's qdisc keeps $(qdisc_backlog a vmb0) packets: $(ip netns exec a tc -s qdisc show dev vmb0)"
	ip netns exec a tc -s qdisc show dev vmb0
	sent=$(($(ethstat a vmb0 tx_packets) - tx0))
	wait_for "$WAIT_S" eval '[ $(($(vmb1_seen) - seen0)) -ge "$sent" ]' || true
	seen=$(($(vmb1_seen) - seen0))
	ip netns exec a ethtool -S vmb0 | grep -E '^     (tx|rx)_(packets|dropped|ring_full)'
	ip netns exec b ethtool -S vmb1 | grep -E '^     (tx|rx)_(packets|dropped|bad_header|length_errors|ring_errors)'
	echo "vmb0 sent $sent frames, vmb1 saw $seen"
	[ "$seen" -ge "$sent" ] || fail "$((sent - seen)) frames lost between vmb0 and vmb1"
	expect_eq "frames vmb0 dropped" 0 $(($(ethstat a vmb0 tx_dropped) - txd0))
	expect_eq "frames vmb1 dropped" 0 $(($(ethstat b vmb1 rx_dropped) - rxd0))
}

# A slow reader: the endpoint naps 2 ms after each batch it reads. Queue 0
# stops when its ring is full (64 KiB rings: three TSO frames; BQL is told
# not to stop it first) and wakes when the endpoint makes room, and no frame
# is dropped for want of room on the way.
slow_reader() {
	local txd0 full0

	pair_up 1 --ring-size 65536 --rx-delay-us 2000
	bql_unlimited a vmb0
	# Completes frames: BQL takes its new floor.
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
	txd0=$(ethstat a vmb0 tx_dropped)
	full0=$(ethstat a vmb0 tx_ring_full)
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -n 8M
	ip netns exec a ethtool -S vmb0 | grep -E '^     tx_(packets|dropped|ring_full)'
	counter_above a vmb0 tx_ring_full "$full0" || fail "vmb0's queue never stopped on a full ring"
	expect_eq "frames vmb0 dropped" 0 $(($(ethstat a vmb0 tx_dropped) - txd0))
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
	ip netns exec a ping -c 2 -w "$WAIT_S" -s 8000 192.0.2.2
}

flows_spread() {
	local q used=0

	pair_up 4
	iperf_server b
	# A byte count, not a time: each flow's share is some 250 frames even
	# of 64 KiB, however slowly they go.
	ip netns exec a iperf3 -c 192.0.2.2 -n 128M -P 8
	for q in 0 1 2 3; do
		[ "$(ethstat a vmb0 "tx_queue_${q}_packets")" -gt 100 ] && used=$((used + 1))
	done
	echo "tx queues carrying traffic: $used"
	[ "$used" -ge 2 ] || fail "8 flows used $used tx queue(s)"
}

endpoint_killed_and_back() {
	local tx0

	pair_up
	iperf_server b
	tx0=$(ethstat a vmb0 tx_packets)
	# Still sending when the endpoint dies, however slow: cleanup ends it.
	ip netns exec a iperf3 -c 192.0.2.2 -t 600 >/dev/null 2>&1 &
	wait_for "$WAIT_S" counter_above a vmb0 tx_packets $((tx0 + 300)) ||
		fail "no traffic: vmb0 sent $(($(ethstat a vmb0 tx_packets) - tx0)) frames"
	kill -9 "$EP_PID"
	# Its exit closed /dev/vmbnet, which detached both devices.
	wait "$EP_PID" 2>/dev/null || true
	# Held a second for a new endpoint (VMBNET_HOLD_MS), then let go.
	wait_for "$WAIT_S" eval '[ "$(carrier a vmb0)" = 0 ]' || fail "carrier still on"
	wait_for "$WAIT_S" eval '[ "$(carrier b vmb1)" = 0 ]' || fail "vmb1's carrier still on"
	expect_eq "endpoint" none "$(ip netns exec a cat /sys/class/net/vmb0/vmbnet/endpoint)"
	ip -n a addr show dev vmb0 | grep -q 192.0.2.1/24 || fail "address lost"
	ip -n a -6 addr show dev vmb0 | grep -q 2001:db8::1/64 || fail "v6 address lost"
	killall -q iperf3 || true
	start_endpoint pair vmb0@a vmb1@b
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier on vmb0 after re-attach"
	wait_for "$WAIT_S" has_carrier b vmb1 || fail "no carrier on vmb1 after re-attach"
	ip netns exec a ping -c 3 -w "$WAIT_S" 192.0.2.2
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -t 2
}

netns_move_keeps_endpoint() {
	pair_up
	ip netns add c
	ip -n a link set vmb0 netns c
	ip -n c addr add 192.0.2.1/24 dev vmb0
	ip -n c link set vmb0 up
	# The endpoint names itself and the process it is.
	expect_eq "endpoint after the move" "user pid=$EP_PID" \
		"$(ip netns exec c cat /sys/class/net/vmb0/vmbnet/endpoint)"
	wait_for "$WAIT_S" has_carrier c vmb0 || fail "no carrier after the move"
	ip netns exec c ping -c 3 -w "$WAIT_S" 192.0.2.2
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
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier"
	rx0=$(ethstat a vmb0 rx_packets)
	# Nothing answers: ping gives up 1 s after the last request.
	ip netns exec a ping -c 5 -i 0.2 -W 1 192.0.2.99 || true
	# Each echo request comes back to the device it left, when the
	# endpoint gets to it.
	wait_for "$WAIT_S" counter_above a vmb0 rx_packets $((rx0 + 4)) || true
	rx1=$(ethstat a vmb0 rx_packets)
	[ $((rx1 - rx0)) -ge 5 ] || fail "only $((rx1 - rx0)) frames looped back"
}

null_mode() {
	ip netns add a
	# One queue: the control requests' queue carries the frames too.
	ip link add vmb0 numtxqueues 1 numrxqueues 1 netns a type vmbnet
	ip -n a addr add 192.0.2.1/24 dev vmb0
	ip -n a link set vmb0 up
	ip -n a neigh add 192.0.2.99 lladdr 02:00:00:00:00:99 dev vmb0
	start_endpoint null vmb0@a
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier"
	ip netns exec a ping -c 5 -i 0.2 -W 1 192.0.2.99 && fail "null endpoint answered"
	# Stopped, the endpoint counts nothing still in the ring. It counts
	# frames as it reads them and reads a queue in order, answering a
	# request where it finds it: once every frame is in the ring (none
	# waits in the qdisc; requests do not go through it), a request
	# answered means every frame before it counted.
	wait_for "$WAIT_S" eval '[ "$(qdisc_backlog a vmb0)" -eq 0 ]' ||
		fail "vmb0's qdisc keeps $(qdisc_backlog a vmb0) packets"
	ip -n a link set vmb0 mtu 1400
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
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier"
	wait_for "$WAIT_S" ip link show vmbtap0 >/dev/null 2>&1 || fail "no TAP: $(cat "$EP_LOG")"
	ip addr add 192.0.2.2/24 dev vmbtap0
	ip link set vmbtap0 up
	ip netns exec a ping -c 3 -w "$WAIT_S" 192.0.2.2
	ip netns exec a ping -c 2 -w "$WAIT_S" -s 8000 192.0.2.2
	iperf_server
	ip netns exec a iperf3 -c 192.0.2.2 -t 2
	size=$(avg_size a vmb0 tx)
	[ "$size" -gt 1514 ] || fail "TSO frames did not reach the TAP whole ($size)"
	ip addr flush dev vmbtap0
}

# recv_queued NETNS: the most bytes an established TCP socket there holds
# unread (Recv-Q).
recv_queued() {
	ip netns exec "$1" ss -tnH state established | awk '$1 > q { q = $1 } END { print q + 0 }'
}

# Received frames' pages come from a per-queue page_pool: a receiver that
# stops reading still holds them when the devices and the module go, and
# gives them back afterwards (KASAN and kmemleak watch this under --debug).
pages_outlive_device() {
	local srv cli rx0 queued

	pair_up
	ip netns exec b iperf3 -s -1 >/dev/null 2>&1 &
	srv=$!
	wait_for "$WAIT_S" listening b 5201 || fail "iperf3 -s does not listen"
	rx0=$(ethstat b vmb1 rx_bytes)
	# Still sending when checked, however slow: cleanup ends it.
	ip netns exec a iperf3 -c 192.0.2.2 -t 600 >/dev/null 2>&1 &
	cli=$!
	# Stopped only once the test's data flows (stopped before, the server
	# would not set it up), and long enough that the reading receiver's
	# window has grown past the 64 KiB it starts with.
	wait_for "$WAIT_S" counter_above b vmb1 rx_bytes $((rx0 + 8 * 1048576)) ||
		fail "no data flows: vmb1 received $(($(ethstat b vmb1 rx_bytes) - rx0)) bytes"
	kill -STOP "$srv"
	# The sender fills the stopped receiver's window.
	wait_for "$WAIT_S" eval '[ "$(recv_queued b)" -gt 65536 ]' || true
	queued=$(recv_queued b)
	echo "bytes the stopped receiver holds: $queued"
	# More is better for the check, but any page held will do.
	[ "$queued" -gt 0 ] || fail "the stopped receiver holds nothing"
	kill "$EP_PID"
	wait "$EP_PID" || true
	ip -n a link del vmb0
	ip -n b link del vmb1
	modprobe -r vmbnet || fail "vmbnet did not unload"
	kill -CONT "$srv"
	cleanup
	# Its socket, and the pages it held, went with it.
	wait "$srv" "$cli" 2>/dev/null || true
	modprobe vmbnet
	pair_up
	ip netns exec a ping -c 3 -w "$WAIT_S" 192.0.2.2
}

run_test_nodebug "pair: ping IPv4" ping_v4
run_test_nodebug "pair: ping IPv6" ping_v6
run_test_nodebug "pair: 8000-byte fragmented pings, v4 and v6" ping_fragmented
run_test "pair: TCP both ways, TSO frames cross whole" tcp_tso_both_ways
run_test_nodebug "pair: UDP at 20 Mbit/s, every frame vmb0 sends reaches vmb1" udp_low_loss
run_test_nodebug "pair: a slow reader: tx stops and wakes, 8 MB of TCP, nothing dropped" slow_reader
run_test_nodebug "pair: offloads off, TCP still works" offloads_off
run_test_nodebug "pair: NAPI polls: frames-per-poll buckets sum to the polls, empty ones counted" napi_poll_counters
run_test_nodebug "pair: 8 flows spread over >= 2 queues" flows_spread
run_test_nodebug "pair: endpoint SIGKILLed mid-iperf, device survives, re-attach" endpoint_killed_and_back
run_test_nodebug "pair: a device moved to another netns keeps its endpoint" netns_move_keeps_endpoint
run_test_nodebug "loopback endpoint returns every frame" loopback_mode
run_test_nodebug "null endpoint drains and counts" null_mode
run_test_nodebug "tap endpoint bridges to a TAP, TSO included" tap_mode
run_test_nodebug "pair: pages a stopped receiver holds outlive the devices and the module" pages_outlive_device
ksft_finish
