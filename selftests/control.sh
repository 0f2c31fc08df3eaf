#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The control protocol end to end: every ip and ethtool setting, checked in
# the kernel's view and in what `vmbnet-endpoint --log` says it received,
# on the pair topology (vmb0 in netns a, vmb1 in netns b).
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

# rx_queue_packets NETNS DEV Q
rx_queue_packets() {
	ethstat "$1" "$2" "rx_queue_$3_packets"
}

# Eight TCP flows from a to b: 32 MB, some 500 frames even of 64 KiB,
# however long they take.
flows_a_to_b() {
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -P 8 -n 32M >/dev/null
}

negotiation() {
	pair_up 4
	for l in 'vmb0@a: INIT seq=[0-9]+ versions=1-1' 'vmb0@a: ACCEPT seq=[0-9]+ version=1' \
		 "vmb0@a: SET_MAC seq=[0-9]+ mac=$(ip netns exec a cat /sys/class/net/vmb0/address)" \
		 'vmb0@a: SET_MTU seq=[0-9]+ mtu=1500' 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=4' \
		 'vmb0@a: SET_RSS seq=[0-9]+ hash_types=0x3f' 'vmb0@a: SET_RX_FILTER seq=' \
		 'vmb0@a: SET_STATE seq=[0-9]+ state=up' 'vmb1@b: SET_STATE seq=[0-9]+ state=up'; do
		expect_logged "$l"
	done
	[ "$(ethstat a vmb0 ctl_requests)" -ge 7 ] || fail "ctl_requests: $(ethstat a vmb0 ctl_requests)"
	expect_eq "bad control messages" 0 "$(ethstat a vmb0 ctl_bad_messages)"
	expect_eq "refused requests" 0 "$(ethstat a vmb0 ctl_refused)"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
}

mtu_9000() {
	pair_up 2
	ip -n a link set vmb0 mtu 9000
	ip -n b link set vmb1 mtu 9000
	expect_logged 'vmb0@a: SET_MTU seq=[0-9]+ mtu=9000'
	expect_logged 'vmb1@b: SET_MTU seq=[0-9]+ mtu=9000'
	ip netns exec a ping -c 3 -w "$WAIT_S" -M do -s 8972 192.0.2.2
	expect_error "mtu less than device minimum" ip -n a link set vmb0 mtu 67
	expect_error "mtu greater than device maximum" ip -n a link set vmb0 mtu 65522
	expect_eq "MTU after refusals" 9000 "$(ip netns exec a cat /sys/class/net/vmb0/mtu)"
}

mtu_max_offered() {
	pair_up 1 --mtu-max 4000
	ip -n a link set vmb0 mtu 4000
	expect_error "mtu greater than device maximum" ip -n a link set vmb0 mtu 4001
	expect_eq "MTU" 4000 "$(ip netns exec a cat /sys/class/net/vmb0/mtu)"
	! logged 'SET_MTU seq=[0-9]+ mtu=4001' || fail "a refused MTU reached the endpoint"
}

mac_address() {
	local mac1

	pair_up 1
	ip -n a link set vmb0 address 02:11:22:33:44:55
	expect_logged 'vmb0@a: SET_MAC seq=[0-9]+ mac=02:11:22:33:44:55'
	ip -n b neigh flush dev vmb1
	ip netns exec b ping -c 2 -w "$WAIT_S" 192.0.2.1
	# The endpoint refuses the other device's address: nothing changes.
	mac1=$(ip netns exec b cat /sys/class/net/vmb1/address)
	expect_error "in use" ip -n a link set vmb0 address "$mac1"
	expect_eq "MAC after refusal" 02:11:22:33:44:55 "$(ip netns exec a cat /sys/class/net/vmb0/address)"
	[ "$(ethstat a vmb0 ctl_refused)" -ge 1 ] || fail "refusal not counted"
}

