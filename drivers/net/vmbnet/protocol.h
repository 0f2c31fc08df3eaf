/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* vmbnet: the control protocol's rules, shared like ring.c with libvmbnet,
 * so that each side checks the other's messages the same way.
 */
#ifndef _VMBNET_PROTOCOL_H
#define _VMBNET_PROTOCOL_H

#include <linux/types.h>
#include <uapi/linux/vmbnet.h>

/* A frame (DATA, or DATA_HASH with the endpoint's hash); anything else is
 * a control message.
 */
static inline bool vmbnet_msg_is_data(u16 type)
{
	return type == VMBNET_MSG_DATA || type == VMBNET_MSG_DATA_HASH;
}

u32 vmbnet_ctl_size(u16 type);
int vmbnet_ctl_check(u16 type, const void *body, u32 len);
/* toeplitz.c: for endpoints and tests, not in vmbnet.ko. */
u32 vmbnet_toeplitz(const u8 *key, u32 key_len, const u8 *in, u32 len);

#endif /* _VMBNET_PROTOCOL_H */
