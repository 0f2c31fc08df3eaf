// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for the transport API, through the VMBus transport's own
 * channel code (hv_channel.c, as vmbnet_hv.ko links it) on a fake bus: a
 * host that answers the control protocol and sends every frame back on
 * the queue it came from. No Hyper-V needed; what it cannot reach are the
 * vmbus_* calls of hyperv.c.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/etherdevice.h>
#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "../vmbnet.h"
#include "../hv_channel.h"

#define HOST_QUEUES	4
#define HOST_RING_SIZE	VMBNET_RING_SIZE_MIN
#define TEST_ETH_P	0x88b5		/* local experimental ethertype */
/* Generous: KASAN and lockdep under TCG on a busy host. */
#define TEST_WAIT_MS	30000

/* Who kicks the device when the host has written to it. */
enum host_kicker { KICK_TASK, KICK_HARDIRQ, KICK_SOFTIRQ };

struct host_chan {
	struct test_host *host;
	unsigned int qid;
};

/* The far side of a fake VMBus device: one ordered work item reads and
 * writes every ring, as the host would.
 */
struct test_host {
	struct vmbnet_hv_dev hd;
	struct device *parent;
	struct vmbnet_ring_mem out[HOST_QUEUES];	/* the device writes */
	struct vmbnet_ring_mem in[HOST_QUEUES];	/* the host writes */
	struct vmbnet_ring rd[HOST_QUEUES], wr[HOST_QUEUES];
	struct host_chan chans[HOST_QUEUES];
	unsigned int open;			/* channels opened */
	struct workqueue_struct *wq;
	struct work_struct work;
	enum host_kicker kicker;
	struct hrtimer hrtimer;
	struct timer_list timer;
	bool timers_on;
	atomic_t signals;			/* the device rang the host */
	atomic_t hardirq_kicks, softirq_kicks;
	atomic_t echoed, ctl_requests;
	u32 agreed_queues;			/* SET_QUEUES */
	char *text;				/* a sysfs page */
};

static void host_signal(struct vmbnet_hv_dev *hd, void *chan)
{
	struct host_chan *hc = chan;

	atomic_inc(&hc->host->signals);
	queue_work(hc->host->wq, &hc->host->work);
}

static const struct vmbnet_hv_bus_ops host_bus_ops = {
	.signal	= host_signal,
};

/* Writes one message into queue qid's inbound ring. */
static int host_send(struct test_host *h, unsigned int qid, u16 type,
		     const void *body, u32 len)
{
	struct vmbnet_msg_hdr *mh;
	u32 free;
	int err;

	mh = vmbnet_ring_reserve(&h->wr[qid], sizeof(*mh) + len, &err);
	if (!mh && err == -ENOSPC && !vmbnet_ring_free(&h->wr[qid], &free))
		mh = vmbnet_ring_reserve(&h->wr[qid], sizeof(*mh) + len, &err);
	if (!mh)
		return err;
	mh->type = cpu_to_le16(type);
	mh->reserved = 0;
	mh->len = cpu_to_le32(len);
	memcpy(mh + 1, body, len);
	vmbnet_ring_commit(&h->wr[qid], sizeof(*mh) + len);
	return 0;
}

static void host_offer(struct test_host *h, __le32 seq)
{
	struct vmbnet_ctl_offer o = {
		.hdr.seq = seq,
		.version_min = cpu_to_le32(VMBNET_PROTO_VERSION_MIN),
		.version_max = cpu_to_le32(VMBNET_PROTO_VERSION_MAX),
		.features = cpu_to_le64(BIT_ULL(VMBNET_F_MQ)),
		.max_queues = cpu_to_le32(HOST_QUEUES),
		.ring_size = cpu_to_le32(HOST_RING_SIZE),
		.link = cpu_to_le32(1),
		.speed = cpu_to_le32(VMBNET_SPEED_UNKNOWN),
		.duplex = VMBNET_DUPLEX_UNKNOWN,
	};

	host_send(h, 0, VMBNET_MSG_OFFER, &o, sizeof(o));
}

