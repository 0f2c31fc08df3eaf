#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# XDP on vmbnet: programs attached and detached (ip link, xdp_load), each
# action (DROP, PASS, ABORTED, TX, REDIRECT to a devmap and to a cpumap),
# header changes kept on PASS (VLAN tags popped and pushed), frames other
# devices redirect into vmbnet (ndo_xdp_xmit), attach and detach under
# traffic, a program across an endpoint's restart and a queue count change,
# the MTU and LRO refusals, device deletion and rmmod with programs on.
#
# Native XDP (xdpdrv) unless XDP_MODE=generic or VMBNET_XDP_MODE=generic
# (tools/vm/run passes the latter on): generic XDP (xdpgeneric) runs in the
# stack, above any driver; the driver's XDP counters and its refusals are
# then not checked. The programs are selftests/xdp/*.c, built into
# build/bpf/ by `make tools` (VMBNET_BPF_DIR: elsewhere). Arguments, if
# any, name the cases to run (see the end).
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }
# A kernel built without BPF_SYSCALL has no XDP programs to load.
[ -e /proc/sys/kernel/unprivileged_bpf_disabled ] ||
	{ echo "1..0 # SKIP kernel without the bpf() system call"; exit $KSFT_SKIP; }

XDP_MODE=${XDP_MODE:-${VMBNET_XDP_MODE:-native}}
case $XDP_MODE in
native)
	IP_XDP=xdpdrv	# ip link set ... IP_XDP obj F | IP_XDP off
	SHOW_XDP=xdp	# the mode as ip link show says it
	LOAD_MODE=()	# xdp_load's
	;;
generic)
	IP_XDP=xdpgeneric
	SHOW_XDP=xdpgeneric
	LOAD_MODE=(--generic)
	;;
*)
	echo "xdp.sh: XDP_MODE=$XDP_MODE: native or generic" >&2
	exit $KSFT_FAIL
	;;
esac
BPF=${VMBNET_BPF_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/bpf}
echo "# XDP mode: $XDP_MODE, programs from $BPF"

xdp_native() {
	[ "$XDP_MODE" = native ]
}

# prog PROG: the object file of selftests/xdp/PROG.c.
prog() {
	echo "$BPF/$1.o"
}

# xdp_id NETNS DEV: the id of DEV's program in the mode under test, or
# nothing. ip link show says the mode (xdp, xdpgeneric) after the MTU, and
# "prog/xdp id N ..." on a line of its own.
xdp_id() {
	ip -n "$1" link show dev "$2" | awk -v m="$SHOW_XDP" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == m) on = 1 }
		on && $1 == "prog/xdp" && $2 == "id" { print $3 }'
}

# LRO (the endpoint's coalescing) makes frames larger than the MTU: native
# XDP refuses it (see refuse_lro). Generic XDP turns it off itself.
lro_off() {	# lro_off NETNS DEV
	if lro_is_on "$1" "$2"; then
		nsx "$1" ethtool -K "$2" lro off
	fi
}

lro_is_on() {	# lro_is_on NETNS DEV
	nsx "$1" ethtool -k "$2" | grep -q '^large-receive-offload: on'
}

# xdp_attach NETNS DEV PROG [xdp_load OPTIONS]: PROG on DEV in the mode
# under test, by xdp_load, which has exited when this returns.
xdp_attach() {
	local ns=$1 dev=$2 p=$3 out
	shift 3

	xdp_native && lro_off "$ns" "$dev"
	out=$(ip netns exec "$ns" xdp_load "${LOAD_MODE[@]}" "$dev" "$(prog "$p")" "$@" 2>&1) ||
		fail "xdp_load $dev $p $*: $out"
	echo "$out"
	[ -n "$(xdp_id "$ns" "$dev")" ] ||
		fail "xdp_load attached $p and exited: no $SHOW_XDP program on $dev: $(ip -n "$ns" link show dev "$dev")"
}

xdp_detach() {	# xdp_detach NETNS DEV
	ip -n "$1" link set dev "$2" "$IP_XDP" off
	[ -z "$(xdp_id "$1" "$2")" ] || fail "$2 keeps its program: $(ip -n "$1" link show dev "$2")"
}

# veth_xdp NETNS DEV PROG [OPTIONS]: a native program on a veth, whatever
# the mode under test: a native redirect into a veth is taken only where
# the veth's peer runs one (its NAPI).
veth_xdp() {
	local ns=$1 dev=$2 p=$3
	shift 3

	ip netns exec "$ns" xdp_load "$dev" "$(prog "$p")" "$@" ||
		fail "xdp_load $dev $p $* (native, veth)"
}