# Frames to an address the device does not have reach it only when promisc.
# The rx filter is sent by the driver's service task, after the command.
rx_filter() {
	local before mark

	pair_up 1
	ip -n a link set vmb0 promisc on
	expect_logged 'vmb0@a: SET_RX_FILTER seq=[0-9]+ promisc=1'
	ip -n a link set vmb0 promisc off allmulticast on
	expect_logged 'vmb0@a: SET_RX_FILTER seq=[0-9]+ promisc=0 allmulti=1'
	ip -n a link set vmb0 allmulticast off
	ip -n a maddr add 01:00:5e:01:02:03 dev vmb0
	expect_logged 'vmb0@a: SET_RX_FILTER seq=[0-9]+ promisc=0 allmulti=0 mc=.*01:00:5e:01:02:03'
	ip -n a maddr del 01:00:5e:01:02:03 dev vmb0
	wait_for "$WAIT_S" eval "tail -n 1 \"$EP_LOG\" | grep -q 'vmb0@a: SET_RX_FILTER.*allmulti=0' && ! tail -n 1 \"$EP_LOG\" | grep -q 01:00:5e:01:02:03" ||
		fail "removing the address was not sent: $(tail -n 3 "$EP_LOG")"

	# b sends to a MAC that is not vmb0's: filtered out, until promisc.
	ip -n b neigh add 192.0.2.77 lladdr 02:00:00:00:00:77 dev vmb1
	before=$(ethstat a vmb0 rx_packets)
	ip netns exec b ping -c 3 -i 0.2 -W 1 192.0.2.77 >/dev/null || true
	expect_eq "frames for another MAC delivered" "$before" "$(ethstat a vmb0 rx_packets)"
	# The first promisc=1 is in the log already: this one comes after it.
	mark=$(log_lines)
	ip -n a link set vmb0 promisc on
	expect_logged 'vmb0@a: SET_RX_FILTER seq=[0-9]+ promisc=1' "$mark"
	# The endpoint logs a request before it applies it: ping until the
	# frames arrive. Nothing answers: each ping gives up after 1 s.
	wait_for "$WAIT_S" eval "ip netns exec b ping -c 1 -W 1 192.0.2.77 >/dev/null; counter_above a vmb0 rx_packets $((before + 1))" ||
		fail "promisc: $(($(ethstat a vmb0 rx_packets) - before)) frames delivered"
}

up_down() {
	pair_up 1
	ip -n a link set vmb0 down
	expect_logged 'vmb0@a: SET_STATE seq=[0-9]+ state=down'
	ip -n a link set vmb0 up
	wait_for "$WAIT_S" eval "grep 'vmb0@a: SET_STATE' \"$EP_LOG\" | tail -n 1 | grep -q state=up" ||
		fail "up was not sent: $(tail -n 3 "$EP_LOG")"
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier after up"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
}

channels() {
	local mark

	pair_up 4
	ip -n a route add 198.51.100.0/24 via 192.0.2.2
	expect_eq "max combined" 4 "$(ip netns exec a ethtool -l vmb0 | awk '/^Combined:/ { print $2; exit }')"
	ip netns exec a ethtool -L vmb0 combined 2
	expect_logged 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=2'
	expect_eq "tx queues" 2 "$(queue_count vmb0 tx a)"
	expect_eq "rx queues" 2 "$(queue_count vmb0 rx a)"
	flows_a_to_b
	# queues=4 is in the log already, from the negotiation.
	mark=$(log_lines)
	ip netns exec a ethtool -L vmb0 combined 4
	expect_logged 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=4' "$mark"
	expect_eq "tx queues" 4 "$(queue_count vmb0 tx a)"
	flows_a_to_b
	# Addresses and routes stayed through both restarts.
	ip -n a addr show dev vmb0 | grep -q 'inet 192.0.2.1/24'
	ip -n a -6 addr show dev vmb0 | grep -q '2001:db8::1/64'
	ip -n a route show | grep -q '198.51.100.0/24 via 192.0.2.2'
	# Refused by the ethtool core: the driver's own limit is
	# channels_endpoint_max's.
	expect_error "exceeds maximum" ip netns exec a ethtool -L vmb0 combined 5
	! ip netns exec a ethtool -L vmb0 combined 0 2>/dev/null || fail "0 channels accepted"
	expect_eq "tx queues after refusals" 4 "$(queue_count vmb0 tx a)"
}

# combined NETNS DEV max|now: ethtool -l's combined channels.
combined() {
	ip netns exec "$1" ethtool -l "$2" |
		awk -v n="$([ "$3" = max ] && echo 1 || echo 2)" '/^Combined:/ && ++i == n { print $2 }'
}