/* INIT gets the OFFER, every request a yes. */
static void host_control(struct test_host *h, u16 type, const u8 *body,
			 u32 len)
{
	struct vmbnet_ctl_status st = { .request = cpu_to_le16(type) };
	struct vmbnet_ctl_value v;
	struct vmbnet_ctl_hdr hdr;

	if (len < sizeof(hdr) || type == VMBNET_MSG_STATUS)
		return;
	memcpy(&hdr, body, sizeof(hdr));
	if (type == VMBNET_MSG_INIT)
		return host_offer(h, hdr.seq);
	atomic_inc(&h->ctl_requests);
	if (type == VMBNET_MSG_SET_QUEUES && len == sizeof(v)) {
		memcpy(&v, body, sizeof(v));
		WRITE_ONCE(h->agreed_queues, le32_to_cpu(v.value));
	}
	st.hdr.seq = hdr.seq;
	host_send(h, 0, VMBNET_MSG_STATUS, &st, sizeof(st));
}

static void host_kick(struct test_host *h, unsigned int qid)
{
	vmbnet_hv_chan_event(&h->hd, qid);
}

/* Reads what the device sent on every open queue: control is answered,
 * frames go back the way they came.
 */
static void host_work(struct work_struct *work)
{
	struct test_host *h = container_of(work, struct test_host, work);
	struct vmbnet_msg_hdr mh;
	struct vmbnet_ring_pkt pkt;
	unsigned int q, open = READ_ONCE(h->open);
	bool kick;

	for (q = 0; q < open; q++) {
		while (!vmbnet_ring_peek(&h->rd[q], &pkt)) {
			if (pkt.len >= sizeof(mh)) {
				memcpy(&mh, pkt.payload, sizeof(mh));
				if (le16_to_cpu(mh.type) != VMBNET_MSG_DATA)
					host_control(h, le16_to_cpu(mh.type),
						     pkt.payload + sizeof(mh),
						     min(le32_to_cpu(mh.len),
							 pkt.len - (u32)sizeof(mh)));
				else if (!host_send(h, q, VMBNET_MSG_DATA,
						    pkt.payload + sizeof(mh),
						    le32_to_cpu(mh.len)))
					atomic_inc(&h->echoed);
			}
			vmbnet_ring_consume(&h->rd[q], &pkt);
		}
		kick = vmbnet_ring_release(&h->rd[q]);
		kick |= vmbnet_ring_flush(&h->wr[q]);
		if (kick && READ_ONCE(h->kicker) == KICK_TASK)
			host_kick(h, q);
	}
}

/* The interrupt of every open channel, from hard IRQ... */
static enum hrtimer_restart host_hrtimer(struct hrtimer *t)
{
	struct test_host *h = container_of(t, struct test_host, hrtimer);
	unsigned int q;

	if (in_hardirq())
		atomic_inc(&h->hardirq_kicks);
	for (q = 0; q < READ_ONCE(h->open); q++)
		host_kick(h, q);
	if (!READ_ONCE(h->timers_on))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ms_to_ktime(2));
	return HRTIMER_RESTART;
}

/* ... and from softirq, as a VMBus channel tasklet would. */
static void host_timer(struct timer_list *t)
{
	struct test_host *h = from_timer(h, t, timer);
	unsigned int q;

	if (in_serving_softirq())
		atomic_inc(&h->softirq_kicks);
	for (q = 0; q < READ_ONCE(h->open); q++)
		host_kick(h, q);
	if (READ_ONCE(h->timers_on))
		mod_timer(&h->timer, jiffies + 1);
}

/* The host opens queue qid's channel, as a subchannel offer would. */
static int host_open(struct test_host *h, unsigned int qid)
{
	struct vmbnet_ring_ctrl *ctrl = h->in[qid].ctrl;
	int err;

	vmbnet_ring_init(&h->rd[qid], h->out[qid].ctrl, h->out[qid].data,
			 HOST_RING_SIZE);
	vmbnet_ring_init(&h->wr[qid], ctrl, h->in[qid].data, HOST_RING_SIZE);
	/* The host writes this ring and sets pending_send_sz when full. */
	ctrl->feature_bits = cpu_to_le32(VMBNET_RING_F_PENDING_SEND_SZ);
	WRITE_ONCE(h->open, qid + 1);
	err = vmbnet_hv_chan_opened(&h->hd, qid, &h->chans[qid],
				    h->out[qid].vaddr, h->in[qid].vaddr);
	queue_work(h->wq, &h->work);
	return err;
}

static struct vmbnet_priv *host_priv(struct test_host *h)
{
	return netdev_priv(h->hd.dev);
}

static bool wait_ms(bool (*cond)(struct test_host *h, unsigned long arg),
		    struct test_host *h, unsigned long arg)
{
	unsigned long end = jiffies + msecs_to_jiffies(TEST_WAIT_MS);

	while (!cond(h, arg)) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(5000, 10000);
	}
	return true;
}