# The driver's XDP counters (ethtool -S), native XDP only: generic XDP
# runs past the driver, which sees none of it; there these check nothing.
# For each action a total over the rx queues, rx_xdp_ACTION, and the
# queues' own, rx_queue_N_xdp_ACTION; frames that other devices redirect
# out of this one: tx_xdp_xmit, and tx_xdp_xmit_errors for those it did
# not send.
XDP_COUNTERS="rx_xdp_drop rx_xdp_pass rx_xdp_tx rx_xdp_redirect rx_xdp_aborted tx_xdp_xmit tx_xdp_xmit_errors"
declare -A XDP_MARK

xdp_counter() {	# xdp_counter STATS NAME: its value in STATS (stat_in); fails if none
	local v

	v=$(stat_in "$1" "$2")
	[ -n "$v" ] || fail "no ethtool -S counter $2"
	echo "$v"
}

xdp_stats() {	# xdp_stats NETNS DEV: the XDP lines of ethtool -S, for messages
	nsx "$1" ethtool -S "$2" | grep -E 'xdp' | tr -s ' \n' ' '
}

# xdp_mark NETNS DEV: DEV's XDP counters now, which xdp_rose and xdp_same
# compare with.
xdp_mark() {
	local stats n

	xdp_native || return 0
	stats=$(nsx "$1" ethtool -S "$2")
	for n in $XDP_COUNTERS; do
		XDP_MARK[$1/$2/$n]=$(xdp_counter "$stats" "$n")
	done
}

xdp_delta() {	# xdp_delta NETNS DEV NAME: its rise since xdp_mark
	local v

	v=$(xdp_counter "$(nsx "$1" ethtool -S "$2")" "$3")
	echo $((v - ${XDP_MARK[$1/$2/$3]:?no xdp_mark}))
}

# xdp_rose NETNS DEV NAME [N]: waits until NAME rose by N (default 1).
xdp_rose() {
	local n=${4:-1}

	xdp_native || return 0
	wait_for "$WAIT_S" eval "[ \"\$(xdp_delta $1 $2 $3)\" -ge $n ]" ||
		fail "$2's $3 rose by $(xdp_delta "$1" "$2" "$3"), not $n: $(xdp_stats "$1" "$2")"
}

# xdp_same NETNS DEV NAME...: none of them moved since xdp_mark.
xdp_same() {
	local ns=$1 dev=$2 stats n v d

	xdp_native || return 0
	shift 2
	stats=$(nsx "$ns" ethtool -S "$dev")
	for n in "$@"; do
		v=$(xdp_counter "$stats" "$n")
		d=$((v - ${XDP_MARK[$ns/$dev/$n]:?no xdp_mark}))
		[ "$d" -eq 0 ] || fail "$dev's $n rose by $d: $(xdp_stats "$ns" "$dev")"
	done
}

# The per-queue counters rx_queue_N_xdp_ACTION add up to rx_xdp_ACTION
# (waited for: a frame may come between the reads).
queues_add_up() {	# queues_add_up NETNS DEV ACTION
	nsx "$1" ethtool -S "$2" | awk -v a="$3" '
		$1 == "rx_xdp_" a ":" { total = $2 }
		$1 ~ "^rx_queue_[0-9]+_xdp_" a ":$" { sum += $2; n++ }
		END { exit !(n > 0 && sum == total) }'
}

xdp_queues_add_up() {	# xdp_queues_add_up NETNS DEV ACTION
	xdp_native || return 0
	wait_for "$WAIT_S" queues_add_up "$@" ||
		fail "$2: rx_queue_N_xdp_$3 do not add up to rx_xdp_$3: $(xdp_stats "$1" "$2")"
}

# snmp NETNS PROTO FIELD: a counter of /proc/net/snmp in NETNS (Icmp
# InEchos, Udp NoPorts...): what that netns's stack itself took in.
snmp() {
	nsx "$1" cat /proc/net/snmp | awk -v p="$2:" -v f="$3" '
		$1 == p && !n { for (i = 2; i <= NF; i++) col[$i] = i; n = 1; next }
		$1 == p { print $col[f] }'
}

