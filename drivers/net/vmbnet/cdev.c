// SPDX-License-Identifier: GPL-2.0
/* vmbnet: /dev/vmbnet, through which a user-space process becomes an endpoint. */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <uapi/linux/vmbnet.h>

#include "vmbnet.h"

static long vmbnet_cdev_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case VMBNET_IOC_VERSION: {
		struct vmbnet_version ver = {
			.major = VMBNET_API_MAJOR,
			.minor = VMBNET_API_MINOR,
		};

		return copy_to_user(argp, &ver, sizeof(ver)) ? -EFAULT : 0;
	}
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmbnet_cdev_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= vmbnet_cdev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice vmbnet_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= VMBNET_DRV_NAME,
	.fops	= &vmbnet_cdev_fops,
	.mode	= 0600,
};

int vmbnet_cdev_init(void)
{
	int err = misc_register(&vmbnet_miscdev);

	if (err)
		pr_err("cannot register /dev/%s: %d\n", VMBNET_DRV_NAME, err);
	return err;
}

void vmbnet_cdev_exit(void)
{
	misc_deregister(&vmbnet_miscdev);
}
