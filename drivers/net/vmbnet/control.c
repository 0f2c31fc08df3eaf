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
	case VMBNET_MSG_SET_OFFLOADS:	return "SET_OFFLOADS";
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
				vmbnet_tx_signal(q);
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

/* The endpoint's refusal as an errno for the user: the few that mean
 * something to a caller of ip or ethtool. Anything else, and above all the
 * kernel's own codes (EINTR, EAGAIN, ERESTART*: netlink would never answer),
 * is an I/O error.
 */
VISIBLE_IF_KUNIT int vmbnet_ctl_errno(u32 status)
{
	switch (status) {
	case 0:
	case EPERM:
	case ENOMEM:
	case EBUSY:
	case EINVAL:
	case ENOSPC:
	case ERANGE:
	case EMSGSIZE:
	case EPROTO:
	case EOPNOTSUPP:
	case EADDRINUSE:
	case EADDRNOTAVAIL:
	case ENOBUFS:
		return -(int)status;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ctl_errno);

/* The RTNL budget: how long, in all, the RTNL section in progress may still
 * wait for endpoints, whatever devices and requests it covers. Only a work
 * item that takes RTNL itself refills it, so it cannot be refilled within a
 * section: a section that spent it waits for no endpoint again.
 */
static unsigned long vmbnet_ctl_spent;	/* jiffies; RTNL */

static void vmbnet_ctl_refill(struct work_struct *work)
{
	rtnl_lock();
	vmbnet_ctl_spent = 0;
	rtnl_unlock();
}

static DECLARE_WORK(vmbnet_ctl_refill_work, vmbnet_ctl_refill);

static unsigned long vmbnet_ctl_budget_left(void)
{
	unsigned long budget = msecs_to_jiffies(VMBNET_CTL_BUDGET_MS);

	ASSERT_RTNL();
	return vmbnet_ctl_spent < budget ? budget - vmbnet_ctl_spent : 0;
}

static void vmbnet_ctl_budget_spend(unsigned long j)
{
	if (!j)
		return;
	vmbnet_ctl_spent += j;
	queue_work(system_wq, &vmbnet_ctl_refill_work);
}

void vmbnet_ctl_exit(void)
{
	cancel_work_sync(&vmbnet_ctl_refill_work);
}

/* Every request the driver makes, as it goes on the wire. */
union vmbnet_ctl_req_msg {
	struct vmbnet_ctl_hdr hdr;
	struct vmbnet_ctl_accept accept;
	struct vmbnet_ctl_mac mac;
	struct vmbnet_ctl_value value;
	struct vmbnet_ctl_rss rss;
	struct vmbnet_ctl_offloads offloads;
	struct {
		struct vmbnet_ctl_rx_filter h;
		u8 mc[VMBNET_RX_MC_MAX][8];
	} rx_filter;
};

static const u16 vmbnet_cfg_type[VMBNET_CFG_NUM] = {
	[VMBNET_CFG_MAC]	= VMBNET_MSG_SET_MAC,
	[VMBNET_CFG_MTU]	= VMBNET_MSG_SET_MTU,
	[VMBNET_CFG_QUEUES]	= VMBNET_MSG_SET_QUEUES,
	[VMBNET_CFG_RSS]	= VMBNET_MSG_SET_RSS,
	[VMBNET_CFG_RX_FILTER]	= VMBNET_MSG_SET_RX_FILTER,
	[VMBNET_CFG_OFFLOADS]	= VMBNET_MSG_SET_OFFLOADS,
	[VMBNET_CFG_STATE]	= VMBNET_MSG_SET_STATE,
	[VMBNET_CFG_DATA_PATH]	= VMBNET_MSG_SET_DATA_PATH,
};

/* The request for setting cfg carrying value c's; returns its length. */
static u32 vmbnet_ctl_build(enum vmbnet_cfg cfg, const struct vmbnet_config *c,
			    union vmbnet_ctl_req_msg *m)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	switch (cfg) {
	case VMBNET_CFG_MAC:
		ether_addr_copy(m->mac.mac, c->mac);
		return sizeof(m->mac);
	case VMBNET_CFG_MTU:
		m->value.value = cpu_to_le32(c->mtu);
		return sizeof(m->value);
	case VMBNET_CFG_QUEUES:
		m->value.value = cpu_to_le32(c->queues);
		return sizeof(m->value);
	case VMBNET_CFG_STATE:
		m->value.value = cpu_to_le32(c->state);
		return sizeof(m->value);
	case VMBNET_CFG_DATA_PATH:
		m->value.value = cpu_to_le32(c->data_path);
		return sizeof(m->value);
	case VMBNET_CFG_OFFLOADS:
		m->offloads.offloads = cpu_to_le64(c->offloads);
		return sizeof(m->offloads);
	case VMBNET_CFG_RSS:
		m->rss.hash_types = cpu_to_le32(c->rss.hash_types);
		m->rss.key_size = cpu_to_le16(VMBNET_RSS_KEY_SIZE);
		m->rss.indir_size = cpu_to_le16(VMBNET_RSS_INDIR_SIZE);
		memcpy(m->rss.key, c->rss.key, sizeof(m->rss.key));
		for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
			m->rss.indir[i] = cpu_to_le16(c->rss.indir[i]);
		return sizeof(m->rss);
	case VMBNET_CFG_RX_FILTER:
		m->rx_filter.h.flags = cpu_to_le32(c->rx_filter.flags);
		m->rx_filter.h.mc_count = cpu_to_le32(c->rx_filter.mc_count);
		for (i = 0; i < c->rx_filter.mc_count; i++)
			ether_addr_copy(m->rx_filter.mc[i], c->rx_filter.mc[i]);
		return sizeof(m->rx_filter.h) + 8 * c->rx_filter.mc_count;
	default:
		return 0;
	}
}