# no_ping NETNS ADDR: 4 pings, none answered.
no_ping() {
	local out

	if out=$(nsx "$1" ping -n -c 4 -i 0.2 -W 1 "$2" 2>&1); then
		fail "pings to $2 answered: $out"
	fi
	case $out in
	*" 0 received"*) ;;
	*) fail "pings to $2 partly answered: $out" ;;
	esac
}

ping_ok() {	# ping_ok NETNS ADDR [PING OPTIONS]: 3 pings, all answered
	local ns=$1 addr=$2
	shift 2

	nsx "$ns" ping -n -c 3 -i 0.2 -w "$WAIT_S" "$@" "$addr" >/dev/null ||
		fail "no ping to $addr from netns $ns"
}

tcp_ok() {	# tcp_ok: 2 MB a -> b over TCP
	iperf_server b
	ip netns exec a iperf3 -c 192.0.2.2 -n 2M >/dev/null || fail "iperf3 a -> b failed"
}

# Kernel reports a case must not cause (tools/vm/run fails the run on them
# too; the case tells which action did it).
KREPORTS=("WARNING:" "BUG:" "Oops" "general protection" "detected stall"
	  "unregister_netdevice: waiting for")

kreports() {	# kreports: how many such lines the kernel log has
	local t n=0

	for t in "${KREPORTS[@]}"; do
		n=$((n + $(dmesg_count "$t")))
	done
	echo "$n"
}

no_new_kreports() {	# no_new_kreports COUNT: kreports is still COUNT
	local t pats=()

	[ "$(kreports)" -ne "$1" ] || return 0
	for t in "${KREPORTS[@]}"; do
		pats+=(-e "$t")
	done
	fail "the kernel reported: $(dmesg | grep -F "${pats[@]}" | tail -n 5)"
}

# Under QEMU's TCG (the test VM: VMBNET_GUEST=1), kernels after 6.1 (seen
# on Debian's 6.12) die of an "Oops: int3" in code the kernel patches at
# run time (text_poke_bp: bpf_dispatcher_xdp_func, the branch on
# generic_xdp_needed_key in __netif_receive_skb_core) when an XDP program
# comes or goes while XDP traffic flows; veth alone does it, no vmbnet
# needed. Debian's 6.1 has not (the debug kernel did, and is built without
# the JIT, so nothing is patched there). On later kernels the cases that
# change programs under traffic skip.
patching_races() {
	local v major minor

	[ "${VMBNET_GUEST:-0}" = 1 ] || return 1
	v=$(uname -r)
	major=${v%%.*}
	v=${v#*.}
	minor=${v%%[!0-9]*}
	[ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -gt 1 ]; }
}

skip_if_patching_races() {
	if patching_races; then
		echo "$(uname -r) under TCG: an int3 Oops when XDP programs change under traffic"
		exit $KSFT_SKIP
	fi
}

have_programs() {
	local p

	command -v xdp_load || fail "no xdp_load on PATH (make tools)"
	for p in xdp_drop xdp_pass xdp_aborted xdp_vlan_pop xdp_vlan_push \
		 xdp_icmp_reflect xdp_redirect_map xdp_redirect_cpu; do
		[ -f "$(prog "$p")" ] || fail "no $(prog "$p") (make tools)"
	done
}

# --- cases ---------------------------------------------------------------

# ip link's attach and detach, as users do; xdp_load's, whose program
# stays once it has exited; a second program only replaces the first when
# asked to.
attach_detach() {
	local id id2

	pair_up
	xdp_native && lro_off b vmb1
	ip -n b link set dev vmb1 "$IP_XDP" obj "$(prog xdp_pass)" sec xdp
	id=$(xdp_id b vmb1)
	[ -n "$id" ] || fail "no $SHOW_XDP program: $(ip -n b link show dev vmb1)"
	ping_ok a 192.0.2.2
	xdp_detach b vmb1
	ping_ok a 192.0.2.2

	xdp_attach b vmb1 xdp_pass
	id=$(xdp_id b vmb1)
	ping_ok a 192.0.2.2
	expect_error "already attached" ip netns exec b xdp_load "${LOAD_MODE[@]}" vmb1 "$(prog xdp_drop)"
	expect_eq "program after a refused attach" "$id" "$(xdp_id b vmb1)"
	ip netns exec b xdp_load "${LOAD_MODE[@]}" --replace vmb1 "$(prog xdp_drop)"
	id2=$(xdp_id b vmb1)
	[ -n "$id2" ] && [ "$id2" != "$id" ] || fail "--replace: program $id2, was $id"
	no_ping a 192.0.2.2
	xdp_detach b vmb1
	ping_ok a 192.0.2.2
}

