// SPDX-License-Identifier: GPL-2.0
/* vmbnet: receive, and the NAPI poll that serves a queue pair. Frames are
 * copied out of the inbound ring (the endpoint may change them under us)
 * into a small linear head plus page fragments, checked, and handed to GRO.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

#include "vmbnet.h"

/* Frames up to this size are copied whole into the skb's linear area. */
#define VMBNET_RX_COPY_ALL	1536
/* Larger ones: this much linear, for the headers GRO looks at. */
#define VMBNET_RX_HEAD		256

void vmbnet_rx_count_drop(struct vmbnet_queue *q, enum vmbnet_rx_drop why)
{
	struct vmbnet_rx_stats *rs = &q->rx_stats;

	u64_stats_update_begin(&rs->syncp);
	u64_stats_inc(&rs->dropped);
	if (why == VMBNET_RX_BAD_HEADER)
		u64_stats_inc(&rs->bad_header);
	else if (why == VMBNET_RX_LENGTH)
		u64_stats_inc(&rs->length_errors);
	u64_stats_update_end(&rs->syncp);
}

/* The rest of a large frame goes into fragments of 32 KiB pages from the
 * queue's page_pool: two for a 64 KiB GSO frame, and pages that come back
 * when the stack is done with them, rather than fresh ones the page
 * allocator would zero (init_on_alloc, on in Debian's kernels) each time.
 */
#define VMBNET_RX_PAGE_ORDER	3
#define VMBNET_RX_FRAG_MAX	(PAGE_SIZE << VMBNET_RX_PAGE_ORDER)
/* Pages kept for reuse: 2 MiB, twice the default ring's worth, since
 * sockets hold on to what the ring already gave up.
 */
#define VMBNET_RX_POOL_PAGES	64

/* A pool of the queue's: shown by netdev netlink (page-pool-get) with the
 * device and its NAPI, and gone with the device.
 */
struct page_pool *vmbnet_queue_pool(struct vmbnet_queue *q, unsigned int flags,
				    unsigned int order, unsigned int size)
{
	struct page_pool_params pp = {
		.flags = flags,
		.order = order,
		.pool_size = size,
		.nid = NUMA_NO_NODE,
#ifdef VMBNET_HAVE_PP_NAPI
		.netdev = q->priv->dev,
		.napi = &q->napi,
		.queue_idx = q->index,
#endif
	};

	return page_pool_create(&pp);
}

int vmbnet_rx_pool_create(struct vmbnet_queue *q)
{
	struct page_pool *pool;
	int err;

	pool = vmbnet_queue_pool(q, VMBNET_PP_FLAGS, VMBNET_RX_PAGE_ORDER,
				 VMBNET_RX_POOL_PAGES);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	q->page_pool = pool;
	err = vmbnet_xdp_queue_init(q);
	if (err) {
		page_pool_destroy(pool);
		q->page_pool = NULL;
	}
	return err;
}

/* After NAPI is gone; pages still in skbs come back to the core. */
void vmbnet_rx_pool_destroy(struct vmbnet_queue *q)
{
	vmbnet_xdp_queue_exit(q);
	page_pool_destroy(q->page_pool);
	q->page_pool = NULL;
}

static struct sk_buff *vmbnet_rx_copy(struct vmbnet_queue *q, const u8 *frame,
				      u32 len)
{
	u32 head = len <= VMBNET_RX_COPY_ALL ? len : VMBNET_RX_HEAD;
	struct sk_buff *skb;
	u32 off;

	skb = napi_alloc_skb(&q->napi, head);
	if (unlikely(!skb))
		return NULL;
	skb_put_data(skb, frame, head);

	for (off = head; off < len; ) {
		u32 chunk = min_t(u32, len - off, VMBNET_RX_FRAG_MAX);
		unsigned int offset;
		struct page *page;

		if (unlikely(skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS))
			goto drop;
		page = page_pool_dev_alloc_frag(q->page_pool, &offset, chunk);
		if (unlikely(!page))
			goto drop;
		memcpy(page_address(page) + offset, frame + off, chunk);
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, offset,
				chunk, chunk);
		/* Only skbs that hold pool pages: GRO keeps the two apart. */
		skb_mark_for_recycle(skb);
		off += chunk;
	}
	return skb;

