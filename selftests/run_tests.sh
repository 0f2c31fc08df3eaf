#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs vmbnet selftests in kselftest's format: each script's TAP output is
# nested as comments under one "ok"/"not ok" line of its own. A script that
# fails without reporting a failed case gets one synthetic failed case, so
# the inner lines alone count every result. Runs all TEST_PROGS by default.
cd "$(dirname "$0")" || exit 1

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	read -r -a tests <<<"$(sed -n 's/^TEST_PROGS := //p' Makefile)"
fi

echo "TAP version 13"
echo "1..${#tests[@]}"
n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	echo "# selftests: vmbnet: $t"
	# The kernel log tells what ran when.
	echo "vmbnet selftests: $t" >/dev/kmsg 2>/dev/null || true
	t0=$SECONDS
	out=$(mktemp)
	# Shown as it comes (the runner takes a silent guest for a hung one),
	# line by line: the guest's sed is busybox's, which has no -u.
	timeout "${VMBNET_TEST_TIMEOUT:-600}" bash "./$t" 2>&1 | tee "$out" |
		while IFS= read -r line; do printf '# %s\n' "$line"; done
	rc=${PIPESTATUS[0]}
	if [ $rc -ne 0 ] && [ $rc -ne 4 ] && ! grep -q '^not ok ' "$out"; then
		echo "# not ok 0 $t exited with status $rc without reporting a failed case"
	fi
	rm -f "$out"
	echo "# $t: $((SECONDS - t0)) s"
	case $rc in
	0) echo "ok $n selftests: vmbnet: $t" ;;
	4) echo "ok $n selftests: vmbnet: $t # SKIP" ;;
	*) echo "not ok $n selftests: vmbnet: $t # exit=$rc" ;;
	esac
done
