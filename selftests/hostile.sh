#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The hostile endpoint campaign: `vmbnet-endpoint hostile` throws garbage of
# every kind at a device (rings, headers, frames, control messages, answers
# with any errno or none, link flaps, signal floods, stalls), seeded so that
# a failure replays, while the stack sends and the user changes settings.
# After each seed every kind of garbage shows in its counter, RTNL was never
# held past the budget, a refusal is counted and its change not kept, and a
# sane endpoint works on the same device.
# VMBNET_HOSTILE_ACTIONS (default 1000000) is spread over the seeds.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

SEEDS=(1 7 42 4242 987654321)
ACTIONS=$((${VMBNET_HOSTILE_ACTIONS:-1000000} / ${#SEEDS[@]}))
# The RTNL budget (1 s) plus an `ip` command's own time under TCG: 3 s,
# against the 5 s per request (and 34 s per attach) stalled endpoints used
# to hold. On the debug kernel (KASAN and lockdep under TCG) a command's own
# time varies with the machine (one `ethtool -L` under ping -f took 1.3 to
# 3.4 s here; CI's machine failed four seeds at a 4.5 s limit), so there
# the limit only catches stalls of that old size; the tight bound is
# Debian's kernel's.
RTNL_LIMIT_MS=$([ -n "${VMBNET_DEBUG_KERNEL:-}" ] && echo 8000 || echo 3000)

# The user, meanwhile: settings that are requests to the endpoint, each
# timed (an RTNL section of its own, waiting within the budget at most),
# for as long as /tmp/user-run is there.
user_changes() {	# user_changes FILE: the longest, in ms, into FILE
	local t0 ms max=0 i=0

	while [ -e /tmp/user-run ]; do
		t0=$(now_ms)
		case $((i++ % 4)) in
		0) ip -n a link set vmb0 mtu $((1400 + RANDOM % 200)) 2>/dev/null ;;
		1) ip -n a link set vmb0 promisc $([ $((RANDOM % 2)) = 0 ] && echo on || echo off) ;;
		2) ip netns exec a ethtool -L vmb0 combined $((RANDOM % 2 + 1)) 2>/dev/null ;;
		3) ip link set lo up ;;
		esac
		ms=$(($(now_ms) - t0))
		[ "$ms" -le "$max" ] || max=$ms
		echo "$max" >"$1"
	done
}

# counted NAME: the vmb0 counter NAME, after the seed; must be above 0.
expect_counted() {
	local v

	v=$(ethstat a vmb0 "$1")
	echo "$1: $v"
	[ "$v" -gt 0 ] || fail "$1 did not count the garbage meant for it"
}

# One MTU change against the calm endpoint, which refuses it: refused in
# time, the command fails and the MTU stays; taken and refused later, it is
# undone. Either way the refusal is counted (above REFUSED).
refused_change() {	# refused_change REFUSED
	local mtu0

	mtu0=$(ip netns exec a cat /sys/class/net/vmb0/mtu)
	if ! ip -n a link set vmb0 mtu $((1200 + RANDOM % 100)) 2>/dev/null; then
		expect_eq "MTU after a refused change" "$mtu0" \
			"$(ip netns exec a cat /sys/class/net/vmb0/mtu)"
	fi
	counter_above a vmb0 ctl_refused "$1"
}

hostile_seed() {
	local seed=$1 rx0 max report uc refused

	ip netns add a
	ip link add vmb0 numtxqueues 2 numrxqueues 2 netns a type vmbnet
	ip -n a addr add 192.0.2.1/24 dev vmb0
	ip -n a neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev vmb0
	ip -n a link set vmb0 up
	start_endpoint hostile vmb0@a --seed "$seed" --count "$ACTIONS"
	wait_for "$WAIT_S" logged "hostile: seed $seed\$" || fail "no agreement: $(cat "$EP_LOG")"
	# The stack sends all along: the rings fill, stop and wake.
	ip netns exec a ping -f -s 1000 192.0.2.2 >/dev/null 2>&1 &
	echo 0 >/tmp/user-max
	touch /tmp/user-run
	user_changes /tmp/user-max &
	uc=$!
	# Done when it has thrown them all, at its own pace.
	wait_for 1200 eval 'logged "hostile: seed $seed: " || ! kill -0 "$EP_PID" 2>/dev/null' ||
		fail "seed $seed still running: $(tail -n 3 "$EP_LOG")"
	rm -f /tmp/user-run
	killall -q ping || true
	wait "$uc" || true	# its ip commands may fail: only their time counts
	report=$(grep "hostile: seed $seed: " "$EP_LOG" | tail -n 1)
	echo "$report"
	[ -n "$report" ] || fail "no report: $(tail -n 5 "$EP_LOG")"
	max=$(cat /tmp/user-max)
	echo "longest ip/ethtool command meanwhile: $max ms"
	measured "${report#*: }; ping -f frames sent by the stack: $(ethstat a vmb0 tx_packets); longest ip/ethtool command: $max ms"
	[ "$max" -lt "$RTNL_LIMIT_MS" ] || fail "a command took $max ms (limit $RTNL_LIMIT_MS)"
	# Each kind of garbage, in the counter meant for it.
	expect_counted rx_bad_header		# bad virtio_net_hdr, lying lengths
	expect_counted rx_length_errors		# giant frames
	expect_counted rx_ring_errors		# scribbled rings: reset
	expect_counted ctl_bad_messages		# unknown, malformed, stray
	ip netns exec a ethtool -S vmb0 | grep -E '^     (ctl_|rx_|tx_)[a-z_]+:' | head -n 20

	# Answers with an errno: whether one thrown during the campaign is read
	# before the next reset is down to timing (CI once saw none in five
	# seeds). The calm endpoint refuses every request: one refusal must be
	# counted (a change lost to a reset still in flight is made again).
	refused=$(ethstat a vmb0 ctl_refused)
	measured "seed $seed: requests refused during the campaign: $refused"
	wait_for "$WAIT_S" refused_change "$refused" ||
		fail "no refusal counted after the campaign: ctl_refused $(ethstat a vmb0 ctl_refused)"
	kill "$EP_PID" || fail "the hostile endpoint died: $(tail -n 5 "$EP_LOG")"
	wait "$EP_PID" || true

	# A sane endpoint on the same device: frames go out and come back.
	ip -n a neigh replace 192.0.2.99 lladdr "$(ip netns exec a cat /sys/class/net/vmb0/address)" dev vmb0
	start_endpoint loopback vmb0@a
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier after the hostile endpoint"
	rx0=$(ethstat a vmb0 rx_packets)
	wait_for "$WAIT_S" eval "ip netns exec a ping -c 1 -W 1 192.0.2.99 >/dev/null; counter_above a vmb0 rx_packets $((rx0 + 1))" ||
		fail "no traffic after the hostile endpoint: $(($(ethstat a vmb0 rx_packets) - rx0)) frames"
}

for seed in "${SEEDS[@]}"; do
	run_test "hostile endpoint, seed $seed, $ACTIONS actions: counted, RTNL free, device sane after" \
		hostile_seed "$seed"
done
ksft_finish