drop:
	kfree_skb(skb);
	return NULL;
}

static void vmbnet_rx_data(struct vmbnet_queue *q, u16 type, const u8 *data,
			   u32 len, bool deliver, struct vmbnet_xdp_poll *xp)
{
	struct vmbnet_priv *priv = q->priv;
	struct net_device *dev = priv->dev;
	u64 features = READ_ONCE(priv->features);
	u32 hlen = vmbnet_rx_hdr_len(type);
	union {
		struct virtio_net_hdr_mrg_rxbuf vh;
		struct virtio_net_hdr_v1_hash hash;
	} h = {};
	enum pkt_hash_types hash_type;
	struct sk_buff *skb;
	u32 flen;

	if (unlikely(!deliver)) {
		vmbnet_rx_count_drop(q, VMBNET_RX_DROPPED);
		return;
	}
	if (len < hlen + ETH_HLEN ||
	    (type == VMBNET_MSG_DATA_HASH && !(features & BIT_ULL(VMBNET_F_HASH_REPORT))))
		goto bad_header;
	/* A copy: the endpoint can rewrite the ring's bytes at any time. */
	memcpy(&h, data, hlen);
	flen = len - hlen;
	if (vmbnet_rx_hdr_check(&h.vh, flen, features) ||
	    vmbnet_rx_hash_type(le16_to_cpu(h.hash.hash_report), &hash_type))
		goto bad_header;
	if (flen > priv->max_frame ||
	    (h.vh.hdr.gso_type == VIRTIO_NET_HDR_GSO_NONE &&
	     flen > dev->mtu + VLAN_ETH_HLEN)) {
		vmbnet_rx_count_drop(q, VMBNET_RX_LENGTH);
		return;
	}

	if (xp->prog) {
		/* Counted there, whatever the program does. */
		skb = vmbnet_xdp_rx(q, xp, &h.vh.hdr, data + hlen, flen);
		if (!skb)
			return;
	} else {
		skb = vmbnet_rx_copy(q, data + hlen, flen);
		if (unlikely(!skb)) {
			vmbnet_rx_count_drop(q, VMBNET_RX_DROPPED);
			return;
		}
	}
	if ((h.vh.hdr.flags & VIRTIO_NET_HDR_F_DATA_VALID) &&
	    (dev->features & NETIF_F_RXCSUM))
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	if (virtio_net_hdr_to_skb(skb, &h.vh.hdr, true))
		goto bad_skb;
	/* The endpoint's RSS hash: the stack need not compute its own. */
	if (hash_type != PKT_HASH_TYPE_NONE && (dev->features & NETIF_F_RXHASH))
		skb_set_hash(skb, le32_to_cpu(h.hash.hash_value), hash_type);
	skb_record_rx_queue(skb, q->index);
	skb->protocol = eth_type_trans(skb, dev);
	if (!vmbnet_rx_gso_proto_ok(skb, h.vh.hdr.gso_type))
		goto bad_skb;

	if (!xp->prog) {
		u64_stats_update_begin(&q->rx_stats.syncp);
		u64_stats_inc(&q->rx_stats.packets);
		u64_stats_add(&q->rx_stats.bytes, flen);
		u64_stats_update_end(&q->rx_stats.syncp);
	}
	napi_gro_receive(&q->napi, skb);
	return;

bad_skb:
	kfree_skb(skb);
bad_header:
	net_dbg_ratelimited("%s: queue %u: bad frame header dropped\n",
			    dev->name, q->index);
	vmbnet_rx_count_drop(q, VMBNET_RX_BAD_HEADER);
}

