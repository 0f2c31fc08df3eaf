// SPDX-License-Identifier: GPL-2.0
/* vmbnet: ethtool operations. */

#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "vmbnet.h"

static void vmbnet_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	strscpy(info->driver, VMBNET_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, VMBNET_DRV_VERSION, sizeof(info->version));
	snprintf(info->bus_info, sizeof(info->bus_info), "%s.%d",
		 VMBNET_DRV_NAME, priv->id);
}

const struct ethtool_ops vmbnet_ethtool_ops = {
	.get_drvinfo	= vmbnet_get_drvinfo,
	.get_link	= ethtool_op_get_link,
};
