// SPDX-License-Identifier: GPL-2.0
/* vmbnet_hv's channel code, as vmbnet_hv.ko has it, for transport_test.c:
 * one object may not be linked into two modules.
 */
#include "../hv_channel.c"
