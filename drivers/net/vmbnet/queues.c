// SPDX-License-Identifier: GPL-2.0
/* vmbnet: the device's queue pairs. How many it uses, starting and stopping
 * them, and the carrier they imply, all under RTNL. NAPI serves the rings
 * whenever an endpoint is attached, up or down, since control messages
 * travel on queue 0; frames only flow once the control protocol has
 * agreed (control.c) and the device is up.
 */

#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "vmbnet.h"

/* The most queue pairs the device may use with its endpoint: its own, the
 * rings the transport can bring and what the endpoint offered. ethtool -l
 * shows it as the maximum, SET_QUEUES asks the endpoint for up to it.
 */
unsigned int vmbnet_queues_max(const struct vmbnet_priv *priv)
{
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);
	unsigned int n = priv->max_queues;

	if (ep) {
		n = min(n, ep->max_queues);
		if (priv->ctl.state == VMBNET_CTL_READY ||
		    priv->ctl.state == VMBNET_CTL_OFFERED) {
			if (!(le64_to_cpu(priv->ctl.offer.features) &
			      BIT_ULL(VMBNET_F_MQ)))
				n = 1;
			n = min(n, le32_to_cpu(priv->ctl.offer.max_queues));
		}
	}
	return n;
}

/* What the device asks the endpoint for: the user's choice (ethtool -L,
 * kept across endpoints) within the maximum.
 */
unsigned int vmbnet_queues_wanted(const struct vmbnet_priv *priv)
{
	return min(priv->want_queues, vmbnet_queues_max(priv));
}

/* What it uses: the queues wanted, with an endpoint only those whose rings
 * are there (ep_queues of them, set up before the endpoint is published).
 */
static unsigned int vmbnet_queues_target(const struct vmbnet_priv *priv,
					 bool rings)
{
	unsigned int n = vmbnet_queues_wanted(priv);

	if (rings)
		n = min(n, priv->ep_queues);
	return max(1U, n);
}

/* Carrier: an endpoint that agreed and says its link is up. When one goes
 * with the carrier up, the carrier is held for the next one (a replace, a
 * restart): VMBNET_HOLD_MS for it to come, then as long as the protocol
 * waits for an endpoint (VMBNET_CTL_WARN_MS) for it to agree, unless it
 * fails. The stack keeps its neighbours meanwhile, and the qdiscs hold
 * the frames (the tx queues are stopped) instead of dropping them.
 */
void vmbnet_carrier_update(struct vmbnet_priv *priv)
{
	struct net_device *dev = priv->dev;
	bool agreed, failed, up;

	ASSERT_RTNL();
	spin_lock_bh(&priv->ctl.lock);
	agreed = priv->running && priv->ctl.state == VMBNET_CTL_READY;
	failed = priv->ctl.state == VMBNET_CTL_FAILED;
	up = priv->ctl.link_up;
	spin_unlock_bh(&priv->ctl.lock);
	agreed &= !vmbnet_ctl_pushing(priv);
	up &= agreed;

	if (priv->hold_until) {
		if (!agreed && !failed && time_before(jiffies, priv->hold_until))
			return;
		priv->hold_until = 0;
		/* Held across the switch: no carrier event tells the peers,
		 * so they are told now, or when the device comes up.
		 */
		if (up && netif_carrier_ok(dev)) {
			netif_info(priv, link, dev, "link held across the endpoint switch\n");
			if (netif_running(dev))
				__netdev_notify_peers(dev);
			else
				priv->notify_peers = true;
			return;
		}
	}
	if (up == netif_carrier_ok(dev))
		return;
	/* The endpoint flaps the link at will: the log is not its to fill. */
	if (net_ratelimit())
		netif_info(priv, link, dev, "link %s\n", up ? "up" : "down");
	if (up) {
		netif_carrier_on(dev);
		/* The endpoint may be a new one, elsewhere: the peers are told
		 * once linkwatch has given the device its qdiscs back.
		 */
		priv->notify_peers = true;
	} else {
		netif_carrier_off(dev);
	}
}

