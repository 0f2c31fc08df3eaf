// SPDX-License-Identifier: GPL-2.0
/* vmbnet: /sys/class/net/<if>/vmbnet/ */

#include <linux/device.h>
#include <linux/capability.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>
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

/* The path tx takes: "vf" while the user chose it and the VF is up. */
static ssize_t data_path_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	struct vmbnet_priv *priv = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%s\n", READ_ONCE(priv->vf_path) ? "vf" : "synthetic");
}

static ssize_t data_path_store(struct device *d, struct device_attribute *attr,
			       const char *buf, size_t len)
{
	struct net_device *dev = to_net_dev(d);
	bool vf;
	int err;

	if (!ns_capable(dev_net(dev)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (sysfs_streq(buf, "vf"))
		vf = true;
	else if (sysfs_streq(buf, "synthetic"))
		vf = false;
	else
		return -EINVAL;
	/* As net-sysfs does: never sleep on RTNL under the sysfs lock. */
	if (!rtnl_trylock())
		return restart_syscall();
	err = vmbnet_vf_set_path(netdev_priv(dev), vf);
	rtnl_unlock();
	return err ?: len;
}
static DEVICE_ATTR_RW(data_path);

static struct attribute *vmbnet_sysfs_attrs[] = {
	&dev_attr_endpoint.attr,
	&dev_attr_data_path.attr,
	NULL,
};

const struct attribute_group vmbnet_sysfs_group = {
	.name	= "vmbnet",
	.attrs	= vmbnet_sysfs_attrs,
};
EXPORT_SYMBOL_IF_KUNIT(vmbnet_sysfs_group);
