// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet-endpoint: what the endpoint itself decides about the driver's
 * control requests (libvmbnet checks the protocol's rules), and the --log
 * line for each.
 */

#include <asm/byteorder.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "endpoint.h"
/* --break-on-queues reaches into the library's insides. */
#include "libvmbnet.h"

struct ep_line {
	char s[2048];
	size_t n;
};

static __printf(2, 3) void put(struct ep_line *l, const char *fmt, ...);

static void put(struct ep_line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->n >= sizeof(l->s))
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->s + l->n, sizeof(l->s) - l->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->n += n;
}

static void put_mac(struct ep_line *l, const uint8_t *m)
{
	put(l, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void put_rss(struct ep_line *l, const struct vmbnet_ctl_rss *r)
{
	unsigned int i;

	put(l, " hash_types=0x%x key=", le32_to_cpu(r->hash_types));
	for (i = 0; i < VMBNET_RSS_KEY_SIZE; i++)
		put(l, "%02x", r->key[i]);
	put(l, " indir=");
	for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
		put(l, "%s%u", i ? "," : "", le16_to_cpu(r->indir[i]));
}

static void put_rx_filter(struct ep_line *l, const struct vmbnet_ctl_rx_filter *f)
{
	const uint8_t *mc = (const uint8_t *)(f + 1);
	uint32_t flags = le32_to_cpu(f->flags), n = le32_to_cpu(f->mc_count), i;

	put(l, " promisc=%d allmulti=%d mc=", !!(flags & VMBNET_RX_PROMISC),
	    !!(flags & VMBNET_RX_ALLMULTI));
	if (!n)
		put(l, "-");
	for (i = 0; i < n; i++) {
		if (i)
			put(l, ",");
		put_mac(l, mc + 8 * i);
	}
}

/* A valid request, as the spec's --log line has it (label and seq aside). */
static void put_request(struct ep_line *l, uint16_t type, const union vmbnet_ctl_body *b)
{
	uint32_t v = le32_to_cpu(b->value.value);

	switch (type) {
	case VMBNET_MSG_INIT:
		put(l, "INIT seq=%u versions=%u-%u features=0x%llx",
		    le32_to_cpu(b->hdr.seq), le32_to_cpu(b->init.version_min),
		    le32_to_cpu(b->init.version_max),
		    (unsigned long long)le64_to_cpu(b->init.features));
		return;
	case VMBNET_MSG_ACCEPT:
		put(l, "ACCEPT seq=%u version=%u features=0x%llx",
		    le32_to_cpu(b->hdr.seq), le32_to_cpu(b->accept.version),
		    (unsigned long long)le64_to_cpu(b->accept.features));
		return;
	case VMBNET_MSG_SET_MAC:
		put(l, "SET_MAC seq=%u mac=", le32_to_cpu(b->hdr.seq));
		put_mac(l, b->mac.mac);
		return;
	case VMBNET_MSG_SET_MTU:
		put(l, "SET_MTU seq=%u mtu=%u", le32_to_cpu(b->hdr.seq), v);
		return;
	case VMBNET_MSG_SET_QUEUES:
		put(l, "SET_QUEUES seq=%u queues=%u", le32_to_cpu(b->hdr.seq), v);
		return;
	case VMBNET_MSG_SET_RSS:
		put(l, "SET_RSS seq=%u", le32_to_cpu(b->hdr.seq));
		put_rss(l, &b->rss);
		return;
	case VMBNET_MSG_SET_RX_FILTER:
		put(l, "SET_RX_FILTER seq=%u", le32_to_cpu(b->hdr.seq));
		put_rx_filter(l, &b->rx_filter);
		return;
	case VMBNET_MSG_SET_STATE:
		put(l, "SET_STATE seq=%u state=%s", le32_to_cpu(b->hdr.seq),
		    v ? "up" : "down");
		return;
	case VMBNET_MSG_SET_DATA_PATH:
		put(l, "SET_DATA_PATH seq=%u path=%s", le32_to_cpu(b->hdr.seq),
		    v ? "vf" : "synthetic");
		return;
	case VMBNET_MSG_SET_OFFLOADS:
		put(l, "SET_OFFLOADS seq=%u offloads=%#llx", le32_to_cpu(b->hdr.seq),
		    (unsigned long long)le64_to_cpu(b->offloads.offloads));
		return;
	}
}

static void ep_log_ctl(const struct ep_dev *d, const struct vmbnet_ctl_event *ev,
		       int status)
{
	struct ep_line l = { .n = 0 };

	if (ev->bad) {
		ep_log_msg("%s: bad control message type=0x%02x len=%u: %s", d->label,
			   ev->type, ev->len, strerror(ev->status));
		return;
	}
	put_request(&l, ev->type, ev->body);
	if (status)
		put(&l, " -> refused: %s", strerror(status));
	ep_log_msg("%s: %s", d->label, l.s);
}

/* The endpoint's own refusals, beyond the protocol's. */
static int ep_refuse(const struct ep_dev *d, const struct vmbnet_ctl_event *ev)
{
	struct vmbnet_dev_state peer;

	/* --refuse-mtu: how the driver takes any answer an endpoint gives. */
	if (ev->type == VMBNET_MSG_SET_MTU && ep_refuse_mtu)
		return -(int)ep_refuse_mtu;
	/* --refuse-accept: no agreement, though the ACCEPT is within the offer. */
	if (ev->type == VMBNET_MSG_ACCEPT && ep_refuse_accept)
		return -EINVAL;
	/* pair: two devices with one address on one wire would not work. */
	if (ev->type == VMBNET_MSG_SET_MAC && d->peer) {
		vmbnet_get_state(d->peer->ep, &peer);
		if (peer.mac_set && !memcmp(peer.mac, ev->body->mac.mac, sizeof(peer.mac)))
			return -EADDRINUSE;
	}
	return 0;
}

/*
 * --break-on-queues, once per run: a SET_QUEUES that turns queues off finds
 * the inbound ring of the highest queue in use corrupt, and the driver
 * kicked on that queue, before it is answered. The driver must reset the
 * channel though the queue is about to go out of use.
 */
static void ep_break_ring(struct ep_dev *d, struct vmbnet_endpoint *ep,
			  const struct vmbnet_ctl_event *ev)
{
	static bool done;
	struct vmbnet_dev_state st;
	struct vmbnet_txq *txq;

	vmbnet_get_state(ep, &st);
	if (le32_to_cpu(ev->body->value.value) >= st.queues ||
	    st.queues > vmbnet_num_queues(ep) ||
	    __atomic_exchange_n(&done, true, __ATOMIC_RELAXED))
		return;
	/* The library's insides (libvmbnet.h): only a test endpoint goes there. */
	txq = &ep->queues[st.queues - 1].tx;
	ep_log_msg("%s: breaking queue %u's inbound ring", d->label, txq->index);
	/* Held meanwhile: no send of ours publishes a sane index over it. */
	pthread_mutex_lock(&txq->lock);
	/* Unaligned and past the end: corrupt at the driver's next look. */
	txq->ring.ctrl->write_index = cpu_to_le32(txq->ring.size + 4);
	vmbnet_txq_kick(txq);
	usleep(200000);
	pthread_mutex_unlock(&txq->lock);
}

int ep_ctl(struct vmbnet_endpoint *ep, const struct vmbnet_ctl_event *ev, void *priv)
{
	struct ep_dev *d = priv;
	int status = ev->status;

	__atomic_fetch_add(&d->ctl_msgs, 1, __ATOMIC_RELAXED);
	/* --ctl-delay: a slow endpoint, answering each request late. */
	if (!ev->bad && ep_ctl_delay_ms && ev->type != VMBNET_MSG_INIT)
		usleep(ep_ctl_delay_ms * 1000U);
	if (!ev->bad && !status && ep_hostile_answer)
		return ep_hostile_answer(ev);
	if (!ev->bad && !status)
		status = -ep_refuse(d, ev);
	if (!ev->bad && !status && ev->type == VMBNET_MSG_SET_QUEUES && ep_break_on_queues)
		ep_break_ring(d, ep, ev);
	if (!ev->bad && !status && ev->type == VMBNET_MSG_ACCEPT && d->on_accept)
		d->on_accept(d, le64_to_cpu(ev->body->accept.features));
	if (ep_log)
		ep_log_ctl(d, ev, status);
	return status;
}