# A program attached before there is any endpoint (no carrier, no rings)
# works once one comes; native XDP keeps the endpoint's LRO, which it
# offers then, off.
attach_before_endpoint() {
	local id

	pair_devs
	xdp_attach b vmb1 xdp_pass
	id=$(xdp_id b vmb1)
	xdp_mark b vmb1
	start_endpoint pair vmb0@a vmb1@b
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier on vmb0: $(cat "$EP_LOG")"
	wait_for "$WAIT_S" has_carrier b vmb1 || fail "no carrier on vmb1: $(cat "$EP_LOG")"
	expect_eq "program once the endpoint came" "$id" "$(xdp_id b vmb1)"
	ping_ok a 192.0.2.2
	tcp_ok
	xdp_rose b vmb1 rx_xdp_pass 100
	if xdp_native && lro_is_on b vmb1; then
		fail "LRO on under native XDP: $(ip netns exec b ethtool -k vmb1 | grep large-receive)"
	fi
}

drop() {
	local echos

	pair_up
	# The neighbours known: the pings go out as echo requests.
	ping_ok a 192.0.2.2
	xdp_mark b vmb1
	echos=$(snmp b Icmp InEchos)
	xdp_attach b vmb1 xdp_drop
	no_ping a 192.0.2.2
	xdp_rose b vmb1 rx_xdp_drop 4
	xdp_same b vmb1 rx_xdp_pass rx_xdp_tx rx_xdp_redirect rx_xdp_aborted
	xdp_queues_add_up b vmb1 drop
	expect_eq "echo requests vmb1's stack took" "$echos" "$(snmp b Icmp InEchos)"
	xdp_detach b vmb1
	ping_ok a 192.0.2.2
}

pass() {
	pair_up
	xdp_mark b vmb1
	xdp_attach b vmb1 xdp_pass
	ping_ok a 192.0.2.2
	ping_ok a 2001:db8::2 -6
	ping_ok a 192.0.2.2 -s 8000
	tcp_ok
	# Both ways: vmb1's program sees the ACKs then.
	iperf_server a
	ip netns exec b iperf3 -c 192.0.2.1 -n 2M >/dev/null || fail "iperf3 b -> a failed"
	xdp_rose b vmb1 rx_xdp_pass 100
	xdp_same b vmb1 rx_xdp_drop rx_xdp_tx rx_xdp_redirect rx_xdp_aborted
	xdp_queues_add_up b vmb1 pass
}

aborted() {
	local echos

	pair_up
	ping_ok a 192.0.2.2
	xdp_mark b vmb1
	echos=$(snmp b Icmp InEchos)
	xdp_attach b vmb1 xdp_aborted
	no_ping a 192.0.2.2
	xdp_rose b vmb1 rx_xdp_aborted 4
	xdp_same b vmb1 rx_xdp_pass rx_xdp_drop
	xdp_queues_add_up b vmb1 aborted
	expect_eq "echo requests vmb1's stack took" "$echos" "$(snmp b Icmp InEchos)"
}

# 198.51.100.1 in a and .2 in b, one side on VLAN 10 over its vmbnet, the
# other untagged: without programs they do not meet. The untagged side's
# device pops the tags that come in, the tagged side's pushes them on what
# comes in untagged: pings (ARP included) go through only if both drivers
# keep what the programs did to the frames' heads. Strict reverse path
# filtering and ARP answered only for the device's own addresses: a frame
# that comes in on the wrong one of vmbN and vmbN.10 is not taken.
vlan_across() {	# vlan_across TAGGED_NS TAGGED_DEV PLAIN_NS PLAIN_DEV
	local tns=$1 tdev=$2 pns=$3 pdev=$4 taddr paddr ns

	pair_up
	for ns in a b; do
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=1 \
			net.ipv4.conf.all.arp_ignore=1
	done
	if [ "$tns" = a ]; then
		taddr=198.51.100.1 paddr=198.51.100.2
	else
		taddr=198.51.100.2 paddr=198.51.100.1
	fi
	ip -n "$tns" link add link "$tdev" name "$tdev.10" type vlan id 10
	ip -n "$tns" addr add "$taddr/24" dev "$tdev.10"
	ip -n "$tns" link set "$tdev.10" up
	ip -n "$pns" addr add "$paddr/24" dev "$pdev"
	no_ping a 198.51.100.2
	xdp_mark "$pns" "$pdev"
	xdp_mark "$tns" "$tdev"
	xdp_attach "$pns" "$pdev" xdp_vlan_pop
	xdp_attach "$tns" "$tdev" xdp_vlan_push
	ping_ok a 198.51.100.2
	ping_ok b 198.51.100.1
	xdp_rose "$pns" "$pdev" rx_xdp_pass 3
	xdp_rose "$tns" "$tdev" rx_xdp_pass 3
	xdp_same "$pns" "$pdev" rx_xdp_aborted
	xdp_same "$tns" "$tdev" rx_xdp_aborted
}

