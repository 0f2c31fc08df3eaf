#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark's guest half, run in the test VM by tools/bench/run:
#
#   tools/vm/run tools/bench/guest.sh [--runs N] [--secs S] [--rr N]
#	[--topos "vmbnet vmbnet-1q tap tap2t veth"] [--tap-spin US] [--ep-spin US]
#	[--profile]
#
# Builds every topology side by side, each between its own two network
# namespaces TOPO-a (192.0.2.1) and TOPO-b (192.0.2.2):
#   vmbnet     vmb0, vmb1 (2 queues each) joined by `vmbnet-endpoint pair`
#   vmbnet-1q  the same, the endpoint limited to one queue (--max-queues 1)
#   vmbnet-thr the same as vmbnet with threaded NAPI (/sys/class/net/*/
#              threaded; not in the default set: --topos)
#   tap        tap0, tap1 (2 queues, vnet header, offloads) joined by
#              bench-tapfwd, one thread per queue pair
#   tap2t      the same TAPs joined by the plainest forwarder, the one of
#              issue 17's independent measurement (bench-tapfwd
#              --blocking: a blocking thread per direction)
#   veth       a veth pair: no copy, the upper bound
# then measures, N runs (default 3) of every workload on every topology,
# interleaved (run 1 of a workload on each topology, then the next
# workload, ...) so that the load of the machine drifts alike for all:
#   pps64fix	    the independent method (issue 17): pktgen sends a fixed
#		    count of 64-byte frames (default 300000, burst 1) as
#		    fast as the device lets it; the frames the peer device
#		    received over the whole run, from `start` until pktgen
#		    returned (start-up and backpressure included), per second
#   pps64, pps1400  pktgen in TOPO-a on the sending device (one thread, one
#		    queue, frames of 60 and 1400 bytes, UDP to TOPO-b); the
#		    packets the peer device receives per second, over S s
#   tcp1, tcp4	    iperf3, 1 and 4 streams, S s each (receiver's Gbit/s);
#		    for tcp1 also the busy CPU seconds (both vCPUs) per Gbit
#   p50, p99	    bench-udprr: 64-byte UDP request/response, one at a time,
#		    N round trips (default 2000) or S s, whichever ends first
# and prints the medians as a table, the ratios, and memcpy bandwidth.
# --profile then runs pps64 and tcp1 once more on vmbnet and tap under
# `perf record` (cpu-clock, every CPU) and prints where the time went, by
# command and by function.
# Exits 1 if a tool is missing, a topology cannot be set up or a
# measurement failed (it then shows "-"), 0 whatever the numbers.
set -euo pipefail

RUNS=3
SECS=3
RR_COUNT=2000
TOPOS="vmbnet vmbnet-1q tap tap2t veth"
TAP_SPIN=50	# as vmbnet-endpoint (EP_SPIN_NS): the same idle policy
EP_SPIN=50
QUEUES=2
PROFILE=0
PPSFIX_COUNT=300000

while (($#)); do
	case $1 in
	--profile)
		PROFILE=1
		shift
		continue
		;;
	--runs) RUNS=$2 ;;
	--secs) SECS=$2 ;;
	--rr) RR_COUNT=$2 ;;
	--topos) TOPOS=$2 ;;
	--ppsfix-count) PPSFIX_COUNT=$2 ;;
	--tap-spin) TAP_SPIN=$2 ;;
	--ep-spin) EP_SPIN=$2 ;;
	*)
		echo "guest.sh: unknown argument $1" >&2
		exit 2
		;;
	esac
	shift 2
done

LOG=/tmp/bench
mkdir -p "$LOG"
: >"$LOG/failures"
declare -A DEV_A DEV_B HELPER PIDS_B RES

say() { printf '%s\n' "$*"; }
# A failed step or measurement: said now, counted at the end (from files,
# since measurements run in subshells).
warn() {
	printf 'guest.sh: %s\n' "$*" >&2
	printf '%s\n' "$*" >>"$LOG/failures"
}

# Every program the bench needs, or a loud failure.
for t in vmbnet-endpoint bench-tapfwd bench-udprr bench-memcpy iperf3 ethtool ip timeout; do
	command -v "$t" >/dev/null || { echo "guest.sh: $t not found" >&2; exit 1; }
