// SPDX-License-Identifier: GPL-2.0
/* Prints the /dev/vmbnet interface version as "MAJOR.MINOR". */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmbnet.h"

int main(void)
{
	struct vmbnet_version ver;
	int fd, err;

	fd = vmbnet_open();
	if (fd < 0) {
		fprintf(stderr, "vmbnet_version: %s: %s\n", VMBNET_DEV_PATH, strerror(-fd));
		return 1;
	}
	err = vmbnet_get_version(fd, &ver);
	close(fd);
	if (err) {
		fprintf(stderr, "vmbnet_version: VERSION ioctl: %s\n", strerror(-err));
		return 1;
	}
	printf("%u.%u\n", ver.major, ver.minor);
	return 0;
}