vlan_pop() {
	vlan_across a vmb0 b vmb1
}

vlan_push() {
	vlan_across b vmb1 a vmb0
}

# XDP_TX: vmb1 answers a's pings itself; its stack never sees them.
xdp_tx() {
	local echos replies

	pair_up
	xdp_mark b vmb1
	echos=$(snmp b Icmp InEchos)
	replies=$(snmp b Icmp OutEchoReps)
	xdp_attach b vmb1 xdp_icmp_reflect
	ip netns exec a ping -n -c 10 -i 0.1 -w "$WAIT_S" 192.0.2.2 >/dev/null ||
		fail "no echo replies from vmb1's XDP_TX"
	ip netns exec a ping -n -c 3 -i 0.2 -w "$WAIT_S" -s 1400 192.0.2.2 >/dev/null ||
		fail "no 1400-byte echo replies from vmb1's XDP_TX"
	xdp_rose b vmb1 rx_xdp_tx 13
	xdp_same b vmb1 rx_xdp_aborted rx_xdp_drop
	xdp_queues_add_up b vmb1 tx
	expect_eq "echo requests vmb1's stack took" "$echos" "$(snmp b Icmp InEchos)"
	expect_eq "echo replies vmb1's stack sent" "$replies" "$(snmp b Icmp OutEchoReps)"
	xdp_detach b vmb1
	ping_ok a 192.0.2.2
	[ "$(snmp b Icmp InEchos)" -ge $((echos + 3)) ] || fail "the stack took no echo requests after the detach"
}

# 64 UDP datagrams from NETNS to ADDR's discard port, where nothing
# listens: the receiving stack counts each in Udp NoPorts.
udp_to_nowhere() {	# udp_to_nowhere FROM_NS ADDR TO_NS
	local n0

	n0=$(snmp "$3" Udp NoPorts)
	udp_burst "$1" "$2"
	wait_for "$WAIT_S" eval "[ \$(snmp $3 Udp NoPorts) -ge $((n0 + 64)) ]" ||
		fail "netns $3 took $(($(snmp "$3" Udp NoPorts) - n0)) of 64 datagrams to $2"
}

# REDIRECT out of vmbnet through a devmap: what a sends vmb1 goes out vb0,
# a veth, and into netns c, where its peer vb1 has vmb1's MAC and address.
redirect_devmap() {
	local mac b_noports

	pair_up
	ip netns add c
	ip -n b link add vb0 type veth peer name vb1 netns c
	mac=$(dev_mac_in b vmb1)
	ip -n c link set vb1 address "$mac"
	ip -n c addr add 192.0.2.2/24 dev vb1
	ip -n c link set vb1 up
	ip -n b link set vb0 up
	veth_xdp c vb1 xdp_pass
	# Nothing answers ARP for vmb1 now.
	ip -n a neigh replace 192.0.2.2 lladdr "$mac" dev vmb0
	xdp_mark b vmb1
	b_noports=$(snmp b Udp NoPorts)
	xdp_attach b vmb1 xdp_redirect_map --devmap vb0
	udp_to_nowhere a 192.0.2.2 c
	xdp_rose b vmb1 rx_xdp_redirect 64
	xdp_same b vmb1 rx_xdp_aborted rx_xdp_pass
	xdp_queues_add_up b vmb1 redirect
	expect_eq "datagrams vmb1's stack took" "$b_noports" "$(snmp b Udp NoPorts)"
}

dev_mac_in() {	# dev_mac_in NETNS DEV
	ip netns exec "$1" cat "/sys/class/net/$2/address"
}

# REDIRECT to a cpumap: the frames reach vmb1's own stack from the other
# CPU's kthread.
redirect_cpumap() {
	local cpu=0

	[ "$(nproc)" -lt 2 ] || cpu=1
	pair_up
	xdp_mark b vmb1
	xdp_attach b vmb1 xdp_redirect_cpu --cpumap "$cpu"
	ping_ok a 192.0.2.2
	tcp_ok
	xdp_rose b vmb1 rx_xdp_redirect 100
	xdp_same b vmb1 rx_xdp_aborted rx_xdp_pass
}

