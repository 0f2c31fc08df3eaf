// SPDX-License-Identifier: GPL-2.0
/* vmbnet: /sys/class/net/<if>/vmbnet/ */

#include <linux/device.h>
#include <linux/netdevice.h>
#include <linux/sysfs.h>

#include "vmbnet.h"

const char *vmbnet_endpoint_name(enum vmbnet_endpoint_kind kind)
{
	switch (kind) {
	case VMBNET_ENDPOINT_NONE:
		return "none";
	case VMBNET_ENDPOINT_USER:
		return "user";
	}
	return "unknown";
}

static ssize_t endpoint_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	struct vmbnet_priv *priv = netdev_priv(to_net_dev(d));
	enum vmbnet_endpoint_kind kind = VMBNET_ENDPOINT_NONE;
	struct vmbnet_endpoint *ep;

	rcu_read_lock();
	ep = rcu_dereference(priv->ep);
	if (ep)
		kind = ep->kind;
	rcu_read_unlock();
	return sysfs_emit(buf, "%s\n", vmbnet_endpoint_name(kind));
}
static DEVICE_ATTR_RO(endpoint);

static struct attribute *vmbnet_sysfs_attrs[] = {
	&dev_attr_endpoint.attr,
	NULL,
};

const struct attribute_group vmbnet_sysfs_group = {
	.name	= "vmbnet",
	.attrs	= vmbnet_sysfs_attrs,
};