# The ethtool core refuses counts above the maximum the driver reports, and
# 0 (see channels); here that maximum is the driver's own, from the offer.
channels_endpoint_max() {
	local mark

	pair_up 4 --max-queues 2
	expect_eq "max combined" 2 "$(combined a vmb0 max)"
	expect_eq "tx queues" 2 "$(queue_count vmb0 tx a)"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
	# The device has 4 queues; its endpoint takes 2.
	expect_error "exceeds maximum" ip netns exec a ethtool -L vmb0 combined 3
	! logged 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=3' || fail "3 queues were asked for"
	expect_eq "tx queues after the refusal" 2 "$(queue_count vmb0 tx a)"
	# 2 is in use already (the push asked for it): from 1, 2 is sent.
	ip netns exec a ethtool -L vmb0 combined 1
	expect_logged 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=1'
	mark=$(log_lines)
	ip netns exec a ethtool -L vmb0 combined 2
	expect_logged 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=2' "$mark"
	expect_eq "tx queues" 2 "$(queue_count vmb0 tx a)"
	# An endpoint that takes all 4: the maximum follows it, the user's
	# choice stays.
	kill "$EP_PID"
	wait "$EP_PID" || true
	start_endpoint pair vmb0@a vmb1@b
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier with the new endpoint: $(cat "$EP_LOG")"
	expect_eq "max combined, new endpoint" 4 "$(combined a vmb0 max)"
	expect_eq "combined, new endpoint" 2 "$(combined a vmb0 now)"
	expect_logged 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=2'
	expect_eq "tx queues, new endpoint" 2 "$(queue_count vmb0 tx a)"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
}

rings() {
	pair_up 1
	expect_eq "rx ring (KiB)" 1024 "$(ip netns exec a ethtool -g vmb0 | awk '/^RX:/ { n++ } /^RX:/ && n == 2 { print $2 }')"
	ip netns exec a ethtool -G vmb0 rx 256 tx 256
	# The endpoint attaches again to the new rings, vmb1's too.
	expect_logged 'attached vmb0@a: .*262144-byte rings'
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier on vmb0 after -G"
	wait_for "$WAIT_S" has_carrier b vmb1 || fail "no carrier on vmb1 after -G"
	expect_eq "rx ring (KiB)" 256 "$(ip netns exec a ethtool -g vmb0 | awk '/^RX:/ { n++ } /^RX:/ && n == 2 { print $2 }')"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
	expect_error "power of two" ip netns exec a ethtool -G vmb0 rx 100 tx 100
}

ethtool_k() {	# ethtool_k NETNS DEV
	ip netns exec "$1" ethtool -k "$2"
}

no_offload() {
	local tab
	tab=$(printf '\t')

	pair_up 1 --no-offload
	# The group lines (tcp-segmentation-offload) carry no [fixed]; their
	# members do.
	ethtool_k a vmb0 | grep -qx "$tab"'tx-tcp-segmentation: off \[fixed\]' ||
		fail "TSO: $(ip netns exec a ethtool -k vmb0 | grep segmentation)"
	ethtool_k a vmb0 | grep -qx "$tab"'tx-tcp6-segmentation: off \[fixed\]'
	ethtool_k a vmb0 | grep -qx "$tab"'tx-checksum-ip-generic: off \[fixed\]'
	ip netns exec a ethtool -k vmb0 | grep -q '^tx-checksumming: off'
	! ip netns exec a ethtool -K vmb0 tso on 2>/dev/null ||
		ip netns exec a ethtool -k vmb0 | grep -q '^tcp-segmentation-offload: off' ||
		fail "TSO turned on without the endpoint"
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -t 2
	# A capable endpoint brings them back.
	kill "$EP_PID"
	wait "$EP_PID" || true
	start_endpoint pair vmb0@a vmb1@b
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier with a capable endpoint"
	wait_for "$WAIT_S" eval "ip netns exec a ethtool -k vmb0 | grep -q '^tcp-segmentation-offload: on'" ||
		fail "TSO did not come back: $(ip netns exec a ethtool -k vmb0 | grep segmentation)"
	ip netns exec a ethtool -k vmb0 | grep -q '^tx-checksumming: on'
}