# vx0, a veth in b, and its peer vx1 in c (192.0.2.3, vmb0's MAC for
# 192.0.2.1): vx0's program redirects what comes in out vmb1, to vmb0 in a.
# Native: into vmb1's ndo_xdp_xmit. Generic: a transmit through vmb1's
# stack.
veth_into_vmb1() {
	local mode=()

	ip netns add c
	ip -n b link add vx0 type veth peer name vx1 netns c
	ip -n c addr add 192.0.2.3/24 dev vx1
	# An XDP frame carries no checksum offload: vx1's partial checksums
	# would arrive unfinished (InCsumErrors in a), as through any NIC.
	ip netns exec c ethtool -K vx1 tx off >/dev/null
	ip -n c link set vx1 up
	ip -n b link set vx0 up
	ip -n c neigh replace 192.0.2.1 lladdr "$(dev_mac_in a vmb0)" dev vx1
	xdp_native || mode=(--generic)
	ip netns exec b xdp_load "${mode[@]}" vx0 "$(prog xdp_redirect_map)" --devmap vmb1 ||
		fail "xdp_load on vx0"
}

# REDIRECT into vmbnet (its ndo_xdp_xmit): what netns c sends out vx1
# comes in on vx0, whose program redirects it out vmb1; it reaches a's
# stack. First with no program on vmb1, then with one.
redirect_into() {
	pair_up
	veth_into_vmb1
	xdp_mark b vmb1
	udp_to_nowhere c 192.0.2.1 a
	xdp_rose b vmb1 tx_xdp_xmit 64
	xdp_same b vmb1 tx_xdp_xmit_errors

	xdp_attach b vmb1 xdp_pass
	xdp_mark b vmb1
	udp_to_nowhere c 192.0.2.1 a
	xdp_rose b vmb1 tx_xdp_xmit 64
	xdp_same b vmb1 tx_xdp_xmit_errors
	ping_ok a 192.0.2.2
}

# TCP a -> b in the background at 100 Mbit/s (the emulated CPUs have time
# for more than the traffic) until cleanup ends it; returns once data
# flows. Sets TCP_PID.
tcp_background() {
	local rx0

	iperf_server b
	rx0=$(ethstat b vmb1 rx_bytes)
	ip netns exec a iperf3 -c 192.0.2.2 -b 100M -t 600 >/dev/null 2>&1 &
	TCP_PID=$!
	wait_for "$WAIT_S" counter_above b vmb1 rx_bytes $((rx0 + 1048576)) ||
		fail "no TCP flows: vmb1 received $(($(ethstat b vmb1 rx_bytes) - rx0)) bytes"
}

tcp_flows() {	# tcp_flows: another MB reaches vmb1, the sender lives
	local rx0

	rx0=$(ethstat b vmb1 rx_bytes)
	wait_for "$WAIT_S" counter_above b vmb1 rx_bytes $((rx0 + 1048576)) ||
		fail "TCP stopped: vmb1 received $(($(ethstat b vmb1 rx_bytes) - rx0)) bytes"
	kill -0 "$TCP_PID" 2>/dev/null || fail "iperf3 gave up"
}

# Attached, replaced and detached again and again while TCP flows in, as
# fast as the kernel lets (xdp_load --cycles).
attach_under_traffic() {
	local k0 out

	skip_if_patching_races
	pair_up
	xdp_native && lro_off b vmb1
	k0=$(kreports)
	tcp_background
	out=$(ip netns exec b xdp_load "${LOAD_MODE[@]}" --cycles "$(repeats 20 4)" vmb1 \
		"$(prog xdp_pass)" 2>&1) || fail "xdp_load --cycles: $out"
	[ -z "$(xdp_id b vmb1)" ] || fail "a program left on vmb1: $out"
	tcp_flows
	xdp_attach b vmb1 xdp_pass
	xdp_mark b vmb1
	tcp_flows
	xdp_rose b vmb1 rx_xdp_pass 100
	ping_ok a 192.0.2.2
	no_new_kreports "$k0"
}

