#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vmbnet.ko: loading, unloading, /dev/vmbnet, and rmmod with devices present.
source "$(dirname "$0")/lib.sh"
require_root

unload() {
	cleanup
	if lsmod | grep -q '^vmbnet '; then
		rmmod vmbnet
	fi
	return 0
}

load_unload_loop() {
	local i

	unload
	for i in $(seq 1 20); do
		modprobe vmbnet
		[ -c /dev/vmbnet ] || fail "no /dev/vmbnet after load $i"
		rmmod vmbnet
		[ ! -e /dev/vmbnet ] || fail "/dev/vmbnet left after unload $i"
	done
}

miscdev_mode() {
	modprobe vmbnet
	expect_eq "type and mode" "character special file 600" \
		"$(stat -c '%F %a' /dev/vmbnet)"
}

# The version include/uapi/linux/vmbnet.h promises, as MAJOR.MINOR.
uapi_version() {
	awk '$2 == "VMBNET_API_MAJOR" { ma = $3 } $2 == "VMBNET_API_MINOR" { mi = $3 }
	     END { print ma "." mi }' "$(dirname "$0")/../include/uapi/linux/vmbnet.h"
}

version_ioctl() {
	modprobe vmbnet
	expect_eq "VERSION ioctl" "$(uapi_version)" "$(vmbnet_version)"
}

autoload_on_link_add() {
	unload
	ip link add vmbtest type vmbnet
	lsmod | grep -q '^vmbnet ' || fail "module not loaded by ip link add"
}

rmmod_with_devices() {
	modprobe vmbnet
	ip netns add other
	ip link add vmbtest0 type vmbnet
	ip link add vmbtest1 numtxqueues 4 numrxqueues 4 type vmbnet
	ip link set vmbtest1 up
	ip -n other link add vmbtest2 type vmbnet
	ip -n other link set vmbtest2 up
	rmmod vmbnet
	ip link show vmbtest0 2>/dev/null && fail "vmbtest0 survived rmmod"
	ip -n other link show vmbtest2 2>/dev/null && fail "vmbtest2 survived rmmod"
	modprobe vmbnet
	ip link add vmbtest0 type vmbnet
}

loop_with_devices() {
	local i

	for i in $(seq 1 5); do
		modprobe vmbnet
		ip link add "vmbtest$i" numtxqueues 8 numrxqueues 8 type vmbnet
		ip link set "vmbtest$i" up
		ip addr add 192.0.2.1/24 dev "vmbtest$i"
		rmmod vmbnet
	done
}

run_test "load/unload 20 times" load_unload_loop
run_test "/dev/vmbnet is a char device, mode 0600" miscdev_mode
run_test "VERSION ioctl reports the uapi version" version_ioctl
run_test "ip link add type vmbnet loads the module" autoload_on_link_add
run_test "rmmod with devices present, in two netns" rmmod_with_devices
run_test "load, add, up, address, rmmod x5" loop_with_devices
unload
ksft_finish
