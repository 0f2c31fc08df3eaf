#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# XDP on vmbnet next to veth and tun, in one VM boot:
#
#   tools/vm/run tools/bench/xdp.sh [--runs N] [--secs S]
#
# The same program (tools/bench/xdp_prog.c: XDP_DROP, or XDP_TX with the
# MAC addresses swapped) on the receiving device, 60-byte UDP frames sent
# as fast as it takes them, one queue:
#   vmbnet          native XDP; bench-xdpgen as the device's endpoint
#		    writes frames into its ring (batches of 64, one signal)
#   vmbnet-generic  the same with generic XDP (xdpgeneric): the skb path,
#		    which was all vmbnet had before native XDP
#   tun             native XDP on a TAP device; bench-xdpgen write()s
#		    the frames into it, one system call each
#   veth            native XDP on veth1; pktgen on veth0
# Frames per second the program ran on: the device's own counters (vmbnet:
# rx_packets; veth: rx_queue_0_xdp_packets), for tun the frames written.
# Runs interleave; medians, spread (max/min) and the ratios are printed.
# Exits 0 whatever the numbers, 1 if a measurement failed.
set -euo pipefail

RUNS=3
SECS=3
while (($#)); do
	case $1 in
	--runs) RUNS=$2 ;;
	--secs) SECS=$2 ;;
	*)
		echo "xdp.sh: unknown argument $1" >&2
		exit 2
		;;
	esac
	shift 2
done

BPF=$(cd "$(dirname "$0")/../.." && pwd)/build/bpf
TOPOS="vmbnet vmbnet-generic tun veth"
FAILED=0
declare -A RES

warn() {
	echo "xdp.sh: $*" >&2
	FAILED=1
}

# counter NETNS DEV NAME: one ethtool -S counter.
counter() {
	ip netns exec "$1" ethtool -S "$2" | awk -v n="$3:" '$1 == n { print $2 }'
}

# attach TOPO ACTION: the program on TOPO's receiving device.
attach() {
	local mode=xdpdrv

	[ "$1" != vmbnet-generic ] || mode=xdpgeneric
	ip -force -n "$1" link set dev "${DEV[$1]}" "$mode" obj "$BPF/bench-xdp-$2.o" sec xdp
}

declare -A DEV=([vmbnet]=vmbx [vmbnet-generic]=vmbx [tun]=tapx [veth]=veth1)

setup() {
	ip netns add vmbnet
	ip -n vmbnet link add vmbx numtxqueues 1 numrxqueues 1 type vmbnet
	ip -n vmbnet link set vmbx up
	ip netns add vmbnet-generic
	ip -n vmbnet-generic link add vmbx numtxqueues 1 numrxqueues 1 type vmbnet
	ip -n vmbnet-generic link set vmbx up
	ip netns add tun
	ip netns exec tun ip tuntap add dev tapx mode tap
	ip -n tun link set tapx up
	ip netns add veth
	ip -n veth link add veth0 type veth peer name veth1
	ip -n veth link set veth0 up
	ip -n veth link set veth1 up
	ip netns exec veth bash -c "echo 'add_device veth0' >/proc/net/pktgen/kpktgend_0"
	for c in "pkt_size 60" "count 0" "delay 0" "dst 192.0.2.2" \
		"dst_mac $(ip -n veth -j link show veth1 | sed 's/.*"address":"\([^"]*\)".*/\1/')"; do
		ip netns exec veth bash -c "echo '$c' >/proc/net/pktgen/veth0"
	done
}

# run TOPO ACTION: prints "PPS<TAB>details".
run() {
	local t=$1 out c0 c1 t0 t1 pg

	attach "$t" "$2" || { warn "$t: cannot attach the $2 program"; echo "-	attach failed"; return; }
	case $t in
	vmbnet | vmbnet-generic)
		c0=$(counter "$t" vmbx rx_packets)
		out=$(ip netns exec "$t" bench-xdpgen vmbnet vmbx "$SECS") ||
			{ warn "$t: bench-xdpgen failed"; echo "-	failed"; return; }
		c1=$(counter "$t" vmbx rx_packets)
		awk -v o="$out" -v a="$c0" -v b="$c1" 'BEGIN {
			split(o, f); printf "%.0f\tsent %s in %s s\n", (b - a) / f[4], f[2], f[4] }'
		;;
	tun)
		out=$(ip netns exec tun bench-xdpgen tap tapx "$SECS") ||
			{ warn "tun: bench-xdpgen failed"; echo "-	failed"; return; }
		awk -v o="$out" 'BEGIN { split(o, f); printf "%.0f\tsent %s in %s s\n", f[6], f[2], f[4] }'
		;;
	veth)
		c0=$(counter veth veth1 rx_queue_0_xdp_packets)
		t0=$EPOCHREALTIME
		ip netns exec veth bash -c 'echo start >/proc/net/pktgen/pgctrl' &
		pg=$!
		sleep "$SECS"
		c1=$(counter veth veth1 rx_queue_0_xdp_packets)
		t1=$EPOCHREALTIME
		ip netns exec veth bash -c 'echo stop >/proc/net/pktgen/pgctrl'
		wait "$pg" || true
		awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" 'BEGIN {
			printf "%.0f\t%d frames in %.2f s\n", (b - a) / (t1 - t0), b - a, t1 - t0 }'
		;;
	esac
	ip -n "$t" link set dev "${DEV[$t]}" xdp off
}

source "$(dirname "$0")/stats.sh"

modprobe vmbnet
modprobe pktgen
modprobe tun
modprobe veth
setup
echo "== XDP, 60-byte frames, one queue, $SECS s per measurement, $RUNS runs"
for ((r = 1; r <= RUNS; r++)); do
	for a in drop tx; do
		for t in $TOPOS; do
			out=$(run "$t" "$a")
			RES[$t,$a,$r]=${out%%$'\t'*}
			printf '  %-15s %-4s run %d: %-9s %s\n' "$t" "$a" "$r" "${out%%$'\t'*}" "${out#*$'\t'}"
		done
	done
done

echo ""
echo "== frames per second the program ran on: medians (spread max/min)"
printf '%-15s %16s %16s\n' device xdp_drop xdp_tx
for t in $TOPOS; do
	for a in drop tx; do
		vals=()
		for ((r = 1; r <= RUNS; r++)); do
			vals+=("${RES[$t,$a,$r]}")
		done
		RES[$t,$a]=$(median "${vals[@]}")
		RES[$t,$a,range]=$(spread "${vals[@]}")
	done
	printf '%-15s %9s (%4s) %9s (%4s)\n' "$t" "${RES[$t,drop]}" "${RES[$t,drop,range]}" \
		"${RES[$t,tx]}" "${RES[$t,tx,range]}"
done
echo ""
ratio xdp_drop_vmbnet_over_veth "${RES[vmbnet,drop]}" "${RES[veth,drop]}"
ratio xdp_drop_native_over_generic "${RES[vmbnet,drop]}" "${RES[vmbnet-generic,drop]}"
ratio xdp_drop_vmbnet_over_tun "${RES[vmbnet,drop]}" "${RES[tun,drop]}"
ratio xdp_tx_vmbnet_over_veth "${RES[vmbnet,tx]}" "${RES[veth,tx]}"
ratio xdp_tx_native_over_generic "${RES[vmbnet,tx]}" "${RES[vmbnet-generic,tx]}"
ratio xdp_tx_vmbnet_over_tun "${RES[vmbnet,tx]}" "${RES[tun,tx]}"

for t in $TOPOS; do
	ip netns del "$t" 2>/dev/null || true
done
exit $FAILED
