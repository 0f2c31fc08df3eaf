#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vmbnet's KUnit suites as a module on x86_64, under the debug kernel's
# checkers (`tools/vm/run --debug`; `make kunit` runs them on UML): loading
# vmbnet_kunit runs its suites, whose KTAP results in
# /sys/kernel/debug/kunit/<suite>/results become one TAP line per case, or
# per parameter of a parameterised case. Skips on a kernel without KUnit
# (Debian's) or without vmbnet_kunit.ko.
source "$(dirname "$0")/lib.sh"
require_root

KUNIT_DEBUGFS=/sys/kernel/debug/kunit
# Its cases only report results: nothing to clean up after each (which on
# the debug kernel would take longer than all of them).
KSFT_CLEANUP=0

# Elsewhere a skip; on the debug kernel, which is built for this, a failure.
skip_all() {
	if [ "${VMBNET_DEBUG_KERNEL:-0}" = 1 ]; then
		echo "not ok 1 KUnit on the debug kernel: $*"
		echo "1..1"
		exit $KSFT_FAIL
	fi
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# kunit_result STATUS SKIP_REASON DIAGNOSTICS: one case's verdict, as KUnit
# gave it; a failure shows KUnit's diagnostics (failed expectations).
kunit_result() {
	if [ "$1" != ok ]; then
		[ -z "$3" ] || printf '%s\n' "$3"
		return 1
	fi
	if [ -n "$2" ]; then
		echo "$2"
		return $KSFT_SKIP
	fi
	return 0
}

# parse_ktap SUITE: reads one suite's KTAP (as debugfs shows it) on stdin and
# prints a record per result, fields separated by \037 (ASCII US: tabs are
# whitespace to `read`, which would merge empty fields):
#	case NAME STATUS SKIP_REASON DIAGNOSTICS
#	param NAME STATUS DESCRIPTION DIAGNOSTICS
#	plan N		(the suite's number of cases)
#	suite STATUS
#	incomplete NAME	(fewer parameter results than its stats line counts)
# with the diagnostic lines (the case's log lines before its result) joined
# by "\n" (a backslash and an n).
parse_ktap() {
	awk -v suite="$1" '
	function flush(kind, name, status, extra) {
		printf "%s\037%s\037%s\037%s\037%s\n", kind, name, status, extra, diag
		diag = ""
	}
	{ sub(/\r$/, "") }
	/^    1\.\.[0-9]+$/ && !planned { planned = 1; print "plan\037" substr($0, 8); next }
	/^ *KTAP version / || /^ *# Subtest: / || /^ *1\.\.[0-9]+$/ { next }
	match($0, /^        (ok|not ok) [0-9]+ /) {
		st = ($0 ~ /^        ok /) ? "ok" : "not ok"
		flush("param", "", st, substr($0, RLENGTH + 1))
		nparams++
		next
	}
	# The stats line of a case ("# name: pass:2 fail:0 skip:0 total:2")
	# counts its parameters; 6.1 clears the debugfs log of a case before
	# each parameter.
	/^    # [^ ]+: pass:[0-9]+ fail:[0-9]+ skip:[0-9]+ total:[0-9]+$/ {
		total = $NF
		sub(/^total:/, "", total)
		if (nparams > 0 && nparams < total + 0) {
			name = $2
			sub(/:$/, "", name)
			print "incomplete\037" name
		}
		next
	}
	match($0, /^    (ok|not ok) [0-9]+ /) {
		st = ($0 ~ /^    ok /) ? "ok" : "not ok"
		rest = substr($0, RLENGTH + 1)
		name = rest
		skip = ""
		if ((i = index(rest, " # SKIP")) > 0) {
			name = substr(rest, 1, i - 1)
			skip = substr(rest, i + 7)
			sub(/^ /, "", skip)
			if (skip == "") skip = "skipped by KUnit"
		}
		flush("case", name, st, skip)
		nparams = 0
		next
	}
	$0 ~ "^(ok|not ok) [0-9]+ " suite "( |$)" {
		print "suite\037" (($0 ~ /^ok /) ? "ok" : "not ok")
		next
	}
	{
		line = $0
		sub(/^ +/, "", line)
		diag = diag (diag == "" ? "" : "\\n") line
	}'
}

