#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Endpoint switching under a live device: a second endpoint is refused
# unless it asks to replace the first; a replace or a kill-and-restart under
# ping loses little, keeps everything the user set and tells the peers; a
# less capable endpoint clamps the device and a capable one restores it;
# frames left in the old rings are counted. On the pair topology.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

EP2_LOG=/tmp/vmbnet-endpoint2.log

# settings NETNS DEV: what the user set that a switch must keep.
settings() {
	ip netns exec "$1" sh -c "
		cat /sys/class/net/$2/mtu /sys/class/net/$2/address
		ip -br addr show dev $2
		ip route show dev $2
		ethtool -l $2 | sed -n '/Current/,\$p'
		ethtool -x $2 | grep -v '^RSS hash key'
		ethtool -k $2 | grep -v 'fixed\]'
		ip -d link show dev $2 | grep -o 'promiscuity [0-9]*'"
}

# A second endpoint without --replace: refused, and the first keeps the
# device and its traffic.
refused_without_replace() {
	local owner

	pair_up 2
	owner=$(ip netns exec a cat /sys/class/net/vmb0/vmbnet/endpoint)
	! vmbnet-endpoint pair vmb0@a vmb1@b >"$EP2_LOG" 2>&1 || fail "a second endpoint attached"
	grep -q "attach vmb0@a: Device or resource busy (it has an endpoint: --replace takes it)" \
		"$EP2_LOG" || fail "the second endpoint did not say why: $(cat "$EP2_LOG")"
	expect_eq "vmb0's endpoint" "$owner" "$(ip netns exec a cat /sys/class/net/vmb0/vmbnet/endpoint)"
	kill -0 "$EP_PID" || fail "the first endpoint stopped"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
}

# garp_watch NETNS DEV FROM_IP: tcpdump (not promiscuous: the settings
# compared include promiscuity) on DEV for a gratuitous ARP (the
# sender's address asked for by itself) from FROM_IP coming in.
garp_watch() {
	: >"/tmp/garp-$2.err"
	ip netns exec "$1" tcpdump -p -l -n -Q in -i "$2" -c 1 \
		"arp and arp[14:4] = arp[24:4] and src host $3" >"/tmp/garp-$2" 2>"/tmp/garp-$2.err" &
	wait_for "$WAIT_S" grep -q "listening on $2" "/tmp/garp-$2.err" ||
		fail "tcpdump: $(cat "/tmp/garp-$2.err")"
}

# The user's settings, then a replace under ping: the old endpoint leaves
# with a message, the new one gets the settings, nothing the user set
# changes, the offloads never go away, and the peers hear gratuitous ARPs.
replace_under_ping() {
	local before after old flaps

	pair_up 4
	old=$EP_PID
	ip -n a link set vmb0 mtu 4000
	ip -n b link set vmb1 mtu 4000
	ip netns exec a ethtool -L vmb0 combined 2
	ip netns exec a ethtool -X vmb0 weight 1 3
	ip -n a link set vmb0 promisc on
	ip -n a route add 198.51.100.0/24 via 192.0.2.2 dev vmb0
	ip -n a addr add 192.0.2.11/24 dev vmb0
	before=$(settings a vmb0)
	flaps=$(carrier_changes a vmb0)
	garp_watch b vmb1 192.0.2.1
	garp_watch a vmb0 192.0.2.2
	ping_start a 192.0.2.2 600
	vmbnet-endpoint --log --replace pair vmb0@a vmb1@b >"$EP2_LOG" 2>&1 &
	EP_PID=$!
	wait_for "$WAIT_S" eval "! kill -0 $old 2>/dev/null" || fail "the replaced endpoint still runs"
	grep -q "device taken over or deleted; stopping" "$EP_LOG" ||
		fail "the replaced endpoint did not say why it stopped: $(tail -n 3 "$EP_LOG")"
	ping_result "replace"
	# The carrier is held and frames wait in the qdisc and the endpoint
	# meanwhile: only those in flight in the old rings can be lost.
	timing_target "$LOST" $((SENT / 100)) "pings lost across the replace"
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier after the replace"
	expect_eq "vmb0's carrier changes" "$flaps" "$(carrier_changes a vmb0)"
	after=$(settings a vmb0)
	[ "$before" = "$after" ] || fail "settings changed: $(diff <(echo "$before") <(echo "$after"))"
	# The carrier was held: the new endpoint may still be getting them.
	wait_for "$WAIT_S" grep -Eq 'vmb0@a: SET_MTU seq=[0-9]+ mtu=4000' "$EP2_LOG" ||
		fail "the new endpoint was not given MTU 4000"
	wait_for "$WAIT_S" grep -Eq 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=2' "$EP2_LOG" ||
		fail "the new endpoint was not given 2 queues"
	ip netns exec a ping -c 1 -W "$WAIT_S" 192.0.2.2
	ip netns exec a ip route get 198.51.100.7 | grep -q "via 192.0.2.2 dev vmb0"
	# Each device announces itself once the new endpoint agreed (its
	# carrier held meanwhile); the endpoint holds what the first one sends
	# until the other has agreed too.
	wait_for "$WAIT_S" eval "[ -s /tmp/garp-vmb1 ] || [ -s /tmp/garp-vmb0 ]" ||
		fail "no gratuitous ARP reached either peer"
	cat /tmp/garp-vmb1 /tmp/garp-vmb0
	killall -q tcpdump || true
}

