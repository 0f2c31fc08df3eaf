#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ip link add/set/del for vmbnet devices, ethtool -i, and the no-endpoint state.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

default_name_and_mac() {
	local dev mac

	ip link add type vmbnet
	dev=$(vmbnet_devs)
	[[ $dev =~ ^vmb[0-9]+$ ]] || fail "default name '$dev' is not vmb%d"
	mac=$(dev_mac "$dev")
	# Locally administered (bit 1) unicast (bit 0 clear) first octet.
	(( (0x${mac%%:*} & 3) == 2 )) || fail "random MAC $mac is not local unicast"
	# NET_ADDR_RANDOM
	expect_eq "address type" "1" "$(cat /sys/class/net/$dev/addr_assign_type)"
}

random_macs_differ() {
	ip link add vmbtest0 type vmbnet
	ip link add vmbtest1 type vmbnet
	[ "$(dev_mac vmbtest0)" != "$(dev_mac vmbtest1)" ] || fail "two devices share a MAC"
}

given_mac() {
	ip link add vmbtest0 address 02:11:22:33:44:55 type vmbnet
	expect_eq "MAC" "02:11:22:33:44:55" "$(dev_mac vmbtest0)"
}

bad_mac() {
	expect_error "MAC address must be unicast" \
		ip link add vmbtest0 address 01:00:5e:00:00:01 type vmbnet
	expect_error "MAC address must be unicast" \
		ip link add vmbtest0 address 00:00:00:00:00:00 type vmbnet
	[ -z "$(vmbnet_devs)" ] || fail "a device was left behind: $(vmbnet_devs)"
}

queue_counts() {
	local n

	for n in 1 2 4 16 64; do
		ip link add vmbtest0 numtxqueues $n numrxqueues $n type vmbnet
		expect_eq "tx queues" $n "$(queue_count vmbtest0 tx)"
		expect_eq "rx queues" $n "$(queue_count vmbtest0 rx)"
		ip link del vmbtest0
	done
	# Queues come in pairs: the smaller count is what is used.
	ip link add vmbtest0 numtxqueues 8 numrxqueues 2 type vmbnet
	expect_eq "tx queues" 2 "$(queue_count vmbtest0 tx)"
	expect_eq "rx queues" 2 "$(queue_count vmbtest0 rx)"
}

default_queue_count() {
	ip link add vmbtest0 type vmbnet
	expect_eq "default tx queues" "$(nproc)" "$(queue_count vmbtest0 tx)"
}

bad_queue_counts() {
	expect_error "vmbnet supports 1 to 64 queues" \
		ip link add vmbtest0 numtxqueues 65 numrxqueues 1 type vmbnet
	expect_error "vmbnet supports 1 to 64 queues" \
		ip link add vmbtest0 numtxqueues 4 numrxqueues 65 type vmbnet
	expect_error "vmbnet supports 1 to 64 queues" \
		ip link add vmbtest0 numtxqueues 1000 numrxqueues 1000 type vmbnet
	expect_error "vmbnet supports 1 to 64 queues" \
		ip link add vmbtest0 numtxqueues 0 type vmbnet
	[ -z "$(vmbnet_devs)" ] || fail "a device was left behind: $(vmbnet_devs)"
}

up_down_rename() {
	ip link add vmbtest0 type vmbnet
	ip link set vmbtest0 up
	ip link set vmbtest0 down
	ip link set vmbtest0 name vmbrenamed
	[ -d /sys/class/net/vmbrenamed/vmbnet ] || fail "renamed device lost its vmbnet dir"
	ip link set vmbrenamed up
	ip link show vmbrenamed | grep -q 'state DOWN' || fail "up without carrier not DOWN"
	ip link del vmbrenamed
}

