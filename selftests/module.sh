#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vmbnet.ko: loading, unloading, /dev/vmbnet, and rmmod with devices present.
source "$(dirname "$0")/lib.sh"
require_root

unload() {
	cleanup
	if lsmod | grep -q '^vmbnet_hv '; then
		rmmod vmbnet_hv
	fi
	if lsmod | grep -q '^vmbnet '; then
		rmmod vmbnet
	fi
	return 0
}

load_unload_loop() {
	local i

	unload
	for i in $(seq 1 "$(repeats 20)"); do
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

	for i in $(seq 1 "$(repeats 5)"); do
		modprobe vmbnet
		ip link add "vmbtest$i" numtxqueues 8 numrxqueues 8 type vmbnet
		ip link set "vmbtest$i" up
		ip addr add 192.0.2.1/24 dev "vmbtest$i"
		rmmod vmbnet
	done
}

# vmbnet_hv.ko: the VMBus transport, a module of its own.
hv_module_info() {
	local info

	info=$(modinfo vmbnet_hv) || fail "no vmbnet_hv.ko"
	echo "$info"
	echo "$info" | grep -qx 'depends: *hv_vmbus,vmbnet' || fail "depends is not hv_vmbus,vmbnet"
	echo "$info" | grep -qx 'import_ns: *VMBNET' || fail "does not import VMBNET"
	echo "$info" | grep -qE '^alias: *vmbus:[0-9a-f]{32}$' || fail "no vmbus: alias"
	# vmbnet itself loads on any machine.
	case ",$(modinfo -F depends vmbnet)," in
	*,hv_vmbus,*) fail "vmbnet.ko depends on hv_vmbus" ;;
	esac
}

# No Hyper-V here: hv_vmbus, and so vmbnet_hv, refuse to load. That must
# be a clean error (the runner fails on any kernel report), and vmbnet
# must work on.
hv_module_without_hyperv() {
	unload
	! modprobe vmbnet_hv 2>/dev/null || fail "vmbnet_hv loaded without Hyper-V"
	lsmod | grep -q '^vmbnet_hv ' && fail "vmbnet_hv is loaded"
	modprobe vmbnet
	ip link add vmbtest0 type vmbnet
	ip link set vmbtest0 up
	expect_eq "endpoint" none "$(cat /sys/class/net/vmbtest0/vmbnet/endpoint)"
}

run_test "load/unload $(repeats 20) times" load_unload_loop
run_test_nodebug "/dev/vmbnet is a char device, mode 0600" miscdev_mode
run_test_nodebug "VERSION ioctl reports the uapi version" version_ioctl
run_test_nodebug "ip link add type vmbnet loads the module" autoload_on_link_add
run_test "rmmod with devices present, in two netns" rmmod_with_devices
run_test "load, add, up, address, rmmod x$(repeats 5)" loop_with_devices
run_test_nodebug "vmbnet_hv.ko: depends on hv_vmbus and vmbnet, imports VMBNET, vmbus alias" hv_module_info
run_test "vmbnet_hv without Hyper-V: a clean refusal, vmbnet unharmed" hv_module_without_hyperv
unload
ksft_finish