/* Sends a request as the one in flight; waited says a caller waits for
 * its answer. Under RTNL, with none in flight.
 */
static int vmbnet_ctl_post(struct vmbnet_priv *priv, u16 type,
			   enum vmbnet_cfg cfg, struct vmbnet_ctl_hdr *hdr,
			   u32 len, bool waited)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	u32 seq = ++ctl->seq ?: ++ctl->seq;
	int err;

	ASSERT_RTNL();
	hdr->seq = cpu_to_le32(seq);
	hdr->reserved = 0;
	spin_lock_bh(&ctl->lock);
	ctl->req_seq = seq;
	ctl->req_type = type;
	ctl->req_cfg = cfg;
	ctl->req_waited = waited;
	ctl->req_answered = false;
	reinit_completion(&ctl->done);
	spin_unlock_bh(&ctl->lock);

	err = vmbnet_ctl_send(priv, type, hdr, len);
	if (err) {
		spin_lock_bh(&ctl->lock);
		ctl->req_seq = 0;
		spin_unlock_bh(&ctl->lock);
		return err;
	}
	if (type != VMBNET_MSG_INIT)
		atomic64_inc(&ctl->requests);
	mod_delayed_work(system_wq, &ctl->watchdog,
			 msecs_to_jiffies(VMBNET_CTL_WARN_MS));
	return 0;
}

/* Sends the next setting still to send, with none in flight, as the
 * device has it now. Its answer comes to the service task.
 */
static void vmbnet_ctl_next(struct vmbnet_priv *priv);
static void vmbnet_cfg_copy(struct vmbnet_config *dst,
			    const struct vmbnet_config *src, enum vmbnet_cfg cfg);

/* A user's change to setting cfg, its value in ctl->next. Asked now, and
 * waited for within the RTNL budget; returns 0 to commit the change or the
 * endpoint's refusal. When the budget is spent, the endpoint does not
 * answer in time, is still to answer an earlier request or has no ring
 * room, the change is committed now and confirmed later: a refusal then
 * undoes it (vmbnet_ctl_revert()).
 */
