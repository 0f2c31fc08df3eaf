// SPDX-License-Identifier: GPL-2.0
/* libvmbnet: user-space side of /dev/vmbnet. */

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmbnet.h"

int vmbnet_open(void)
{
	int fd = open(VMBNET_DEV_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vmbnet_get_version(int fd, struct vmbnet_version *ver)
{
	return ioctl(fd, VMBNET_IOC_VERSION, ver) < 0 ? -errno : 0;
}
