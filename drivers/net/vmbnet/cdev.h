/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet: /dev/vmbnet, the user endpoint's transport (cdev.c). */
#ifndef _VMBNET_CDEV_H
#define _VMBNET_CDEV_H

int vmbnet_cdev_init(void);
void vmbnet_cdev_exit(void);

#endif /* _VMBNET_CDEV_H */
