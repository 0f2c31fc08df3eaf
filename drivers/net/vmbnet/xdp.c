// SPDX-License-Identifier: GPL-2.0
/* vmbnet: native XDP. A received frame is copied out of the ring anyway;
 * with a program attached the copy goes into a page of the queue's
 * page_pool behind XDP_PACKET_HEADROOM, and the program runs before any
 * skb exists: XDP_PASS builds the skb around that same buffer. XDP_TX and
 * the frames other devices redirect here (ndo_xdp_xmit) are copied into
 * an outbound ring under its tx queue lock, as ndo_start_xmit's are, and
 * count for BQL alike: NAPI completes ring bytes, whoever wrote them.
 */

#include <linux/bpf.h>
#include <linux/bpf_trace.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/virtio_net.h>
#include <net/checksum.h>
#include <net/xdp.h>

#include "vmbnet.h"

/* XDP runs on one buffer: a page, with the headroom the stack needs for
 * redirects and the tailroom build_skb() needs for its shared info.
 */
#define VMBNET_XDP_BUF_SIZE	PAGE_SIZE

static void vmbnet_xdp_count(struct vmbnet_queue *q, u64_stats_t *counter)
{
	u64_stats_update_begin(&q->rx_stats.syncp);
	u64_stats_inc(counter);
	u64_stats_update_end(&q->rx_stats.syncp);
}

/* XDP's buffers: a page each, from a pool of the queue's own (the skb
 * path's large-frame pool hands out fragments of larger pages), registered
 * as the queue's XDP memory model so that redirected frames come back to
 * it. Pages kept for reuse: two polls' worth.
 */
#define VMBNET_XDP_POOL_PAGES	(2 * NAPI_POLL_WEIGHT)

int vmbnet_xdp_queue_init(struct vmbnet_queue *q)
{
	struct page_pool *pool;
	int err;

	pool = vmbnet_queue_pool(q, 0, 0, VMBNET_XDP_POOL_PAGES);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	err = xdp_rxq_info_reg(&q->xdp_rxq, q->priv->dev, q->index,
			       q->napi.napi_id);
	if (err)
		goto err_pool;
	err = xdp_rxq_info_reg_mem_model(&q->xdp_rxq, MEM_TYPE_PAGE_POOL, pool);
	if (err)
		goto err_rxq;
	q->xdp_pool = pool;
	return 0;

err_rxq:
	xdp_rxq_info_unreg(&q->xdp_rxq);
err_pool:
	page_pool_destroy(pool);
	return err;
}

/* After NAPI is gone; pages still in flight come back to the core. */
void vmbnet_xdp_queue_exit(struct vmbnet_queue *q)
{
	/* The memory model's reference on the pool, then ours. */
	xdp_rxq_info_unreg(&q->xdp_rxq);
	page_pool_destroy(q->xdp_pool);
	q->xdp_pool = NULL;
}

/* A partial checksum is finished here, as a NIC would have: the program,
 * and whoever gets the frame from XDP_TX or a redirect, sees it whole.
 */
static void vmbnet_xdp_finish_csum(u8 *frame, u32 len,
				   struct virtio_net_hdr *vh)
{
	u16 start = __virtio16_to_cpu(true, vh->csum_start);
	u16 off = __virtio16_to_cpu(true, vh->csum_offset);
	__sum16 *field = (__sum16 *)(frame + start + off);

	/* vmbnet_rx_hdr_check() put the field inside the frame. */
	*field = csum_fold(csum_partial(frame + start, len - start, 0));
	vh->flags = VIRTIO_NET_HDR_F_DATA_VALID;
}

/* Under the tx lock: what XDP_TX bounced in this poll goes out, and back
 * to the pool.
 */
static void vmbnet_xdp_tx_flush(struct vmbnet_queue *q, unsigned int n,
				bool kick)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->priv->dev, q->index);
	unsigned int i, sent = 0;

	__netif_tx_lock(txq, smp_processor_id());
	for (i = 0; i < n; i++)
		if (sent == i && !vmbnet_tx_frame(q, txq, q->xdp_tx[i].data,
						  q->xdp_tx[i].len))
			sent++;
	vmbnet_tx_batch_end(q, txq, kick);
	/* The tx counters' writers hold this lock. */
	if (sent < n) {
		u64_stats_update_begin(&q->tx_stats.syncp);
		u64_stats_add(&q->tx_stats.dropped, n - sent);
		u64_stats_update_end(&q->tx_stats.syncp);
	}
	__netif_tx_unlock(txq);

	for (i = 0; i < n; i++)
		page_pool_put_full_page(q->xdp_pool,
					virt_to_page(q->xdp_tx[i].data), true);

	u64_stats_update_begin(&q->rx_stats.syncp);
	u64_stats_add(&q->rx_stats.xdp_tx, sent);
	u64_stats_update_end(&q->rx_stats.syncp);
}

