#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# /dev/vmbnet: every rule of ATTACH, QUEUE_FD and the queue descriptors.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

ip link add vmbcdev numtxqueues 4 numrxqueues 4 type vmbnet
ip link set vmbcdev up
vmbnet_cdev vmbcdev
rc=$?
ip link del vmbcdev
exit $rc