static bool carrier_is(struct test_host *h, unsigned long up)
{
	return netif_carrier_ok(h->hd.dev) == up;
}

static bool queues_in_use(struct test_host *h, unsigned long n)
{
	return READ_ONCE(host_priv(h)->num_queues) == n;
}

static bool agreed_is(struct test_host *h, unsigned long n)
{
	return READ_ONCE(h->agreed_queues) == n;
}

static u64 dev_rx_packets(struct test_host *h)
{
	struct rtnl_link_stats64 s;

	dev_get_stats(h->hd.dev, &s);
	return s.rx_packets;
}

static bool rx_reached(struct test_host *h, unsigned long n)
{
	return dev_rx_packets(h) >= n;
}

/* One frame out of queue qid, addressed to the device itself, straight to
 * the driver as the stack would hand it over. Waits for room (BQL, a full
 * ring) unless force: then a stopped queue gets it anyway.
 */
static void send_frame(struct kunit *test, struct test_host *h,
		       unsigned int qid, bool force)
{
	unsigned long end = jiffies + msecs_to_jiffies(TEST_WAIT_MS);
	struct net_device *dev = h->hd.dev;
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qid);
	struct sk_buff *skb;
	struct ethhdr *eth;
	bool sent = false;

	skb = alloc_skb(ETH_HLEN + 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, dev->dev_addr);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = htons(TEST_ETH_P);
	skb_put_zero(skb, 64);
	skb->dev = dev;
	skb->protocol = eth->h_proto;
	skb_reset_mac_header(skb);
	skb_set_queue_mapping(skb, qid);

	while (!sent) {
		local_bh_disable();
		__netif_tx_lock(txq, smp_processor_id());
		if (force || !netif_xmit_frozen_or_stopped(txq)) {
			netdev_start_xmit(skb, dev, txq, false);
			sent = true;
		}
		__netif_tx_unlock(txq);
		local_bh_enable();
		if (!sent && time_after(jiffies, end)) {
			kfree_skb(skb);
			KUNIT_FAIL(test, "queue %u stays stopped", qid);
			return;
		}
		if (!sent)
			usleep_range(500, 1000);
	}
}

static void send_frames(struct kunit *test, struct test_host *h,
			unsigned int qid, unsigned int n)
{
	while (n--)
		send_frame(test, h, qid, false);
}

/* Frames on queue qid come back through NAPI: rx grows by n. */
static void expect_echo(struct kunit *test, struct test_host *h,
			unsigned int qid, unsigned int n, const char *how)
{
	u64 rx0 = dev_rx_packets(h);

	send_frames(test, h, qid, n);
	KUNIT_EXPECT_EQ(test, netif_carrier_ok(h->hd.dev), true);
	KUNIT_EXPECT_TRUE_MSG(test, wait_ms(rx_reached, h, rx0 + n),
			      "queue %u, kicked %s: %llu of %u frames back",
			      qid, how, dev_rx_packets(h) - rx0, n);
}

/* What /sys/class/net/<if>/vmbnet/endpoint says. */
static const char *endpoint_text(struct test_host *h)
{
	struct device_attribute *da =
		container_of(vmbnet_sysfs_group.attrs[0],
			     struct device_attribute, attr);

	memset(h->text, 0, PAGE_SIZE);
	da->show(&h->hd.dev->dev, da, h->text);
	return h->text;
}

static void host_free(struct test_host *h)
{
	unsigned int q;

	if (h->wq)
		destroy_workqueue(h->wq);
	for (q = 0; q < HOST_QUEUES; q++) {
		vmbnet_ring_mem_free(&h->out[q]);
		vmbnet_ring_mem_free(&h->in[q]);
	}
	if (!IS_ERR_OR_NULL(h->parent))
		root_device_unregister(h->parent);
	free_page((unsigned long)h->text);
}

