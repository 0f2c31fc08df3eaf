// SPDX-License-Identifier: GPL-2.0
/* vmbnet: transmit. Each skb is copied into the outbound ring behind a
 * message header and its virtio_net_hdr, and freed at once: the ring is
 * the device's memory. Ring space comes back only through NAPI, which sees
 * the endpoint's read index move, completes BQL (counted in ring bytes) and
 * wakes the queue. A stopped queue asks the endpoint, with pending_send_sz,
 * to kick it when there is progress to see.
 */

#include <linux/netdevice.h>
#include <linux/netpoll.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

#include "vmbnet.h"

#define VMBNET_TX_HDRS	(sizeof(struct vmbnet_msg_hdr) + \
			 sizeof(struct virtio_net_hdr_mrg_rxbuf))

/* Under the tx queue lock: tells the endpoint there are frames to read. */
void vmbnet_tx_signal(struct vmbnet_queue *q)
{
	struct vmbnet_tx_stats *ts = &q->tx_stats;

	vmbnet_signal(q);
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

/* The queue is stopped (ring too full for the largest frame, or BQL over
 * its limit) and only NAPI can wake it: ask the endpoint to kick us, when
 * there is room for the largest frame or, for BQL, at its next release
 * (free is the room we last saw). Returns true if it has moved on since
 * NAPI last looked: then no kick may come, and the caller runs NAPI.
 */
static bool vmbnet_tx_want_signal(struct vmbnet_queue *q,
				  struct netdev_queue *txq, u32 free)
{
	vmbnet_ring_set_pending(&q->tx, netif_tx_queue_stopped(txq) ?
				q->priv->tx_thresh : free);
	return vmbnet_ring_peer_moved(&q->tx);
}

/* Under the tx lock, after frames went into the ring: the queue stops
 * while the ring could not take the largest frame, and the endpoint hears
 * of the batch if kick, or if stopped (nothing else would tell it).
 */
void vmbnet_tx_batch_end(struct vmbnet_queue *q, struct netdev_queue *txq,
			 bool kick)
{
	if (unlikely(vmbnet_ring_known_free(&q->tx) < q->priv->tx_thresh)) {
		netif_tx_stop_queue(txq);
		u64_stats_update_begin(&q->tx_stats.syncp);
		u64_stats_inc(&q->tx_stats.ring_full);
		u64_stats_update_end(&q->tx_stats.syncp);
	}
	if (!kick && !netif_xmit_stopped(txq))
		return;
	if (vmbnet_ring_flush(&q->tx))
		vmbnet_tx_signal(q);
	if (unlikely(netif_xmit_stopped(txq)) &&
	    vmbnet_tx_want_signal(q, txq, vmbnet_ring_known_free(&q->tx)))
		napi_schedule(&q->napi);
}

/* Under the tx lock: one frame as it is, with no offload to describe (an
 * XDP program's). Counted for BQL before the endpoint can see it, as
 * ndo_start_xmit's; the caller ends the batch.
 */
int vmbnet_tx_frame(struct vmbnet_queue *q, struct netdev_queue *txq,
		    const void *data, u32 len)
{
	u32 size = VMBNET_TX_HDRS + len;
	struct virtio_net_hdr_mrg_rxbuf *vh;
	struct vmbnet_msg_hdr *mh;
	int err;

	if (unlikely(!READ_ONCE(q->priv->tx_ready) || READ_ONCE(q->broken)))
		return -ENETDOWN;
	if (unlikely(len < ETH_HLEN || len > q->priv->max_frame))
		return -EMSGSIZE;
	mh = vmbnet_ring_reserve(&q->tx, size, &err);
	if (unlikely(!mh))
		return err;
	vh = (void *)(mh + 1);
	memset(vh, 0, sizeof(*vh));
	mh->type = cpu_to_le16(VMBNET_MSG_DATA);
	mh->reserved = 0;
	mh->len = cpu_to_le32(sizeof(*vh) + len);
	memcpy(vh + 1, data, len);
	netdev_tx_sent_queue(txq, vmbnet_ring_pkt_size(size));
	vmbnet_ring_commit(&q->tx, size);

	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_inc(&q->tx_stats.packets);
	u64_stats_add(&q->tx_stats.bytes, len);
	u64_stats_update_end(&q->tx_stats.syncp);
	return 0;
}

netdev_tx_t vmbnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	u16 qid = skb_get_queue_mapping(skb);
	struct vmbnet_queue *q = &priv->queues[qid];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qid);
	u32 len = VMBNET_TX_HDRS + skb->len;
	struct virtio_net_hdr_mrg_rxbuf *vh;
	unsigned int bytes = skb->len;
	struct vmbnet_msg_hdr *mh;
	bool kick;
	int err;

	/* The user chose the VF, and it is up: it carries the frame. Not
	 * for netpoll (IRQs off: no dev_queue_xmit()), as netvsc; and the
	 * VF's carrier is looked at here, linkwatch tells us late.
	 */
	if (READ_ONCE(priv->vf_path) && !netpoll_tx_running(dev)) {
		struct net_device *vf = rcu_dereference_bh(priv->vf);

		if (vf && netif_running(vf) && netif_carrier_ok(vf))
			return vmbnet_vf_xmit(priv, vf, skb);
	}
	if (unlikely(!READ_ONCE(priv->tx_ready) || READ_ONCE(q->broken) ||
		     skb->len > priv->max_frame))
		goto drop;

	mh = vmbnet_ring_reserve(&q->tx, len, &err);
	if (unlikely(!mh))
		goto drop;
	vh = (void *)(mh + 1);
	if (unlikely(virtio_net_hdr_from_skb(skb, &vh->hdr, true, false, 0)))
		goto drop;
	vh->num_buffers = 0;
	mh->type = cpu_to_le16(VMBNET_MSG_DATA);
	mh->reserved = 0;
	mh->len = cpu_to_le32(sizeof(*vh) + skb->len);
	if (unlikely(skb_copy_bits(skb, 0, vh + 1, skb->len)))
		goto drop;
	skb_tx_timestamp(skb);
	/* Account before publishing: the endpoint may complete it at once. */
	kick = __netdev_tx_sent_queue(txq, vmbnet_ring_pkt_size(len),
				      netdev_xmit_more());
	vmbnet_ring_commit(&q->tx, len);

	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_inc(&q->tx_stats.packets);
	u64_stats_add(&q->tx_stats.bytes, bytes);
	u64_stats_update_end(&q->tx_stats.syncp);

	/* One signal per batch: the stack says when more follow. */
	vmbnet_tx_batch_end(q, txq, kick);
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;

