// SPDX-License-Identifier: GPL-2.0
/* vmbnet: ethtool operations. */

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "vmbnet.h"

/* The device's own counters come first: the control channel's, then
 * what went through the VF (enum vmbnet_vf_stat).
 */
static const char vmbnet_dev_stat_names[][ETH_GSTRING_LEN] = {
	"ctl_requests", "ctl_refused", "ctl_timeouts", "ctl_reverted",
	"ctl_bad_messages", "vf_rx_packets", "vf_rx_bytes", "vf_tx_packets",
	"vf_tx_bytes", "vf_tx_dropped",
};

#define VMBNET_DEV_STATS	ARRAY_SIZE(vmbnet_dev_stat_names)

/* Then per queue, in this order; totals over every queue first. */
static const char vmbnet_tx_stat_names[][ETH_GSTRING_LEN] = {
	"packets", "bytes", "dropped", "kicks", "ring_full", "detach_lost",
	"xdp_xmit", "xdp_xmit_errors",
};

static const char vmbnet_rx_stat_names[][ETH_GSTRING_LEN] = {
	"packets", "bytes", "dropped", "bad_header", "ring_errors",
	"length_errors", "polls", "empty_polls", "poll_0", "poll_1", "poll_2_3",
	"poll_4_7", "poll_8_15", "poll_16_31", "poll_32_63", "poll_64", "kicks",
	"detach_lost", "xdp_drop", "xdp_pass", "xdp_tx", "xdp_redirect",
	"xdp_aborted",
};

#define VMBNET_TX_STATS	ARRAY_SIZE(vmbnet_tx_stat_names)
#define VMBNET_RX_STATS	ARRAY_SIZE(vmbnet_rx_stat_names)
static_assert(VMBNET_TX_STATS + VMBNET_RX_STATS == VMBNET_Q_STATS);

static void vmbnet_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	struct vmbnet_endpoint *ep;
	u32 version;

	strscpy(info->driver, VMBNET_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, VMBNET_DRV_VERSION, sizeof(info->version));
	snprintf(info->bus_info, sizeof(info->bus_info), "%s.%d",
		 VMBNET_DRV_NAME, priv->id);
	/* A virtual device's "firmware" is its endpoint: its kind and the
	 * protocol version agreed with it ("user v1"), or "none".
	 */
	rcu_read_lock();
	ep = rcu_dereference(priv->ep);
	if (ep) {
		spin_lock_bh(&priv->ctl.lock);
		version = vmbnet_ready(priv) ?
			  vmbnet_ctl_version(&priv->ctl.offer) : 0;
		spin_unlock_bh(&priv->ctl.lock);
		if (version)
			snprintf(info->fw_version, sizeof(info->fw_version),
				 "%s v%u", ep->ops->name, version);
		else
			snprintf(info->fw_version, sizeof(info->fw_version),
				 "%s (not agreed)", ep->ops->name);
	} else {
		strscpy(info->fw_version, "none", sizeof(info->fw_version));
	}
	rcu_read_unlock();
}

static int vmbnet_get_sset_count(struct net_device *dev, int sset)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return VMBNET_DEV_STATS + (1 + priv->max_queues) * VMBNET_Q_STATS;
}

static void vmbnet_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < VMBNET_DEV_STATS; i++)
		ethtool_sprintf(&data, "%s", vmbnet_dev_stat_names[i]);
	for (i = 0; i < VMBNET_TX_STATS; i++)
		ethtool_sprintf(&data, "tx_%s", vmbnet_tx_stat_names[i]);
	for (i = 0; i < VMBNET_RX_STATS; i++)
		ethtool_sprintf(&data, "rx_%s", vmbnet_rx_stat_names[i]);
	for (q = 0; q < priv->max_queues; q++) {
		for (i = 0; i < VMBNET_TX_STATS; i++)
			ethtool_sprintf(&data, "tx_queue_%u_%s", q,
					vmbnet_tx_stat_names[i]);
		for (i = 0; i < VMBNET_RX_STATS; i++)
			ethtool_sprintf(&data, "rx_queue_%u_%s", q,
					vmbnet_rx_stat_names[i]);
	}
}

