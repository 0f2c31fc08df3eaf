// SPDX-License-Identifier: GPL-2.0
/* vmbnet: the control protocol's driver side, on queue 0.
 *
 * After an attach the driver sends INIT; the endpoint's OFFER says what it
 * is; the driver ACCEPTs a version and features, pushes its configuration
 * and the device is READY. From then on every setting the user changes is a
 * request answered by STATUS; it takes effect only when the endpoint says
 * yes. Everything the endpoint sends is checked (protocol.c) and bad
 * messages are counted and answered with an error, never used.
 */

#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <kunit/visibility.h>

#include "vmbnet.h"

const char *vmbnet_ctl_name(u16 type)
{
	switch (type) {
	case VMBNET_MSG_INIT:		return "INIT";
	case VMBNET_MSG_ACCEPT:		return "ACCEPT";
	case VMBNET_MSG_SET_MAC:	return "SET_MAC";
	case VMBNET_MSG_SET_MTU:	return "SET_MTU";
	case VMBNET_MSG_SET_QUEUES:	return "SET_QUEUES";
	case VMBNET_MSG_SET_RSS:	return "SET_RSS";
	case VMBNET_MSG_SET_RX_FILTER:	return "SET_RX_FILTER";
	case VMBNET_MSG_SET_STATE:	return "SET_STATE";
	case VMBNET_MSG_SET_DATA_PATH:	return "SET_DATA_PATH";
	case VMBNET_MSG_OFFER:		return "OFFER";
	case VMBNET_MSG_STATUS:		return "STATUS";
	case VMBNET_MSG_LINK:		return "LINK";
	default:			return "unknown";
	}
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ctl_name);

/* Puts one control message in queue 0's outbound ring. Ring space taken by
 * control counts for BQL like a frame's: NAPI completes it the same way.
 */
static int vmbnet_ctl_send(struct vmbnet_priv *priv, u16 type, const void *body,
			   u32 len)
{
	struct netdev_queue *txq = netdev_get_tx_queue(priv->dev, 0);
	struct vmbnet_queue *q = &priv->queues[0];
	u32 size = sizeof(struct vmbnet_msg_hdr) + len;
	struct vmbnet_msg_hdr *mh;
	int err = -ENOLINK;

	__netif_tx_lock_bh(txq);
	if (READ_ONCE(priv->running) && !READ_ONCE(q->broken)) {
		mh = vmbnet_ring_reserve(&q->tx, size, &err);
		if (mh) {
			mh->type = cpu_to_le16(type);
			mh->reserved = 0;
			mh->len = cpu_to_le32(len);
			memcpy(mh + 1, body, len);
			netdev_tx_sent_queue(txq, vmbnet_ring_pkt_size(size));
			vmbnet_ring_commit(&q->tx, size);
			if (vmbnet_ring_flush(&q->tx))
				vmbnet_signal(q);
			/* BQL may have stopped the queue: NAPI asks for the
			 * signal that restarts it, as after a frame.
			 */
			if (unlikely(netif_xmit_stopped(txq)))
				napi_schedule(&q->napi);
			err = 0;
		}
	}
	__netif_tx_unlock_bh(txq);
	return err;
}

/* The endpoint's answer as an errno for the user. The kernel's own codes
 * (ERESTARTSYS and the like, 512 up) must not reach user space.
 */
static int vmbnet_ctl_errno(u32 status)
{
	return status < 512 ? -(int)status : -EIO;
}

