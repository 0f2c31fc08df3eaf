// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet: transmit. Each skb is copied into the outbound ring behind a
 * message header and its virtio_net_hdr, and freed at once: the ring is
 * the device's memory. BQL counts ring bytes, completed when the endpoint
 * moves its read index. A queue stops while the ring could not take the
 * largest frame, and asks (pending_send_sz) to be kicked when it can.
 */

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

#include "vmbnet.h"

#define VMBNET_TX_HDRS	(sizeof(struct vmbnet_msg_hdr) + \
			 sizeof(struct virtio_net_hdr_mrg_rxbuf))

void vmbnet_signal(struct vmbnet_queue *q)
{
	struct vmbnet_tx_stats *ts = &q->tx_stats;

	q->ep->ops->signal(q->ep, q->index);
	u64_stats_update_begin(&ts->syncp);
	u64_stats_inc(&ts->kicks);
	u64_stats_update_end(&ts->syncp);
}

static void vmbnet_tx_drop(struct vmbnet_queue *q, struct sk_buff *skb)
{
	struct vmbnet_tx_stats *ts = &q->tx_stats;

	u64_stats_update_begin(&ts->syncp);
	u64_stats_inc(&ts->dropped);
	u64_stats_update_end(&ts->syncp);
	dev_kfree_skb_any(skb);
}

/* Stop before the ring is too full for the largest frame. */
static void vmbnet_tx_maybe_stop(struct vmbnet_queue *q, struct netdev_queue *txq)
{
	u32 thresh = q->priv->tx_thresh, free;

	if (likely(vmbnet_ring_known_free(&q->tx) >= thresh))
		return;
	if (vmbnet_ring_free(&q->tx, &free) || free >= thresh)
		return;

	netif_tx_stop_queue(txq);
	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_inc(&q->tx_stats.ring_full);
	u64_stats_update_end(&q->tx_stats.syncp);
	vmbnet_ring_set_pending(&q->tx, thresh);
	/* The endpoint may have made room before it could see the request. */
	if (!vmbnet_ring_free(&q->tx, &free) && free >= thresh) {
		vmbnet_ring_set_pending(&q->tx, 0);
		netif_tx_start_queue(txq);
	}
}

netdev_tx_t vmbnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	u16 qid = skb_get_queue_mapping(skb);
	struct vmbnet_queue *q = &priv->queues[qid];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qid);
	u32 len = VMBNET_TX_HDRS + skb->len;
	struct virtio_net_hdr_mrg_rxbuf *vh;
	struct vmbnet_msg_hdr *mh;
	unsigned int bytes = skb->len;
	int err;

	if (unlikely(!READ_ONCE(priv->running) || READ_ONCE(q->broken) ||
		     skb->len > priv->max_frame))
		goto drop;

	mh = vmbnet_ring_reserve(&q->tx, len, &err);
	if (unlikely(!mh)) {
		if (err == -EPROTO)
			vmbnet_queue_broken(q, "outbound");
		goto drop;
	}
	vh = (void *)(mh + 1);
	if (unlikely(virtio_net_hdr_from_skb(skb, &vh->hdr, true, false, 0)))
		goto drop;
	vh->num_buffers = 0;
	mh->type = cpu_to_le16(VMBNET_MSG_DATA);
	mh->reserved = 0;
	mh->len = cpu_to_le32(sizeof(*vh) + skb->len);
	if (unlikely(skb_copy_bits(skb, 0, vh + 1, skb->len)))
		goto drop;
	vmbnet_ring_commit(&q->tx, len);

	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_inc(&q->tx_stats.packets);
	u64_stats_add(&q->tx_stats.bytes, bytes);
	u64_stats_update_end(&q->tx_stats.syncp);

	vmbnet_tx_maybe_stop(q, txq);
	/* One signal per batch: the stack tells us when more follow. */
	if (__netdev_tx_sent_queue(txq, vmbnet_ring_pkt_size(len),
				   netdev_xmit_more()) &&
	    vmbnet_ring_flush(&q->tx))
		vmbnet_signal(q);
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;

drop:
	vmbnet_tx_drop(q, skb);
	/* A batch may end with a drop: what went before still needs its signal. */
	if (READ_ONCE(priv->running) && !netdev_xmit_more() &&
	    vmbnet_ring_flush(&q->tx))
		vmbnet_signal(q);
	return NETDEV_TX_OK;
}

/* NAPI: what the endpoint consumed completes BQL and may wake the queue. */
void vmbnet_tx_complete(struct vmbnet_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->priv->dev, q->index);
	u32 bytes, free;

	if (vmbnet_ring_reclaim(&q->tx, &q->tx_done, &bytes, &free)) {
		vmbnet_queue_broken(q, "outbound");
		return;
	}
	if (bytes)
		netdev_tx_completed_queue(txq, 0, bytes);
	if (unlikely(netif_tx_queue_stopped(txq)) && free >= q->priv->tx_thresh) {
		/* Withdraw the request first: the woken writer may set it anew. */
		vmbnet_ring_set_pending(&q->tx, 0);
		netif_tx_wake_queue(txq);
	}
}