done
for m in vmbnet veth tun pktgen; do
	modprobe "$m"
done

source "$(dirname "$0")/wait.sh"

# --- topologies -------------------------------------------------------------

addr_up() {	# addr_up TOPO: addresses, up, carrier, servers in TOPO-b
	local t=$1 a=$1-a b=$1-b

	ip -n "$a" addr add 192.0.2.1/24 dev "${DEV_A[$t]}"
	ip -n "$b" addr add 192.0.2.2/24 dev "${DEV_B[$t]}"
	ip -n "$a" link set "${DEV_A[$t]}" up
	ip -n "$b" link set "${DEV_B[$t]}" up
	wait_for 10 has_carrier "$a" "${DEV_A[$t]}" || { warn "$t: no carrier on ${DEV_A[$t]}"; return 1; }
	wait_for 10 has_carrier "$b" "${DEV_B[$t]}" || { warn "$t: no carrier on ${DEV_B[$t]}"; return 1; }
	# Static neighbours: no ARP inside a measurement.
	ip -n "$a" neigh replace 192.0.2.2 lladdr "$(dev_mac "$b" "${DEV_B[$t]}")" dev "${DEV_A[$t]}"
	ip -n "$b" neigh replace 192.0.2.1 lladdr "$(dev_mac "$a" "${DEV_A[$t]}")" dev "${DEV_B[$t]}"
	ip netns exec "$b" iperf3 -s >"$LOG/iperf3-$t.log" 2>&1 &
	PIDS_B[$t]=$!
	ip netns exec "$b" bench-udprr -s >"$LOG/udprr-$t.log" 2>&1 &
	PIDS_B[$t]+=" $!"
	# pktgen: one thread (CPU 0) of TOPO-a's own, on the sending device.
	ip netns exec "$a" bash -c "echo 'add_device ${DEV_A[$t]}' >/proc/net/pktgen/kpktgend_0"
	pg_set "$t" "count 0" "clone_skb 0" "delay 0" "dst 192.0.2.2" \
		"dst_mac $(dev_mac "$b" "${DEV_B[$t]}")" "udp_src_min 9" "udp_src_max 9" \
		"udp_dst_min 9" "udp_dst_max 9"
	ip netns exec "$a" ping -q -c 1 -W 5 192.0.2.2 >/dev/null || { warn "$t: no ping"; return 1; }
}

pg_set() {	# pg_set TOPO CMD...: pktgen commands for TOPO's sending device
	local t=$1 c

	shift
	for c in "$@"; do
		ip netns exec "$t-a" bash -c "echo '$c' >/proc/net/pktgen/${DEV_A[$t]}"
	done
}

ep_launch() {	# ep_launch TOPO: starts TOPO's vmbnet endpoint
	local t=$1 q=$QUEUES

	[ "$t" = vmbnet-1q ] && q=1
	vmbnet-endpoint --log --max-queues "$q" --spin-us "$EP_SPIN" pair "vmb0@$t-a" "vmb1@$t-b" \
		>"$LOG/ep-$t.log" 2>&1 &
	HELPER[$t]=$!
}

ep_start() {	# ep_start TOPO: restarts it, once the devices are up
	local t=$1

	ep_launch "$t"
	if ! wait_for 10 has_carrier "$t-a" vmb0 || ! wait_for 10 has_carrier "$t-b" vmb1; then
		warn "$t: no carrier after starting the endpoint: $(cat "$LOG/ep-$t.log")"
		return 1
	fi
}

# Stops TOPO's helper (endpoint or forwarder); its counter line (what it
# prints when it stops) goes to $LOG/helper.
helper_stop() {	# helper_stop TOPO
	local t=$1

	: >"$LOG/helper"
	[ -n "${HELPER[$t]:-}" ] || return 0
	kill "${HELPER[$t]}" 2>/dev/null || true
	wait "${HELPER[$t]}" 2>/dev/null || true
	HELPER[$t]=
	cat "$LOG/ep-$t.log" "$LOG/tapfwd-$t.log" 2>/dev/null | grep -E '^frames [0-9]' | tail -n 1 >"$LOG/helper" || true
	grep -h '^frames per wake: ' "$LOG/ep-$t.log" 2>/dev/null | tail -n 1 >"$LOG/wakes" || true
}