static int transport_test_init(struct kunit *test)
{
	struct test_host *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	unsigned int q;
	int err = -ENOMEM;

	if (!h)
		return -ENOMEM;
	for (q = 0; q < HOST_QUEUES; q++) {
		h->chans[q].host = h;
		h->chans[q].qid = q;
		err = vmbnet_ring_mem_alloc(&h->out[q], HOST_RING_SIZE);
		if (!err)
			err = vmbnet_ring_mem_alloc(&h->in[q], HOST_RING_SIZE);
		if (err) {
			kunit_err(test, "rings of queue %u: %d\n", q, err);
			goto err;
		}
	}
	err = -ENOMEM;
	h->text = (char *)get_zeroed_page(GFP_KERNEL);
	h->wq = alloc_ordered_workqueue("vmbnet-test-host", 0);
	if (!h->text || !h->wq)
		goto err;
	/* No owner: the suites run inside the module's init, before its
	 * sysfs directory can be linked to.
	 */
	h->parent = __root_device_register("vmbnet-test-vmbus", NULL);
	if (IS_ERR(h->parent)) {
		err = PTR_ERR(h->parent);
		kunit_err(test, "root_device_register: %d\n", err);
		goto err;
	}
	INIT_WORK(&h->work, host_work);
	hrtimer_init(&h->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	h->hrtimer.function = host_hrtimer;
	timer_setup(&h->timer, host_timer, 0);
	test->priv = h;
	return 0;

err:
	host_free(h);
	return err;
}

/* Whatever the case left: the device first, then what its rings were.
 * KUnit calls this after a failed init too.
 */
static void transport_test_exit(struct kunit *test)
{
	struct test_host *h = test->priv;

	if (!h)
		return;
	WRITE_ONCE(h->timers_on, false);
	hrtimer_cancel(&h->hrtimer);
	del_timer_sync(&h->timer);
	if (h->hd.dev)
		vmbnet_hv_dev_remove(&h->hd);
	host_free(h);
}

/* A device's life on a channel-based transport: made by a probe before its
 * first channel opens, attached with one queue, its queues arriving one by
 * one after the control protocol agreed on four, kicked from hard IRQ and
 * softirq, its channel rescinded under traffic, removed.
 */
static void vmbnet_transport_channel_life(struct kunit *test)
{
	static const guid_t instance = GUID_INIT(0x12345678, 0x9abc, 0xdef0,
						 1, 2, 3, 4, 5, 6, 7, 8);
	struct test_host *h = test->priv;
	struct vmbnet_priv *priv;
	struct net_device *dev;
	struct rtnl_link_stats64 s;
	unsigned long held;
	unsigned int q;
	u64 dropped;
	int err;

	/* Probe: the device, no endpoint yet. */
	KUNIT_ASSERT_EQ(test, vmbnet_hv_dev_init(&h->hd, h->parent, &host_bus_ops,
						 &instance, HOST_QUEUES,
						 HOST_RING_SIZE), 0);
	dev = h->hd.dev;
	priv = netdev_priv(dev);
	KUNIT_EXPECT_PTR_EQ(test, dev->dev.parent, h->parent);
	KUNIT_EXPECT_NULL(test, dev->rtnl_link_ops);
	KUNIT_EXPECT_FALSE(test, netif_carrier_ok(dev));
	KUNIT_EXPECT_STREQ(test, endpoint_text(h), "none\n");
	rtnl_lock();
	err = dev_open(dev, NULL);
	if (!err)
		err = dev_set_mtu(dev, 1400);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);

	/* The primary channel: one queue, the control protocol agrees. */
	KUNIT_ASSERT_EQ(test, host_open(h, 0), 0);
	KUNIT_EXPECT_EQ(test, priv->num_queues, 1U);
	KUNIT_EXPECT_STREQ(test, endpoint_text(h),
			   "vmbus 12345678-9abc-def0-0102-030405060708\n");
	KUNIT_ASSERT_TRUE_MSG(test, wait_ms(carrier_is, h, 1),
			      "no carrier: control state %d", priv->ctl.state);
	KUNIT_EXPECT_TRUE(test, wait_ms(agreed_is, h, HOST_QUEUES));
	KUNIT_EXPECT_EQ(test, priv->num_queues, 1U);
	KUNIT_EXPECT_EQ(test, dev->mtu, 1400U);
	expect_echo(test, h, 0, 20, "from a task");

	/* Subchannels, one at a time: each queue is used once it is there. */
	for (q = 1; q < HOST_QUEUES; q++) {
		KUNIT_ASSERT_EQ(test, host_open(h, q), 0);
		KUNIT_EXPECT_TRUE_MSG(test, wait_ms(queues_in_use, h, q + 1),
				      "%u queues in use, not %u",
				      priv->num_queues, q + 1);
		KUNIT_EXPECT_EQ(test, dev->real_num_tx_queues, q + 1);
		KUNIT_EXPECT_EQ(test, dev->real_num_rx_queues, q + 1);
		expect_echo(test, h, q, 20, "from a task");
	}
	/* One channel twice, or one the device has no queue for: refused. */
	KUNIT_EXPECT_EQ(test, vmbnet_hv_chan_opened(&h->hd, 1, &h->chans[1],
						    h->out[1].vaddr,
						    h->in[1].vaddr), -EEXIST);
	KUNIT_EXPECT_EQ(test, vmbnet_hv_chan_opened(&h->hd, HOST_QUEUES, NULL,
						    NULL, NULL), -ERANGE);

	/* Kicks from hard IRQ only, then from softirq only. */
	WRITE_ONCE(h->timers_on, true);
	WRITE_ONCE(h->kicker, KICK_HARDIRQ);
	hrtimer_start(&h->hrtimer, ms_to_ktime(2), HRTIMER_MODE_REL_HARD);
	for (q = 0; q < HOST_QUEUES; q++)
		expect_echo(test, h, q, 50, "from hard IRQ");
	WRITE_ONCE(h->timers_on, false);
	hrtimer_cancel(&h->hrtimer);
	KUNIT_EXPECT_GT(test, atomic_read(&h->hardirq_kicks), 0);

	WRITE_ONCE(h->timers_on, true);
	WRITE_ONCE(h->kicker, KICK_SOFTIRQ);
	mod_timer(&h->timer, jiffies + 1);
	for (q = 0; q < HOST_QUEUES; q++)
		expect_echo(test, h, q, 50, "from softirq");
	WRITE_ONCE(h->timers_on, false);
	del_timer_sync(&h->timer);
	KUNIT_EXPECT_GT(test, atomic_read(&h->softirq_kicks), 0);
	WRITE_ONCE(h->kicker, KICK_TASK);
	KUNIT_EXPECT_GT(test, atomic_read(&h->signals), 0);

	/* Rescinded under traffic, from hard IRQ's kin: atomic context. */
	for (q = 0; q < HOST_QUEUES; q++)
		send_frames(test, h, q, 50);
	held = jiffies;
	local_irq_disable();
	vmbnet_hv_rescind(&h->hd);
	local_irq_enable();
	/* The carrier waits a while for the next endpoint, tx held. */
	KUNIT_EXPECT_TRUE(test, wait_ms(carrier_is, h, 0));
	KUNIT_EXPECT_TRUE_MSG(test, time_after_eq(jiffies, held +
				msecs_to_jiffies(VMBNET_HOLD_MS)),
			      "carrier gone %u ms after the rescind",
			      jiffies_to_msecs(jiffies - held));
	KUNIT_EXPECT_TRUE(test, netif_xmit_stopped(netdev_get_tx_queue(dev, 0)));
	rtnl_lock();
	KUNIT_EXPECT_NULL(test, rtnl_dereference(priv->ep));
	rtnl_unlock();
	KUNIT_EXPECT_STREQ(test, endpoint_text(h), "none\n");
	/* The device and its settings stay; frames are dropped and counted. */
	KUNIT_EXPECT_EQ(test, (int)dev->reg_state, (int)NETREG_REGISTERED);
	KUNIT_EXPECT_EQ(test, dev->mtu, 1400U);
	KUNIT_EXPECT_TRUE(test, netif_running(dev));
	dev_get_stats(dev, &s);
	dropped = s.tx_dropped;
	for (q = 0; q < 10; q++)
		send_frame(test, h, q % HOST_QUEUES, true);
	dev_get_stats(dev, &s);
	KUNIT_EXPECT_EQ(test, s.tx_dropped, dropped + 10);

	/* Remove: the device goes before the rings (exit frees them). */
	vmbnet_hv_dev_remove(&h->hd);
	h->hd.dev = NULL;
}

