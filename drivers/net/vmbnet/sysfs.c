// SPDX-License-Identifier: GPL-2.0
/* vmbnet: /sys/class/net/<if>/vmbnet/ */

#include <linux/device.h>
#include <linux/netdevice.h>
#include <linux/sysfs.h>
#include <kunit/visibility.h>

#include "vmbnet.h"

/* "none", or the endpoint's name and what it says of itself. */
static ssize_t endpoint_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	struct vmbnet_priv *priv = netdev_priv(to_net_dev(d));
	struct vmbnet_endpoint *ep;
	int len;

	rcu_read_lock();
	ep = rcu_dereference(priv->ep);
	if (!ep) {
		len = sysfs_emit(buf, "none");
	} else {
		len = sysfs_emit(buf, "%s", ep->ops->name);
		if (ep->ops->describe) {
			len += sysfs_emit_at(buf, len, " ");
			len += ep->ops->describe(ep, buf + len,
						 PAGE_SIZE - 1 - len);
		}
	}
	rcu_read_unlock();
	return len + sysfs_emit_at(buf, len, "\n");
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
EXPORT_SYMBOL_IF_KUNIT(vmbnet_sysfs_group);