rss_table() {
	local q0 q1

	pair_up 2
	ip netns exec b ethtool -x vmb1 | grep -q 'RX flow hash indirection table for vmb1 with 2 RX ring(s)'
	[ "$(ip netns exec b ethtool -x vmb1 | grep -cE '^ +[0-9]+: ')" -eq 16 ] ||
		fail "not a 128-entry table"
	ip netns exec b ethtool -X vmb1 equal 1
	expect_logged 'vmb1@b: SET_RSS seq=[0-9]+ hash_types=0x3f key=[0-9a-f]{80} indir=0(,0){127}$'
	q1=$(rx_queue_packets b vmb1 1)
	flows_a_to_b
	expect_eq "packets on queue 1 with equal 1" "$q1" "$(rx_queue_packets b vmb1 1)"
	ip netns exec b ethtool -X vmb1 weight 0 1
	expect_logged 'vmb1@b: SET_RSS seq=[0-9]+ .*indir=1(,1){127}$'
	q0=$(rx_queue_packets b vmb1 0)
	q1=$(rx_queue_packets b vmb1 1)
	flows_a_to_b
	[ "$(rx_queue_packets b vmb1 1)" -gt $((q1 + 100)) ] || fail "queue 1 got no flows"
	# Only what the endpoint sent on queue 0 besides: a few ARP/ctl frames.
	[ "$(rx_queue_packets b vmb1 0)" -lt $((q0 + 20)) ] ||
		fail "queue 0 still got $(($(rx_queue_packets b vmb1 0) - q0)) frames"
	ip netns exec b ethtool -X vmb1 hkey 6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa
	expect_logged 'vmb1@b: SET_RSS seq=[0-9]+ hash_types=0x3f key=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa'
	ip netns exec b ethtool -x vmb1 | grep -q '6d:5a:56:da'
}

rx_flow_hash() {
	local mark

	pair_up 2
	ip netns exec b ethtool -n vmb1 rx-flow-hash tcp4 | grep -q 'L4 bytes 0 & 1'
	ip netns exec b ethtool -N vmb1 rx-flow-hash tcp4 sd
	expect_logged 'vmb1@b: SET_RSS seq=[0-9]+ hash_types=0x3d '
	! ip netns exec b ethtool -n vmb1 rx-flow-hash tcp4 | grep -q 'L4 bytes' ||
		fail "tcp4 still hashes ports"
	ip netns exec b ethtool -N vmb1 rx-flow-hash udp6 sdfn
	ip netns exec b ethtool -n vmb1 rx-flow-hash udp6 | grep -q 'L4 bytes 2 & 3'
	# hash_types=0x3f is in the log already, from the negotiation.
	mark=$(log_lines)
	ip netns exec b ethtool -N vmb1 rx-flow-hash tcp4 sdfn
	expect_logged 'vmb1@b: SET_RSS seq=[0-9]+ hash_types=0x3f ' "$mark"
	# ethtool 6.1 exits 0 when the driver says no: read what it said.
	ip netns exec b ethtool -N vmb1 rx-flow-hash tcp4 f 2>&1 | grep -q 'Invalid argument' ||
		fail "ports alone accepted"
	ip netns exec b ethtool -n vmb1 rx-flow-hash tcp4 | grep -q 'L4 bytes 2 & 3'
	ip netns exec b ethtool -N vmb1 rx-flow-hash udp6 sd
	expect_logged 'vmb1@b: SET_RSS seq=[0-9]+ hash_types=0x1f '
	! ip netns exec b ethtool -n vmb1 rx-flow-hash udp6 | grep -q 'L4 bytes' ||
		fail "udp6 still hashes ports"
}

link_flap() {
	pair_up 1
	ip netns exec a ethtool vmb0 | grep -q 'Speed: 10000Mb/s'
	ip netns exec a ethtool vmb0 | grep -q 'Duplex: Full'
	kill -USR1 "$EP_PID"
	wait_for "$WAIT_S" eval '! has_carrier a vmb0' || fail "carrier stayed up on vmb0"
	wait_for "$WAIT_S" eval '! has_carrier b vmb1' || fail "carrier stayed up on vmb1"
	ip netns exec a ethtool vmb0 | grep -q 'Link detected: no'
	kill -USR2 "$EP_PID"
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "carrier did not come back on vmb0"
	wait_for "$WAIT_S" has_carrier b vmb1 || fail "carrier did not come back on vmb1"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
}

