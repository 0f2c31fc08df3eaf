#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What the kernel's interfaces show of a vmbnet device, and what they let
# the stack do with it: VLANs on top keep the offloads, transmit timestamps,
# UDP GSO (6.2+), netdev netlink, LRO as the endpoint's coalescing, the
# endpoint's RSS hash, ethtool -i telling the endpoint. On the pair topology.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

# A VLAN on each side: checksum and TSO stay on the VLAN devices
# (vlan_features), whole TSO frames go out tagged. (Tagged GSO frames
# coming in are KUnit's vmbnet_offload_vlan_gso: the VLAN turns LRO off.)
vlan_offloads() {
	local tx0 tx1 rx0 rx1 bad

	pair_up 2
	ip -n a link add link vmb0 name vmb0.10 type vlan id 10
	ip -n b link add link vmb1 name vmb1.10 type vlan id 10
	ip -n a addr add 198.51.100.1/24 dev vmb0.10
	ip -n b addr add 198.51.100.2/24 dev vmb1.10
	ip -n a link set vmb0.10 up
	ip -n b link set vmb1.10 up
	ip netns exec a ethtool -k vmb0.10 | grep -q '^tcp-segmentation-offload: on' ||
		fail "no TSO on the VLAN: $(ip netns exec a ethtool -k vmb0.10 | grep -E 'tcp-seg|tx-check')"
	ip netns exec a ethtool -k vmb0.10 | grep -q '^tx-checksumming: on' ||
		fail "no checksum offload on the VLAN"
	ip netns exec a ping -c 2 -w "$WAIT_S" 198.51.100.2
	tx0=$(ethstat a vmb0 tx_bytes)
	tx1=$(ethstat a vmb0 tx_packets)
	rx0=$(ethstat b vmb1 rx_bytes)
	rx1=$(ethstat b vmb1 rx_packets)
	bad=$(ethstat b vmb1 rx_bad_header)
	iperf_server b
	ip netns exec a iperf3 -c 198.51.100.2 -t 3
	tx0=$((($(ethstat a vmb0 tx_bytes) - tx0) / ($(ethstat a vmb0 tx_packets) - tx1)))
	rx0=$((($(ethstat b vmb1 rx_bytes) - rx0) / ($(ethstat b vmb1 rx_packets) - rx1)))
	measured "TCP over VLAN 10: $tx0-byte frames sent, $rx0-byte frames received on average"
	[ "$tx0" -gt 1518 ] || fail "vmb0 sent $tx0-byte frames on average over the VLAN: no TSO"
	# A VLAN has no LRO, which turns it off below it (the kernel's
	# NETIF_F_UPPER_DISABLES): the endpoint segments what it sends vmb1.
	ip netns exec b ethtool -k vmb1 | grep -q '^large-receive-offload: off' ||
		fail "LRO stayed on under a VLAN"
	[ "$rx0" -le 1518 ] || fail "vmb1 received $rx0-byte frames on average with LRO off"
	expect_eq "vmb1's bad headers" "$bad" "$(ethstat b vmb1 rx_bad_header)"
}

# ethtool -T says software transmit stamps, and a socket gets them.
tx_timestamps() {
	pair_up 1
	ip netns exec a ethtool -T vmb0 | grep -q 'software-transmit' ||
		fail "ethtool -T: $(ip netns exec a ethtool -T vmb0)"
	ip netns exec a ethtool -T vmb0 | grep -q 'software-receive'
	ip netns exec a ping -c 1 -w "$WAIT_S" 192.0.2.2
	ip netns exec a tx_timestamp 192.0.2.2 9
}

# ethtool -i: the driver, a stable bus-info, and as firmware-version the
# endpoint: its kind and the protocol version agreed, or none.
drvinfo() {
	local info

	pair_devs 1
	info=$(ip netns exec a ethtool -i vmb0)
	echo "$info" | grep -q '^driver: vmbnet$' || fail "ethtool -i: $info"
	echo "$info" | grep -Eq '^bus-info: vmbnet\.[0-9]+$' || fail "ethtool -i: $info"
	echo "$info" | grep -q '^firmware-version: none$' || fail "no endpoint yet: $info"
	# Nothing to moderate (see the driver's documentation): said plainly.
	expect_error "Operation not supported" ip netns exec a ethtool -c vmb0
	start_endpoint pair vmb0@a vmb1@b
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier"
	info=$(ip netns exec a ethtool -i vmb0)
	echo "$info" | grep -q '^firmware-version: user v1$' || fail "with the endpoint: $info"
}