# The endpoint killed and started again: the device waits for it, as it
# was.
kill_and_restart() {
	local before

	pair_up 2
	before=$(settings a vmb0)
	ping_start a 192.0.2.2 600
	kill -9 "$EP_PID"
	wait "$EP_PID" 2>/dev/null || true
	start_endpoint pair vmb0@a vmb1@b
	ping_result "kill and restart"
	timing_target "$LOST" $((SENT / 20)) "pings lost across the restart"
	expect_eq "settings" "$before" "$(settings a vmb0)"
}

# An endpoint that can do less (one queue, standard frames, no offloads,
# no UDP/IPv6 port hashing) clamps the device and says so once; a capable
# one brings the user's settings back.
clamp_and_restore() {
	local n0

	pair_up 4
	ip -n a link set vmb0 mtu 4000
	ip -n b link set vmb1 mtu 4000
	ip netns exec a ethtool -L vmb0 combined 3
	n0=$(dmesg_count "vmb0: the endpoint takes no MTU 4000: 1500 until one does")
	vmbnet-endpoint --log --replace --max-queues 1 --mtu-max 1500 --no-offload \
		--hash-types 0x1f pair vmb0@a vmb1@b >"$EP2_LOG" 2>&1 &
	EP_PID=$!
	wait_for "$WAIT_S" eval '[ "$(ip netns exec a cat /sys/class/net/vmb0/mtu)" = 1500 ]' ||
		fail "MTU not clamped: $(ip netns exec a cat /sys/class/net/vmb0/mtu)"
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier with the lesser endpoint"
	# Taken after the MTU, in the same RTNL section, features before both.
	wait_for "$WAIT_S" eval '[ "$(queue_count vmb0 tx a)" = 1 ]' ||
		fail "queues in use: $(queue_count vmb0 tx a)"
	ip netns exec a ethtool -k vmb0 | grep -q '^tcp-segmentation-offload: off' ||
		fail "TSO still on: $(ip netns exec a ethtool -k vmb0 | grep tcp-seg)"
	expect_eq "clamp logged" $((n0 + 1)) \
		"$(dmesg_count "vmb0: the endpoint takes no MTU 4000: 1500 until one does")"
	dmesg | grep -q "vmb0: the endpoint lacks features" || fail "lost features not logged"
	dmesg | grep -q "vmb0: the endpoint hashes flow types 0x1f of the 0x3f asked for" ||
		fail "fewer hash types not logged"
	! ip netns exec a ethtool -n vmb0 rx-flow-hash udp6 | grep -q 'L4 bytes' ||
		fail "udp6 hashes ports with an endpoint that cannot"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2

	vmbnet-endpoint --log --replace pair vmb0@a vmb1@b >"$EP_LOG" 2>&1 &
	EP_PID=$!
	wait_for "$WAIT_S" eval '[ "$(ip netns exec a cat /sys/class/net/vmb0/mtu)" = 4000 ]' ||
		fail "MTU not restored: $(ip netns exec a cat /sys/class/net/vmb0/mtu)"
	wait_for "$WAIT_S" eval '[ "$(queue_count vmb0 tx a)" = 3 ]' ||
		fail "queues not restored: $(queue_count vmb0 tx a)"
	ip netns exec a ethtool -k vmb0 | grep -q '^tcp-segmentation-offload: on' ||
		fail "TSO not back: $(ip netns exec a ethtool -k vmb0 | grep tcp-seg)"
	ip netns exec a ethtool -n vmb0 rx-flow-hash udp6 | grep -q 'L4 bytes 2 & 3' ||
		fail "udp6 port hashing not back"
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier with the capable endpoint"
	ip netns exec a ping -c 2 -s 3000 -M do -w "$WAIT_S" 192.0.2.2
}

# Frames the old endpoint never read are dropped and counted: it is
# stopped, then its ring filled, and replaced.
lost_counted() {
	local lost

	pair_up 1 --ring-size 65536
	bql_unlimited a vmb0
	# Resolves the neighbour, and completes frames: BQL takes its new floor.
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
	kill -STOP "$EP_PID"
	wait_for "$WAIT_S" eval 'udp_burst a 192.0.2.2; counter_above a vmb0 tx_ring_full 0' ||
		fail "the stopped endpoint's ring never filled"
	vmbnet-endpoint --replace pair vmb0@a vmb1@b >"$EP2_LOG" 2>&1 &
	EP_PID=$!
	wait_for "$WAIT_S" counter_above a vmb0 tx_detach_lost 0 ||
		fail "no frames counted lost at the replace"
	lost=$(ethstat a vmb0 tx_detach_lost)
	[ "$(ethstat a vmb0 tx_dropped)" -ge "$lost" ] || fail "tx_dropped does not include them"
	measured "frames left in a stopped endpoint's ring at a replace: $lost (tx_detach_lost)"
}

run_test_nodebug "a second endpoint is refused without --replace (EBUSY)" refused_without_replace
run_test "replace under ping: little loss, settings kept, old endpoint told, GARP" replace_under_ping
run_test_nodebug "kill and restart under ping: the device waits, settings kept" kill_and_restart
run_test_nodebug "a lesser endpoint clamps (logged), a capable one restores" clamp_and_restore
run_test_nodebug "frames left in the old rings are counted (tx_detach_lost)" lost_counted
ksft_finish