/* One queue's counters, in the order of the name tables. */
void vmbnet_queue_stats(const struct vmbnet_queue *q, u64 *out)
{
	const struct vmbnet_tx_stats *ts = &q->tx_stats;
	const struct vmbnet_rx_stats *rs = &q->rx_stats;
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&ts->syncp);
		out[VMBNET_STAT_TX_PACKETS] = u64_stats_read(&ts->packets);
		out[VMBNET_STAT_TX_BYTES] = u64_stats_read(&ts->bytes);
		out[VMBNET_STAT_TX_DROPPED] = u64_stats_read(&ts->dropped);
		out[VMBNET_STAT_TX_KICKS] = u64_stats_read(&ts->kicks);
		out[VMBNET_STAT_TX_RING_FULL] = u64_stats_read(&ts->ring_full);
		out[VMBNET_STAT_TX_DETACH_LOST] = u64_stats_read(&ts->detach_lost);
		out[VMBNET_STAT_TX_XDP_XMIT] = u64_stats_read(&ts->xdp_xmit);
		out[VMBNET_STAT_TX_XDP_XMIT_ERRORS] = u64_stats_read(&ts->xdp_xmit_errors);
	} while (u64_stats_fetch_retry(&ts->syncp, start));
	do {
		start = u64_stats_fetch_begin(&rs->syncp);
		out[VMBNET_STAT_RX_PACKETS] = u64_stats_read(&rs->packets);
		out[VMBNET_STAT_RX_BYTES] = u64_stats_read(&rs->bytes);
		out[VMBNET_STAT_RX_DROPPED] = u64_stats_read(&rs->dropped);
		out[VMBNET_STAT_RX_BAD_HEADER] = u64_stats_read(&rs->bad_header);
		out[VMBNET_STAT_RX_RING_ERRORS] = u64_stats_read(&rs->ring_errors);
		out[VMBNET_STAT_RX_LENGTH_ERRORS] = u64_stats_read(&rs->length_errors);
		out[VMBNET_STAT_RX_POLLS] = u64_stats_read(&rs->polls);
		out[VMBNET_STAT_RX_EMPTY_POLLS] = u64_stats_read(&rs->empty_polls);
		for (i = 0; i < VMBNET_POLL_BUCKETS; i++)
			out[VMBNET_STAT_RX_POLL_FRAMES + i] =
				u64_stats_read(&rs->poll_frames[i]);
		out[VMBNET_STAT_RX_KICKS] = u64_stats_read(&rs->kicks);
		out[VMBNET_STAT_RX_DETACH_LOST] = u64_stats_read(&rs->detach_lost);
		out[VMBNET_STAT_RX_XDP_DROP] = u64_stats_read(&rs->xdp_drop);
		out[VMBNET_STAT_RX_XDP_PASS] = u64_stats_read(&rs->xdp_pass);
		out[VMBNET_STAT_RX_XDP_TX] = u64_stats_read(&rs->xdp_tx);
		out[VMBNET_STAT_RX_XDP_REDIRECT] = u64_stats_read(&rs->xdp_redirect);
		out[VMBNET_STAT_RX_XDP_ABORTED] = u64_stats_read(&rs->xdp_aborted);
	} while (u64_stats_fetch_retry(&rs->syncp, start));
}

static void vmbnet_get_ethtool_stats(struct net_device *dev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	u64 *totals = data + VMBNET_DEV_STATS, *per_queue = totals + VMBNET_Q_STATS;
	struct vmbnet_ctl *ctl = &priv->ctl;
	unsigned int q, i;

	*data++ = atomic64_read(&ctl->requests);
	*data++ = atomic64_read(&ctl->refused);
	*data++ = atomic64_read(&ctl->timeouts);
	*data++ = atomic64_read(&ctl->reverted);
	*data++ = atomic64_read(&ctl->bad);
	vmbnet_vf_stats(priv, data);
	data += VMBNET_VF_STATS;

	memset(totals, 0, VMBNET_Q_STATS * sizeof(*totals));
	for (q = 0; q < priv->max_queues; q++) {
		u64 *mine = per_queue + q * VMBNET_Q_STATS;

		vmbnet_queue_stats(&priv->queues[q], mine);
		for (i = 0; i < VMBNET_Q_STATS; i++)
			totals[i] += mine[i];
	}
}

static void vmbnet_get_channels(struct net_device *dev,
				struct ethtool_channels *ch)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	ch->max_combined = vmbnet_queues_max(priv);
	ch->combined_count = priv->num_queues;
}

/* The endpoint agrees first; the queues restart, addresses and routes stay.
 * Queues whose rings the transport has yet to bring are used when they come.
 */
static int vmbnet_set_channels(struct net_device *dev,
			       struct ethtool_channels *ch)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	unsigned int n = ch->combined_count, old = priv->want_queues;
	int err;

	if (ch->rx_count || ch->tx_count || ch->other_count)
		return -EINVAL;
	if (n < 1 || n > vmbnet_queues_max(priv))
		return -EINVAL;
	if (n != vmbnet_queues_wanted(priv)) {
		err = vmbnet_ctl_set_value(priv, VMBNET_CFG_QUEUES, n);
		if (err)
			return err;
	}
	priv->want_queues = n;
	err = vmbnet_queues_apply(priv);
	if (err)
		priv->want_queues = old;
	return err;
}

