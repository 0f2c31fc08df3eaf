#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest side of tools/bench/copy-bound: one TCP stream (iperf3) through
# vmbnet with its payload copies skipped, next to TAP and veth, in one boot.
#
#   tools/vm/run tools/bench/copy-bound.sh [--runs N] [--secs S]
#
# Needs the modules and libvmbnet built with tools/bench/copy-bound.patch.
# What each vmbnet setting leaves out, past the first 256 bytes of a frame
# over 1536 (the receiver gets stale bytes there; TCP does not check them,
# its checksum is left to the device):
#   vmbnet      nothing: the driver as it is
#   no-ep       the endpoint's copy from vmb0's ring into vmb1's
#   no-ep-rx    that and vmb1's copy out of its ring into the skb: all a
#               design can drop while the endpoint sees only shared memory
#   no-copies   that and vmb0's copy of the skb into its ring
# tap and tap2t are bench-tapfwd (spinning; blocking, a thread per
# direction) between two TAPs, veth a veth pair. Runs interleave; medians,
# spread (max/min) and ratios are printed. Exits 0 whatever the numbers, 1
# if a measurement failed.
set -euo pipefail

RUNS=5
SECS=5
while (($#)); do
	case $1 in
	--runs) RUNS=$2 ;;
	--secs) SECS=$2 ;;
	*)
		echo "copy-bound.sh: unknown argument $1" >&2
		exit 2
		;;
	esac
	shift 2
done

source "$(dirname "$0")/stats.sh"
source "$(dirname "$0")/wait.sh"

PARAMS=/sys/module/vmbnet/parameters
SETTINGS="vmbnet no-ep no-ep-rx no-copies"
TOPOS="$SETTINGS tap tap2t veth"
LOG=$(mktemp -d)
FAILED=0
EP=
declare -A RES

warn() {
	echo "copy-bound.sh: $*" >&2
	FAILED=1
}

# pair NAME DEV_A DEV_B: addresses, up, static neighbours, an iperf3 server.
pair() {
	ip -n "$1-a" addr add 192.0.2.1/24 dev "$2"
	ip -n "$1-b" addr add 192.0.2.2/24 dev "$3"
	ip -n "$1-a" link set "$2" up
	ip -n "$1-b" link set "$3" up
	if ! wait_for 20 has_carrier "$1-a" "$2" || ! wait_for 20 has_carrier "$1-b" "$3"; then
		warn "$1: no carrier"
		return 1
	fi
	ip -n "$1-a" neigh replace 192.0.2.2 lladdr "$(dev_mac "$1-b" "$3")" dev "$2"
	ip -n "$1-b" neigh replace 192.0.2.1 lladdr "$(dev_mac "$1-a" "$2")" dev "$3"
	ip netns exec "$1-b" iperf3 -s >"$LOG/iperf3-$1.log" 2>&1 &
}

modprobe vmbnet
modprobe tun
[ -e "$PARAMS/bench_no_rx_copy" ] ||
	{ echo "copy-bound.sh: vmbnet is not built with copy-bound.patch" >&2; exit 1; }

# One vmbnet pair for every setting: a fresh endpoint each run.
ip netns add vmb-a
ip netns add vmb-b
ip link add vmb0 numtxqueues 2 numrxqueues 2 netns vmb-a type vmbnet
ip link add vmb1 numtxqueues 2 numrxqueues 2 netns vmb-b type vmbnet
for t in tap tap2t; do
	ip netns add "$t-a"
	ip netns add "$t-b"
	mode=(--spin-us 50)
	[ $t = tap ] || mode=(--blocking)
	bench-tapfwd --queues 2 "${mode[@]}" "${t}0@$t-a" "${t}1@$t-b" >"$LOG/tapfwd-$t.log" 2>&1 &
	wait_for 10 grep -q '^ready' "$LOG/tapfwd-$t.log" ||
		{ echo "copy-bound.sh: bench-tapfwd: $(cat "$LOG/tapfwd-$t.log")" >&2; exit 1; }
done
ip netns add veth-a
ip netns add veth-b
ip link add veth0 netns veth-a type veth peer name veth1 netns veth-b
vmbnet-endpoint --max-queues 2 pair vmb0@vmb-a vmb1@vmb-b >"$LOG/ep.log" 2>&1 &
EP=$!
pair vmb vmb0 vmb1
pair tap tap0 tap1
pair tap2t tap2t0 tap2t1
pair veth veth0 veth1
kill "$EP"
wait "$EP" || true

# ns_of TOPO: the sender's netns.
ns_of() {
	case $1 in
	tap | tap2t | veth) echo "$1-a" ;;
	*) echo vmb-a ;;
	esac
}

# setting TOPO: the module's parameters and the endpoint for a vmbnet one.
setting() {
	local rx=0 tx=0 ep=()

	case $1 in
	no-ep) ep=(VMBNET_BENCH_NO_COPY=1) ;;
	no-ep-rx) ep=(VMBNET_BENCH_NO_COPY=1) rx=1 ;;
	no-copies) ep=(VMBNET_BENCH_NO_COPY=1) rx=1 tx=1 ;;
	esac
	echo "$rx" >"$PARAMS/bench_no_rx_copy"
	echo "$tx" >"$PARAMS/bench_no_tx_copy"
	env "${ep[@]}" vmbnet-endpoint --max-queues 2 pair vmb0@vmb-a vmb1@vmb-b >"$LOG/ep.log" 2>&1 &
	EP=$!
	wait_for 20 has_carrier vmb-a vmb0 && wait_for 20 has_carrier vmb-b vmb1
}

tcp1() {	# tcp1 TOPO: Gbit/s of one stream, empty if it failed
	ip netns exec "$(ns_of "$1")" iperf3 -c 192.0.2.2 -t "$SECS" -f g 2>&1 |
		awk '/receiver/ { print $7 }'
}

echo "== copy-bound: tcp1 ($SECS s, 1 stream), $RUNS runs; vmbnet settings: $SETTINGS"
for ((i = 1; i <= RUNS; i++)); do
	for t in $TOPOS; do
		EP=
		r=
		if [[ " $SETTINGS " == *" $t "* ]] && ! setting "$t"; then
			warn "$t: no carrier"
		else
			r=$(tcp1 "$t") || true
			[[ $r =~ ^[0-9.]+$ ]] || warn "$t: iperf3 failed"
		fi
		[[ $r =~ ^[0-9.]+$ ]] || r=-
		RES[$t]+=" $r"
		printf '  %-10s run %d: %s\n' "$t" "$i" "$r"
		[ -z "$EP" ] || { kill "$EP" 2>/dev/null || true; wait "$EP" || true; }
	done
done
echo 0 >"$PARAMS/bench_no_rx_copy"
echo 0 >"$PARAMS/bench_no_tx_copy"

printf '%-10s %8s %8s\n' setting tcp1 spread
for t in $TOPOS; do
	# shellcheck disable=SC2086 # the runs, word by word
	printf '%-10s %8s %8s\n' "$t" "$(median ${RES[$t]})" "$(spread ${RES[$t]})"
done
for s in $SETTINGS; do
	for d in tap tap2t veth; do
		# shellcheck disable=SC2086
		ratio "tcp_${s//-/_}_over_$d" "$(median ${RES[$s]})" "$(median ${RES[$d]})"
	done
done
exit "$FAILED"