/* Holds the carrier until ms after the endpoint went; the service task
 * looks then.
 */
static void vmbnet_carrier_hold(struct vmbnet_priv *priv, unsigned int ms)
{
	unsigned long until = priv->hold_since + msecs_to_jiffies(ms);

	priv->hold_until = until ?: 1;
	if (time_after(until, jiffies))
		schedule_delayed_work(&priv->service, until - jiffies);
	else
		vmbnet_schedule(priv, VMBNET_EV_CTL);
}

/* Service task: a held carrier whose time ran out goes. */
void vmbnet_carrier_hold_check(struct vmbnet_priv *priv)
{
	if (!priv->hold_until)
		return;
	if (time_before(jiffies, priv->hold_until))
		schedule_delayed_work(&priv->service,
				      priv->hold_until - jiffies);
	else
		vmbnet_carrier_update(priv);
}

/* Tx queues are awake only while frames can go: through the rings, or
 * the VF; stopped, they leave the frames in the qdisc. Under RTNL.
 */
void vmbnet_tx_set_ready(struct vmbnet_priv *priv, bool ready)
{
	WRITE_ONCE(priv->tx_ready, ready);
	if (ready || priv->vf_path)
		netif_tx_wake_all_queues(priv->dev);
	else
		netif_tx_stop_all_queues(priv->dev);
}

/* Under RTNL, a netdev event of the device's: gratuitous ARP and
 * unsolicited NA after its carrier came, as after a live migration. Not
 * sooner: until linkwatch activates the qdiscs they would go nowhere.
 */
void vmbnet_carrier_event(struct vmbnet_priv *priv, unsigned long event)
{
	struct net_device *dev = priv->dev;

	if ((event == NETDEV_CHANGE || event == NETDEV_UP) &&
	    priv->notify_peers && netif_running(dev) && netif_carrier_ok(dev)) {
		priv->notify_peers = false;
		__netdev_notify_peers(dev);
	}
}

/* Netdev netlink shows which NAPI serves queue pair i while it runs. */
static void vmbnet_queue_set_napi(struct vmbnet_priv *priv, unsigned int i,
				  struct napi_struct *napi)
{
	netif_queue_set_napi(priv->dev, i, NETDEV_QUEUE_TYPE_RX, napi);
	netif_queue_set_napi(priv->dev, i, NETDEV_QUEUE_TYPE_TX, napi);
}

/* Queues live: the device has an endpoint. */
static void vmbnet_start(struct vmbnet_priv *priv)
{
	unsigned int i;

	if (priv->running || !rtnl_dereference(priv->ep))
		return;

	for (i = 0; i < priv->num_queues; i++) {
		napi_enable(&priv->queues[i].napi);
		vmbnet_queue_set_napi(priv, i, &priv->queues[i].napi);
		/* Whatever the endpoint wrote while we were stopped. */
		napi_schedule(&priv->queues[i].napi);
	}
	priv->running = true;
	/* Frames go out only once the endpoint agreed (see control.c). */
	vmbnet_tx_set_ready(priv, vmbnet_ready(priv));
	vmbnet_carrier_update(priv);
}

static void vmbnet_stop(struct vmbnet_priv *priv)
{
	unsigned int i;

	if (!priv->running)
		return;

	priv->running = false;
	WRITE_ONCE(priv->tx_ready, false);
	/* Takes every tx lock: no ndo_start_xmit or control send after this. */
	netif_tx_disable(priv->dev);
	for (i = 0; i < priv->num_queues; i++) {
		vmbnet_queue_set_napi(priv, i, NULL);
		napi_disable(&priv->queues[i].napi);
	}
	/* A poll that saw tx_ready before may have woken one. */
	vmbnet_tx_set_ready(priv, false);
}

/* Uses n queue pairs: the others stop, with whatever they held. The RSS
 * table follows unless the user set one.
 */