/* The attached rings' size, or the next attach's. */
static u32 vmbnet_ring_size(struct vmbnet_priv *priv)
{
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);

	return ep ? ep->ring_size : priv->ring_size;
}

/* Ring sizes are in KiB of ring data, the same both ways. */
static void vmbnet_get_ringparam(struct net_device *dev,
				 struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	u32 size = vmbnet_ring_size(netdev_priv(dev));

	ring->rx_max_pending = VMBNET_RING_SIZE_MAX >> 10;
	ring->tx_max_pending = VMBNET_RING_SIZE_MAX >> 10;
	ring->rx_pending = size >> 10;
	ring->tx_pending = size >> 10;
}

/* New rings mean a new channel: the endpoint is let go, and attaches again
 * (vmbnet-endpoint does) to rings of the new size.
 */
static int vmbnet_set_ringparam(struct net_device *dev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	u32 cur = vmbnet_ring_size(priv) >> 10;
	u32 kib = ring->rx_pending != cur ? ring->rx_pending : ring->tx_pending;

	if (ring->rx_pending != cur && ring->tx_pending != cur &&
	    ring->rx_pending != ring->tx_pending) {
		NL_SET_ERR_MSG_MOD(extack, "rx and tx rings are the same size");
		return -EINVAL;
	}
	/* The core keeps kib within the maximum -g reports. */
	if (!vmbnet_ring_size_valid(kib << 10)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "ring size must be a power of two from 64 to 16384 KiB");
		return -EINVAL;
	}
	WRITE_ONCE(priv->ring_size, kib << 10);
	if (kib != cur && rtnl_dereference(priv->ep)) {
		netdev_info(dev, "new %u KiB rings: the endpoint must attach again\n",
			    kib);
		vmbnet_detach_locked(priv, true);
	}
	return 0;
}

static int vmbnet_get_link_ksettings(struct net_device *dev,
				     struct ethtool_link_ksettings *cmd)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	spin_lock_bh(&priv->ctl.lock);
	cmd->base.speed = priv->ctl.speed;
	cmd->base.duplex = priv->ctl.duplex;
	spin_unlock_bh(&priv->ctl.lock);
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static u32 vmbnet_get_msglevel(struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	return priv->msg_enable;
}

static void vmbnet_set_msglevel(struct net_device *dev, u32 level)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	priv->msg_enable = level;
}

static u32 vmbnet_get_rxfh_key_size(struct net_device *dev)
{
	return VMBNET_RSS_KEY_SIZE;
}

static u32 vmbnet_get_rxfh_indir_size(struct net_device *dev)
{
	return VMBNET_RSS_INDIR_SIZE;
}

/* An endpoint that did not offer RSS has nothing to set. */
static bool vmbnet_rss_usable(const struct vmbnet_priv *priv)
{
	return !vmbnet_ready(priv) || (priv->features & BIT_ULL(VMBNET_F_RSS));
}

static void vmbnet_rxfh_get(struct vmbnet_priv *priv, u32 *indir, u8 *key,
			    u8 *hfunc)
{
	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	if (indir)
		memcpy(indir, priv->rss.indir, sizeof(priv->rss.indir));
	if (key)
		memcpy(key, priv->rss.key, sizeof(priv->rss.key));
}

static int vmbnet_rxfh_set(struct vmbnet_priv *priv, const u32 *indir,
			   const u8 *key, u8 hfunc)
{
	struct vmbnet_rss rss = priv->rss;
	int err;

	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP)
		return -EOPNOTSUPP;
	if (!vmbnet_rss_usable(priv))
		return -EOPNOTSUPP;
	if (indir)
		memcpy(rss.indir, indir, sizeof(rss.indir));
	if (key)
		memcpy(rss.key, key, sizeof(rss.key));
	err = vmbnet_ctl_set_rss(priv, &rss);
	if (!err)
		priv->rss = rss;
	return err;
}

#ifdef VMBNET_HAVE_RXFH_PARAM
static int vmbnet_get_rxfh(struct net_device *dev,
			   struct ethtool_rxfh_param *rxfh)
{
	vmbnet_rxfh_get(netdev_priv(dev), rxfh->indir, rxfh->key, &rxfh->hfunc);
	return 0;
}

