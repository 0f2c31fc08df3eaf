#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The same lwIP (tools/examples/lwip) on a vmbnet device and on a TAP, in
# one VM boot, the kernel's stack as the client:
#
#   tools/vm/run tools/bench/lwip.sh [--runs N] [--bytes B] [--requests N]
#
#   echo   tcp_client echo: B bytes (default 8 MB) through lwIP's TCP echo
#	   service and back, one connection (Mbit/s each way)
#   http   tcp_client http: N (default 300) GETs one after another, a
#	   connection each (requests/s)
#
# Runs interleave (vmbnet, then tap, per run) so that drift hits both; the
# medians, the spread (max/min) and the ratios vmbnet/TAP are printed. Exits
# 0 whatever the numbers, 1 if a measurement failed.
set -euo pipefail

RUNS=3
BYTES=$((8 << 20))
REQUESTS=300
while (($#)); do
	case $1 in
	--runs) RUNS=$2 ;;
	--bytes) BYTES=$2 ;;
	--requests) REQUESTS=$2 ;;
	*)
		echo "lwip.sh: unknown argument $1" >&2
		exit 2
		;;
	esac
	shift 2
done

source "$(dirname "$0")/wait.sh"

modprobe vmbnet
modprobe tun
# vmbnet: the kernel 192.0.2.1, lwIP 192.0.2.9; tap: 198.51.100.1 and .9.
ip link add vmb0 type vmbnet
ip addr add 192.0.2.1/24 dev vmb0
ip link set vmb0 up
vmbnet-lwip vmb0 192.0.2.9/24 >/tmp/lwip-vmbnet.log 2>&1 &
ip tuntap add tap0 mode tap
ip addr add 198.51.100.1/24 dev tap0
ip link set tap0 up
vmbnet-lwip tap0 198.51.100.9/24 --tap >/tmp/lwip-tap.log 2>&1 &
trap 'killall -q vmbnet-lwip || true' EXIT
for addr in 192.0.2.9 198.51.100.9; do
	ping -c 1 -w 60 "$addr" >/dev/null || { echo "lwip.sh: $addr does not answer"; exit 1; }
done

declare -A res
for run in $(seq "$RUNS"); do
	for link in vmbnet tap; do
		addr=192.0.2.9
		[ "$link" = tap ] && addr=198.51.100.9
		out=$(tcp_client echo "$addr" 7 "$BYTES") || { echo "$out"; exit 1; }
		res[$link,echo]+=" $(sed -E 's/.*: ([0-9.]+) Mbit\/s/\1/' <<<"$out")"
		out=$(tcp_client http "$addr" 80 "$REQUESTS") || { echo "$out"; exit 1; }
		res[$link,http]+=" $(sed -E 's/.*: ([0-9.]+) requests\/s/\1/' <<<"$out")"
		echo "run $run $link: echo${res[$link,echo]##* } Mbit/s, http${res[$link,http]##* } req/s"
	done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread() { tr ' ' '\n' | grep . | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f", hi / lo }'; }

printf '%-8s %22s %22s\n' link "echo Mbit/s (spread)" "http req/s (spread)"
for link in vmbnet tap; do
	printf '%-8s %14s (%5s) %14s (%5s)\n' "$link" \
		"$(median <<<"${res[$link,echo]}")" "$(spread <<<"${res[$link,echo]}")" \
		"$(median <<<"${res[$link,http]}")" "$(spread <<<"${res[$link,http]}")"
done
for w in echo http; do
	awk -v n="lwip_${w}_vmbnet_over_tap" -v a="$(median <<<"${res[vmbnet,$w]}")" \
		-v b="$(median <<<"${res[tap,$w]}")" 'BEGIN { printf "ratio %s %.3f\n", n, a / b }'
done
killall -q -USR1 vmbnet-lwip || true
wait_for 10 grep -q rx_frames /tmp/lwip-vmbnet.log || true
grep -h rx_frames /tmp/lwip-vmbnet.log /tmp/lwip-tap.log || true
