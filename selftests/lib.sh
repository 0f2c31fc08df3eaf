#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for vmbnet's selftests: TAP output in kselftest form, exit
# 0 (pass), 1 (fail) or 4 (skip), and a clean slate between test cases.
#
# A test script defines functions and runs each with
#	run_test "what it checks" function [args...]
# The function runs in a subshell with `set -e`, so any failing command fails
# the case; its output is shown (as TAP comments) only when it fails.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

# How long a case waits for something that must happen before it calls it
# a failure. A healthy run goes on as soon as it has happened: this is only
# reached when the driver is wrong, so it allows for a debug kernel under
# TCG on a loaded host.
WAIT_S=${VMBNET_WAIT_S:-60}

ksft_n=0
ksft_pass=0
ksft_fail=0
ksft_skip=0

echo "TAP version 13"

# Every namespace and vmbnet device a case made is gone before the next
# (a script whose cases make none sets KSFT_CLEANUP=0).
cleanup() {
	local dev

	# Cases run in subshells: what they started is found by name. Cases
	# call this too, under set -e: nothing here may fail.
	killall -q vmbnet-endpoint iperf3 || true
	# One a case stopped (kill -STOP) ends only once it runs again.
	killall -q -CONT vmbnet-endpoint iperf3 || true
	wait_for "$WAIT_S" eval '! killall -q -0 vmbnet-endpoint && ! killall -q -0 iperf3' ||
		true
	ip -all netns delete 2>/dev/null
	for dev in $(vmbnet_devs); do
		ip link del "$dev" 2>/dev/null
	done
	return 0
}

