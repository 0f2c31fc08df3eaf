// SPDX-License-Identifier: GPL-2.0
/* vmbnet: receive side scaling. The endpoint spreads the frames it
 * delivers over the queues in use with a Toeplitz hash and the table set
 * here (ethtool -x/-X, -n/-N rx-flow-hash); the device keeps its own copy
 * so that a new endpoint gets the same.
 */

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <kunit/visibility.h>

#include "vmbnet.h"

void vmbnet_rss_set_default_indir(struct vmbnet_rss *rss, unsigned int queues)
{
	unsigned int i;

	for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
		rss->indir[i] = ethtool_rxfh_indir_default(i, queues);
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_rss_set_default_indir);

void vmbnet_rss_init(struct vmbnet_priv *priv)
{
	netdev_rss_key_fill(priv->rss.key, sizeof(priv->rss.key));
	priv->rss.hash_types = VMBNET_HASH_ALL;
	priv->want_hash_types = VMBNET_HASH_ALL;
	vmbnet_rss_set_default_indir(&priv->rss, priv->num_queues);
}

/* The VMBNET_HASH_* bits for an ethtool flow type: its L3 bit, its L4 bit
 * (0 when the flow has no ports).
 */
static int vmbnet_rss_flow_bits(u32 flow_type, u32 *l3, u32 *l4)
{
	switch (flow_type) {
	case TCP_V4_FLOW:
		*l3 = VMBNET_HASH_IPV4;
		*l4 = VMBNET_HASH_TCP_IPV4;
		return 0;
	case UDP_V4_FLOW:
		*l3 = VMBNET_HASH_IPV4;
		*l4 = VMBNET_HASH_UDP_IPV4;
		return 0;
	case TCP_V6_FLOW:
		*l3 = VMBNET_HASH_IPV6;
		*l4 = VMBNET_HASH_TCP_IPV6;
		return 0;
	case UDP_V6_FLOW:
		*l3 = VMBNET_HASH_IPV6;
		*l4 = VMBNET_HASH_UDP_IPV6;
		return 0;
	case IPV4_FLOW:
		*l3 = VMBNET_HASH_IPV4;
		*l4 = 0;
		return 0;
	case IPV6_FLOW:
		*l3 = VMBNET_HASH_IPV6;
		*l4 = 0;
		return 0;
	default:
		return -EINVAL;
	}
}

#define VMBNET_RXH_L3	(RXH_IP_SRC | RXH_IP_DST)
#define VMBNET_RXH_L4	(RXH_L4_B_0_1 | RXH_L4_B_2_3)

/* ethtool -n rx-flow-hash: which fields hash_types makes the hash of. */
u64 vmbnet_rss_get_flow_hash(u32 hash_types, u32 flow_type)
{
	u32 l3, l4;

	if (vmbnet_rss_flow_bits(flow_type, &l3, &l4))
		return 0;
	if (l4 && (hash_types & l4))
		return VMBNET_RXH_L3 | VMBNET_RXH_L4;
	return hash_types & l3 ? VMBNET_RXH_L3 : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_rss_get_flow_hash);

/* ethtool -N rx-flow-hash: addresses and ports, addresses only, or (for
 * plain IP) nothing; the L3 bit is shared by the flows of its family, so
 * a TCP or UDP flow only turns its own L4 bit on or off.
 */
int vmbnet_rss_set_flow_hash(u32 *hash_types, u32 flow_type, u64 fields)
{
	u32 l3, l4;

	if (vmbnet_rss_flow_bits(flow_type, &l3, &l4))
		return -EINVAL;
	if (l4) {
		if (fields == (VMBNET_RXH_L3 | VMBNET_RXH_L4))
			*hash_types |= l3 | l4;
		else if (fields == VMBNET_RXH_L3)
			*hash_types = (*hash_types & ~l4) | l3;
		else
			return -EINVAL;
		return 0;
	}
	if (fields == VMBNET_RXH_L3)
		*hash_types |= l3;
	else if (!fields)
		*hash_types &= ~l3;
	else
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_rss_set_flow_hash);