/* The end of a poll that ran a program: one batch out for XDP_TX (one
 * kick), one flush of the redirects.
 */
void vmbnet_xdp_poll_end(struct vmbnet_queue *q, struct vmbnet_xdp_poll *xp)
{
	if (xp->tx)
		vmbnet_xdp_tx_flush(q, xp->tx, true);
	if (xp->redirect)
		xdp_do_flush();
	xp->tx = 0;
	xp->redirect = false;
}

/* Runs the program on a frame the endpoint sent (its header checked).
 * Returns the skb to deliver for XDP_PASS; NULL when the program kept the
 * frame or it was dropped, counted either way.
 */
struct sk_buff *vmbnet_xdp_rx(struct vmbnet_queue *q, struct vmbnet_xdp_poll *xp,
			      struct virtio_net_hdr *vh, const u8 *frame, u32 len)
{
	struct net_device *dev = q->priv->dev;
	struct bpf_prog *prog = xp->prog;
	unsigned int metalen;
	struct xdp_buff xdp;
	struct sk_buff *skb;
	struct page *page;
	u8 *buf;
	u32 act;

	/* Coalesced frames do not fit a page: XDP is not attached while the
	 * endpoint may send them, but it may have some on their way.
	 */
	if (unlikely(vh->gso_type != VIRTIO_NET_HDR_GSO_NONE ||
		     len > VMBNET_XDP_MAX_FRAME)) {
		net_dbg_ratelimited("%s: queue %u: frame too large for XDP dropped\n",
				    dev->name, q->index);
		vmbnet_rx_count_drop(q, VMBNET_RX_LENGTH);
		return NULL;
	}
	page = page_pool_dev_alloc_pages(q->xdp_pool);
	if (unlikely(!page)) {
		vmbnet_rx_count_drop(q, VMBNET_RX_DROPPED);
		return NULL;
	}
	buf = page_address(page);
	memcpy(buf + XDP_PACKET_HEADROOM, frame, len);
	if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		vmbnet_xdp_finish_csum(buf + XDP_PACKET_HEADROOM, len, vh);

	u64_stats_update_begin(&q->rx_stats.syncp);
	u64_stats_inc(&q->rx_stats.packets);
	u64_stats_add(&q->rx_stats.bytes, len);
	u64_stats_update_end(&q->rx_stats.syncp);