/* Sends a request and waits for its STATUS. Under RTNL: one at a time. */
static int vmbnet_ctl_request(struct vmbnet_priv *priv, u16 type,
			      struct vmbnet_ctl_hdr *hdr, u32 len)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(VMBNET_CTL_TIMEOUT_MS);
	struct vmbnet_ctl *ctl = &priv->ctl;
	long left;
	u32 seq;
	int err;

	ASSERT_RTNL();
	/* An endpoint that stopped answering is not waited for again. */
	if (READ_ONCE(ctl->stalled)) {
		net_warn_ratelimited("%s: endpoint is not answering: %s not sent\n",
				     priv->dev->name, vmbnet_ctl_name(type));
		return -ETIMEDOUT;
	}

	atomic64_inc(&ctl->requests);
	seq = ++ctl->seq ?: ++ctl->seq;
	hdr->seq = cpu_to_le32(seq);
	hdr->reserved = 0;
	spin_lock_bh(&ctl->lock);
	ctl->wait_seq = seq;
	ctl->wait_type = type;
	reinit_completion(&ctl->done);
	spin_unlock_bh(&ctl->lock);

	/* Room comes back as the endpoint reads; it may be busy with data. */
	while ((err = vmbnet_ctl_send(priv, type, hdr, len)) == -ENOSPC &&
	       time_before(jiffies, deadline))
		usleep_range(1000, 2000);
	if (!err) {
		left = (long)deadline - (long)jiffies;
		if (!wait_for_completion_timeout(&ctl->done, max(left, 1L)))
			err = -ETIMEDOUT;
	}

	spin_lock_bh(&ctl->lock);
	/* NAPI clears wait_seq with the answer: it may beat the timeout. */
	if (err == -ETIMEDOUT && !ctl->wait_seq)
		err = 0;
	ctl->wait_seq = 0;
	if (!err)
		err = vmbnet_ctl_errno(ctl->status);
	else if (err == -ETIMEDOUT || err == -ENOSPC)
		WRITE_ONCE(ctl->stalled, true);
	spin_unlock_bh(&ctl->lock);

	if (err == -ETIMEDOUT || err == -ENOSPC) {
		atomic64_inc(&ctl->timeouts);
		netdev_warn(priv->dev, "endpoint did not answer %s in %u ms\n",
			    vmbnet_ctl_name(type), VMBNET_CTL_TIMEOUT_MS);
		err = -ETIMEDOUT;
	} else if (err) {
		atomic64_inc(&ctl->refused);
		netif_dbg(priv, drv, priv->dev, "endpoint refused %s: %d\n",
			  vmbnet_ctl_name(type), err);
	}
	return err;
}

int vmbnet_ctl_set_value(struct vmbnet_priv *priv, u16 type, u32 value)
{
	struct vmbnet_ctl_value m = { .value = cpu_to_le32(value) };

	if (!vmbnet_ready(priv))
		return 0;
	return vmbnet_ctl_request(priv, type, &m.hdr, sizeof(m));
}

int vmbnet_ctl_set_mac(struct vmbnet_priv *priv, const u8 *mac)
{
	struct vmbnet_ctl_mac m = {};

	if (!vmbnet_ready(priv))
		return 0;
	ether_addr_copy(m.mac, mac);
	return vmbnet_ctl_request(priv, VMBNET_MSG_SET_MAC, &m.hdr, sizeof(m));
}

int vmbnet_ctl_set_rss(struct vmbnet_priv *priv, const struct vmbnet_rss *rss)
{
	struct vmbnet_ctl_rss m = {
		.hash_types = cpu_to_le32(rss->hash_types),
		.key_size = cpu_to_le16(VMBNET_RSS_KEY_SIZE),
		.indir_size = cpu_to_le16(VMBNET_RSS_INDIR_SIZE),
	};
	unsigned int i;

	if (!vmbnet_ready(priv) || !(priv->features & BIT_ULL(VMBNET_F_RSS)))
		return 0;
	memcpy(m.key, rss->key, sizeof(m.key));
	for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
		m.indir[i] = cpu_to_le16(rss->indir[i]);
	return vmbnet_ctl_request(priv, VMBNET_MSG_SET_RSS, &m.hdr, sizeof(m));
}

/* The filter the device's flags and address lists ask for. */
static void vmbnet_rx_filter_build(struct net_device *dev,
				   struct vmbnet_rx_filter *f)
{
	struct netdev_hw_addr *ha;

	memset(f, 0, sizeof(*f));
	if (dev->flags & IFF_PROMISC)
		f->flags |= VMBNET_RX_PROMISC;
	if (dev->flags & IFF_ALLMULTI)
		f->flags |= VMBNET_RX_ALLMULTI;

	netif_addr_lock_bh(dev);
	/* The endpoint filters one unicast address: more need promisc. */
	if (!netdev_uc_empty(dev))
		f->flags |= VMBNET_RX_PROMISC;
	if (netdev_mc_count(dev) > VMBNET_RX_MC_MAX)
		f->flags |= VMBNET_RX_ALLMULTI;
	else
		netdev_for_each_mc_addr(ha, dev)
			/* ip maddr takes any address; only multicast ones mean anything. */
			if (is_multicast_ether_addr(ha->addr))
				ether_addr_copy(f->mc[f->mc_count++], ha->addr);
	netif_addr_unlock_bh(dev);
}

