#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VF data path, in a VM with two emulated NICs on one hub (tools/vm/run
# --vf MAC): the VF, with MAC, and its peer (MAC + 1). The peer and a TAP
# (`vmbnet-endpoint tap`) are bridged in netns p, so both paths reach the
# same peer, 192.0.2.2. vmb0, with the VF's MAC, takes the VF as its lower
# device; sysfs data_path moves tx to it and back.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

VF_MAC=${VMBNET_VF_MAC:-52:54:00:00:00:10}
PEER_MAC=${VF_MAC%:*}:$(printf '%02x' $(((0x${VF_MAC##*:} + 1) & 0xff)))
DATA_PATH=/sys/class/net/vmb0/vmbnet/data_path

nic_by_mac() {	# nic_by_mac MAC: the netdev of this netns with MAC
	local d

	for d in /sys/class/net/*; do
		[ "$(cat "$d/address" 2>/dev/null)" != "$1" ] || [ -e "$d/vmbnet" ] ||
			{ basename "$d"; return 0; }
	done
	return 1
}

# No udev in the VM: the NICs' driver and the TAP's are ours to load.
modprobe e1000 2>/dev/null || true
modprobe tun
wait_for 10 nic_by_mac "$PEER_MAC" >/dev/null || true
if ! nic_by_mac "$VF_MAC" >/dev/null || ! nic_by_mac "$PEER_MAC" >/dev/null; then
	echo "1..0 # SKIP no NICs with $VF_MAC and $PEER_MAC (tools/vm/run --vf $VF_MAC)"
	exit $KSFT_SKIP
fi

# The VF's PCI function, for hot-removal.
vf_pci() {
	basename "$(readlink -f "/sys/class/net/$(nic_by_mac "$VF_MAC")/device")"
}

path_is() {
	[ "$(cat "$DATA_PATH")" = "$1" ]
}

# vmb0 with the VF's MAC, its VF joined; the peer bridged with the TAP the
# endpoint serves; pings cross the synthetic path.
vf_topology() {
	local vf peer

	vf=$(nic_by_mac "$VF_MAC")
	peer=$(nic_by_mac "$PEER_MAC")
	ip netns add p
	ip link set "$peer" netns p
	ip -n p link add br0 type bridge
	ip -n p link set "$peer" master br0 up
	ip -n p addr add 192.0.2.2/24 dev br0
	ip -n p link set br0 up
	ip link add vmb0 address "$VF_MAC" numtxqueues 1 numrxqueues 1 type vmbnet
	# The hub loops vmb0's own frames back through the VF: no IPv6 (DAD).
	sysctl -qw net.ipv6.conf.vmb0.disable_ipv6=1
	ip addr add 192.0.2.1/24 dev vmb0
	ip link set vmb0 up
	ip -d link show "$vf" | grep -q "master vmb0" || fail "$vf not under vmb0: $(ip -d link show "$vf")"
	start_endpoint tap vmb0 vtap0
	wait_for "$WAIT_S" ip link show vtap0 >/dev/null 2>&1 || fail "no TAP: $(cat "$EP_LOG")"
	ip link set vtap0 netns p
	ip -n p link set vtap0 master br0 up
	wait_for "$WAIT_S" has_carrier_here vmb0 || fail "no carrier: $(cat "$EP_LOG")"
	ping -c 2 -w "$WAIT_S" 192.0.2.2 >/dev/null || fail "no ping on the synthetic path"
}

has_carrier_here() {
	[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]
}

ethstat_here() {	# ethstat_here DEV NAME
	ethtool -S "$1" | awk -v n="$2:" '$1 == n { print $2 }'
}

# ping_done WHAT LIMIT: at most LIMIT pings lost (ping_start, lib.sh).
ping_done() {
	ping_result "$1"
	timing_target "$LOST" "$2" "pings lost: $1"
}

# data_path moves tx to the VF and back; the endpoint hears of it; the
# counters show which way the frames went; refusals.
toggle() {
	local tx0 vtx0 mark

	vf_topology
	expect_eq "data path at first" synthetic "$(cat "$DATA_PATH")"
	! echo bogus >"$DATA_PATH" 2>/dev/null || fail "data_path took 'bogus'"
	echo vf >"$DATA_PATH"
	wait_for "$WAIT_S" path_is vf || fail "data path stays $(cat "$DATA_PATH") (VF down?)"
	expect_logged 'vmb0: SET_DATA_PATH seq=[0-9]+ path=vf'
	tx0=$(ethstat_here vmb0 tx_packets)
	vtx0=$(ethstat_here vmb0 vf_tx_packets)
	ping -c 5 -i 0.2 -w "$WAIT_S" 192.0.2.2 >/dev/null || fail "no ping on the VF path"
	[ "$(ethstat_here vmb0 vf_tx_packets)" -ge $((vtx0 + 5)) ] || fail "vf_tx_packets did not count"
	[ "$(ethstat_here vmb0 vf_rx_packets)" -ge 5 ] || fail "vf_rx_packets did not count"
	expect_eq "frames on the rings meanwhile" "$tx0" "$(ethstat_here vmb0 tx_packets)"
	# The device's totals include the VF's.
	[ "$(cat /sys/class/net/vmb0/statistics/tx_packets)" -ge "$(ethstat_here vmb0 vf_tx_packets)" ] ||
		fail "tx_packets leaves out the VF's"

	ping_start "" 192.0.2.2 600
	mark=$(log_lines)
	echo synthetic >"$DATA_PATH"
	expect_logged 'vmb0: SET_DATA_PATH seq=[0-9]+ path=synthetic' "$mark"
	wait_for "$WAIT_S" eval "[ \$(grep -c icmp_seq= $PING_OUT) -ge 200 ]" || true
	echo vf >"$DATA_PATH"
	wait_for "$WAIT_S" eval "[ \$(grep -c icmp_seq= $PING_OUT) -ge 400 ]" || true
	echo synthetic >"$DATA_PATH"
	ping_done "VF toggled twice each way" 30
	path_is synthetic
}

# The VF going down falls back at once; up again, it takes tx back. Its
# MTU and up/down follow the device's.
vf_down_up() {
	local vf

	vf_topology
	vf=$(nic_by_mac "$VF_MAC")
	echo vf >"$DATA_PATH"
	wait_for "$WAIT_S" path_is vf || fail "data path stays $(cat "$DATA_PATH")"
	ip link set "$vf" down
	path_is synthetic || fail "still $(cat "$DATA_PATH") with the VF down"
	ping -c 2 -w "$WAIT_S" 192.0.2.2 >/dev/null || fail "no ping after the fallback"
	ip link set "$vf" up
	wait_for "$WAIT_S" path_is vf || fail "the VF did not take tx back"
	ip link set vmb0 mtu 1400
	expect_eq "VF MTU" 1400 "$(cat "/sys/class/net/$vf/mtu")"
	ip link set vmb0 down
	expect_eq "VF up after vmb0 down" 0 $(($(cat "/sys/class/net/$vf/flags") & 1))
	ip link set vmb0 up
	wait_for "$WAIT_S" path_is vf || fail "vmb0 up again: the VF did not come back"
}

# The user's choice survives an endpoint switch: the new endpoint is told.
vf_choice_kept() {
	vf_topology
	echo vf >"$DATA_PATH"
	wait_for "$WAIT_S" path_is vf || fail "data path stays $(cat "$DATA_PATH")"
	vmbnet-endpoint --log --replace tap vmb0 vtap1 >/tmp/vf-ep2.log 2>&1 &
	EP_PID=$!
	wait_for "$WAIT_S" grep -Eq 'vmb0: SET_DATA_PATH seq=[0-9]+ path=vf' /tmp/vf-ep2.log ||
		fail "the new endpoint was not told: $(cat /tmp/vf-ep2.log)"
	path_is vf || fail "data path $(cat "$DATA_PATH") after the replace"
	wait_for "$WAIT_S" has_carrier_here vmb0 || fail "no carrier after the replace"
	ping -c 2 -w "$WAIT_S" 192.0.2.2 >/dev/null || fail "no ping through the VF after the replace"
}

# The VF hot-removed under ping: synthetic at once, little loss; rescanned,
# it joins again and, as the user chose, takes tx back. Without a VF,
# data_path refuses vf.
hot_remove() {
	local pci

	vf_topology
	echo vf >"$DATA_PATH"
	wait_for "$WAIT_S" path_is vf || fail "data path stays $(cat "$DATA_PATH")"
	pci=$(vf_pci)
	ping_start "" 192.0.2.2 500
	echo 1 >"/sys/bus/pci/devices/$pci/remove"
	path_is synthetic || fail "still $(cat "$DATA_PATH") without the VF"
	ping_done "VF hot-removed" 50
	! echo vf >"$DATA_PATH" 2>/dev/null || fail "data_path took vf without a VF"
	echo 1 >/sys/bus/pci/rescan
	wait_for "$WAIT_S" nic_by_mac "$VF_MAC" || fail "the VF did not come back"
	wait_for "$WAIT_S" path_is vf || fail "the VF came back and tx did not follow"
	ping -c 2 -w "$WAIT_S" 192.0.2.2 >/dev/null
}

# rmmod with a VF enslaved: it is an ordinary netdev again.
rmmod_releases() {
	local vf

	vf_topology
	vf=$(nic_by_mac "$VF_MAC")
	cleanup
	ip link add vmb0 address "$VF_MAC" type vmbnet
	ip -d link show "$vf" | grep -q "master vmb0" || fail "$vf not under vmb0"
	rmmod vmbnet_hv 2>/dev/null || true
	rmmod vmbnet
	! ip -d link show "$vf" | grep -q "master" || fail "$vf still has a master"
	ip link set "$vf" up
	modprobe vmbnet
}

# Whatever a case did, the NICs end where they were: the peer back in this
# netns (deleting p does that), the VF present.
vf_cleanup() {
	cleanup
	[ -n "$(nic_by_mac "$VF_MAC")" ] || echo 1 >/sys/bus/pci/rescan
	wait_for "$WAIT_S" nic_by_mac "$PEER_MAC" >/dev/null || true
}

for t in toggle vf_down_up vf_choice_kept hot_remove rmmod_releases; do
	# On the debug kernel toggle stands for them all (run_test_nodebug).
	[ "$t" = toggle ] || ! debug_light || continue
	run_test "VF: $t" "$t"
	vf_cleanup
done
ksft_finish