# The endpoint killed and started again: the program stays and works.
endpoint_restart() {
	local id

	pair_up
	xdp_attach b vmb1 xdp_icmp_reflect
	id=$(xdp_id b vmb1)
	ping_ok a 192.0.2.2
	kill -9 "$EP_PID"
	wait "$EP_PID" 2>/dev/null || true
	wait_for "$WAIT_S" eval '[ "$(carrier b vmb1)" = 0 ]' || fail "vmb1's carrier still on"
	expect_eq "program without an endpoint" "$id" "$(xdp_id b vmb1)"
	start_endpoint pair vmb0@a vmb1@b
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier on vmb0 after the restart"
	wait_for "$WAIT_S" has_carrier b vmb1 || fail "no carrier on vmb1 after the restart"
	expect_eq "program after the restart" "$id" "$(xdp_id b vmb1)"
	xdp_mark b vmb1
	ping_ok a 192.0.2.2
	xdp_rose b vmb1 rx_xdp_tx 3
}

# Fewer queues and more again: the program stays and works on each.
queue_change() {
	local id q

	pair_up 4
	xdp_attach b vmb1 xdp_pass
	id=$(xdp_id b vmb1)
	for q in 2 4 1; do
		ip netns exec b ethtool -L vmb1 combined "$q"
		expect_eq "vmb1's rx queues" "$q" "$(queue_count vmb1 rx b)"
		expect_eq "program with $q queues" "$id" "$(xdp_id b vmb1)"
		xdp_mark b vmb1
		ping_ok a 192.0.2.2
		xdp_rose b vmb1 rx_xdp_pass 3
		xdp_queues_add_up b vmb1 pass
	done
	tcp_ok
	xdp_rose b vmb1 rx_xdp_pass 100
}

# Native XDP takes frames of one page: not with an MTU that makes them
# larger, nor a larger MTU with a program on.
refuse_mtu() {
	xdp_native || { echo "native XDP only"; exit $KSFT_SKIP; }
	pair_up
	lro_off b vmb1
	ip -n b link set dev vmb1 mtu 9000 || fail "vmb1 takes no MTU 9000 without XDP"
	expect_error MTU ip -n b link set dev vmb1 xdpdrv obj "$(prog xdp_pass)" sec xdp
	expect_error MTU ip netns exec b xdp_load vmb1 "$(prog xdp_pass)"
	[ -z "$(xdp_id b vmb1)" ] || fail "a program on vmb1 after the refusals"
	ip -n b link set dev vmb1 mtu 1500
	xdp_attach b vmb1 xdp_pass
	! ip -n b link set dev vmb1 mtu 9000 2>/dev/null || fail "MTU 9000 taken with native XDP on"
	expect_eq "vmb1's MTU" 1500 "$(ip netns exec b cat /sys/class/net/vmb1/mtu)"
	ping_ok a 192.0.2.2 -s 1400
}

# Native XDP wants frames no larger than the MTU: not with LRO, nor LRO
# with a program on.
refuse_lro() {
	xdp_native || { echo "native XDP only"; exit $KSFT_SKIP; }
	pair_up
	if ! lro_is_on b vmb1; then
		ip netns exec b ethtool -K vmb1 lro on 2>/dev/null || true
		lro_is_on b vmb1 || { echo "the endpoint offers no LRO"; exit $KSFT_SKIP; }
	fi
	expect_error LRO ip -n b link set dev vmb1 xdpdrv obj "$(prog xdp_pass)" sec xdp
	[ -z "$(xdp_id b vmb1)" ] || fail "a program on vmb1 after the refusal"
	xdp_attach b vmb1 xdp_pass
	ip netns exec b ethtool -K vmb1 lro on 2>/dev/null || true
	! lro_is_on b vmb1 || fail "LRO turned on with native XDP on"
	tcp_ok
}

# Deleted with its program on while TCP flows in: it goes, nothing else
# does.
delete_under_traffic() {
	local k0

	skip_if_patching_races
	pair_up
	k0=$(kreports)
	xdp_attach b vmb1 xdp_pass
	tcp_background
	xdp_mark b vmb1
	xdp_rose b vmb1 rx_xdp_pass 100
	ip -n b link del vmb1
	! ip -n b link show vmb1 2>/dev/null || fail "vmb1 still there"
	ip -n a link show vmb0 >/dev/null || fail "vmb0 went too"
	no_new_kreports "$k0"
}