static int vmbnet_ctl_set_rx_filter(struct vmbnet_priv *priv,
				    const struct vmbnet_rx_filter *f)
{
	struct {
		struct vmbnet_ctl_rx_filter h;
		u8 mc[VMBNET_RX_MC_MAX][8];
	} m = {};
	unsigned int i;

	m.h.flags = cpu_to_le32(f->flags);
	m.h.mc_count = cpu_to_le32(f->mc_count);
	for (i = 0; i < f->mc_count; i++)
		ether_addr_copy(m.mc[i], f->mc[i]);
	return vmbnet_ctl_request(priv, VMBNET_MSG_SET_RX_FILTER, &m.h.hdr,
				  sizeof(m.h) + 8 * f->mc_count);
}

/* Service task: tell the endpoint what the rx filter is now. */
static void vmbnet_ctl_rx_mode(struct vmbnet_priv *priv)
{
	struct vmbnet_rx_filter f;

	ASSERT_RTNL();
	if (!vmbnet_ready(priv))
		return;
	vmbnet_rx_filter_build(priv->dev, &f);
	if (!memcmp(&f, &priv->rx_filter, sizeof(f)))
		return;
	if (!vmbnet_ctl_set_rx_filter(priv, &f))
		priv->rx_filter = f;
}

static u32 vmbnet_speed(u32 speed)
{
	return speed == VMBNET_SPEED_UNKNOWN || speed > INT_MAX ?
	       SPEED_UNKNOWN : speed;
}

static u8 vmbnet_duplex(u8 duplex)
{
	switch (duplex) {
	case VMBNET_DUPLEX_FULL:
		return DUPLEX_FULL;
	case VMBNET_DUPLEX_HALF:
		return DUPLEX_HALF;
	default:
		return DUPLEX_UNKNOWN;
	}
}

/* Under ctl->lock: a link report, from the OFFER or a LINK. Speed and
 * duplex mean something only if the endpoint offered SPEED_DUPLEX.
 */
static void vmbnet_ctl_take_link(struct vmbnet_ctl *ctl, u64 offered, bool up,
				 u32 speed, u8 duplex)
{
	ctl->link_up = up;
	if (offered & BIT_ULL(VMBNET_F_SPEED_DUPLEX)) {
		ctl->speed = vmbnet_speed(speed);
		ctl->duplex = vmbnet_duplex(duplex);
	}
}

/* NAPI, queue 0: the answer to INIT. */
static int vmbnet_ctl_offer(struct vmbnet_priv *priv,
			    const struct vmbnet_ctl_offer *o)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	int err = -EPROTO;

	spin_lock(&ctl->lock);
	if (ctl->state == VMBNET_CTL_INIT_SENT &&
	    le32_to_cpu(o->hdr.seq) == ctl->wait_seq) {
		u64 features = le64_to_cpu(o->features);

		ctl->offer = *o;
		ctl->wait_seq = 0;
		/* Without STATUS there is no link to report: always up. */
		vmbnet_ctl_take_link(ctl, features,
				     !(features & BIT_ULL(VMBNET_F_STATUS)) ||
				     le32_to_cpu(o->link),
				     le32_to_cpu(o->speed), o->duplex);
		WRITE_ONCE(ctl->state, VMBNET_CTL_OFFERED);
		err = 0;
	}
	spin_unlock(&ctl->lock);
	if (!err)
		vmbnet_schedule(priv, VMBNET_EV_OFFER);
	return err;
}

static int vmbnet_ctl_status(struct vmbnet_priv *priv,
			     const struct vmbnet_ctl_status *st)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	int err = -EPROTO;

	spin_lock(&ctl->lock);
	/* An endpoint that cannot speak any version of ours says so. */
	if (ctl->state == VMBNET_CTL_INIT_SENT &&
	    le32_to_cpu(st->hdr.seq) == ctl->wait_seq &&
	    le16_to_cpu(st->request) == VMBNET_MSG_INIT && st->status) {
		ctl->wait_seq = 0;
		WRITE_ONCE(ctl->state, VMBNET_CTL_FAILED);
		spin_unlock(&ctl->lock);
		netdev_err(priv->dev, "endpoint refused INIT (%u): no common protocol version?\n",
			   le32_to_cpu(st->status));
		return 0;
	}
	if (ctl->wait_seq && le32_to_cpu(st->hdr.seq) == ctl->wait_seq &&
	    le16_to_cpu(st->request) == ctl->wait_type &&
	    ctl->state != VMBNET_CTL_INIT_SENT) {
		ctl->status = le32_to_cpu(st->status);
		ctl->wait_seq = 0;
		complete(&ctl->done);
		err = 0;
	}
	spin_unlock(&ctl->lock);
	return err;
}