static void vmbnet_rx_packet(struct vmbnet_queue *q,
			     const struct vmbnet_ring_pkt *pkt, bool deliver,
			     struct vmbnet_xdp_poll *xp)
{
	struct vmbnet_msg_hdr mh;
	u32 len;

	if (pkt->len < sizeof(mh))
		goto bad;
	memcpy(&mh, pkt->payload, sizeof(mh));
	len = le32_to_cpu(mh.len);
	/* The payload is the message padded to 8 bytes, exactly. */
	if (len > pkt->len - sizeof(mh) || ALIGN(sizeof(mh) + len, 8) != pkt->len)
		goto bad;

	if (vmbnet_msg_is_data(le16_to_cpu(mh.type)))
		vmbnet_rx_data(q, le16_to_cpu(mh.type), pkt->payload + sizeof(mh),
			       len, deliver, xp);
	else
		vmbnet_ctl_rx(q, le16_to_cpu(mh.type), pkt->payload + sizeof(mh),
			      len);
	return;
bad:
	net_dbg_ratelimited("%s: queue %u: bad message dropped\n",
			    q->priv->dev->name, q->index);
	vmbnet_rx_count_drop(q, VMBNET_RX_BAD_HEADER);
}

int vmbnet_poll(struct napi_struct *napi, int budget)
{
	struct vmbnet_queue *q = container_of(napi, struct vmbnet_queue, napi);
	struct vmbnet_xdp_poll xp = {};
	struct vmbnet_ring_pkt pkt;
	bool again, deliver, kick;
	int work = 0, err = 0;
	u32 freed;

	if (unlikely(READ_ONCE(q->broken)))
		goto done;
	/* Frames wait for an agreement, and go nowhere while down. */
	deliver = vmbnet_ready(q->priv) && netif_running(q->priv->dev);

	again = vmbnet_tx_complete(q, &freed);

	/* The program for this poll: a new one takes over at the next. */
	rcu_read_lock();
	xp.prog = rcu_dereference(q->priv->xdp_prog);
	while (work < budget) {
		err = vmbnet_ring_peek(&q->rx, &pkt);
		if (err)
			break;
		vmbnet_rx_packet(q, &pkt, deliver, &xp);
		vmbnet_ring_consume(&q->rx, &pkt);
		work++;
	}
	vmbnet_xdp_poll_end(q, &xp);
	rcu_read_unlock();
	if (unlikely(err && err != -ENODATA)) {
		vmbnet_queue_broken(q, "inbound");
		goto done;
	}
	/* Room for the endpoint: kick it if it waits for that much. */
	kick = vmbnet_ring_release(&q->rx);
	if (kick)
		vmbnet_signal(q);

	u64_stats_update_begin(&q->rx_stats.syncp);
	u64_stats_inc(&q->rx_stats.polls);
	/* Woken for nothing: no frame in, no room made (a spurious signal).
	 * Not NAPI's own poll again after a full budget, which finds the
	 * ring empty whenever the endpoint wrote exactly a budget's worth.
	 */
	if (!work && !freed && !q->repoll)
		u64_stats_inc(&q->rx_stats.empty_polls);
	u64_stats_inc(&q->rx_stats.poll_frames[min(fls(work), VMBNET_POLL_BUCKETS - 1)]);
	if (kick)
		u64_stats_inc(&q->rx_stats.kicks);
	u64_stats_update_end(&q->rx_stats.syncp);

	q->repoll = work == budget || again;
	if (q->repoll)
		return budget;
	/* Unmasked, the endpoint signals the next packet; one may be there. */
	if (napi_complete_done(napi, work) && vmbnet_ring_unmask(&q->rx) &&
	    napi_schedule_prep(napi)) {
		vmbnet_ring_mask(&q->rx);
		__napi_schedule(napi);
	}
	return work;

done:
	napi_complete_done(napi, work);
	return work;
}