static int vmbnet_ctl_change(struct vmbnet_priv *priv, enum vmbnet_cfg cfg)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	union vmbnet_ctl_req_msg m;
	u16 type = vmbnet_cfg_type[cfg];
	unsigned long left, start;
	bool answered;
	u32 status, len;
	int err;

	ASSERT_RTNL();
	if (test_bit(cfg, &ctl->reverting) || !vmbnet_ready(priv))
		return 0;
	if (ctl->req_seq)
		goto later;
	/* This value supersedes any of cfg's still to send. */
	__clear_bit(cfg, &ctl->dirty);
	vmbnet_cfg_copy(&ctl->sent, &ctl->next, cfg);
	len = vmbnet_ctl_build(cfg, &ctl->sent, &m);
	left = vmbnet_ctl_budget_left();
	if (vmbnet_ctl_post(priv, type, cfg, &m.hdr, len, left))
		goto later;
	if (!left)
		return 0;

	start = jiffies;
	wait_for_completion_timeout(&ctl->done, left);
	vmbnet_ctl_budget_spend(jiffies - start);

	spin_lock_bh(&ctl->lock);
	answered = ctl->req_answered;
	status = ctl->req_status;
	if (answered)
		ctl->req_seq = 0;
	else
		ctl->req_waited = false;	/* NAPI hands it on */
	spin_unlock_bh(&ctl->lock);

	if (!answered) {
		atomic64_inc(&ctl->timeouts);
		net_warn_ratelimited("%s: endpoint did not answer %s in time: taken, to be confirmed\n",
				     priv->dev->name, vmbnet_ctl_name(type));
		return 0;
	}
	err = vmbnet_ctl_errno(status);
	if (!err) {
		vmbnet_cfg_copy(&ctl->acked, &ctl->sent, cfg);
		__set_bit(cfg, &ctl->acked_valid);
	} else {
		atomic64_inc(&ctl->refused);
		netif_dbg(priv, drv, priv->dev, "endpoint refused %s: %d\n",
			  vmbnet_ctl_name(type), err);
	}
	/* It stood in for the push's own request of cfg, if one was due. */
	__clear_bit(cfg, &ctl->pushing);
	/* Others may wait to be sent, the carrier for the push: after this
	 * one is committed.
	 */
	vmbnet_schedule(priv, VMBNET_EV_CTL);
	return err;

later:
	/* Sent by the service task, once committed and the endpoint free. */
	__set_bit(cfg, &ctl->dirty);
	vmbnet_schedule(priv, VMBNET_EV_CTL);
	return 0;
}

int vmbnet_ctl_set_value(struct vmbnet_priv *priv, enum vmbnet_cfg cfg,
			 u32 value)
{
	struct vmbnet_config *c = &priv->ctl.next;

	switch (cfg) {
	case VMBNET_CFG_MTU:
		c->mtu = value;
		break;
	case VMBNET_CFG_QUEUES:
		c->queues = value;
		break;
	default:
		return -EINVAL;
	}
	return vmbnet_ctl_change(priv, cfg);
}

/* Receive coalescing (LRO) on or off: the endpoint's RSC. */
int vmbnet_ctl_set_lro(struct vmbnet_priv *priv, bool on)
{
	if (!(priv->features & BIT_ULL(VMBNET_F_CTRL_GUEST_OFFLOADS)))
		return 0;
	priv->ctl.next.offloads = vmbnet_guest_offloads(priv->features, on);
	return vmbnet_ctl_change(priv, VMBNET_CFG_OFFLOADS);
}

int vmbnet_ctl_set_mac(struct vmbnet_priv *priv, const u8 *mac)
{
	ether_addr_copy(priv->ctl.next.mac, mac);
	return vmbnet_ctl_change(priv, VMBNET_CFG_MAC);
}