static int vmbnet_ctl_link(struct vmbnet_priv *priv,
			   const struct vmbnet_ctl_link *l)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	int err = -EPROTO;

	spin_lock(&ctl->lock);
	/* Only an endpoint that has made its offer has a link to report. */
	if (ctl->state == VMBNET_CTL_OFFERED || ctl->state == VMBNET_CTL_READY) {
		vmbnet_ctl_take_link(ctl, le64_to_cpu(ctl->offer.features),
				     le32_to_cpu(l->link), le32_to_cpu(l->speed),
				     l->duplex);
		err = 0;
	}
	spin_unlock(&ctl->lock);
	if (!err)
		vmbnet_schedule(priv, VMBNET_EV_LINK);
	return err;
}

/* NAPI: a control message from the endpoint, len bytes at data (in the
 * ring: copied before anything is looked at).
 */
void vmbnet_ctl_rx(struct vmbnet_queue *q, u16 type, const u8 *data, u32 len)
{
	struct vmbnet_priv *priv = q->priv;
	struct vmbnet_ctl *ctl = &priv->ctl;
	union {
		struct vmbnet_ctl_hdr hdr;
		struct vmbnet_ctl_offer offer;
		struct vmbnet_ctl_status status;
		struct vmbnet_ctl_link link;
	} m = {};
	struct vmbnet_ctl_status reply = {};
	int err;

	memcpy(&m, data, min_t(u32, len, sizeof(m)));
	if (q->index)
		err = -EPROTO;
	else if (len > sizeof(m))
		err = -EMSGSIZE;
	else
		err = vmbnet_ctl_check(type, &m, len);
	if (!err) {
		/* Even a late answer shows the endpoint is listening again. */
		WRITE_ONCE(ctl->stalled, false);
		switch (type) {
		case VMBNET_MSG_OFFER:
			err = vmbnet_ctl_offer(priv, &m.offer);
			break;
		case VMBNET_MSG_STATUS:
			err = vmbnet_ctl_status(priv, &m.status);
			break;
		case VMBNET_MSG_LINK:
			err = vmbnet_ctl_link(priv, &m.link);
			break;
		default:	/* the driver's own requests */
			err = -EPROTO;
		}
	}
	if (!err)
		return;

	atomic64_inc(&ctl->bad);
	net_warn_ratelimited("%s: bad control message from the endpoint (type %#x, %u bytes): %d\n",
			     priv->dev->name, type, len, err);
	/* Answered, so that the endpoint sees it too; a STATUS never is. */
	if (type == VMBNET_MSG_STATUS)
		return;
	reply.hdr.seq = len >= sizeof(m.hdr) ? m.hdr.seq : 0;
	reply.request = cpu_to_le16(type);
	reply.status = cpu_to_le32(-err);
	vmbnet_ctl_send(priv, VMBNET_MSG_STATUS, &reply, sizeof(reply));
}

static void vmbnet_ctl_offer_timeout(struct work_struct *work)
{
	struct vmbnet_ctl *ctl = container_of(to_delayed_work(work),
					      struct vmbnet_ctl, offer_timeout);
	struct vmbnet_priv *priv = container_of(ctl, struct vmbnet_priv, ctl);

	if (READ_ONCE(ctl->state) == VMBNET_CTL_INIT_SENT)
		netdev_warn(priv->dev, "no OFFER from the endpoint in %u ms; carrier stays off until it comes\n",
			    VMBNET_CTL_TIMEOUT_MS);
}

void vmbnet_ctl_init(struct vmbnet_priv *priv)
{
	struct vmbnet_ctl *ctl = &priv->ctl;

	spin_lock_init(&ctl->lock);
	init_completion(&ctl->done);
	INIT_DELAYED_WORK(&ctl->offer_timeout, vmbnet_ctl_offer_timeout);
	ctl->speed = SPEED_UNKNOWN;
	ctl->duplex = DUPLEX_UNKNOWN;
}

