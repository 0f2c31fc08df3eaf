/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmbnet: user-space side of /dev/vmbnet.
 *
 * Functions return 0 (or a non-negative value) on success and a negative
 * errno on failure; they never print.
 */
#ifndef _LIBVMBNET_H
#define _LIBVMBNET_H

#include <linux/vmbnet.h>

#define VMBNET_DEV_PATH "/dev/vmbnet"

/* Opens /dev/vmbnet; returns the descriptor. */
int vmbnet_open(void);

/* The interface version the loaded driver speaks. */
int vmbnet_get_version(int fd, struct vmbnet_version *ver);

#endif /* _LIBVMBNET_H */