topo_up() {	# topo_up TOPO
	local t=$1 a=$1-a b=$1-b q=$QUEUES mode

	ip netns add "$a"
	ip netns add "$b"
	case $t in
	vmbnet | vmbnet-1q | vmbnet-thr)
		DEV_A[$t]=vmb0 DEV_B[$t]=vmb1
		ip link add vmb0 numtxqueues $q numrxqueues $q netns "$a" type vmbnet
		ip link add vmb1 numtxqueues $q numrxqueues $q netns "$b" type vmbnet
		if [ "$t" = vmbnet-thr ]; then
			ip netns exec "$a" bash -c 'echo 1 >/sys/class/net/vmb0/threaded'
			ip netns exec "$b" bash -c 'echo 1 >/sys/class/net/vmb1/threaded'
		fi
		ep_launch "$t"
		;;
	tap | tap2t)
		DEV_A[$t]=tap0 DEV_B[$t]=tap1
		if [ "$t" = tap ]; then
			mode=(--spin-us "$TAP_SPIN")
		else
			mode=(--blocking)
		fi
		bench-tapfwd --queues $q "${mode[@]}" "tap0@$a" "tap1@$b" \
			>"$LOG/tapfwd-$t.log" 2>&1 &
		HELPER[$t]=$!
		wait_for 10 grep -q '^ready' "$LOG/tapfwd-$t.log" ||
			{ warn "$t: bench-tapfwd: $(cat "$LOG/tapfwd-$t.log")"; return 1; }
		;;
	veth)
		DEV_A[$t]=veth0 DEV_B[$t]=veth1
		ip link add veth0 numtxqueues $q numrxqueues $q netns "$a" type veth \
			peer name veth1 numtxqueues $q numrxqueues $q netns "$b"
		;;
	*)
		echo "guest.sh: unknown topology $t" >&2
		exit 2
		;;
	esac
	addr_up "$t"
}

# --- counters ---------------------------------------------------------------

# stat_line TOPO: "sender-tx sender-tx_dropped receiver-rx time" now, the
# time taken right after reading the receiver's count.
stat_line() {
	local t=$1 s=/sys/class/net

	echo "$(ip netns exec "$t-a" cat "$s/${DEV_A[$t]}/statistics/tx_packets" \
		"$s/${DEV_A[$t]}/statistics/tx_dropped" | tr '\n' ' ')$(
		ip netns exec "$t-b" bash -c "echo \$(<$s/${DEV_B[$t]}/statistics/rx_packets) \$EPOCHREALTIME")"
}

# ethtool -S totals of a vmbnet device: "NAME VALUE" lines.
vmb_stats() {	# vmb_stats NETNS DEV
	ip netns exec "$1" ethtool -S "$2" | awk '$1 ~ /^(tx|rx)_[a-z0-9_]+:$/ { sub(":", "", $1); print $1, $2 }'
}

# Per measurement, for vmbnet: counters before, then a summary after.
vmb_before() {	# vmb_before TOPO
	vmb_stats "$1-a" vmb0 >"$LOG/s0a"
	vmb_stats "$1-b" vmb1 >"$LOG/s0b"
}