/* Under RTNL, queues running: opens the conversation. The OFFER comes
 * through NAPI whenever the endpoint gets to it.
 */
void vmbnet_ctl_attached(struct vmbnet_priv *priv)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	struct vmbnet_ctl_init m = {
		.version_min = cpu_to_le32(VMBNET_PROTO_VERSION_MIN),
		.version_max = cpu_to_le32(VMBNET_PROTO_VERSION_MAX),
		.features = cpu_to_le64(vmbnet_supported_features()),
	};
	u32 seq;

	ASSERT_RTNL();
	seq = ++ctl->seq ?: ++ctl->seq;
	m.hdr.seq = cpu_to_le32(seq);
	spin_lock_bh(&ctl->lock);
	ctl->wait_seq = seq;
	ctl->stalled = false;
	ctl->link_up = false;
	ctl->speed = SPEED_UNKNOWN;
	ctl->duplex = DUPLEX_UNKNOWN;
	WRITE_ONCE(ctl->state, VMBNET_CTL_INIT_SENT);
	spin_unlock_bh(&ctl->lock);
	/* A fresh ring has room: this cannot fail for want of it. */
	if (vmbnet_ctl_send(priv, VMBNET_MSG_INIT, &m, sizeof(m)))
		netdev_warn(priv->dev, "cannot send INIT to the endpoint\n");
	schedule_delayed_work(&ctl->offer_timeout,
			      msecs_to_jiffies(VMBNET_CTL_TIMEOUT_MS));
}

void vmbnet_ctl_detached(struct vmbnet_priv *priv)
{
	struct vmbnet_ctl *ctl = &priv->ctl;

	ASSERT_RTNL();
	cancel_delayed_work_sync(&ctl->offer_timeout);
	spin_lock_bh(&ctl->lock);
	WRITE_ONCE(ctl->state, VMBNET_CTL_NONE);
	ctl->wait_seq = 0;
	ctl->link_up = false;
	ctl->speed = SPEED_UNKNOWN;
	ctl->duplex = DUPLEX_UNKNOWN;
	spin_unlock_bh(&ctl->lock);
	memset(&priv->rx_filter, 0, sizeof(priv->rx_filter));
}

static void vmbnet_ctl_fail(struct vmbnet_priv *priv, const char *why)
{
	netdev_err(priv->dev, "cannot agree with the endpoint: %s; detach or replace it\n",
		   why);
	WRITE_ONCE(priv->ctl.state, VMBNET_CTL_FAILED);
}

/* The highest version both sides speak, or 0. */
VISIBLE_IF_KUNIT u32 vmbnet_ctl_version(const struct vmbnet_ctl_offer *o)
{
	u32 max = min_t(u32, VMBNET_PROTO_VERSION_MAX, le32_to_cpu(o->version_max));
	u32 min = max_t(u32, VMBNET_PROTO_VERSION_MIN, le32_to_cpu(o->version_min));

	return min <= max ? max : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ctl_version);

/* The device's settings, told to an endpoint that has just agreed. What it
 * refuses stays the device's own: the user set it, so it is not lost.
 */
static void vmbnet_ctl_push(struct vmbnet_priv *priv)
{
	struct net_device *dev = priv->dev;
	int err[5];
	unsigned int i;

	err[0] = vmbnet_ctl_set_mac(priv, dev->dev_addr);
	err[1] = vmbnet_ctl_set_value(priv, VMBNET_MSG_SET_MTU, dev->mtu);
	/* Those wanted: a transport may bring the rings of more queues
	 * once the endpoint knows (VMBus subchannels).
	 */
	err[2] = vmbnet_ctl_set_value(priv, VMBNET_MSG_SET_QUEUES,
				      vmbnet_queues_wanted(priv));
	err[3] = vmbnet_ctl_set_rss(priv, &priv->rss);
	/* Whatever the last filter was, this endpoint has none yet. */
	memset(&priv->rx_filter, 0xff, sizeof(priv->rx_filter));
	vmbnet_ctl_rx_mode(priv);
	err[4] = vmbnet_ctl_set_value(priv, VMBNET_MSG_SET_STATE,
				      netif_running(dev));
	for (i = 0; i < ARRAY_SIZE(err); i++)
		if (err[i])
			netdev_warn(dev, "endpoint did not take the device's settings (%d); they stay as they are\n",
				    err[i]);
}