# The same suite's KTAP from the kernel log, for when its debugfs copy is
# incomplete (in 6.1 a case's log holds 512 bytes and only its last
# parameter): from its "# Subtest:" line to its own result line, without the
# printk time stamps; the last such run if there were several.
ktap_from_dmesg() {
	dmesg | sed -E 's/^\[ *[0-9]+\.[0-9]+\] ?//' |
		awk -v suite="$1" '
		$0 == "    # Subtest: " suite { on = 1; buf = "" }
		on { buf = buf $0 "\n" }
		on && $0 ~ "^(ok|not ok) [0-9]+ " suite "( |$)" { on = 0; last = buf }
		END { printf "%s", last }'
}

# report_suite SUITE FILE: runs (as TAP cases) the results in FILE, parsed;
# returns 1 if they are incomplete (fewer case results than planned).
report_suite() {
	local suite=$1 file=$2 kind name status extra diag plan=0 cases=0
	local -a params=()
	local records suite_status='' failed=0 p

	records=$(parse_ktap "$suite" <"$file")
	while IFS=$'\037' read -r kind name status extra diag; do
		[ "$kind" = plan ] && plan=$name
		[ "$kind" = case ] && cases=$((cases + 1))
		[ "$kind" = incomplete ] && return 1
	done <<<"$records"
	[ "$cases" -ge "$plan" ] && [ "$plan" -gt 0 ] || return 1

	while IFS=$'\037' read -r kind name status extra diag; do
		diag=${diag//\\n/$'\n'}
		case $kind in
		param)
			# Parameters come before their case's line, which names it.
			params+=("$status"$'\037'"$extra"$'\037'"$diag")
			;;
		case)
			if [ ${#params[@]} -gt 0 ]; then
				for p in "${params[@]}"; do
					IFS=$'\037' read -r -d '' status extra diag <<<"$p"
					diag=${diag%$'\n'}
					[ "$status" = ok ] || failed=1
					run_test "$suite: $name: ${extra//#/}" kunit_result "$status" "" "$diag"
				done
				params=()
			else
				[ "$status" = ok ] || failed=1
				run_test "$suite: $name" kunit_result "$status" "$extra" "$diag"
			fi
			;;
		suite) suite_status=$name ;;
		esac
	done <<<"$records"
	# A suite that failed outside its cases (suite_init) fails here.
	if [ "$suite_status" = "not ok" ] && [ $failed -eq 0 ]; then
		run_test "$suite: suite passed as a whole" kunit_result "not ok" "" \
			"$(cat "$file")"
	fi
	return 0
}

[ -d "$KUNIT_DEBUGFS" ] ||
	skip_all "kernel without KUnit debugfs (CONFIG_KUNIT): run under tools/vm/run --debug"
modinfo vmbnet_kunit >/dev/null 2>&1 ||
	skip_all "vmbnet_kunit.ko not installed (built only against a kernel with CONFIG_KUNIT)"

# Its suites run when it loads, so a module loaded already is reloaded.
modprobe -r vmbnet_kunit 2>/dev/null
if ! out=$(modprobe vmbnet_kunit 2>&1); then
	run_test "modprobe vmbnet_kunit" kunit_result "not ok" "" "$out"
	ksft_finish
fi

suites=$(cd "$KUNIT_DEBUGFS" && ls -d vmbnet_* 2>/dev/null)
[ -n "$suites" ] ||
	run_test "vmbnet_kunit registers vmbnet_* suites" kunit_result "not ok" "" \
		"no $KUNIT_DEBUGFS/vmbnet_* after modprobe vmbnet_kunit"
tmp=$(mktemp)
for suite in $suites; do
	cp "$KUNIT_DEBUGFS/$suite/results" "$tmp"
	report_suite "$suite" "$tmp" && continue
	ktap_from_dmesg "$suite" >"$tmp"
	report_suite "$suite" "$tmp" && continue
	run_test "$suite: complete results" kunit_result "not ok" "" \
		"$(cat "$KUNIT_DEBUGFS/$suite/results")"
done
rm -f "$tmp"
modprobe -r vmbnet_kunit
ksft_finish