# Writes to $LOG/vd what the driver and the endpoint did during the
# measurement, per packet: kicks (driver to endpoint signals), NAPI polls,
# ring-full stops, endpoint wakeups (each a signal that woke it from
# poll()). Restarts the endpoint, whose counters come only when it stops.
vmb_after() {	# vmb_after TOPO
	local t=$1

	vmb_stats "$t-a" vmb0 >"$LOG/s1a"
	vmb_stats "$t-b" vmb1 >"$LOG/s1b"
	helper_stop "$t"
	ep_start "$t" || true
	awk -v ep="$(cat "$LOG/helper")" '
		FNR == 1 { f++ }
		{ v[f, $1] = $2 }
		function d(i, n) { return v[i + 2, n] - v[i, n] }
		END {
			for (i = 1; i <= 2; i++) {
				tx = d(i, "tx_packets")
				rx = d(i, "rx_packets")
				printf "%s: tx %d (", i == 1 ? "vmb0" : "vmb1", tx
				for (q = 0; ((i SUBSEP "tx_queue_" q "_packets") in v); q++)
					printf "%sq%d %d", q ? " " : "", q, d(i, "tx_queue_" q "_packets")
				p = d(i, "rx_polls")
				printf "), %.3f kicks/pkt, ring_full %d; rx %d, %.3f pkts/poll, %.2f of polls empty; ",
					tx ? d(i, "tx_kicks") / tx : 0, d(i, "tx_ring_full"), rx,
					p ? rx / p : 0, p ? d(i, "rx_empty_polls") / p : 0
			}
			split(ep, e, " ")
			printf "endpoint: frames %d, %.3f wakeups/frame\n", e[2],
				e[2] ? e[8] / e[2] : 0
		}' "$LOG/s0a" "$LOG/s0b" "$LOG/s1a" "$LOG/s1b" >"$LOG/vd"
	sed 's/^frames per wake: /    endpoint frames per wake: /' "$LOG/wakes" >>"$LOG/vd"
}

# --- workloads ----------------------------------------------------------------
# Each prints one line: its value (or "-" on failure), a tab, details.

pps() {	# pps TOPO FRAME_BYTES
	local t=$1 s0 s1 pg

	pg_set "$t" "pkt_size $2"
	ip netns exec "$t-a" bash -c 'echo start >/proc/net/pktgen/pgctrl' 2>"$LOG/pg.err" &
	pg=$!
	sleep 0.5	# past the start
	s0=$(stat_line "$t")
	sleep "$SECS"
	s1=$(stat_line "$t")
	ip netns exec "$t-a" bash -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait "$pg" || true
	[ "$(awk '{ print $3 }' <<<"$s1")" != "$(awk '{ print $3 }' <<<"$s0")" ] ||
		warn "$t: pktgen at $2 bytes: nothing received ($(cat "$LOG/pg.err"))"
	awk -v a="$s0" -v b="$s1" 'BEGIN {
		split(a, x); split(b, y); dt = y[4] - x[4]
		printf "%.0f\toffered %.0f/s, sender tx_dropped %.0f/s; \n", (y[3] - x[3]) / dt,
			(y[1] + y[2] - x[1] - x[2]) / dt, (y[2] - x[2]) / dt
	}'
}

# ppsfix TOPO: a fixed count, measured over the whole run.
ppsfix() {
	local t=$1 s0 s1 t0 t1 rx=/sys/class/net/${DEV_B[$t]}/statistics/rx_packets

	pg_set "$t" "pkt_size 64" "count $PPSFIX_COUNT"
	s0=$(ip netns exec "$t-b" cat "$rx")
	t0=$EPOCHREALTIME
	# Returns once pktgen sent them all.
	ip netns exec "$t-a" bash -c 'echo start >/proc/net/pktgen/pgctrl' 2>"$LOG/pg.err" ||
		warn "$t: pktgen count $PPSFIX_COUNT: $(cat "$LOG/pg.err")"
	t1=$EPOCHREALTIME
	s1=$(ip netns exec "$t-b" cat "$rx")
	pg_set "$t" "count 0"
	awk -v a="$s0" -v b="$s1" -v t0="$t0" -v t1="$t1" -v n="$PPSFIX_COUNT" 'BEGIN {
		printf "%.0f\t%d of %d delivered by the end, in %.2f s; \n", (b - a) / (t1 - t0),
			b - a, n, t1 - t0
	}'
}

tcp() {	# tcp TOPO STREAMS
	local t=$1 out bps

	if ! out=$(timeout $((SECS + 30)) ip netns exec "$t-a" \
		iperf3 -c 192.0.2.2 -t "$SECS" -P "$2" -J 2>&1); then
		warn "$t: iperf3 -P $2 failed: $(grep -m1 '"error"' <<<"$out")"
		printf -- '-\tfailed; \n'
		return
	fi
	bps=$(sed -n '/"sum_received"/,/}/s/.*"bits_per_second":[[:space:]]*\([0-9.e+]*\).*/\1/p' <<<"$out" | head -n 1)
	awk -v b="$bps" -v r="$(sed -n 's/.*"retransmits":[[:space:]]*\([0-9]*\).*/\1/p' <<<"$out" | tail -n 1)" \
		'BEGIN { printf "%.3f\tretransmits %s; \n", b / 1e9, r }'
}