# The vmbnet devices of the current netns.
vmbnet_devs() {
	local d

	for d in /sys/class/net/*; do
		[ -d "$d/vmbnet" ] && basename "$d"
	done
	return 0
}

run_test() {
	local desc=$1 out rc t0
	shift

	ksft_n=$((ksft_n + 1))
	out=$(mktemp)
	t0=$(now_ms)
	( set -e; "$@" ) >"$out" 2>&1
	rc=$?
	[ "${KSFT_CLEANUP:-1}" = 0 ] || cleanup
	echo "$(( ($(now_ms) - t0) / 1000 )) $ksft_n" >>"$TIMES"
	if [ $rc -eq 0 ]; then
		echo "ok $ksft_n $desc"
		ksft_pass=$((ksft_pass + 1))
	elif [ $rc -eq $KSFT_SKIP ]; then
		echo "ok $ksft_n $desc # SKIP $(tail -n1 "$out")"
		ksft_skip=$((ksft_skip + 1))
	else
		echo "not ok $ksft_n $desc"
		sed 's/^/# /' "$out"
		ksft_fail=$((ksft_fail + 1))
	fi
	rm -f "$out"
}

# run_test_nodebug: as run_test, except on the debug kernel. There, where
# KASAN, lockdep and kmemleak make every command many times slower under
# TCG, `make check` runs a smoke set of cases (tools/check); the others
# run on Debian's kernels, and on the debug kernel with VMBNET_DEBUG_ALL=1,
# as `make check-debug` does.
debug_light() {
	[ "${VMBNET_DEBUG_KERNEL:-0}" = 1 ] && [ "${VMBNET_DEBUG_ALL:-0}" != 1 ]
}

run_test_nodebug() {
	debug_light || run_test "$@"
}

# repeats N [N_DEBUG]: how many times a loop goes round: N, or N_DEBUG
# (default 2) on the debug kernel.
repeats() {
	if debug_light; then
		echo "${2:-2}"
	else
		echo "$1"
	fi
}

# measured WHAT: a number worth reporting whether the case passes or not
# (a case's own output shows only when it fails); printed at the end.
MEASURED=/tmp/vmbnet-measured
rm -f "$MEASURED"
measured() {
	echo "$*" >>"$MEASURED"
}

# Each case's time, so that a slow one is found from any run's log.
TIMES=/tmp/vmbnet-times
rm -f "$TIMES"

ksft_finish() {
	[ ! -s "$MEASURED" ] || sed 's/^/# measured: /' "$MEASURED"
	[ ! -s "$TIMES" ] || echo "# slowest cases (s case): $(sort -rn "$TIMES" |
		head -n 5 | tr '\n' ',' | sed 's/,$//')"
	echo "1..$ksft_n"
	echo "# Totals: pass:$ksft_pass fail:$ksft_fail xfail:0 xpass:0 skip:$ksft_skip error:0"
	[ $ksft_fail -gt 0 ] && exit $KSFT_FAIL
	[ $ksft_pass -eq 0 ] && [ $ksft_skip -gt 0 ] && exit $KSFT_SKIP
	exit $KSFT_PASS
}

# fail MESSAGE: ends the current case with a reason.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# expect_error MESSAGE CMD...: CMD must fail and say MESSAGE.
expect_error() {
	local msg=$1 out
	shift

	if out=$("$@" 2>&1); then
		fail "'$*' succeeded, expected an error saying '$msg'"
	fi
	case "$out" in
	*"$msg"*) ;;
	*) fail "'$*' failed without saying '$msg': $out" ;;
	esac
}

# Device attributes as the kernel reports them.
queue_count() {	# DEV tx|rx [NETNS]: queues in use (real_num_*_queues)
	local ns=${3:+ip netns exec $3}

	# The glob must expand inside the netns, where /sys shows its devices.
	$ns sh -c "ls -d /sys/class/net/$1/queues/$2-*" | wc -l
}

dev_mac() {
	cat "/sys/class/net/$1/address"
}

require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP must run as root"
		exit $KSFT_SKIP
	fi
}

# An endpoint in the background; cleanup() stops it.
EP_LOG=/tmp/vmbnet-endpoint.log

start_endpoint() {	# start_endpoint ARGS...: sets EP_PID
	vmbnet-endpoint --log "$@" >"$EP_LOG" 2>&1 &
	EP_PID=$!
}

# wait_for SECONDS CMD...: until CMD succeeds, polling every 0.1 s; fails
# once SECONDS have gone by (by the clock: a slow CMD does not stretch it).
wait_for() {
	local end=$((SECONDS + $1))
	shift

	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
	return 0
}

# now_ms: a clock in milliseconds (10 ms steps; busybox date has no %N).
now_ms() {
	local up

	read -r up _ </proc/uptime
	up=${up/./}
	echo $((10#$up * 10))
}

# nsx NETNS CMD...: CMD in NETNS's network namespace alone, for what
# reads no /sys (ethtool, ping, /proc/net): `ip netns exec` also sets up a
# mount namespace, and ip itself takes a second to start on the debug
# kernel, where the polls of a case are mostly such starts.
nsx() {
	local ns=$1
	shift

	nsenter --net="/run/netns/$ns" "$@"
}

# in_netns NETNS CMD...: CMD in NETNS, or in this netns if NETNS is "".
in_netns() {
	local ns=$1
	shift

	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$@"
	else
		"$@"
	fi
}

# listening NETNS PORT: a TCP socket listens on PORT in NETNS ("": this one).
listening() {
	[ -n "$(in_netns "$1" ss -Hltn "sport = :$2")" ]
}

# iperf_server [NETNS]: an iperf3 server for one test, once it listens.
iperf_server() {
	local ns=${1:-}

	# The one-test server of a test just ended may not have closed its
	# socket yet: a new one could not bind, and the old one would be
	# taken for it.
	wait_for "$WAIT_S" eval "! listening '$ns' 5201" ||
		fail "an earlier iperf3 server still listens in ${ns:-the init netns}"
	in_netns "$ns" iperf3 -s -D -1 >/dev/null
	wait_for "$WAIT_S" listening "$ns" 5201 ||
		fail "iperf3 -s does not listen in ${ns:-the init netns}"
}

# A ping every 10 ms in the background, each reply with its time (-D):
# ping_start NETNS ADDR COUNT (NETNS "" for this one) returns once replies
# come; ping_result WHAT waits for the rest, sets LOST and SENT and reports
# them as measured, with the longest gap between two replies.
PING_OUT=/tmp/vmbnet-ping
ping_start() {
	in_netns "$1" ping -D -n -i 0.01 -W 1 -c "$3" "$2" >"$PING_OUT" 2>&1 &
	PING_PID=$!
	wait_for "$WAIT_S" eval "[ \$(grep -c icmp_seq= $PING_OUT) -ge 20 ]" ||
		fail "no ping replies: $(tail -n 3 "$PING_OUT")"
}

ping_result() {
	local got gap

	wait "$PING_PID" || true
	SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$PING_OUT")
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$PING_OUT")
	if [ -z "$SENT" ] || [ -z "$got" ]; then
		fail "no ping summary: $(tail -n 3 "$PING_OUT")"
	fi
	gap=$(awk -F'[][]' '/icmp_seq=/ { t = $2 * 1000; if (n++ && t - p > g) g = t - p; p = t }
		END { printf "%.0f", g }' "$PING_OUT")
	LOST=$((SENT - got))
	measured "$1: $LOST of $SENT pings lost (one every 10 ms), longest gap between replies $gap ms"
}

# timing_target VALUE LIMIT WHAT: VALUE must not exceed LIMIT, a target
# for Debian's kernels. The debug kernel (KASAN, lockdep, kmemleak under
# TCG) is many times slower: there the value is only reported.
timing_target() {
	[ "$1" -le "$2" ] && return 0
	if [ "${VMBNET_DEBUG_KERNEL:-0}" = 1 ]; then
		measured "$1 $3 (over the target of $2, not judged on the debug kernel)"
		return 0
	fi
	fail "$1 $3 (the target is at most $2)"
}

# udp_burst NETNS ADDR: 64 datagrams of 1000 bytes to ADDR's discard port.
udp_burst() {
	ip netns exec "$1" bash -c 'for i in {1..64}; do printf "%1000s" "" >"/dev/udp/$0/9"; done' \
		"$2" 2>/dev/null || true
}

# dmesg_count TEXT: kernel log lines containing TEXT. Taken before and
# after an action, it tells the action's lines from any earlier test's.
dmesg_count() {
	dmesg | grep -cF -- "$1" || true
}

# bql_unlimited NETNS DEV: BQL never stops DEV's tx queues, so that only a
# full ring does (tx_ring_full). The new floor applies at the next
# completion: send something after this.
bql_unlimited() {
	# The glob must expand inside the netns, where /sys shows its devices.
	ip netns exec "$1" sh -c "for f in /sys/class/net/$2/queues/tx-*/byte_queue_limits/limit_min; do
		[ ! -e \$f ] || echo 16777216 >\$f; done"
}