# UDP GSO (USO, 6.2+): a sender's UDP_SEGMENT unit crosses the pair whole
# (frames far above the MTU on both sides) and arrives as its datagrams.
uso() {
	local rx_pid tx0 tx1 rx0 rx1

	pair_up 1
	if ! ip netns exec a ethtool -k vmb0 | grep -q '^tx-udp-segmentation: on'; then
		echo "no USO: this kernel's virtio_net_hdr has no UDP_L4 (6.2+)"
		exit $KSFT_SKIP
	fi
	ip netns exec b udp_gso recv 9000 800 1400 >/tmp/udp_gso.out 2>&1 &
	rx_pid=$!
	wait_for "$WAIT_S" grep -q listening /tmp/udp_gso.out || fail "no receiver"
	ip netns exec a ping -c 1 -w "$WAIT_S" 192.0.2.2
	tx0=$(ethstat a vmb0 tx_bytes)
	tx1=$(ethstat a vmb0 tx_packets)
	rx0=$(ethstat b vmb1 rx_bytes)
	rx1=$(ethstat b vmb1 rx_packets)
	ip netns exec a udp_gso send 192.0.2.2 9000 100 1400 8
	wait "$rx_pid" || fail "$(cat /tmp/udp_gso.out)"
	cat /tmp/udp_gso.out
	tx0=$((($(ethstat a vmb0 tx_bytes) - tx0) / ($(ethstat a vmb0 tx_packets) - tx1)))
	rx0=$((($(ethstat b vmb1 rx_bytes) - rx0) / ($(ethstat b vmb1 rx_packets) - rx1)))
	measured "USO: $tx0-byte frames sent, $rx0-byte frames received on average (8 x 1400-byte datagrams each)"
	[ "$tx0" -gt 1514 ] || fail "vmb0 sent $tx0-byte frames on average: no USO"
	[ "$rx0" -gt 1514 ] || fail "vmb1 received $rx0-byte frames on average: segmented before"
}

# netdev_nl CMD: netdev netlink's view of vmb0 in netns a; skips the case
# where the running kernel lacks the command.
netdev_nl() {
	local out rc

	out=$(ip netns exec a netdev_nl "$1" "$(ip netns exec a cat /sys/class/net/vmb0/ifindex)") &&
		rc=0 || rc=$?
	if [ "$rc" -eq 4 ]; then
		echo "$out"
		exit $KSFT_SKIP
	fi
	[ "$rc" -eq 0 ] || fail "netdev_nl $1 failed ($rc): $out"
	echo "$out"
}