/* Kicks and queue arrivals for a device that has no endpoint (yet, or any
 * more) are harmless: nothing is there to run.
 */
static void vmbnet_transport_detached_calls(struct kunit *test)
{
	static const guid_t instance = GUID_INIT(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
	struct test_host *h = test->priv;

	KUNIT_ASSERT_EQ(test, vmbnet_hv_dev_init(&h->hd, h->parent, &host_bus_ops,
						 &instance, HOST_QUEUES,
						 HOST_RING_SIZE), 0);
	vmbnet_hv_chan_event(&h->hd, 0);
	vmbnet_hv_chan_event(&h->hd, HOST_QUEUES + 5);
	vmbnet_hv_rescind(&h->hd);
	vmbnet_queues_added(&h->hd.ep, 2);
	KUNIT_EXPECT_FALSE(test, netif_carrier_ok(h->hd.dev));
	/* An endpoint with no rings or no name is refused. */
	rtnl_lock();
	h->hd.ep.num_queues = 0;
	KUNIT_EXPECT_EQ(test, vmbnet_attach(h->hd.dev, &h->hd.ep, false), -EINVAL);
	h->hd.ep.num_queues = 1;
	h->hd.ep.ring_size = 12345;
	KUNIT_EXPECT_EQ(test, vmbnet_attach(h->hd.dev, &h->hd.ep, false), -EINVAL);
	rtnl_unlock();
}

/* A bare endpoint on one of the host's queues' rings, for the attach rules. */
struct test_ep {
	struct vmbnet_endpoint ep;
	struct vmbnet_endpoint_queue q;
	int detached;
	bool restart;
};

static void test_ep_signal(struct vmbnet_endpoint *ep, unsigned int qid)
{
}

static void test_ep_detached(struct vmbnet_endpoint *ep, bool restart)
{
	struct test_ep *t = container_of(ep, struct test_ep, ep);

	t->detached++;
	t->restart = restart;
}

static const struct vmbnet_endpoint_ops test_ep_ops = {
	.name		= "test",
	.signal		= test_ep_signal,
	.detached	= test_ep_detached,
};

static void test_ep_init(struct test_ep *t, struct test_host *h, unsigned int qid)
{
	t->q.tx_ctrl = h->out[qid].ctrl;
	t->q.tx_data = h->out[qid].data;
	t->q.rx_ctrl = h->in[qid].ctrl;
	t->q.rx_data = h->in[qid].data;
	t->ep.ops = &test_ep_ops;
	t->ep.ring_size = HOST_RING_SIZE;
	t->ep.max_queues = 1;
	t->ep.num_queues = 1;
	t->ep.queues = &t->q;
}

/* A device has one endpoint: another is refused unless it asks to replace
 * it, or the one there is on its way out. A replaced endpoint is told it
 * is not wanted back.
 */
static void vmbnet_transport_replace(struct kunit *test)
{
	struct test_host *h = test->priv;
	struct test_ep *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct test_ep *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct net_device *dev;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	test_ep_init(a, h, 0);
	test_ep_init(b, h, 1);
	dev = vmbnet_create(h->parent, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vmbnet_attach(dev, &a->ep, false), 0);
	KUNIT_EXPECT_EQ(test, vmbnet_attach(dev, &b->ep, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, a->detached, 0);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(a->ep.dev), dev);
	KUNIT_EXPECT_TRUE(test, !rcu_access_pointer(b->ep.dev));

	KUNIT_EXPECT_EQ(test, vmbnet_attach(dev, &b->ep, true), 0);
	KUNIT_EXPECT_EQ(test, a->detached, 1);
	KUNIT_EXPECT_FALSE(test, a->restart);
	KUNIT_EXPECT_TRUE(test, !rcu_access_pointer(a->ep.dev));
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(b->ep.dev), dev);
	rtnl_unlock();

	/* b is going (a channel rescinded): a needs no replace. */
	vmbnet_detach_async(&b->ep);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vmbnet_attach(dev, &a->ep, false), 0);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, b->detached, 1);
	KUNIT_EXPECT_TRUE(test, !rcu_access_pointer(b->ep.dev));

	vmbnet_detach(&a->ep);
	KUNIT_EXPECT_EQ(test, a->detached, 2);
	/* No VF: data_path refuses it and stays synthetic. */
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vmbnet_vf_set_path(netdev_priv(dev), true), -ENODEV);
	KUNIT_EXPECT_EQ(test, vmbnet_vf_set_path(netdev_priv(dev), false), 0);
	KUNIT_EXPECT_FALSE(test, ((struct vmbnet_priv *)netdev_priv(dev))->vf_path);
	rtnl_unlock();
	/* Free again: anyone may attach. */
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vmbnet_attach(dev, &b->ep, false), 0);
	rtnl_unlock();
	vmbnet_destroy(dev);
	KUNIT_EXPECT_EQ(test, b->detached, 2);
}

static struct kunit_case vmbnet_transport_cases[] = {
	KUNIT_CASE(vmbnet_transport_channel_life),
	KUNIT_CASE(vmbnet_transport_detached_calls),
	KUNIT_CASE(vmbnet_transport_replace),
	{}
};

static struct kunit_suite vmbnet_transport_suite = {
	.name = "vmbnet_transport",
	.init = transport_test_init,
	.exit = transport_test_exit,
	.test_cases = vmbnet_transport_cases,
};

kunit_test_suites(&vmbnet_transport_suite);
