// SPDX-License-Identifier: GPL-2.0
/* vmbnet: ethtool operations. */

#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "vmbnet.h"

/* Per queue, in this order; totals over every queue come first. */
static const char vmbnet_tx_stat_names[][ETH_GSTRING_LEN] = {
	"packets", "bytes", "dropped", "kicks", "ring_full",
};

static const char vmbnet_rx_stat_names[][ETH_GSTRING_LEN] = {
	"packets", "bytes", "dropped", "bad_header", "ring_errors",
	"length_errors", "polls",
};

#define VMBNET_TX_STATS	ARRAY_SIZE(vmbnet_tx_stat_names)
#define VMBNET_RX_STATS	ARRAY_SIZE(vmbnet_rx_stat_names)
static_assert(VMBNET_TX_STATS + VMBNET_RX_STATS == VMBNET_Q_STATS);

static void vmbnet_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	strscpy(info->driver, VMBNET_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, VMBNET_DRV_VERSION, sizeof(info->version));
	snprintf(info->bus_info, sizeof(info->bus_info), "%s.%d",
		 VMBNET_DRV_NAME, priv->id);
}

static int vmbnet_get_sset_count(struct net_device *dev, int sset)
{
	struct vmbnet_priv *priv = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return (1 + priv->max_queues) * VMBNET_Q_STATS;
}

static void vmbnet_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
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
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&ts->syncp);
		out[VMBNET_STAT_TX_PACKETS] = u64_stats_read(&ts->packets);
		out[VMBNET_STAT_TX_BYTES] = u64_stats_read(&ts->bytes);
		out[VMBNET_STAT_TX_DROPPED] = u64_stats_read(&ts->dropped);
		out[VMBNET_STAT_TX_KICKS] = u64_stats_read(&ts->kicks);
		out[VMBNET_STAT_TX_RING_FULL] = u64_stats_read(&ts->ring_full);
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
	} while (u64_stats_fetch_retry(&rs->syncp, start));
}

static void vmbnet_get_ethtool_stats(struct net_device *dev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	u64 *totals = data, *per_queue = data + VMBNET_Q_STATS;
	unsigned int q, i;

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

	ch->max_combined = priv->max_queues;
	ch->combined_count = dev->real_num_tx_queues;
}

const struct ethtool_ops vmbnet_ethtool_ops = {
	.get_drvinfo		= vmbnet_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= vmbnet_get_sset_count,
	.get_strings		= vmbnet_get_strings,
	.get_ethtool_stats	= vmbnet_get_ethtool_stats,
	.get_channels		= vmbnet_get_channels,
};