# qstat NAME: the device's total NAME from qstats-get.
qstat() {
	netdev_nl qstats | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# ip_stat NAME: /sys/class/net/vmb0/statistics/NAME in netns a.
ip_stat() {
	ip netns exec a cat "/sys/class/net/vmb0/statistics/$1"
}

# netdev netlink (6.8+): each queue pair's NAPI id (queue-get); per-queue
# stats that add up to ip -s link's, the queues ethtool -L turned off
# included (qstats-get); page pools linked to the device and its NAPIs,
# gone with it (page-pool-get).
netdev_netlink() {
	local q napis pools before after name

	pair_up 2
	q=$(netdev_nl queues)
	echo "$q"
	napis=$(echo "$q" | awk '$2 == "type=rx" { print $4 }' | sort -u)
	expect_eq "rx queues with a NAPI" 2 "$(echo "$napis" | grep -vc '^napi=0$')"
	[ "$(echo "$q" | awk '$2 == "type=tx" { print $4 }' | sort -u)" = "$napis" ] ||
		fail "tx queues have other NAPIs than rx: $q"
	pools=$(netdev_nl page-pools)
	echo "$pools"
	for name in $napis; do
		echo "$pools" | grep -q " $name " || fail "no page pool on $name: $pools"
	done

	ip netns exec a ping -c 20 -i 0.05 -w "$WAIT_S" 192.0.2.2
	ip netns exec a ethtool -L vmb0 combined 1
	ip netns exec a ping -c 5 -i 0.05 -w "$WAIT_S" 192.0.2.2
	for name in rx_packets rx_bytes tx_packets tx_bytes; do
		before=$(ip_stat "$name")
		q=$(qstat "${name/_/-}")
		after=$(ip_stat "$name")
		[ "$before" -le "$q" ] && [ "$q" -le "$after" ] ||
			fail "qstats $name $q, ip -s link $before..$after"
	done
	[ "$(netdev_nl qstats-queues | grep -c 'type=rx')" = 1 ] ||
		fail "qstats of turned-off queues: $(netdev_nl qstats-queues)"

	# Once the device is gone (and the stack gave their pages back).
	ip -n a link del vmb0
	for name in $(echo "$pools" | awk '{ print $2 }'); do
		wait_for "$WAIT_S" eval "! netdev_nl_all | grep -q '^pool $name '" ||
			fail "page pool $name outlived its device: $(netdev_nl_all)"
	done
}

netdev_nl_all() {	# every page pool there is
	ip netns exec a netdev_nl page-pools 0
}

# avg_rx_size NETNS DEV CMD...: the average size of the frames DEV takes
# in while CMD runs.
avg_rx_size() {
	local ns=$1 dev=$2 b0 p0
	shift 2

	b0=$(ethstat "$ns" "$dev" rx_bytes)
	p0=$(ethstat "$ns" "$dev" rx_packets)
	"$@" >/dev/null || fail "$*: failed"
	echo $((($(ethstat "$ns" "$dev" rx_bytes) - b0) / ($(ethstat "$ns" "$dev" rx_packets) - p0)))
}

# Receive coalescing is the endpoint's (RSC), and LRO turns it off and on:
# off, the endpoint segments what it would have delivered whole (the
# peer's TSO frames); forwarding turns it off by itself (dev_disable_lro).
lro() {
	local mark size bad

	pair_up 1
	ip netns exec b ethtool -k vmb1 | grep -q '^large-receive-offload: on' ||
		fail "LRO: $(ip netns exec b ethtool -k vmb1 | grep large-receive)"
	bad=$(ethstat b vmb1 rx_bad_header)
	iperf_server b
	size=$(avg_rx_size b vmb1 timeout $((WAIT_S * 2)) ip netns exec a iperf3 -c 192.0.2.2 -n 4M)
	measured "LRO on: vmb1 took $size-byte frames on average"
	[ "$size" -gt 1514 ] || fail "LRO on: vmb1 took $size-byte frames on average"

	mark=$(log_lines)
	ip netns exec b ethtool -K vmb1 lro off
	expect_logged 'vmb1@b: SET_OFFLOADS seq=[0-9]+ offloads=0x2$' "$mark"
	iperf_server b
	size=$(avg_rx_size b vmb1 timeout $((WAIT_S * 2)) ip netns exec a iperf3 -c 192.0.2.2 -n 4M)
	measured "LRO off: vmb1 took $size-byte frames on average"
	[ "$size" -le 1514 ] || fail "LRO off: vmb1 took $size-byte frames on average"
	ip netns exec a ethtool -k vmb0 | grep -q '^tcp-segmentation-offload: on' ||
		fail "vmb0 lost TSO: the endpoint, not the sender, must segment"
	expect_eq "vmb1's bad headers" "$bad" "$(ethstat b vmb1 rx_bad_header)"

	mark=$(log_lines)
	ip netns exec b ethtool -K vmb1 lro on
	expect_logged 'vmb1@b: SET_OFFLOADS seq=[0-9]+ offloads=0x(c0000000000)?182$' "$mark"
	mark=$(log_lines)
	ip netns exec b sysctl -qw net.ipv4.ip_forward=1
	ip netns exec b ethtool -k vmb1 | grep -q '^large-receive-offload: off' ||
		fail "forwarding left LRO on"
	expect_logged 'vmb1@b: SET_OFFLOADS seq=[0-9]+ offloads=0x2$' "$mark"
}

# hash_count NETNS DEV HASH CMD...: how many frames DEV took in with
# skb->hash HASH while CMD ran (rxhash_count).
hash_count() {
	local ns=$1 dev=$2 hash=$3 pid
	shift 3

	ip netns exec "$ns" rxhash_count "$dev" "$hash" >/tmp/rxhash 2>&1 &
	pid=$!
	wait_for "$WAIT_S" grep -q listening /tmp/rxhash || fail "rxhash_count: $(cat /tmp/rxhash)"
	"$@" >/dev/null || { kill "$pid"; fail "$*: failed"; }
	kill -TERM "$pid"
	wait "$pid" || fail "rxhash_count: $(cat /tmp/rxhash)"
	tail -n 1 /tmp/rxhash
}

# The endpoint's RSS hash (HASH_REPORT) is the frames' skb->hash: a TCP
# flow's frames come with the Toeplitz hash of its addresses and ports
# under vmb1's key (rss_hash); with rxhash off they come without it.
rx_hash() {
	local key h n

	pair_up 1
	ip netns exec b ethtool -k vmb1 | grep -q '^receive-hashing: on' ||
		fail "rxhash: $(ip netns exec b ethtool -k vmb1 | grep receive-hashing)"
	key=$(ip netns exec b ethtool -x vmb1 | sed -n '/RSS hash key/{n;p}')
	h=$(rss_hash "$key" 192.0.2.1 192.0.2.2 40001 5201)
	iperf_server b
	n=$(hash_count b vmb1 "$h" ip netns exec a iperf3 -c 192.0.2.2 --cport 40001 -n 1M)
	measured "rx hash: $n frames of the flow came with its Toeplitz hash $h"
	[ "$n" -gt 10 ] || fail "$n frames came with the endpoint's hash $h"

	ip netns exec b ethtool -K vmb1 rxhash off
	h=$(rss_hash "$key" 192.0.2.1 192.0.2.2 40002 5201)
	iperf_server b
	n=$(hash_count b vmb1 "$h" ip netns exec a iperf3 -c 192.0.2.2 --cport 40002 -n 1M)
	expect_eq "frames with the endpoint's hash, rxhash off" 0 "$n"
}

run_test_nodebug "VLAN devices keep checksum and TSO; tagged TSO frames go out whole" vlan_offloads
run_test_nodebug "ethtool -T: software transmit timestamps, delivered to a socket" tx_timestamps
run_test_nodebug "USO: UDP_SEGMENT units cross whole, arrive as their datagrams" uso
run_test_nodebug "netdev netlink: queue NAPIs, qstats that add up, page pools" netdev_netlink
run_test "LRO: the endpoint's coalescing off and on; forwarding turns it off" lro
run_test "rx hash: the endpoint's RSS hash is skb->hash; rxhash off drops it" rx_hash
run_test_nodebug "ethtool -i: firmware-version names the endpoint and its protocol" drvinfo
ksft_finish
