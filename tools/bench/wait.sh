# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by the bench's guest scripts (guest.sh, lwip.sh, copy-bound.sh):
# waiting for a device, and what they read of one.

wait_for() {	# wait_for SECONDS CMD...: until CMD succeeds, or 1
	local end=$((SECONDS + $1))

	shift
	until "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.1
	done
}

# shellcheck disable=SC2317 # called through wait_for
has_carrier() {	# has_carrier NETNS DEV
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ]
}

dev_mac() {	# dev_mac NETNS DEV
	ip netns exec "$1" cat "/sys/class/net/$2/address"
}