static int vmbnet_set_queues(struct vmbnet_priv *priv, unsigned int n)
{
	struct net_device *dev = priv->dev;
	bool was_running = priv->running;
	int err;

	vmbnet_stop(priv);
	err = netif_set_real_num_tx_queues(dev, n);
	if (!err)
		err = netif_set_real_num_rx_queues(dev, n);
	if (!err) {
		priv->num_queues = n;
		if (!netif_is_rxfh_configured(dev))
			vmbnet_rss_set_default_indir(&priv->rss, n);
	} else {
		/* Both counts back as they were. */
		netif_set_real_num_tx_queues(dev, priv->num_queues);
	}
	if (was_running)
		vmbnet_start(priv);
	return err;
}

/* Uses as many queues as wanted and there: after an agreement, an
 * ethtool -L or a queue's rings arriving. A new default RSS table goes to
 * an endpoint that agreed.
 */
int vmbnet_queues_apply(struct vmbnet_priv *priv)
{
	unsigned int n = vmbnet_queues_target(priv, rtnl_dereference(priv->ep));
	u32 indir[VMBNET_RSS_INDIR_SIZE];
	int err;

	ASSERT_RTNL();
	if (n == priv->num_queues)
		return 0;
	memcpy(indir, priv->rss.indir, sizeof(indir));
	err = vmbnet_set_queues(priv, n);
	if (err)
		return err;
	netif_info(priv, ifup, priv->dev, "%u queues in use\n", n);
	if (memcmp(indir, priv->rss.indir, sizeof(indir)))
		vmbnet_ctl_update(priv, VMBNET_CFG_RSS);
	return 0;
}

static void vmbnet_queue_rings_init(struct vmbnet_queue *q,
				    struct vmbnet_endpoint *ep)
{
	struct vmbnet_endpoint_queue *eq = &ep->queues[q->index];

	q->ep = ep;
	vmbnet_ring_init(&q->tx, eq->tx_ctrl, eq->tx_data, ep->ring_size);
	vmbnet_ring_init(&q->rx, eq->rx_ctrl, eq->rx_data, ep->ring_size);
	/* BQL counts what is in this ring, so it starts over with it. */
	netdev_tx_reset_queue(netdev_get_tx_queue(q->priv->dev, q->index));
	q->broken = false;
}

/* Rings the endpoint brought since the last look (ep->num_queues grows as
 * a transport's queues arrive): set up, and used if wanted.
 */
void vmbnet_queues_update(struct vmbnet_priv *priv)
{
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);
	unsigned int n;

	ASSERT_RTNL();
	if (!ep)
		return;
	n = min(READ_ONCE(ep->num_queues), priv->max_queues);
	for (; priv->ep_queues < n; priv->ep_queues++)
		vmbnet_queue_rings_init(&priv->queues[priv->ep_queues], ep);
	if (vmbnet_queues_apply(priv))
		netdev_warn(priv->dev, "cannot use the endpoint's new queues\n");
}

/* The largest frame is what a ring takes four of: a 1 MiB ring takes 64 KiB
 * GSO frames, the smallest (64 KiB) ones 16 KiB frames.
 */
static void vmbnet_set_frame_limits(struct vmbnet_priv *priv, u32 ring_size)
{
	u32 hdrs = sizeof(struct vmbnet_msg_hdr) +
		   sizeof(struct virtio_net_hdr_mrg_rxbuf);

	priv->max_frame = min_t(u32, VMBNET_MAX_FRAME_LEN,
				ring_size / 4 - vmbnet_ring_pkt_size(hdrs));
	priv->tx_thresh = vmbnet_ring_pkt_size(hdrs + priv->max_frame);
	netif_set_tso_max_size(priv->dev, priv->max_frame - VLAN_ETH_HLEN);
}

/* A new endpoint's rings, before it is published: the queues that have
 * them, the frame size they take.
 */