drop:
	vmbnet_tx_drop(q, skb);
	/* A batch may end with a drop: what went before still needs its signal. */
	if (READ_ONCE(priv->tx_ready) && !netdev_xmit_more() &&
	    vmbnet_ring_flush(&q->tx))
		vmbnet_tx_signal(q);
	return NETDEV_TX_OK;
}

/* NAPI: what the endpoint consumed completes BQL and may wake the queue.
 * Returns true if NAPI must look again (the endpoint moved on meanwhile).
 */
bool vmbnet_tx_complete(struct vmbnet_queue *q, u32 *done)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->priv->dev, q->index);
	u32 bytes = 0, free;

	*done = 0;
	if (vmbnet_ring_reclaim(&q->tx, &bytes, &free)) {
		vmbnet_queue_broken(q, "outbound");
		return false;
	}
	*done = bytes;
	if (!netif_xmit_stopped(txq)) {
		if (bytes)
			netdev_tx_completed_queue(txq, 0, bytes);
		return false;
	}
	/* Withdraw the request first: a writer we wake may make it anew. */
	vmbnet_ring_set_pending(&q->tx, 0);
	if (bytes)
		netdev_tx_completed_queue(txq, 0, bytes);
	/* Not before the endpoint agreed: until then, frames wait. */
	if (netif_tx_queue_stopped(txq) && free >= q->priv->tx_thresh &&
	    (READ_ONCE(q->priv->tx_ready) || READ_ONCE(q->priv->vf_path)))
		netif_tx_wake_queue(txq);
	return netif_xmit_stopped(txq) && vmbnet_tx_want_signal(q, txq, free);
}