netns_move() {
	local mac

	ip netns add a
	ip netns add b
	ip link add vmbtest0 numtxqueues 4 numrxqueues 4 type vmbnet
	mac=$(dev_mac vmbtest0)
	ip link set vmbtest0 netns a
	ip link show vmbtest0 2>/dev/null && fail "still in init netns"
	ip -n a link set vmbtest0 up
	ip -n a addr add 192.0.2.1/24 dev vmbtest0
	ip -n a link set vmbtest0 netns b
	expect_eq "MAC after move" "$mac" "$(ip netns exec b cat /sys/class/net/vmbtest0/address)"
	expect_eq "queues after move" 4 "$(queue_count vmbtest0 tx b)"
	ip -n b link set vmbtest0 netns 1
	ip link show vmbtest0 >/dev/null
	ip netns del b
	ip netns del a
	ip link del vmbtest0
}

netns_delete_with_device() {
	ip netns add a
	ip -n a link add vmbtest0 type vmbnet
	ip -n a link set vmbtest0 up
	ip netns del a
	# A virtual device dies with its netns (no rtnl dellink-to-init).
	ip link show vmbtest0 2>/dev/null && fail "device escaped its netns"
	return 0
}

ethtool_info() {
	local info b0 b1

	ip link add vmbtest0 type vmbnet
	ip link add vmbtest1 type vmbnet
	info=$(ethtool -i vmbtest0)
	echo "$info" | grep -qx 'driver: vmbnet' || fail "driver: $info"
	echo "$info" | grep -qE '^version: [0-9]+\.[0-9]+\.[0-9]+$' || fail "version: $info"
	b0=$(ethtool -i vmbtest0 | sed -n 's/^bus-info: //p')
	b1=$(ethtool -i vmbtest1 | sed -n 's/^bus-info: //p')
	[[ $b0 =~ ^vmbnet\.[0-9]+$ ]] || fail "bus-info '$b0'"
	[ "$b0" != "$b1" ] || fail "two devices share bus-info $b0"
	ip link set vmbtest0 name vmbrenamed
	expect_eq "bus-info after rename" "$b0" \
		"$(ethtool -i vmbrenamed | sed -n 's/^bus-info: //p')"
}

no_endpoint_state() {
	ip link add vmbtest0 type vmbnet
	ip link set vmbtest0 up
	expect_eq "endpoint" "none" "$(cat /sys/class/net/vmbtest0/vmbnet/endpoint)"
	expect_eq "carrier" "0" "$(cat /sys/class/net/vmbtest0/carrier)"
	expect_eq "operstate" "down" "$(cat /sys/class/net/vmbtest0/operstate)"
	ethtool vmbtest0 | grep -q 'Link detected: no' || fail "ethtool says link"
	ip link show vmbtest0 | grep -q NO-CARRIER || fail "no NO-CARRIER flag"
}

many_devices() {
	local i n

	n=$(repeats 32 8)
	for i in $(seq 1 "$n"); do
		ip link add "vmbtest$i" numtxqueues 2 numrxqueues 2 type vmbnet
	done
	expect_eq "devices" "$n" "$(vmbnet_devs | wc -l)"
}

run_test_nodebug "default name vmb%d and random local unicast MAC" default_name_and_mac
run_test_nodebug "two devices get different random MACs" random_macs_differ
run_test_nodebug "address given at creation is used" given_mac
run_test_nodebug "multicast and zero MACs refused, nothing created" bad_mac
run_test_nodebug "numtxqueues/numrxqueues 1..64 honoured, in pairs" queue_counts
run_test_nodebug "default queue count follows the CPUs" default_queue_count
run_test "bad queue counts refused with a message, nothing created" bad_queue_counts
run_test_nodebug "up, down, rename" up_down_rename
run_test_nodebug "netns moves keep MAC and queues" netns_move
run_test "deleting a netns deletes its device" netns_delete_with_device
run_test_nodebug "ethtool -i: driver, version, stable unique bus-info" ethtool_info
run_test_nodebug "no endpoint: endpoint=none, carrier off" no_endpoint_state
run_test "$(repeats 32 8) devices" many_devices
ksft_finish