int vmbnet_queues_attach(struct vmbnet_priv *priv, struct vmbnet_endpoint *ep)
{
	unsigned int n = min(ep->num_queues, priv->max_queues);

	vmbnet_set_frame_limits(priv, ep->ring_size);
	for (priv->ep_queues = 0; priv->ep_queues < n; priv->ep_queues++)
		vmbnet_queue_rings_init(&priv->queues[priv->ep_queues], ep);
	return vmbnet_set_queues(priv, vmbnet_queues_target(priv, true));
}

/* ... and once published: the queues start, the conversation opens. */
void vmbnet_queues_start(struct vmbnet_priv *priv)
{
	/* A held carrier waits for this one to agree, once per switch: an
	 * endpoint that comes and goes cannot keep it.
	 */
	if (priv->hold_until)
		vmbnet_carrier_hold(priv, VMBNET_HOLD_MS + VMBNET_CTL_WARN_MS);
	vmbnet_start(priv);
	vmbnet_ctl_attached(priv);
}

/* Frames in a ring from view's index on, up to end (or the writer's
 * index): within one lap, for the writer may still be writing.
 */
static u32 vmbnet_ring_frames(struct vmbnet_ring *view, u32 end)
{
	struct vmbnet_ring_pkt pkt;
	struct vmbnet_msg_hdr mh;
	u32 walked = 0, n = 0;

	while (view->index != end && walked < view->size &&
	       !vmbnet_ring_peek(view, &pkt)) {
		if (pkt.len >= sizeof(mh)) {
			memcpy(&mh, pkt.payload, sizeof(mh));
			n += vmbnet_msg_is_data(le16_to_cpu(mh.type));
		}
		walked += pkt.total;
		vmbnet_ring_consume(view, &pkt);
	}
	return n;
}

/* Frames neither side will read now that the endpoint goes: dropped, and
 * counted as such (detach_lost), both ways.
 */
static void vmbnet_queue_count_lost(struct vmbnet_queue *q)
{
	struct vmbnet_ring view;
	u32 tx = 0, rx;

	if (READ_ONCE(q->broken))
		return;
	if (!vmbnet_ring_unread(&q->tx, &view))
		tx = vmbnet_ring_frames(&view, q->tx.index);
	view = q->rx;
	rx = vmbnet_ring_frames(&view, U32_MAX);

	/* Their writers are softirqs (stopped now, but lockdep cannot know). */
	local_bh_disable();
	u64_stats_update_begin(&q->tx_stats.syncp);
	u64_stats_add(&q->tx_stats.dropped, tx);
	u64_stats_add(&q->tx_stats.detach_lost, tx);
	u64_stats_update_end(&q->tx_stats.syncp);
	u64_stats_update_begin(&q->rx_stats.syncp);
	u64_stats_add(&q->rx_stats.dropped, rx);
	u64_stats_add(&q->rx_stats.detach_lost, rx);
	u64_stats_update_end(&q->rx_stats.syncp);
	local_bh_enable();
}

/* Before the endpoint goes: nothing runs on its rings after this. A
 * device that stays holds its carrier for the next endpoint.
 */
void vmbnet_queues_detach(struct vmbnet_priv *priv)
{
	unsigned int i;

	if (netif_carrier_ok(priv->dev) && vmbnet_ready(priv) &&
	    READ_ONCE(priv->ctl.link_up) &&
	    priv->dev->reg_state == NETREG_REGISTERED && !priv->hold_until) {
		priv->hold_since = jiffies;
		vmbnet_carrier_hold(priv, VMBNET_HOLD_MS);
	}
	vmbnet_stop(priv);
	vmbnet_carrier_update(priv);
	for (i = 0; i < priv->ep_queues; i++)
		vmbnet_queue_count_lost(&priv->queues[i]);
}

/* After it went, and no reader of ep is left. */
void vmbnet_queues_release(struct vmbnet_priv *priv)
{
	unsigned int i;

	for (i = 0; i < priv->max_queues; i++)
		priv->queues[i].ep = NULL;
	priv->ep_queues = 0;
	/* The agreed features and MTU range stay until the next agreement. */
}