int vmbnet_ctl_set_rss(struct vmbnet_priv *priv, const struct vmbnet_rss *rss)
{
	if (!(priv->features & BIT_ULL(VMBNET_F_RSS)))
		return 0;
	priv->ctl.next.rss = *rss;
	return vmbnet_ctl_change(priv, VMBNET_CFG_RSS);
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
	if (ctl->state == VMBNET_CTL_INIT_SENT && ctl->req_seq &&
	    le32_to_cpu(o->hdr.seq) == ctl->req_seq) {
		u64 features = le64_to_cpu(o->features);

		ctl->offer = *o;
		ctl->req_seq = 0;
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

/* NAPI, queue 0: the answer to the request in flight, for its waiter or
 * else the service task. Any other STATUS is a bad message.
 */
static int vmbnet_ctl_status(struct vmbnet_priv *priv,
			     const struct vmbnet_ctl_status *st)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	bool mine, waited = false, failed = false;
	u32 status = le32_to_cpu(st->status);

	spin_lock(&ctl->lock);
	mine = ctl->req_seq && !ctl->req_answered &&
	       le32_to_cpu(st->hdr.seq) == ctl->req_seq &&
	       le16_to_cpu(st->request) == ctl->req_type;
	if (mine && ctl->req_type == VMBNET_MSG_INIT) {
		/* INIT is answered by OFFER, or refused by an endpoint that
		 * speaks none of our versions.
		 */
		failed = status;
		mine = failed;
		if (failed) {
			ctl->req_seq = 0;
			WRITE_ONCE(ctl->state, VMBNET_CTL_FAILED);
			/* A carrier held for it goes now. */
			vmbnet_schedule(priv, VMBNET_EV_CTL);
		}
	} else if (mine) {
		ctl->req_status = status;
		ctl->req_answered = true;
		waited = ctl->req_waited;
		if (waited)
			complete(&ctl->done);
	}
	spin_unlock(&ctl->lock);
	if (!mine)
		return -EPROTO;
	if (failed)
		netdev_err(priv->dev, "endpoint refused INIT (%u): no common protocol version?\n",
			   status);
	else if (!waited)
		vmbnet_schedule(priv, VMBNET_EV_CTL);
	return 0;
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

/* A request long unanswered: said once; later settings wait for it. */
static void vmbnet_ctl_watchdog(struct work_struct *work)
{
	struct vmbnet_ctl *ctl = container_of(to_delayed_work(work),
					      struct vmbnet_ctl, watchdog);
	struct vmbnet_priv *priv = container_of(ctl, struct vmbnet_priv, ctl);
	u16 type = 0;

	spin_lock_bh(&ctl->lock);
	if (ctl->req_seq && !ctl->req_answered)
		type = ctl->req_type;
	spin_unlock_bh(&ctl->lock);

	if (type == VMBNET_MSG_INIT)
		netdev_warn(priv->dev, "no OFFER from the endpoint in %u ms; carrier stays off until it comes\n",
			    VMBNET_CTL_WARN_MS);
	else if (type)
		netdev_warn(priv->dev, "endpoint has not answered %s in %u ms; later settings wait for it\n",
			    vmbnet_ctl_name(type), VMBNET_CTL_WARN_MS);
}

void vmbnet_ctl_init(struct vmbnet_priv *priv)
{
	struct vmbnet_ctl *ctl = &priv->ctl;

	spin_lock_init(&ctl->lock);
	init_completion(&ctl->done);
	INIT_DELAYED_WORK(&ctl->watchdog, vmbnet_ctl_watchdog);
	ctl->speed = SPEED_UNKNOWN;
	ctl->duplex = DUPLEX_UNKNOWN;
}

/* Forgets the endpoint's side of the conversation. Under RTNL. */
static void vmbnet_ctl_reset(struct vmbnet_priv *priv,
			     enum vmbnet_ctl_state state)
{
	struct vmbnet_ctl *ctl = &priv->ctl;

	spin_lock_bh(&ctl->lock);
	WRITE_ONCE(ctl->state, state);
	ctl->req_seq = 0;
	ctl->link_up = false;
	ctl->speed = SPEED_UNKNOWN;
	ctl->duplex = DUPLEX_UNKNOWN;
	spin_unlock_bh(&ctl->lock);
	ctl->acked_valid = 0;
	ctl->dirty = 0;
	ctl->pushing = 0;
}

/* Under RTNL, queues running: opens the conversation. The OFFER comes
 * through NAPI whenever the endpoint gets to it.
 */
void vmbnet_ctl_attached(struct vmbnet_priv *priv)
{
	struct vmbnet_ctl_init m = {
		.version_min = cpu_to_le32(VMBNET_PROTO_VERSION_MIN),
		.version_max = cpu_to_le32(VMBNET_PROTO_VERSION_MAX),
		.features = cpu_to_le64(vmbnet_supported_features()),
	};

	ASSERT_RTNL();
	vmbnet_ctl_reset(priv, VMBNET_CTL_INIT_SENT);
	/* A fresh ring has room: this cannot fail for want of it. */
	if (vmbnet_ctl_post(priv, VMBNET_MSG_INIT, VMBNET_CFG_NONE, &m.hdr,
			    sizeof(m), false))
		netdev_warn(priv->dev, "cannot send INIT to the endpoint\n");
}

void vmbnet_ctl_detached(struct vmbnet_priv *priv)
{
	ASSERT_RTNL();
	cancel_delayed_work_sync(&priv->ctl.watchdog);
	vmbnet_ctl_reset(priv, VMBNET_CTL_NONE);
}

static void vmbnet_ctl_fail(struct vmbnet_priv *priv, const char *why)
{
	netdev_err(priv->dev, "cannot agree with the endpoint: %s; detach or replace it\n",
		   why);
	WRITE_ONCE(priv->ctl.state, VMBNET_CTL_FAILED);
}

/* The highest version both sides speak, or 0. */
u32 vmbnet_ctl_version(const struct vmbnet_ctl_offer *o)
{
	u32 max = min_t(u32, VMBNET_PROTO_VERSION_MAX, le32_to_cpu(o->version_max));
	u32 min = max_t(u32, VMBNET_PROTO_VERSION_MIN, le32_to_cpu(o->version_min));

	return min <= max ? max : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ctl_version);

/* Service task, under RTNL: check the OFFER NAPI received and ACCEPT it.
 * The STATUS that answers brings vmbnet_ctl_agreed().
 */
static void vmbnet_ctl_configure(struct vmbnet_priv *priv)
{
	struct vmbnet_endpoint *ep = rtnl_dereference(priv->ep);
	struct vmbnet_ctl *ctl = &priv->ctl;
	struct vmbnet_ctl_accept acc = {};
	struct vmbnet_ctl_offer o;
	u64 features;
	u32 version;

	ASSERT_RTNL();
	if (!ep || READ_ONCE(ctl->state) != VMBNET_CTL_OFFERED || ctl->req_seq)
		return;
	spin_lock_bh(&ctl->lock);
	o = ctl->offer;
	spin_unlock_bh(&ctl->lock);

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
	if (vmbnet_ctl_post(priv, VMBNET_MSG_ACCEPT, VMBNET_CFG_NONE, &acc.hdr,
			    sizeof(acc), false))
		vmbnet_ctl_fail(priv, "cannot send ACCEPT");
}

/* Service task: the endpoint took our ACCEPT. The device takes on what was
 * agreed, is READY, and pushes its settings, one request at a time; the
 * carrier waits for the push to be answered.
 */
static void vmbnet_ctl_agreed(struct vmbnet_priv *priv)
{
	const struct vmbnet_ctl_offer *o = &priv->ctl.offer;
	struct vmbnet_ctl *ctl = &priv->ctl;
	struct net_device *dev = priv->dev;
	u64 features = le64_to_cpu(o->features) & vmbnet_supported_features();
	u64 fewer = priv->features & ~features;

	/* Once per endpoint: the device does less until a better one comes. */
	if (fewer)
		netdev_warn(dev, "the endpoint lacks features %#llx the last one had: their offloads are off until one has them\n",
			    fewer);
	WRITE_ONCE(priv->features, features);
	priv->lro_refused = false;
	/* Hash types it cannot do are off, until an endpoint that can. */
	if (features & BIT_ULL(VMBNET_F_RSS)) {
		u32 types = priv->want_hash_types & le32_to_cpu(o->rss_hash_types);

		if (types != priv->want_hash_types)
			netdev_warn(dev, "the endpoint hashes flow types %#x of the %#x asked for\n",
				    types, priv->want_hash_types);
		priv->rss.hash_types = types;
	}
	vmbnet_update_features(priv);
	vmbnet_update_mtu_range(priv);
	vmbnet_fit_mtu(priv);
	if ((features & BIT_ULL(VMBNET_F_MAC)) &&
	    dev->addr_assign_type == NET_ADDR_RANDOM) {
		/* A device nobody gave an address takes the endpoint's. */
		eth_hw_addr_set(dev, o->mac);
		dev->addr_assign_type = NET_ADDR_PERM;
		call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
	}
	if (features & BIT_ULL(VMBNET_F_MAC))
		memcpy(dev->perm_addr, o->mac, ETH_ALEN);

	if (vmbnet_queues_apply(priv))
		return vmbnet_ctl_fail(priv, "cannot use the queues it offers");

	WRITE_ONCE(ctl->state, VMBNET_CTL_READY);
	vmbnet_tx_set_ready(priv, priv->running);
	netif_info(priv, probe, dev, "endpoint agreed: version %u, features %#llx, %u queues, MTU %u-%u\n",
		   vmbnet_ctl_version(o), features, priv->num_queues, dev->min_mtu, dev->max_mtu);

	ctl->dirty = BIT(VMBNET_CFG_NUM) - 1;
	if (!(features & BIT_ULL(VMBNET_F_RSS)))
		__clear_bit(VMBNET_CFG_RSS, &ctl->dirty);
	if (!(features & BIT_ULL(VMBNET_F_STANDBY)))
		__clear_bit(VMBNET_CFG_DATA_PATH, &ctl->dirty);
	if (!(features & BIT_ULL(VMBNET_F_CTRL_GUEST_OFFLOADS)))
		__clear_bit(VMBNET_CFG_OFFLOADS, &ctl->dirty);
	ctl->pushing = ctl->dirty;
}

/* Copies setting cfg's value from src to dst. */
static void vmbnet_cfg_copy(struct vmbnet_config *dst,
			    const struct vmbnet_config *src, enum vmbnet_cfg cfg)
{
	switch (cfg) {
	case VMBNET_CFG_MAC:
		ether_addr_copy(dst->mac, src->mac);
		break;
	case VMBNET_CFG_MTU:
		dst->mtu = src->mtu;
		break;
	case VMBNET_CFG_QUEUES:
		dst->queues = src->queues;
		break;
	case VMBNET_CFG_RSS:
		dst->rss = src->rss;
		break;
	case VMBNET_CFG_RX_FILTER:
		dst->rx_filter = src->rx_filter;
		break;
	case VMBNET_CFG_STATE:
		dst->state = src->state;
		break;
	case VMBNET_CFG_DATA_PATH:
		dst->data_path = src->data_path;
		break;
	case VMBNET_CFG_OFFLOADS:
		dst->offloads = src->offloads;
		break;
	default:
		break;
	}
}

/* Setting cfg as the device has it now. */
static void vmbnet_cfg_current(struct vmbnet_priv *priv, enum vmbnet_cfg cfg,
			       struct vmbnet_config *c)
{
	struct net_device *dev = priv->dev;

	switch (cfg) {
	case VMBNET_CFG_MAC:
		ether_addr_copy(c->mac, dev->dev_addr);
		break;
	case VMBNET_CFG_MTU:
		c->mtu = dev->mtu;
		break;
	case VMBNET_CFG_QUEUES:
		/* A transport may bring the rings of more queues once the
		 * endpoint knows (VMBus subchannels).
		 */
		c->queues = vmbnet_queues_wanted(priv);
		break;
	case VMBNET_CFG_RSS:
		c->rss = priv->rss;
		break;
	case VMBNET_CFG_RX_FILTER:
		vmbnet_rx_filter_build(dev, &c->rx_filter);
		break;
	case VMBNET_CFG_STATE:
		c->state = netif_running(dev);
		break;
	case VMBNET_CFG_DATA_PATH:
		c->data_path = priv->vf_path;
		break;
	case VMBNET_CFG_OFFLOADS:
		c->offloads = vmbnet_guest_offloads(priv->features,
						    dev->features & NETIF_F_LRO);
		break;
	default:
		break;
	}
}

/* A refusal that came after the change was committed: the device goes
 * back to what the endpoint last took, unless the user changed it again
 * meanwhile (that change is on its way) or the endpoint never took any.
 */
static void vmbnet_ctl_revert(struct vmbnet_priv *priv, enum vmbnet_cfg cfg,
			      int err)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	const struct vmbnet_config *a = &ctl->acked;
	struct net_device *dev = priv->dev;
	struct sockaddr sa;
	u16 type = vmbnet_cfg_type[cfg];

	if (test_bit(cfg, &ctl->dirty))
		return;
	if (!test_bit(cfg, &ctl->acked_valid) || cfg == VMBNET_CFG_RX_FILTER ||
	    cfg == VMBNET_CFG_STATE || cfg == VMBNET_CFG_DATA_PATH ||
	    cfg == VMBNET_CFG_OFFLOADS) {
		/* Nothing to go back to, or nothing that is ours to undo:
		 * the device keeps what the user set.
		 */
		net_warn_ratelimited("%s: endpoint refused %s (%d); the device keeps its setting\n",
				     dev->name, vmbnet_ctl_name(type), err);
		return;
	}

	__set_bit(cfg, &ctl->reverting);
	switch (cfg) {
	case VMBNET_CFG_MAC:
		sa.sa_family = dev->type;
		memcpy(sa.sa_data, a->mac, ETH_ALEN);
		err = dev_set_mac_address(dev, &sa, NULL) ?: err;
		break;
	case VMBNET_CFG_MTU:
		err = dev_set_mtu(dev, a->mtu) ?: err;
		break;
	case VMBNET_CFG_QUEUES:
		priv->want_queues = a->queues;
		vmbnet_queues_apply(priv);
		break;
	case VMBNET_CFG_RSS:
		priv->rss = a->rss;
		priv->want_hash_types = a->rss.hash_types;
		break;
	default:
		break;
	}
	__clear_bit(cfg, &ctl->reverting);
	atomic64_inc(&ctl->reverted);
	net_warn_ratelimited("%s: endpoint refused %s (%d) after it was taken: undone\n",
			     dev->name, vmbnet_ctl_name(type), err);
}

/* Service task: the answer to a request nobody waited for. */
static void vmbnet_ctl_answered(struct vmbnet_priv *priv, u16 type,
				enum vmbnet_cfg cfg, u32 status)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	int err = vmbnet_ctl_errno(status);

	if (type == VMBNET_MSG_ACCEPT) {
		if (err)
			return vmbnet_ctl_fail(priv, "ACCEPT refused");
		return vmbnet_ctl_agreed(priv);
	}
	if (cfg >= VMBNET_CFG_NUM)
		return;
	if (!err) {
		vmbnet_cfg_copy(&ctl->acked, &ctl->sent, cfg);
		__set_bit(cfg, &ctl->acked_valid);
	} else {
		atomic64_inc(&ctl->refused);
		vmbnet_ctl_revert(priv, cfg, err);
	}
	__clear_bit(cfg, &ctl->pushing);
}