carrier_changes() {	# carrier_changes NETNS DEV: ups and downs so far
	ip netns exec "$1" cat "/sys/class/net/$2/carrier_changes"
}

carrier() {	# carrier NETNS DEV: prints 0 or 1
	ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null
}

has_carrier() {
	[ "$(carrier "$1" "$2")" = 1 ]
}

# stat_in STATS NAME: NAME's value in STATS, the output of one ethtool -S
# (one read serves several counters: each costs a second on debug).
stat_in() {
	awk -v n="$2:" '$1 == n { print $2 }' <<<"$1"
}

# ethstat NETNS DEV NAME: one ethtool -S counter.
ethstat() {
	stat_in "$(nsx "$1" ethtool -S "$2")" "$3"
}

# counter_above NETNS DEV NAME VALUE: the ethtool -S counter is above VALUE.
counter_above() {
	local v

	v=$(ethstat "$1" "$2" "$3")
	[ -n "$v" ] && [ "$v" -gt "$4" ]
}

# What `vmbnet-endpoint --log` says it received.
#
# logged PATTERN [LINE]: the endpoint logged a line matching PATTERN (an
# ERE), after line LINE of its log (log_lines before an action: a line an
# earlier, identical request left is not its answer).
logged() {
	tail -n "+$((${2:-0} + 1))" "$EP_LOG" | grep -Eq -- "$1"
}

log_lines() {
	wc -l <"$EP_LOG"
}

expect_logged() {	# expect_logged PATTERN [LINE]
	wait_for "$WAIT_S" logged "$@" ||
		fail "endpoint never logged /$1/: $(tail -n 20 "$EP_LOG")"
}

# ctl_settled NETNS DEV: the endpoint logged as many requests from DEV
# (ACCEPT and SET_*) as the driver sent (ctl_requests).
ctl_settled() {
	[ "$(ethstat "$1" "$2" ctl_requests)" = \
	  "$(grep -cE "^$2@$1: (ACCEPT|SET_[A-Z_]+) seq=" "$EP_LOG")" ]
}

# The pair topology: vmb0 in netns a (192.0.2.1, 2001:db8::1), vmb1 in b
# (.2, ::2), QUEUES queues each, joined by `vmbnet-endpoint pair`.
pair_devs() {	# pair_devs [QUEUES]: the devices, up, with no endpoint yet
	local q=${1:-4}

	# In batches: each ip takes a second to start on the debug kernel.
	ip -b - <<-EOF
		netns add a
		netns add b
		link add vmb0 numtxqueues $q numrxqueues $q netns a type vmbnet
		link add vmb1 numtxqueues $q numrxqueues $q netns b type vmbnet
	EOF
	pair_addresses a vmb0 1
	pair_addresses b vmb1 2
}

# pair_addresses NETNS DEV N: 192.0.2.N/24 and 2001:db8::N/64, up. No
# link-local address: its multicast group would be joined once the carrier
# is on, a SET_RX_FILTER in flight when a case starts.
pair_addresses() {
	ip -n "$1" -b - <<-EOF
		addr add 192.0.2.$3/24 dev $2
		addr add 2001:db8::$3/64 dev $2 nodad
		link set $2 addrgenmode none
		link set $2 up
	EOF
}

pair_up() {	# pair_up [QUEUES] [ENDPOINT OPTIONS...]
	pair_devs "${1:-4}"
	shift || true
	start_endpoint pair vmb0@a vmb1@b "$@"
	wait_for "$WAIT_S" has_carrier a vmb0 || fail "no carrier on vmb0: $(cat "$EP_LOG")"
	wait_for "$WAIT_S" has_carrier b vmb1 || fail "no carrier on vmb1: $(cat "$EP_LOG")"
	# A case may stop the endpoint or count requests: none may be on its way.
	wait_for "$WAIT_S" ctl_settled a vmb0 || fail "vmb0's requests not all received"
	wait_for "$WAIT_S" ctl_settled b vmb1 || fail "vmb1's requests not all received"
}