rr() {	# rr TOPO: prints "P50 P99 MIN"
	local t=$1 out

	if ! out=$(timeout $((SECS + 30)) ip netns exec "$t-a" \
		bench-udprr -c 192.0.2.2 -n "$RR_COUNT" -t "$SECS" -l 64 -w 50 2>&1); then
		warn "$t: bench-udprr failed: $out"
		printf -- '- - -\tfailed; \n'
		return
	fi
	awk '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1)
		printf "%s %s %s\t%s; \n", v["p50_us"], v["p99_us"], v["min_us"], $0 }' <<<"$out"
}

# CPU time both vCPUs spent busy so far, in USER_HZ ticks (/proc/stat;
# USER_HZ is 100 on x86, part of the ABI: the guest has no getconf).
cpu_busy() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# measure TOPO WORKLOAD RUN: records RES[TOPO,WORKLOAD,RUN]; one line of
# details on stdout.
measure() {
	local t=$1 w=$2 r=$3 out v d b0

	case $t in vmbnet*) vmb_before "$t" ;; esac
	b0=$(cpu_busy)
	case $w in
	pps64) out=$(pps "$t" 60) ;;
	pps64fix) out=$(ppsfix "$t") ;;
	pps1400) out=$(pps "$t" 1400) ;;
	tcp1) out=$(tcp "$t" 1) ;;
	tcp4) out=$(tcp "$t" 4) ;;
	rr) out=$(rr "$t") ;;
	esac
	v=${out%%$'\t'*}
	d=${out#*$'\t'}
	# TCP's cost: CPU seconds, both vCPUs, per Gbit delivered (lower is
	# better); it does not depend on how much of the time was idle.
	if [ "$w" = tcp1 ] && [[ $v =~ ^[0-9.]+$ ]]; then
		RES[$t,tcp1cpu,$r]=$(awk -v b="$(($(cpu_busy) - b0))" -v hz=100 \
			-v g="$v" -v s="$SECS" 'BEGIN { if (g > 0) printf "%.3f", b / hz / (g * s) }')
		d="cpu ${RES[$t,tcp1cpu,$r]} s/Gbit; $d"
	fi
	case $t in vmbnet*)
		vmb_after "$t"
		d+=$(cat "$LOG/vd")
		;;
	esac
	if [ "$w" = rr ]; then
		read -r "RES[$t,p50,$r]" "RES[$t,p99,$r]" "RES[$t,min,$r]" <<<"$v"
	else
		RES[$t,$w,$r]=$v
	fi
	printf '  %-9s %-7s run %d: %-12s %s\n' "$t" "$w" "$r" "$v" "$d"
}

# profile TOPO WORKLOAD: the workload once more (pps64 or tcp1) under perf.
profile() {
	local t=$1 w=$2 data=$LOG/perf-$1-$2.data job

	case $w in
	pps64)
		pg_set "$t" "pkt_size 60"
		ip netns exec "$t-a" bash -c 'echo start >/proc/net/pktgen/pgctrl' &
		;;
	tcp1)
		timeout $((SECS + 30)) ip netns exec "$t-a" \
			iperf3 -c 192.0.2.2 -t $((SECS + 1)) >/dev/null 2>&1 &
		;;
	esac
	job=$!
	sleep 0.5
	perf record -q -e cpu-clock -F 999 -a -o "$data" -- sleep "$SECS" >/dev/null 2>&1 ||
		warn "$t: perf record failed"
	[ "$w" != pps64 ] || ip netns exec "$t-a" bash -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait "$job" || true
	say "== profile: $t $w, share of both CPUs' time, by command, then by function (top 25)"
	perf report -i "$data" --stdio --no-children --sort comm 2>/dev/null |
		awk '!/^#/ && NF && $1 + 0 >= 0.5 && n++ < 8 { print "   " $0 }'
	# awk reads it all: perf must not die of SIGPIPE under pipefail.
	perf report -i "$data" --stdio --no-children --sort comm,dso,sym 2>/dev/null |
		awk '!/^#/ && NF && n++ < 25 { print "   " $0 }'
}