link_speed() {
	pair_up 1 --speed 2500
	ip netns exec a ethtool vmb0 | grep -q 'Speed: 2500Mb/s'
}

msglevel() {
	pair_up 1
	ip netns exec a ethtool -s vmb0 msglvl 0x7
	ip netns exec a ethtool vmb0 | grep -q 'Current message level: 0x00000007'
}


# A stopped endpoint: the change waits for it within the RTNL budget (1 s),
# is then taken, and confirmed once it runs again. Until it answers, later
# changes are not waited for at all.
request_timeout() {
	local mark t0 ms mac1

	pair_up 1
	mark=$(log_lines)
	kill -STOP "$EP_PID"
	t0=$(now_ms)
	ip -n a link set vmb0 mtu 1400
	ms=$(($(now_ms) - t0))
	expect_eq "MTU, taken" 1400 "$(ip netns exec a cat /sys/class/net/vmb0/mtu)"
	expect_eq "timeouts" 1 "$(ethstat a vmb0 ctl_timeouts)"
	dmesg | grep -q 'vmb0: endpoint did not answer SET_MTU in time: taken, to be confirmed'
	# Waited for, and not without bound: 5 s before the budget.
	[ "$ms" -ge 900 ] && [ "$ms" -lt 4000 ] || fail "ip link set mtu took $ms ms"
	# The endpoint owes an answer: no further wait, and no second timeout.
	ip -n a link set vmb0 mtu 1300
	ip -n a link set vmb0 address 02:11:22:33:44:56
	expect_eq "timeouts" 1 "$(ethstat a vmb0 ctl_timeouts)"
	kill -CONT "$EP_PID"
	expect_logged 'vmb0@a: SET_MTU seq=[0-9]+ mtu=1400' "$mark"
	expect_logged 'vmb0@a: SET_MTU seq=[0-9]+ mtu=1300' "$mark"
	expect_logged 'vmb0@a: SET_MAC seq=[0-9]+ mac=02:11:22:33:44:56' "$mark"
	expect_eq "MTU after the answers" 1300 "$(ip netns exec a cat /sys/class/net/vmb0/mtu)"
	expect_eq "bad control messages" 0 "$(ethstat a vmb0 ctl_bad_messages)"
	expect_eq "reverted" 0 "$(ethstat a vmb0 ctl_reverted)"
	# Answering again: a refusal is the command's again, once the last
	# answer is in (until then a change is taken, and undone by its refusal).
	mac1=$(ip netns exec b cat /sys/class/net/vmb1/address)
	wait_for "$WAIT_S" eval "! ip -n a link set vmb0 address $mac1 2>/tmp/ip.err && grep -q 'in use' /tmp/ip.err" ||
		fail "SET_MAC of vmb1's address not refused: $(cat /tmp/ip.err)"
}

# A refusal that comes after the change was taken undoes it, once.
late_refusal() {
	local mac mac1

	pair_up 1
	mac=$(ip netns exec a cat /sys/class/net/vmb0/address)
	mac1=$(ip netns exec b cat /sys/class/net/vmb1/address)
	kill -STOP "$EP_PID"
	ip -n a link set vmb0 address "$mac1"
	expect_eq "MAC, taken" "$mac1" "$(ip netns exec a cat /sys/class/net/vmb0/address)"
	kill -CONT "$EP_PID"
	wait_for "$WAIT_S" eval "[ \"\$(ip netns exec a cat /sys/class/net/vmb0/address)\" = $mac ]" ||
		fail "MAC not reverted: $(ip netns exec a cat /sys/class/net/vmb0/address)"
	expect_eq "reverted" 1 "$(ethstat a vmb0 ctl_reverted)"
	dmesg | grep -q 'vmb0: endpoint refused SET_MAC (-98) after it was taken: undone'
	ip -n b neigh flush dev vmb1
	ip netns exec b ping -c 2 -w "$WAIT_S" 192.0.2.1
}

# Whatever errno the endpoint answers, ip gets an answer it can use:
# EINTR would make netlink send no ACK, and ip would wait for ever.
endpoint_errno() {
	local refused

	pair_up 1 --refuse-mtu 4
	# The push after the agreement had its SET_MTU refused already.
	refused=$(ethstat a vmb0 ctl_refused)
	expect_error "Input/output error" timeout "$WAIT_S" ip -n a link set vmb0 mtu 1400
	expect_eq "MTU" 1500 "$(ip netns exec a cat /sys/class/net/vmb0/mtu)"
	expect_eq "refused" $((refused + 1)) "$(ethstat a vmb0 ctl_refused)"
}