# Deleted while a veth redirects pings into it (ndo_xdp_xmit) and TCP
# flows in; it has no program of its own, whose removal would change
# programs under traffic (see patching_races).
delete_redirected_into() {
	local k0 pid echos

	pair_up
	k0=$(kreports)
	veth_into_vmb1
	tcp_background
	ip netns exec c ping -q -n -i 0.01 -w "$((WAIT_S * 2))" 192.0.2.1 >/dev/null 2>&1 &
	pid=$!
	xdp_mark b vmb1
	echos=$(snmp a Icmp InEchos)
	wait_for "$WAIT_S" eval "[ \$(snmp a Icmp InEchos) -ge $((echos + 20)) ]" ||
		fail "c's pings do not reach a through vx0 and vmb1"
	xdp_rose b vmb1 tx_xdp_xmit 20
	ip -n b link del vmb1
	! ip -n b link show vmb1 2>/dev/null || fail "vmb1 still there"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	ip -n a link show vmb0 >/dev/null || fail "vmb0 went too"
	no_new_kreports "$k0"
}

# rmmod with programs on both devices: they go with the devices.
module_unload() {
	local k0

	pair_up
	k0=$(kreports)
	xdp_attach a vmb0 xdp_pass
	xdp_attach b vmb1 xdp_icmp_reflect
	ping_ok a 192.0.2.2
	kill "$EP_PID"
	wait "$EP_PID" 2>/dev/null || true
	if lsmod | grep -q '^vmbnet_hv '; then
		rmmod vmbnet_hv
	fi
	rmmod vmbnet || fail "rmmod vmbnet with programs on: $(lsmod | grep vmbnet)"
	! ip -n b link show vmb1 2>/dev/null || fail "vmb1 survived rmmod"
	no_new_kreports "$k0"
	cleanup
	modprobe vmbnet
	pair_up
	ping_ok a 192.0.2.2
}

# xdp.sh [CASE...]: only the cases named (their functions above), e.g.
# tools/vm/run selftests/xdp.sh redirect_devmap
ONLY=" $* "
xdp_case() {	# xdp_case run_test|run_test_nodebug DESCRIPTION FUNCTION
	[ "$ONLY" = "  " ] || [[ $ONLY == *" $3 "* ]] || return 0
	"$@"
}

run_test "programs and xdp_load built" have_programs
[ "$ksft_fail" -eq 0 ] || ksft_finish
xdp_case run_test "$XDP_MODE: attach and detach with ip link and xdp_load, --replace" attach_detach
xdp_case run_test_nodebug "$XDP_MODE: attached before the endpoint comes, works once it does" attach_before_endpoint
xdp_case run_test "$XDP_MODE: XDP_DROP: no pings, rx_xdp_drop counts" drop
xdp_case run_test "$XDP_MODE: XDP_PASS: ping v4, v6, fragmented, TCP both ways" pass
xdp_case run_test_nodebug "$XDP_MODE: XDP_ABORTED: no pings, rx_xdp_aborted counts" aborted
xdp_case run_test_nodebug "$XDP_MODE: XDP_PASS keeps a popped VLAN tag" vlan_pop
xdp_case run_test_nodebug "$XDP_MODE: XDP_PASS keeps a pushed VLAN tag" vlan_push
xdp_case run_test "$XDP_MODE: XDP_TX answers pings, the stack sees none" xdp_tx
xdp_case run_test "$XDP_MODE: XDP_REDIRECT through a devmap out a veth" redirect_devmap
xdp_case run_test "$XDP_MODE: XDP_REDIRECT through a cpumap to the stack" redirect_cpumap
xdp_case run_test "$XDP_MODE: a veth's XDP_REDIRECT into vmbnet (ndo_xdp_xmit)" redirect_into
xdp_case run_test "$XDP_MODE: attach, replace, detach x$(repeats 20 4) under TCP" attach_under_traffic
xdp_case run_test_nodebug "$XDP_MODE: a program across an endpoint's kill and restart" endpoint_restart
xdp_case run_test_nodebug "$XDP_MODE: a program across queue count changes" queue_change
xdp_case run_test_nodebug "$XDP_MODE: native XDP refused with MTU 9000, MTU 9000 with it" refuse_mtu
xdp_case run_test_nodebug "$XDP_MODE: native XDP refused with LRO, LRO with it" refuse_lro
xdp_case run_test "$XDP_MODE: device deleted with a program on under TCP" delete_under_traffic
xdp_case run_test "$XDP_MODE: device deleted while TCP and a veth's redirect come in" delete_redirected_into
xdp_case run_test "$XDP_MODE: rmmod with programs on" module_unload
ksft_finish