source "$(dirname "$0")/stats.sh"

# --- main -----------------------------------------------------------------------

say "== machine (guest): $(nproc) vCPUs, $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo), kernel $(uname -r)"
say "   cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
say "== copy bandwidth in the guest (one CPU; bench-memcpy, 16 MiB buffers)"
bench-memcpy -t 1 | tee "$LOG/memcpy" | sed 's/^/   /'

say "== setting up: $TOPOS (queues: $QUEUES; tap forwarder spin: $TAP_SPIN us)"
for t in $TOPOS; do
	topo_up "$t" || { warn "$t: setup failed"; exit 1; }
	say "   $t: ${DEV_A[$t]} in $t-a, ${DEV_B[$t]} in $t-b, up"
done
for t in $TOPOS; do
	case $t in vmbnet*)
		say "   $t: $(ip netns exec "$t-a" ethtool -l vmb0 | awk '/^Combined/ { c = $2 } END { print "queues in use: " c }'), $(sed -n 1p "$LOG/ep-$t.log")"
		;;
	esac
done

WORKLOADS="pps64fix pps64 pps1400 tcp1 tcp4 rr"
start=$EPOCHSECONDS
for ((r = 1; r <= RUNS; r++)); do
	say "== run $r of $RUNS ($SECS s per measurement, at most $RR_COUNT round trips)"
	for w in $WORKLOADS; do
		for t in $TOPOS; do
			measure "$t" "$w" "$r"
		done
	done
done
say "   measured in $((EPOCHSECONDS - start)) s"

if ((PROFILE)); then
	command -v perf >/dev/null || { warn "--profile: no perf in the guest"; PROFILE=0; }
fi
if ((PROFILE)); then
	for t in vmbnet tap; do
		[[ " $TOPOS " == *" $t "* ]] || continue
		for w in pps64 tcp1; do
			profile "$t" "$w"
		done
	done
fi

for t in $TOPOS; do
	helper_stop "$t"
	[[ $t != tap* ]] || say "== bench-tapfwd's totals ($t): $(cat "$LOG/helper")"
done

COLS="pps64fix pps64 pps1400 tcp1 tcp4 p50 p99 min tcp1cpu"
for t in $TOPOS; do
	for c in $COLS; do
		vals=()
		for ((r = 1; r <= RUNS; r++)); do
			vals+=("${RES[$t,$c,$r]:--}")
		done
		RES[$t,$c]=$(median "${vals[@]}")
		RES[$t,$c,range]=$(spread "${vals[@]}")
	done
done

say ""
say "== results: medians of $RUNS runs"
say "   pps64fix: $PPSFIX_COUNT 64-byte frames from pktgen, delivered per second over the whole run"
say "   pps64/pps1400: packets per second the receiving device got from pktgen (60/1400-byte frames),"
say "   continuous, sampled over a window after a warm-up"
say "   tcp1/tcp4: iperf3 Gbit/s, 1/4 streams; p50/p99/min: UDP 64-byte round trip, microseconds"
say "   cpu_tcp1: CPU seconds (both vCPUs, busy) per Gbit tcp1 delivered"
FMT='%-10s %9s %10s %10s %8s %8s %8s %8s %8s %8s\n'
# shellcheck disable=SC2059 # the format is ours
printf "$FMT" topology pps64fix pps64 pps1400 tcp1 tcp4 p50_us p99_us min_us cpu_tcp1
for t in $TOPOS; do
	# shellcheck disable=SC2059
	printf "$FMT" "$t" "${RES[$t,pps64fix]}" "${RES[$t,pps64]}" "${RES[$t,pps1400]}" "${RES[$t,tcp1]}" \
		"${RES[$t,tcp4]}" "${RES[$t,p50]}" "${RES[$t,p99]}" "${RES[$t,min]}" "${RES[$t,tcp1cpu]}"
done
say "   spread of the $RUNS runs (largest over smallest):"
for t in $TOPOS; do
	# shellcheck disable=SC2059
	printf "$FMT" "$t" "${RES[$t,pps64fix,range]}" "${RES[$t,pps64,range]}" "${RES[$t,pps1400,range]}" \
		"${RES[$t,tcp1,range]}" \
		"${RES[$t,tcp4,range]}" "${RES[$t,p50,range]}" "${RES[$t,p99,range]}" "${RES[$t,min,range]}" \
		"${RES[$t,tcp1cpu,range]}"