static void vmbnet_ctl_next(struct vmbnet_priv *priv)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	union vmbnet_ctl_req_msg m;
	enum vmbnet_cfg cfg;
	u32 len;

	ASSERT_RTNL();
	while (vmbnet_ready(priv) && !ctl->req_seq && ctl->dirty) {
		cfg = __ffs(ctl->dirty);
		vmbnet_cfg_current(priv, cfg, &ctl->sent);
		/* The filter is sent only when it changed. */
		if (cfg == VMBNET_CFG_RX_FILTER &&
		    test_bit(cfg, &ctl->acked_valid) &&
		    !memcmp(&ctl->sent.rx_filter, &ctl->acked.rx_filter,
			    sizeof(ctl->acked.rx_filter))) {
			__clear_bit(cfg, &ctl->dirty);
			continue;
		}
		len = vmbnet_ctl_build(cfg, &ctl->sent, &m);
		if (vmbnet_ctl_post(priv, vmbnet_cfg_type[cfg], cfg, &m.hdr,
				    len, false)) {
			/* No room: the endpoint is behind. Look again soon. */
			schedule_delayed_work(&priv->service, HZ / 10);
			return;
		}
		__clear_bit(cfg, &ctl->dirty);
	}
}

/* Under RTNL: setting cfg changed without a caller to tell (ip link up and
 * down, the rx filter, an RSS table following the queues). Sent when the
 * endpoint is free, and never waited for.
 */