# An endpoint the device cannot agree with: the failure is logged, the
# carrier stays off and frames go nowhere, until a sane endpoint replaces
# it on the same devices.
failed_agreement() {	# failed_agreement KERNEL_MESSAGE ENDPOINT_LOG_ERE OPTION...
	local msg=$1 line=$2 n0 tx0 rx0
	shift 2

	n0=$(dmesg_count "vmb0: $msg")
	pair_devs 1
	start_endpoint pair vmb0@a vmb1@b "$@"
	wait_for "$WAIT_S" eval '[ "$(dmesg_count "vmb0: $msg")" -gt "$n0" ]' ||
		fail "vmb0 never logged '$msg': $(dmesg | tail -n 5)"
	expect_logged "$line"
	expect_eq "vmb0 carrier" 0 "$(carrier a vmb0)"
	expect_eq "vmb1 carrier" 0 "$(carrier b vmb1)"
	# Without carrier the stack drops them before the driver (the noop
	# qdisc): none reaches the endpoint.
	tx0=$(ethstat a vmb0 tx_packets)
	rx0=$(ethstat b vmb1 rx_packets)
	! ip netns exec a ping -c 2 -i 0.2 -W 1 192.0.2.2 || fail "ping answered without an agreement"
	expect_eq "frames vmb0 sent" "$tx0" "$(ethstat a vmb0 tx_packets)"
	expect_eq "frames vmb1 received" "$rx0" "$(ethstat b vmb1 rx_packets)"
	expect_eq "vmb0 carrier, later" 0 "$(carrier a vmb0)"
	! logged 'vmb0@a: SET_' || fail "settings were pushed without an agreement"
	kill "$EP_PID"
	wait "$EP_PID" || true
	start_endpoint pair vmb0@a vmb1@b
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier on vmb0 after the new endpoint"
	wait_for "$WAIT_S" has_carrier b vmb1 || fail "no carrier on vmb1 after the new endpoint"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
}

no_common_version() {
	failed_agreement "cannot agree with the endpoint: no common protocol version" \
		'vmb0@a: INIT seq=[0-9]+ versions=1-1' --offer-versions 2-3
}

accept_refused() {
	failed_agreement "cannot agree with the endpoint: ACCEPT refused" \
		'vmb0@a: ACCEPT seq=[0-9]+ .* -> refused' --refuse-accept
}

init_refused() {
	failed_agreement "endpoint refused INIT" 'vmb0@a: INIT seq=[0-9]+ .* -> refused' \
		--refuse-init
}

# F_MAC: a device nobody gave an address takes the endpoint's, one given an
# address keeps it; both know the endpoint's as their permanent address.
# The pair endpoint offers MAC to its first device, MAC+1 to the second.
mac_from_endpoint() {
	local mac=02:aa:bb:cc:dd:10 mac1=02:aa:bb:cc:dd:11 own=02:11:22:33:44:66

	ip netns add a
	ip netns add b
	ip link add vmb0 netns a type vmbnet
	ip link add vmb1 address "$own" netns b type vmbnet
	# NET_ADDR_RANDOM, NET_ADDR_SET
	expect_eq "vmb0 address type" 1 "$(ip netns exec a cat /sys/class/net/vmb0/addr_assign_type)"
	expect_eq "vmb1 address type" 3 "$(ip netns exec b cat /sys/class/net/vmb1/addr_assign_type)"
	ip -n a addr add 192.0.2.1/24 dev vmb0
	ip -n b addr add 192.0.2.2/24 dev vmb1
	ip -n a link set vmb0 up
	ip -n b link set vmb1 up
	start_endpoint pair vmb0@a vmb1@b --mac "$mac"
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier on vmb0: $(cat "$EP_LOG")"
	wait_for "$WAIT_S" has_carrier b vmb1 || fail "no carrier on vmb1: $(cat "$EP_LOG")"

	expect_eq "vmb0 address" "$mac" "$(ip netns exec a cat /sys/class/net/vmb0/address)"
	ip -n a link show vmb0 | grep -q "link/ether $mac " || fail "ip link: $(ip -n a link show vmb0)"
	# NET_ADDR_PERM: it is the device's own now.
	expect_eq "vmb0 address type" 0 "$(ip netns exec a cat /sys/class/net/vmb0/addr_assign_type)"
	expect_logged "vmb0@a: SET_MAC seq=[0-9]+ mac=$mac"
	expect_eq "vmb1 address" "$own" "$(ip netns exec b cat /sys/class/net/vmb1/address)"
	expect_eq "vmb1 address type" 3 "$(ip netns exec b cat /sys/class/net/vmb1/addr_assign_type)"
	expect_logged "vmb1@b: SET_MAC seq=[0-9]+ mac=$own"

	expect_eq "vmb0 permanent address" "Permanent address: $mac" "$(ip netns exec a ethtool -P vmb0)"
	expect_eq "vmb1 permanent address" "Permanent address: $mac1" "$(ip netns exec b ethtool -P vmb1)"
	# ip shows permaddr where it differs from the address.
	ip -n b -d link show vmb1 | grep -q "permaddr $mac1" || fail "ip -d link: $(ip -n b -d link show vmb1)"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
}