/* Service task, under RTNL: agree on the OFFER NAPI received. */
static void vmbnet_ctl_configure(struct vmbnet_priv *priv)
{
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);
	struct vmbnet_ctl *ctl = &priv->ctl;
	struct net_device *dev = priv->dev;
	struct vmbnet_ctl_accept acc = {};
	struct vmbnet_ctl_offer o;
	u64 features;
	u32 version;
	int err;

	ASSERT_RTNL();
	if (!ep || READ_ONCE(ctl->state) != VMBNET_CTL_OFFERED)
		return;
	spin_lock_bh(&ctl->lock);
	o = ctl->offer;
	spin_unlock_bh(&ctl->lock);
	cancel_delayed_work(&ctl->offer_timeout);

	version = vmbnet_ctl_version(&o);
	if (!version)
		return vmbnet_ctl_fail(priv, "no common protocol version");
	if (le32_to_cpu(o.ring_size) != ep->ring_size)
		return vmbnet_ctl_fail(priv, "its rings are not the attached ones");
	features = le64_to_cpu(o.features) & vmbnet_supported_features();
	/* protocol.c checked the range itself; only we know our frame limit. */
	if ((features & BIT_ULL(VMBNET_F_MTU)) &&
	    le32_to_cpu(o.mtu_min) > priv->max_frame - VLAN_ETH_HLEN)
		return vmbnet_ctl_fail(priv, "its smallest MTU does not fit its rings");

	acc.version = cpu_to_le32(version);
	acc.features = cpu_to_le64(features);
	/* ACCEPT is a request like the others, though not yet READY. */
	err = vmbnet_ctl_request(priv, VMBNET_MSG_ACCEPT, &acc.hdr, sizeof(acc));
	if (err)
		return vmbnet_ctl_fail(priv, err == -ETIMEDOUT ?
				       "no answer to ACCEPT" : "ACCEPT refused");

	priv->features = features;
	/* Hash types it cannot do are off, and stay off for later ones. */
	if (features & BIT_ULL(VMBNET_F_RSS))
		priv->rss.hash_types &= le32_to_cpu(o.rss_hash_types);
	vmbnet_update_features(priv);
	vmbnet_update_mtu_range(priv);
	if (dev->mtu > dev->max_mtu || dev->mtu < dev->min_mtu) {
		u32 mtu = clamp(dev->mtu, dev->min_mtu, dev->max_mtu);

		netdev_warn(dev, "the endpoint takes no MTU %u: now %u\n",
			    dev->mtu, mtu);
		dev_set_mtu(dev, mtu);
	}
	if ((features & BIT_ULL(VMBNET_F_MAC)) &&
	    dev->addr_assign_type == NET_ADDR_RANDOM) {
		/* A device nobody gave an address takes the endpoint's. */
		eth_hw_addr_set(dev, o.mac);
		dev->addr_assign_type = NET_ADDR_PERM;
		call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
	}
	if (features & BIT_ULL(VMBNET_F_MAC))
		memcpy(dev->perm_addr, o.mac, ETH_ALEN);

	if (vmbnet_queues_apply(priv))
		return vmbnet_ctl_fail(priv, "cannot use the queues it offers");

	WRITE_ONCE(ctl->state, VMBNET_CTL_READY);
	WRITE_ONCE(priv->tx_ready, priv->running);
	netif_info(priv, probe, dev, "endpoint agreed: version %u, features %#llx, %u queues, MTU %u-%u\n",
		   version, features, priv->num_queues, dev->min_mtu,
		   dev->max_mtu);
	vmbnet_ctl_push(priv);
	vmbnet_carrier_update(priv);
}

/* The service task's control events, under RTNL. */
void vmbnet_ctl_service(struct vmbnet_priv *priv)
{
	if (test_and_clear_bit(VMBNET_EV_OFFER, &priv->events))
		vmbnet_ctl_configure(priv);
	if (test_and_clear_bit(VMBNET_EV_LINK, &priv->events))
		vmbnet_carrier_update(priv);
	if (test_and_clear_bit(VMBNET_EV_RX_MODE, &priv->events))
		vmbnet_ctl_rx_mode(priv);
}