	xdp_init_buff(&xdp, VMBNET_XDP_BUF_SIZE, &q->xdp_rxq);
	xdp_prepare_buff(&xdp, buf, XDP_PACKET_HEADROOM, len, true);
	act = bpf_prog_run_xdp(prog, &xdp);
	switch (act) {
	case XDP_PASS:
		skb = napi_build_skb(buf, VMBNET_XDP_BUF_SIZE);
		if (unlikely(!skb)) {
			vmbnet_rx_count_drop(q, VMBNET_RX_DROPPED);
			break;
		}
		/* With whatever the program pushed, pulled or left as metadata. */
		skb_reserve(skb, xdp.data - xdp.data_hard_start);
		__skb_put(skb, xdp.data_end - xdp.data);
		metalen = xdp.data - xdp.data_meta;
		if (metalen)
			skb_metadata_set(skb, metalen);
		skb_mark_for_recycle(skb);
		vmbnet_xdp_count(q, &q->rx_stats.xdp_pass);
		return skb;
	case XDP_TX:
		/* A poll's worth, sent when it ends (one kick). */
		if (unlikely(xp->tx == VMBNET_XDP_TX_BULK)) {
			vmbnet_xdp_tx_flush(q, xp->tx, false);
			xp->tx = 0;
		}
		q->xdp_tx[xp->tx].data = xdp.data;
		q->xdp_tx[xp->tx].len = xdp.data_end - xdp.data;
		xp->tx++;
		return NULL;
	case XDP_REDIRECT:
		if (unlikely(xdp_do_redirect(dev, &xdp, prog))) {
			vmbnet_rx_count_drop(q, VMBNET_RX_DROPPED);
			break;
		}
		xp->redirect = true;
		vmbnet_xdp_count(q, &q->rx_stats.xdp_redirect);
		return NULL;
	default:
		bpf_warn_invalid_xdp_action(dev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(dev, prog, act);
		vmbnet_xdp_count(q, &q->rx_stats.xdp_aborted);
		vmbnet_rx_count_drop(q, VMBNET_RX_DROPPED);
		break;
	case XDP_DROP:
		vmbnet_xdp_count(q, &q->rx_stats.xdp_drop);
		break;
	}
	page_pool_put_full_page(q->xdp_pool, page, true);
	return NULL;
}

/* ndo_xdp_xmit: frames other devices redirect to us, into the queue of
 * this CPU. Returns how many went; the core frees the others.
 */
int vmbnet_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		    u32 flags)
{
	struct vmbnet_priv *priv = netdev_priv(dev);
	unsigned int cpu = smp_processor_id();
	unsigned int qid = cpu % dev->real_num_tx_queues;
	struct vmbnet_queue *q = &priv->queues[qid];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qid);
	int i, sent = 0;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	if (unlikely(!READ_ONCE(priv->tx_ready)))
		return -ENETDOWN;

	__netif_tx_lock(txq, cpu);
	/* The queues may have changed since: then the next one will do. */
	if (likely(qid < dev->real_num_tx_queues)) {
		for (i = 0; i < n; i++) {
			struct xdp_frame *f = frames[i];

			if (xdp_frame_has_frags(f) ||
			    vmbnet_tx_frame(q, txq, f->data, f->len))
				break;
			sent++;
		}
		vmbnet_tx_batch_end(q, txq, flags & XDP_XMIT_FLUSH);
	}
	/* The tx counters' writers hold this lock. */
	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_add(&q->tx_stats.xdp_xmit, sent);
	u64_stats_add(&q->tx_stats.xdp_xmit_errors, n - sent);
	u64_stats_update_end(&q->tx_stats.syncp);
	__netif_tx_unlock(txq);

	/* Copied into the ring: done with. */
	for (i = 0; i < sent; i++)
		xdp_return_frame(frames[i]);
	return sent;
}

/* What may not come with a program attached: frames larger than its one
 * page, with a larger MTU or with receive coalescing (LRO) the endpoint
 * does or cannot be told to stop.
 */
static int vmbnet_xdp_check(struct vmbnet_priv *priv,
			    struct netlink_ext_ack *extack)
{
	struct net_device *dev = priv->dev;

	if (dev->mtu > VMBNET_XDP_MAX_MTU) {
		netdev_warn(dev, "XDP needs an MTU of %lu or less\n",
			    VMBNET_XDP_MAX_MTU);
		NL_SET_ERR_MSG_MOD(extack, "MTU too large for XDP: frames must fit a page");
		return -EINVAL;
	}
	if (dev->features & NETIF_F_LRO) {
		NL_SET_ERR_MSG_MOD(extack, "XDP needs LRO off: coalesced frames do not fit a page");
		return -EOPNOTSUPP;
	}
	if (!vmbnet_rsc_stoppable(priv->features)) {
		NL_SET_ERR_MSG_MOD(extack, "XDP needs RSC off, which this endpoint cannot do");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int vmbnet_xdp_set(struct vmbnet_priv *priv, struct bpf_prog *prog,
			  struct netlink_ext_ack *extack)
{
	struct bpf_prog *old = rtnl_dereference(priv->xdp_prog);
	int err;

	if (prog) {
		err = vmbnet_xdp_check(priv, extack);
		if (err)
			return err;
	}
	/* NAPI picks it up at its next poll; the old one is freed after RCU. */
	rcu_assign_pointer(priv->xdp_prog, prog);
	if (old)
		bpf_prog_put(old);
	/* Nothing to redo for a device on its way out. */
	if (!old == !prog || priv->dev->reg_state != NETREG_REGISTERED)
		return 0;
	/* LRO stays off and the MTU within a page while it is there; the
	 * user's MTU comes back with it gone.
	 */
	netdev_update_features(priv->dev);
	vmbnet_update_mtu_range(priv);
	if (!prog)
		vmbnet_fit_mtu(priv);
	return 0;
}

int vmbnet_xdp(struct net_device *dev, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return vmbnet_xdp_set(netdev_priv(dev), bpf->prog, bpf->extack);
	default:
		return -EINVAL;
	}
}