done
say ""
say "   ratios of the medians; tcp: 1 stream, tcp4: 4 streams; queues2_over_queues1: vmbnet's"
say "   4-stream TCP with 2 queues over 1 (pps64_queues2_over_queues1: one pktgen flow, one queue"
say "   either way); latency ratios: lower is better"
ratio pps64fix_vmbnet_over_tap "${RES[vmbnet,pps64fix]:-}" "${RES[tap,pps64fix]:-}"
ratio pps64_vmbnet_over_tap "${RES[vmbnet,pps64]:-}" "${RES[tap,pps64]:-}"
ratio pps1400_vmbnet_over_tap "${RES[vmbnet,pps1400]:-}" "${RES[tap,pps1400]:-}"
ratio tcp_vmbnet_over_tap "${RES[vmbnet,tcp1]:-}" "${RES[tap,tcp1]:-}"
ratio tcp4_vmbnet_over_tap "${RES[vmbnet,tcp4]:-}" "${RES[tap,tcp4]:-}"
ratio tcp_vmbnet_over_veth "${RES[vmbnet,tcp1]:-}" "${RES[veth,tcp1]:-}"
ratio pps64fix_vmbnet_over_tap2t "${RES[vmbnet,pps64fix]:-}" "${RES[tap2t,pps64fix]:-}"
ratio pps64_vmbnet_over_tap2t "${RES[vmbnet,pps64]:-}" "${RES[tap2t,pps64]:-}"
ratio tcp_vmbnet_over_tap2t "${RES[vmbnet,tcp1]:-}" "${RES[tap2t,tcp1]:-}"
ratio tcp_cpu_per_gbit_vmbnet_over_tap2t "${RES[vmbnet,tcp1cpu]:-}" "${RES[tap2t,tcp1cpu]:-}"
ratio p50_latency_vmbnet_over_tap2t "${RES[vmbnet,p50]:-}" "${RES[tap2t,p50]:-}"
ratio queues2_over_queues1 "${RES[vmbnet,tcp4]:-}" "${RES[vmbnet-1q,tcp4]:-}"
ratio pps64_queues2_over_queues1 "${RES[vmbnet,pps64]:-}" "${RES[vmbnet-1q,pps64]:-}"
ratio p50_latency_vmbnet_over_tap "${RES[vmbnet,p50]:-}" "${RES[tap,p50]:-}"
ratio p99_latency_vmbnet_over_tap "${RES[vmbnet,p99]:-}" "${RES[tap,p99]:-}"
say ""
awk '/^memcpy 65536/ { u = $4 } /^kernel copy/ { k = $6 }
	function gbit(nk, nu) { return 8 / (nk / k + nu / u) }
	END {
		printf "memcpy on one CPU, 64 KiB blocks: %.2f GB/s in user space (memcpy), %.2f GB/s in the\n", u, k
		printf "   kernel (copy_to/from_user through a pipe, syscalls included): %.1f and %.1f Gbit/s per copy\n", u * 8, k * 8
		printf "   copies of each TCP payload byte: veth 2 (into and out of the sockets), tap 4 (+ the\n"
		printf "   forwarder reading tap0 and writing tap1), vmbnet 5 (+ vmb0 copying the skb into its\n"
		printf "   ring, the endpoint (user space) from that ring into vmb1'"'"'s, vmb1 from its ring into an\n"
		printf "   skb); one CPU doing nothing but those copies: veth %.1f, tap %.1f, vmbnet %.1f Gbit/s\n",
			gbit(2, 0), gbit(4, 0), gbit(4, 1)
	}' "$LOG/memcpy"

for t in $TOPOS; do
	ip netns del "$t-a" 2>/dev/null || true
	ip netns del "$t-b" 2>/dev/null || true
done
if [ -s "$LOG/failures" ]; then
	echo "guest.sh: $(wc -l <"$LOG/failures") measurement(s) or step(s) failed:" >&2
	sed 's/^/   /' "$LOG/failures" >&2
	exit 1
fi
exit 0