void vmbnet_ctl_update(struct vmbnet_priv *priv, enum vmbnet_cfg cfg)
{
	ASSERT_RTNL();
	if (!vmbnet_ready(priv) || test_bit(cfg, &priv->ctl.reverting) ||
	    (cfg == VMBNET_CFG_RSS && !(priv->features & BIT_ULL(VMBNET_F_RSS))) ||
	    (cfg == VMBNET_CFG_DATA_PATH &&
	     !(priv->features & BIT_ULL(VMBNET_F_STANDBY))) ||
	    (cfg == VMBNET_CFG_OFFLOADS &&
	     !(priv->features & BIT_ULL(VMBNET_F_CTRL_GUEST_OFFLOADS))))
		return;
	__set_bit(cfg, &priv->ctl.dirty);
	vmbnet_ctl_next(priv);
}

/* The first push after an agreement is not all answered yet. */
bool vmbnet_ctl_pushing(const struct vmbnet_priv *priv)
{
	return priv->ctl.pushing;
}

/* The service task's control events, under RTNL. */
void vmbnet_ctl_service(struct vmbnet_priv *priv)
{
	struct vmbnet_ctl *ctl = &priv->ctl;
	bool answered = false;
	enum vmbnet_cfg cfg;
	u32 status;
	u16 type;

	if (test_and_clear_bit(VMBNET_EV_OFFER, &priv->events))
		vmbnet_ctl_configure(priv);

	clear_bit(VMBNET_EV_CTL, &priv->events);
	spin_lock_bh(&ctl->lock);
	if (ctl->req_seq && ctl->req_answered && !ctl->req_waited) {
		answered = true;
		type = ctl->req_type;
		cfg = ctl->req_cfg;
		status = ctl->req_status;
		ctl->req_seq = 0;
	}
	spin_unlock_bh(&ctl->lock);
	if (answered)
		vmbnet_ctl_answered(priv, type, cfg, status);

	if (test_and_clear_bit(VMBNET_EV_RX_MODE, &priv->events) &&
	    vmbnet_ready(priv))
		__set_bit(VMBNET_CFG_RX_FILTER, &ctl->dirty);
	vmbnet_ctl_next(priv);

	clear_bit(VMBNET_EV_LINK, &priv->events);
	vmbnet_carrier_update(priv);
}
