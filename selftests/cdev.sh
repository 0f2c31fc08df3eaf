#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# /dev/vmbnet: every rule of ATTACH, QUEUE_FD and the queue descriptors.
source "$(dirname "$0")/lib.sh"
require_root
modprobe vmbnet || { echo "1..0 # SKIP vmbnet.ko not installed"; exit $KSFT_SKIP; }

ip link add vmbcdev numtxqueues 4 numrxqueues 4 type vmbnet
ip link set vmbcdev up
# vmbnet_cdev deletes this one under its endpoint.
ip link add vmbcdel numtxqueues 2 numrxqueues 2 type vmbnet
ip link set vmbcdel up
vmbnet_cdev vmbcdev vmbcdel
rc=$?
ip link del vmbcdev
ip link del vmbcdel 2>/dev/null
exit $rc