# Queue 0 stopped on a full ring, its endpoint stopped: a control request
# still goes out or waits its turn, within the RTNL budget, and arrives
# whole once the endpoint reads again.
ring_full_request() {
	local mark t0 ms

	# 64 KiB rings: some 50 such datagrams fill one.
	pair_up 1 --ring-size 65536
	bql_unlimited a vmb0
	# Resolves the neighbour, and completes frames: BQL takes its new floor.
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
	mark=$(log_lines)
	kill -STOP "$EP_PID"
	wait_for "$WAIT_S" eval 'udp_burst a 192.0.2.2; counter_above a vmb0 tx_ring_full 0' ||
		fail "queue 0 never stopped on a full ring: $(ip netns exec a ethtool -S vmb0 | grep -E '^ +tx_')"
	t0=$(now_ms)
	ip -n a link set vmb0 mtu 1400
	ms=$(($(now_ms) - t0))
	expect_eq "MTU, taken" 1400 "$(ip netns exec a cat /sys/class/net/vmb0/mtu)"
	# The RTNL budget (1 s) and ip's own time under TCG.
	[ "$ms" -lt 4000 ] || fail "ip link set mtu took $ms ms"
	kill -CONT "$EP_PID"
	expect_logged 'vmb0@a: SET_MTU seq=[0-9]+ mtu=1400' "$mark"
	expect_eq "bad control messages" 0 "$(ethstat a vmb0 ctl_bad_messages)"
	! logged 'bad control message' "$mark" || fail "the endpoint got a bad message: $(tail -n 5 "$EP_LOG")"
	expect_eq "reverted" 0 "$(ethstat a vmb0 ctl_reverted)"
	expect_eq "ring errors" 0 "$(ethstat a vmb0 rx_ring_errors)"
	expect_eq "MTU after the answer" 1400 "$(ip netns exec a cat /sys/class/net/vmb0/mtu)"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
}

# A ring breaks on a queue that ethtool -L is turning off: the endpoint
# (--break-on-queues) corrupts queue 1's inbound ring and kicks it before
# answering SET_QUEUES 1, so the driver finds it while queue 1 is in use and
# resets the channel only once queue 1 is out of use. The reset must not
# be lost: the endpoint is let go and attaches again, once.
lost_reset() {
	local msg='vmb0: queue 1: corrupt inbound ring, resetting the channel' n0

	n0=$(dmesg_count "$msg")
	pair_up 2 --break-on-queues
	expect_eq "ring errors before" 0 "$(ethstat a vmb0 rx_ring_errors)"
	ip netns exec a ethtool -L vmb0 combined 1
	expect_logged "vmb0@a: breaking queue 1's inbound ring"
	expect_logged 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=1'
	wait_for "$WAIT_S" counter_above a vmb0 rx_ring_errors 0 || fail "the corrupt ring was not seen"
	wait_for "$WAIT_S" eval '[ "$(dmesg_count "$msg")" -gt "$n0" ]' ||
		fail "no '$msg' in dmesg: $(dmesg | tail -n 5)"
	# Told ECONNRESET on its queues, the endpoint attaches again.
	expect_logged 'a queue was detached by the kernel; re-attaching'
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier on vmb0 after the reset: $(cat "$EP_LOG")"
	wait_for "$WAIT_S" has_carrier b vmb1 || fail "no carrier on vmb1 after the reset"
	ip netns exec a ping -c 2 -w "$WAIT_S" 192.0.2.2
	expect_eq "ring errors" 1 "$(ethstat a vmb0 rx_ring_errors)"
	expect_eq "tx queues" 1 "$(queue_count vmb0 tx a)"
	expect_eq "endpoint" "user pid=$EP_PID" "$(ip netns exec a cat /sys/class/net/vmb0/vmbnet/endpoint)"
}

