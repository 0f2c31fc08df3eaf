#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# /dev/vmbnet fuzzed (vmbnet_cdev_fuzz): random and racing calls from several
# threads, as root and then as nobody, against a device of 4 queues and a
# second one that is deleted and made again meanwhile. Afterwards both
# devices must still work and go away, and the kernel log must be clean.
# VMBNET_FUZZ_SECONDS (root's share; default 20, nobody gets half) and
# VMBNET_FUZZ_SEED (printed by every run) replay a run.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

DEV=vmbfuzz
DEV2=vmbfuzz2
STOP=/tmp/cdev_fuzz.stop
CHURN_LOG=/tmp/cdev_fuzz.churn
# What the kernel prints when it finds a bug (tools/vm/run watches for more).
KERNEL_REPORTS='BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|blocked for more than|refcount_t|unregister_netdevice: waiting|Kernel panic|detected stall'
# Everything the kernel logs from here on is this test's.
MARKER="vmbnet cdev_fuzz.sh start $$ $RANDOM$RANDOM"
echo "$MARKER" >/dev/kmsg

# DEV2 goes and comes back, once an endpoint holds it (or after 2 s): its
# endpoints see EIO, its ATTACHes ENODEV, whatever they are doing. It is
# there when this returns.
churn() {
	while [ ! -e "$STOP" ]; do
		wait_for 2 eval "! grep -qx none /sys/class/net/$DEV2/vmbnet/endpoint" || true
		ip link del "$DEV2" &&
			ip link add "$DEV2" numtxqueues 2 numrxqueues 2 type vmbnet &&
			ip link set "$DEV2" up
	done >>"$CHURN_LOG" 2>&1
	touch "$STOP.done"
}

rm -f "$STOP" "$STOP.done" "$CHURN_LOG"
ip link add "$DEV" numtxqueues 4 numrxqueues 4 type vmbnet
ip link set "$DEV" up
ip link add "$DEV2" numtxqueues 2 numrxqueues 2 type vmbnet
ip link set "$DEV2" up
churn &
churn_pid=$!

out=$(mktemp)
# shellcheck disable=SC2086 # the options are words, or nothing
vmbnet_cdev_fuzz ${VMBNET_FUZZ_SECONDS:+--seconds $VMBNET_FUZZ_SECONDS} \
	${VMBNET_FUZZ_SEED:+--seed $VMBNET_FUZZ_SEED} "$DEV:4" "$DEV2:2" | tee "$out"
rc=${PIPESTATUS[0]}
touch "$STOP"
if wait_for "$WAIT_S" test -e "$STOP.done"; then
	wait "$churn_pid"
else
	echo "# deleting or making $DEV2 again is stuck (see the kernel log case)"
fi

# The fuzzer printed its own cases; ours follow them.
ksft_fail=$(grep -c '^not ok ' "$out")
ksft_skip=$(grep -c '^ok .*# SKIP' "$out")
ksft_pass=$(($(grep -c '^ok ' "$out") - ksft_skip))
ksft_n=$((ksft_pass + ksft_skip + ksft_fail))
if [ "$ksft_n" -lt 3 ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne "$KSFT_SKIP" ] && [ "$ksft_fail" -eq 0 ]; }; then
	ksft_n=$((ksft_n + 1))
	ksft_fail=$((ksft_fail + 1))
	echo "not ok $ksft_n vmbnet_cdev_fuzz exited with status $rc"
fi
rm -f "$out"

# Both devices are there without an endpoint (the fuzzer closed everything
# when it exited), go down and up, and can be deleted.
devices_survive() {
	local d

	for d in "$DEV" "$DEV2"; do
		[ -d "/sys/class/net/$d/vmbnet" ] ||
			fail "$d is gone; churn said: $(cat "$CHURN_LOG" 2>/dev/null)"
		expect_eq "$d's endpoint once the fuzzer exited" none \
			"$(cat "/sys/class/net/$d/vmbnet/endpoint")"
		ip link set "$d" down
		ip link set "$d" up
		timeout 60 ip link del "$d" || fail "ip link del $d failed or hung"
		[ ! -e "/sys/class/net/$d" ] || fail "$d is still there after ip link del"
	done
}

# No report of a kernel bug since the marker; if so much was logged that the
# marker is gone, the whole log is ours.
kernel_log_clean() {
	local log reports

	log=$(dmesg | sed -n "/$MARKER/,\$p")
	if [ -z "$log" ]; then
		echo "the start marker is gone from the kernel log: checking all of it"
		log=$(dmesg)
	fi
	reports=$(grep -E "$KERNEL_REPORTS" <<<"$log" | head -n 20)
	[ -z "$reports" ] || fail "the kernel reported: $reports"
}

run_test "devices survive the fuzzing: no endpoint left, down, up and deleted" devices_survive
run_test "kernel log clean (no BUG, WARNING, KASAN, UBSAN, Oops, refcount_t...)" kernel_log_clean
rm -f "$STOP" "$STOP.done" "$CHURN_LOG"
ksft_finish
