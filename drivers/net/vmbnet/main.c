// SPDX-License-Identifier: GPL-2.0
/* vmbnet: a network device whose packets cross shared rings in the VMBus
 * ring format, each frame led by a virtio_net_hdr carrying its offloads.
 */

#include <linux/module.h>
#include <net/rtnetlink.h>

#include "vmbnet.h"

static int __init vmbnet_module_init(void)
{
	int err;

	err = rtnl_link_register(&vmbnet_link_ops);
	if (err)
		return err;

	err = vmbnet_vf_init();
	if (err)
		goto err_unregister_link;
	err = vmbnet_cdev_init();
	if (err)
		goto err_vf;
	return 0;

err_vf:
	vmbnet_vf_exit();
err_unregister_link:
	rtnl_link_unregister(&vmbnet_link_ops);
	return err;
}

static void __exit vmbnet_module_exit(void)
{
	vmbnet_cdev_exit();
	/* Deletes every vmbnet device still present: their VFs go free. */
	rtnl_link_unregister(&vmbnet_link_ops);
	vmbnet_vf_exit();
	vmbnet_ctl_exit();
}

module_init(vmbnet_module_init);
module_exit(vmbnet_module_exit);

MODULE_DESCRIPTION("Network device over VMBus-format shared rings");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMBNET_DRV_VERSION);
MODULE_ALIAS_RTNL_LINK(VMBNET_DRV_NAME);