static int vmbnet_set_rxfh(struct net_device *dev,
			   struct ethtool_rxfh_param *rxfh,
			   struct netlink_ext_ack *extack)
{
	return vmbnet_rxfh_set(netdev_priv(dev), rxfh->indir, rxfh->key,
			       rxfh->hfunc);
}
#else
static int vmbnet_get_rxfh(struct net_device *dev, u32 *indir, u8 *key,
			   u8 *hfunc)
{
	vmbnet_rxfh_get(netdev_priv(dev), indir, key, hfunc);
	return 0;
}

static int vmbnet_set_rxfh(struct net_device *dev, const u32 *indir,
			   const u8 *key, const u8 hfunc)
{
	return vmbnet_rxfh_set(netdev_priv(dev), indir, key, hfunc);
}
#endif

static int vmbnet_rxfh_fields_get(struct vmbnet_priv *priv, u32 flow_type,
				  u64 *data)
{
	*data = vmbnet_rss_get_flow_hash(priv->rss.hash_types, flow_type);
	return 0;
}

static int vmbnet_rxfh_fields_set(struct vmbnet_priv *priv, u32 flow_type,
				  u64 data)
{
	struct vmbnet_rss rss = priv->rss;
	u32 offered = VMBNET_HASH_ALL;
	int err;

	if (!vmbnet_rss_usable(priv))
		return -EOPNOTSUPP;
	err = vmbnet_rss_set_flow_hash(&rss.hash_types, flow_type, data);
	if (err)
		return err;
	if (vmbnet_ready(priv))
		offered = le32_to_cpu(priv->ctl.offer.rss_hash_types);
	if (rss.hash_types & ~offered)
		return -EOPNOTSUPP;
	err = vmbnet_ctl_set_rss(priv, &rss);
	if (!err) {
		priv->rss = rss;
		priv->want_hash_types = rss.hash_types;
	}
	return err;
}

static int vmbnet_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info,
			    u32 *rule_locs)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	switch (info->cmd) {
	case ETHTOOL_GRXRINGS:
		info->data = priv->num_queues;
		return 0;
#ifndef VMBNET_HAVE_RXFH_FIELDS
	case ETHTOOL_GRXFH:
		return vmbnet_rxfh_fields_get(priv, info->flow_type, &info->data);
#endif
	default:
		return -EOPNOTSUPP;
	}
}

#ifdef VMBNET_HAVE_RXFH_FIELDS
static int vmbnet_get_rxfh_fields(struct net_device *dev,
				  struct ethtool_rxfh_fields *f)
{
	u64 data;
	int err = vmbnet_rxfh_fields_get(netdev_priv(dev), f->flow_type, &data);

	f->data = data;
	return err;
}

static int vmbnet_set_rxfh_fields(struct net_device *dev,
				  const struct ethtool_rxfh_fields *f,
				  struct netlink_ext_ack *extack)
{
	return vmbnet_rxfh_fields_set(netdev_priv(dev), f->flow_type, f->data);
}
#else
static int vmbnet_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info)
{
	if (info->cmd != ETHTOOL_SRXFH)
		return -EOPNOTSUPP;
	return vmbnet_rxfh_fields_set(netdev_priv(dev), info->flow_type,
				      info->data);
}
#endif

const struct ethtool_ops vmbnet_ethtool_ops = {
	.get_drvinfo		= vmbnet_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_link_ksettings	= vmbnet_get_link_ksettings,
	.get_msglevel		= vmbnet_get_msglevel,
	.set_msglevel		= vmbnet_set_msglevel,
	.get_sset_count		= vmbnet_get_sset_count,
	.get_strings		= vmbnet_get_strings,
	.get_ethtool_stats	= vmbnet_get_ethtool_stats,
	.get_channels		= vmbnet_get_channels,
	.set_channels		= vmbnet_set_channels,
	.get_ringparam		= vmbnet_get_ringparam,
	.set_ringparam		= vmbnet_set_ringparam,
	.get_rxfh_key_size	= vmbnet_get_rxfh_key_size,
	.get_rxfh_indir_size	= vmbnet_get_rxfh_indir_size,
	.get_rxfh		= vmbnet_get_rxfh,
	.set_rxfh		= vmbnet_set_rxfh,
	.get_rxnfc		= vmbnet_get_rxnfc,
#ifdef VMBNET_HAVE_RXFH_FIELDS
	.get_rxfh_fields	= vmbnet_get_rxfh_fields,
	.set_rxfh_fields	= vmbnet_set_rxfh_fields,
#else
	.set_rxnfc		= vmbnet_set_rxnfc,
#endif
};