# Settings made with no endpoint reach the next one.
settings_before_attach() {
	ip netns add a
	ip link add vmb0 numtxqueues 4 numrxqueues 4 netns a type vmbnet
	ip -n a link set vmb0 mtu 4000 address 02:aa:bb:cc:dd:ee
	ip netns exec a ethtool -L vmb0 combined 3
	# Taken at once, with no endpoint yet.
	expect_eq "combined before any endpoint" 3 \
		"$(ip netns exec a ethtool -l vmb0 | awk '/^Combined:/ && ++n == 2 { print $2 }')"
	ip -n a link set vmb0 up
	start_endpoint loopback vmb0@a
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier: $(cat "$EP_LOG")"
	expect_logged 'vmb0@a: SET_MAC seq=[0-9]+ mac=02:aa:bb:cc:dd:ee'
	expect_logged 'vmb0@a: SET_MTU seq=[0-9]+ mtu=4000'
	expect_logged 'vmb0@a: SET_QUEUES seq=[0-9]+ queues=3'
	expect_eq "tx queues" 3 "$(queue_count vmb0 tx a)"
}

run_test_nodebug "negotiation: INIT, ACCEPT and the device's settings pushed" negotiation
run_test "ip mtu 9000: unfragmented 8972-byte ping; 67 and 65522 refused" mtu_9000
run_test_nodebug "ip mtu: the endpoint's --mtu-max is the maximum" mtu_max_offered
run_test_nodebug "ip address: sent; refused when the endpoint refuses" mac_address
run_test_nodebug "promisc, allmulticast, maddr: rx filter sent and applied" rx_filter
run_test_nodebug "ip link set up/down: the endpoint is told" up_down
run_test "ethtool -L 4 -> 2 -> 4 with traffic; addresses and routes stay" channels
run_test_nodebug "ethtool -l/-L: the endpoint's --max-queues is the maximum; the choice stays" channels_endpoint_max
run_test "ethtool -G: new rings, the endpoint attaches again" rings
run_test_nodebug "--no-offload: TSO and tx csum off [fixed]; a capable endpoint restores" no_offload
run_test_nodebug "ethtool -x/-X: table, equal, weight and hkey steer frames" rss_table
run_test_nodebug "ethtool -n/-N rx-flow-hash tcp4/udp6" rx_flow_hash
run_test_nodebug "link flap by SIGUSR1/SIGUSR2; speed and duplex" link_flap
run_test_nodebug "link speed from the endpoint (--speed)" link_speed
run_test_nodebug "ethtool msglvl" msglevel
run_test_nodebug "a stopped endpoint: waited for 1 s at most, taken, confirmed later" request_timeout
run_test_nodebug "a late refusal undoes the change" late_refusal
run_test_nodebug "an endpoint's EINTR reaches ip as EIO, never a hang" endpoint_errno
run_test_nodebug "settings made before any endpoint reach it" settings_before_attach
run_test_nodebug "no common version: no agreement, no carrier; a new endpoint recovers" no_common_version
run_test_nodebug "ACCEPT refused: no agreement, no carrier; a new endpoint recovers" accept_refused
run_test_nodebug "INIT refused: no agreement, no carrier; a new endpoint recovers" init_refused
run_test_nodebug "F_MAC: a random address becomes the endpoint's, a given one stays" mac_from_endpoint
run_test_nodebug "a request while queue 0's ring is full and its endpoint stopped" ring_full_request
run_test "a ring broken on a queue ethtool -L turns off: the reset is not lost" lost_reset
ksft_finish
