// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvmbnet: the endpoint's side of the control protocol. Requests come on
 * queue 0 and are answered there; what they set is the endpoint's state.
 */

#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <assert.h>
#include <errno.h>
#include <linux/compiler.h>
#include <sched.h>
#include <string.h>

#include "libvmbnet.h"

/*
 * The state is a seqlock: one writer at a time (ctl_lock) makes the count
 * odd while it writes, and readers, who never block the data path, retry
 * if it was odd or changed under them.
 */
/* Word by word, relaxed: the published copies are read while written. */
typedef uint32_t __attribute__((may_alias)) pub_word;

static void pub_store(void *dst, const void *src, size_t n)
{
	const pub_word *s = src;
	pub_word *d = dst;
	size_t i;

	for (i = 0; i < n / sizeof(*d); i++)
		__atomic_store_n(&d[i], s[i], __ATOMIC_RELAXED);
}

static void pub_load(void *dst, const void *src, size_t n)
{
	const pub_word *s = src;
	pub_word *d = dst;
	size_t i;

	for (i = 0; i < n / sizeof(*d); i++)
		d[i] = __atomic_load_n(&s[i], __ATOMIC_RELAXED);
}

static_assert(sizeof(struct vmbnet_dev_state) % sizeof(pub_word) == 0,
	      "the state is copied a word at a time");

void vmbnet_state_begin(struct vmbnet_endpoint *ep)
{
	pthread_mutex_lock(&ep->ctl_lock);
	__atomic_store_n(&ep->state_seq, ep->state_seq + 1, __ATOMIC_RELAXED);
	/* The odd count before any of the changes it covers. */
	smp_wmb();
}

void vmbnet_state_end(struct vmbnet_endpoint *ep)
{
	const struct vmbnet_dev_state *st = &ep->state;
	uint32_t flags = (st->state_set ? VMBNET_FL_AGREED : 0) |
			 (st->up ? VMBNET_FL_UP : 0) |
			 (st->vf ? VMBNET_FL_VF : 0) |
			 (st->features & F(HASH_REPORT) ? VMBNET_FL_HASH : 0);

	pub_store(&ep->pub, st, sizeof(*st));
	if (ep->table_changed)
		pub_store(ep->pub_table, ep->rss_table, sizeof(ep->rss_table));
	ep->table_changed = false;
	__atomic_store_n(&ep->flags, flags, __ATOMIC_RELEASE);
	/* The changes before the even count that says they are done. */
	smp_store_release(&ep->state_seq, ep->state_seq + 1);
	pthread_mutex_unlock(&ep->ctl_lock);
}

uint32_t vmbnet_state_read_begin(const struct vmbnet_endpoint *ep)
{
	uint32_t seq;

	/*
	 * Acquire: the count before the state it covers. A writer may have
	 * been preempted in the middle: let it finish.
	 */
	while ((seq = smp_load_acquire(&ep->state_seq)) & 1)
		sched_yield();
	return seq;
}

bool vmbnet_state_read_retry(const struct vmbnet_endpoint *ep, uint32_t seq)
{
	/* The state read before the count looked at again. */
	smp_rmb();
	return __atomic_load_n(&ep->state_seq, __ATOMIC_RELAXED) != seq;
}

static uint32_t ep_flags(const struct vmbnet_endpoint *ep)
{
	return __atomic_load_n(&ep->flags, __ATOMIC_ACQUIRE);
}

bool vmbnet_ready(const struct vmbnet_endpoint *ep)
{
	uint32_t want = VMBNET_FL_AGREED | VMBNET_FL_UP;

	return (ep_flags(ep) & want) == want;
}

bool vmbnet_dev_ready(const struct vmbnet_endpoint *ep)
{
	return ep_flags(ep) & VMBNET_FL_AGREED;
}

bool vmbnet_data_path_vf(const struct vmbnet_endpoint *ep)
{
	return ep_flags(ep) & VMBNET_FL_VF;
}

uint64_t vmbnet_guest_offloads(const struct vmbnet_endpoint *ep)
{
	uint64_t offloads;
	uint32_t seq;

	/* Published a word at a time: the count says when it is whole. */
	do {
		seq = vmbnet_state_read_begin(ep);
		offloads = PUB_LOAD(ep->pub.offloads);
	} while (vmbnet_state_read_retry(ep, seq));
	return offloads;
}

void vmbnet_get_state(const struct vmbnet_endpoint *ep, struct vmbnet_dev_state *st)
{
	uint32_t seq;

	do {
		seq = vmbnet_state_read_begin(ep);
		pub_load(st, &ep->pub, sizeof(*st));
	} while (vmbnet_state_read_retry(ep, seq));
}

/* A fresh attach: nothing set yet but the link; the sample key until the
 * driver sets one.
 */
void vmbnet_state_reset(struct vmbnet_endpoint *ep)
{
	struct vmbnet_dev_state *st = &ep->state;
	bool link = st->link;
	uint32_t speed = st->speed;
	uint8_t duplex = st->duplex;

	vmbnet_state_begin(ep);
	memset(st, 0, sizeof(*st));
	st->link = link;
	st->speed = speed;
	st->duplex = duplex;
	st->queues = ep->num_queues;
	vmbnet_rss_set_key(ep, vmbnet_rss_default_key);
	vmbnet_state_end(ep);
}

/* The OFFER that answers an INIT: the config, as attached, link as of now. */
void vmbnet_make_offer(const struct vmbnet_endpoint *ep, struct vmbnet_ctl_offer *o)
{
	const struct vmbnet_config *cfg = &ep->cfg;
	__le32 seq = o->hdr.seq;

	memset(o, 0, sizeof(*o));
	o->hdr.seq = seq;
	o->version_min = cpu_to_le32(cfg->version_min);
	o->version_max = cpu_to_le32(cfg->version_max);
	o->features = cpu_to_le64(cfg->features);
	if (cfg->features & F(MAC))
		memcpy(o->mac, cfg->mac, sizeof(o->mac));
	if (cfg->features & F(MTU)) {
		o->mtu_min = cpu_to_le32(cfg->mtu_min);
		o->mtu_max = cpu_to_le32(cfg->mtu_max);
	}
	o->max_queues = cpu_to_le32(min_u32(cfg->max_queues, ep->num_queues));
	o->ring_size = cpu_to_le32(ep->ring_size);
	if (cfg->features & F(RSS)) {
		o->rss_key_size = cpu_to_le16(VMBNET_RSS_KEY_SIZE);
		o->rss_indir_size = cpu_to_le16(VMBNET_RSS_INDIR_SIZE);
		o->rss_hash_types = cpu_to_le32(cfg->rss_hash_types);
	}
	o->link = cpu_to_le32(ep->state.link);
	o->speed = cpu_to_le32(ep->state.speed);
	o->duplex = ep->state.duplex;
}

static int send_reply(struct vmbnet_endpoint *ep, struct vmbnet_reply *r)
{
	struct vmbnet_txq *txq0 = &ep->queues[0].tx;
	int err;

	if (r->type != VMBNET_MSG_OFFER)
		return vmbnet_tx_msg(txq0, r->type, &r->body, r->len);
	/*
	 * Built and sent under ctl_lock: it carries the link of the moment,
	 * and no LINK can overtake it.
	 */
	vmbnet_state_begin(ep);
	vmbnet_make_offer(ep, &r->body.offer);
	err = vmbnet_tx_msg(txq0, VMBNET_MSG_OFFER, &r->body.offer,
			    sizeof(r->body.offer));
	if (!err) {
		ep->offer = r->body.offer;
		ep->state.offered = true;
	}
	vmbnet_state_end(ep);
	return err;
}

/* The answers still to write, oldest first, while there is room. */
int vmbnet_ctl_flush_replies(struct vmbnet_rxq *rxq)
{
	unsigned int done = 0;
	int err = 0;

	while (done < rxq->nr_replies) {
		err = send_reply(rxq->ep, &rxq->replies[done]);
		/* Anything else (a corrupt ring) would not get better by waiting. */
		if (err == -ENOSPC)
			break;
		done++;
	}
	rxq->nr_replies -= done;
	memmove(rxq->replies, rxq->replies + done,
		rxq->nr_replies * sizeof(rxq->replies[0]));
	return rxq->nr_replies ? -ENOSPC : 0;
}

static bool is_request(uint16_t type)
{
	return type >= VMBNET_MSG_INIT && type <= VMBNET_MSG_SET_OFFLOADS;
}

/* Wellformed, but is it expected now? -EPROTO if not. */
int vmbnet_ctl_expected(const struct vmbnet_endpoint *ep, unsigned int queue,
			uint16_t type)
{
	const struct vmbnet_dev_state *st = &ep->state;

	/* Control is on queue 0, and the endpoint only takes requests. */
	if (queue || !is_request(type))
		return -EPROTO;
	if (type == VMBNET_MSG_ACCEPT)
		return st->offered ? 0 : -EPROTO;
	if (type != VMBNET_MSG_INIT && !st->accepted)
		return -EPROTO;
	return 0;
}

static int check_rss(const struct vmbnet_endpoint *ep, const struct vmbnet_ctl_rss *r)
{
	unsigned int i;

	if (!(ep->state.features & F(RSS)))
		return -EOPNOTSUPP;
	if (le32_to_cpu(r->hash_types) & ~le32_to_cpu(ep->offer.rss_hash_types))
		return -EINVAL;
	for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
		if (le16_to_cpu(r->indir[i]) >= ep->state.queues)
			return -EINVAL;
	return 0;
}

/* A valid request: 0 if the endpoint can do it, else why not. */
int vmbnet_ctl_verdict(const struct vmbnet_endpoint *ep, uint16_t type,
		       const union vmbnet_ctl_body *b)
{
	const struct vmbnet_ctl_offer *o = &ep->offer;
	uint32_t v = le32_to_cpu(b->value.value);
	uint64_t features;

	switch (type) {
	case VMBNET_MSG_ACCEPT:
		v = le32_to_cpu(b->accept.version);
		features = le64_to_cpu(b->accept.features);
		if (v < le32_to_cpu(o->version_min) || v > le32_to_cpu(o->version_max) ||
		    features & ~le64_to_cpu(o->features))
			return -EINVAL;
		return 0;
	case VMBNET_MSG_SET_MTU:
		if (ep->state.features & F(MTU))
			return v >= le32_to_cpu(o->mtu_min) &&
			       v <= le32_to_cpu(o->mtu_max) ? 0 : -EINVAL;
		return v <= 1500 ? 0 : -EINVAL;
	case VMBNET_MSG_SET_QUEUES:
		return v <= le32_to_cpu(o->max_queues) ? 0 : -EINVAL;
	case VMBNET_MSG_SET_RSS:
		return check_rss(ep, &b->rss);
	case VMBNET_MSG_SET_OFFLOADS:
		features = le64_to_cpu(b->offloads.offloads);
		if (!(ep->state.features & F(CTRL_GUEST_OFFLOADS)))
			return -EOPNOTSUPP;
		/* Only what was agreed, and GSO with checksums (as virtio). */
		if (features & ~ep->state.features ||
		    (features & ~F(GUEST_CSUM) && !(features & F(GUEST_CSUM))))
			return -EINVAL;
		/* Frames come as the application has them, checksums undone:
		 * the receive checksum offload stays.
		 */
		return (ep->state.features & ~features) & F(GUEST_CSUM) ? -EOPNOTSUPP : 0;
	default:
		return 0;
	}
}

static void apply_rx_filter(struct vmbnet_dev_state *st,
			    const struct vmbnet_ctl_rx_filter *f)
{
	const uint8_t *mc = (const uint8_t *)(f + 1);
	unsigned int i;

	st->rx_filter_set = true;
	st->rx_flags = le32_to_cpu(f->flags);
	st->mc_count = le32_to_cpu(f->mc_count);
	for (i = 0; i < st->mc_count; i++)
		memcpy(st->mc[i], mc + 8 * i, 6);
}

/* The request took effect: record it. Only queue 0's reader gets here. */
static void ctl_apply(struct vmbnet_endpoint *ep, uint16_t type,
		      const union vmbnet_ctl_body *b)
{
	struct vmbnet_dev_state *st = &ep->state;
	uint32_t v = le32_to_cpu(b->value.value);
	unsigned int i;

	vmbnet_state_begin(ep);
	switch (type) {
	case VMBNET_MSG_INIT:
		/* Negotiation starts again; settings stay until replaced. */
		st->offered = false;
		st->accepted = false;
		st->state_set = false;
		st->version = 0;
		st->features = 0;
		st->offloads = 0;
		break;
	case VMBNET_MSG_ACCEPT:
		st->accepted = true;
		st->version = le32_to_cpu(b->accept.version);
		st->features = le64_to_cpu(b->accept.features);
		st->offloads = st->features & VMBNET_GUEST_OFFLOADS;
		break;
	case VMBNET_MSG_SET_MAC:
		st->mac_set = true;
		memcpy(st->mac, b->mac.mac, sizeof(st->mac));
		break;
	case VMBNET_MSG_SET_MTU:
		st->mtu = v;
		break;
	case VMBNET_MSG_SET_QUEUES:
		st->queues = v;
		break;
	case VMBNET_MSG_SET_RSS:
		st->rss_set = true;
		st->rss_hash_types = le32_to_cpu(b->rss.hash_types);
		memcpy(st->rss_key, b->rss.key, sizeof(st->rss_key));
		vmbnet_rss_set_key(ep, st->rss_key);
		for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
			st->rss_indir[i] = le16_to_cpu(b->rss.indir[i]);
		break;
	case VMBNET_MSG_SET_RX_FILTER:
		apply_rx_filter(st, &b->rx_filter);
		break;
	case VMBNET_MSG_SET_STATE:
		st->up = v;
		st->state_set = true;
		break;
	case VMBNET_MSG_SET_DATA_PATH:
		st->vf = v;
		break;
	case VMBNET_MSG_SET_OFFLOADS:
		st->offloads = le64_to_cpu(b->offloads.offloads);
		break;
	}
	vmbnet_state_end(ep);
}

/* Queue the answer to a message; the driver has one request in flight, so
 * a full queue means it broke the protocol: it gets no answer (counted).
 */
static void ctl_reply(struct vmbnet_rxq *rxq, const struct vmbnet_ctl_event *ev)
{
	struct vmbnet_reply *r;

	if (rxq->nr_replies == VMBNET_REPLIES) {
		rxq->stats.ctl_bad++;
		return;
	}
	r = &rxq->replies[rxq->nr_replies++];
	memset(r, 0, sizeof(*r));
	r->body.hdr.seq = cpu_to_le32(ev->seq);
	if (ev->type == VMBNET_MSG_INIT && !ev->bad && !ev->status) {
		r->type = VMBNET_MSG_OFFER;
		r->len = sizeof(r->body.offer);
	} else {
		r->type = VMBNET_MSG_STATUS;
		r->len = sizeof(r->body.status);
		r->body.status.request = cpu_to_le16(ev->type);
		r->body.status.status = cpu_to_le32(ev->status);
	}
	vmbnet_ctl_flush_replies(rxq);
}

/* Check one control message, let the application see it, answer it. */
void vmbnet_ctl_receive(struct vmbnet_rxq *rxq, uint16_t type, const uint8_t *body,
			uint32_t len, uint32_t avail, bool framed)
{
	struct vmbnet_endpoint *ep = rxq->ep;
	union vmbnet_ctl_body b;
	struct vmbnet_ctl_event ev = {
		.type = type, .len = len, .queue = rxq->index, .body = &b,
	};
	int err, ret;

	/* A copy: the driver's side of the ring could change under us. */
	memset(&b, 0, sizeof(b));
	memcpy(&b, body, min_u32(min_u32(len, avail), sizeof(b)));
	if (min_u32(len, avail) >= sizeof(b.hdr.seq))
		ev.seq = le32_to_cpu(b.hdr.seq);
	if (!framed)
		err = -EMSGSIZE;
	else if (len > sizeof(b))
		/* Too long for any type: length 0 says unknown or wrong length. */
		err = vmbnet_ctl_check(type, &b, 0);
	else
		err = vmbnet_ctl_check(type, &b, len);
	/* The writer's copy: an answer on another queue's thread may set it. */
	pthread_mutex_lock(&ep->ctl_lock);
	if (!err)
		err = vmbnet_ctl_expected(ep, rxq->index, type);
	if (err) {
		ev.bad = true;
		ev.status = -err;
		rxq->stats.ctl_bad++;
	} else if (type == VMBNET_MSG_INIT) {
		ev.status = ep->cfg.refuse_init;
	} else {
		ev.status = -vmbnet_ctl_verdict(ep, type, &b);
	}
	pthread_mutex_unlock(&ep->ctl_lock);

	if (ep->cfg.ctl) {
		ret = ep->cfg.ctl(ep, &ev, ep->cfg.priv);
		if (!ev.bad && !ev.status && type != VMBNET_MSG_INIT && ret > 0)
			ev.status = ret < 4096 ? ret : EINVAL;
		if (!ev.bad && !ev.status && type != VMBNET_MSG_INIT &&
		    ret == VMBNET_CTL_NO_ANSWER)
			return;
	}
	/* An INIT ends the last agreement, refused or not. */
	if (!ev.bad && (!ev.status || type == VMBNET_MSG_INIT))
		ctl_apply(ep, type, &b);

	/* A STATUS is never answered: two confused sides must not loop. */
	if (type != VMBNET_MSG_STATUS)
		ctl_reply(rxq, &ev);
}

int vmbnet_send_link(struct vmbnet_endpoint *ep, bool up, uint32_t speed,
		     uint8_t duplex)
{
	struct vmbnet_ctl_link m = {
		.link = cpu_to_le32(up),
		.speed = cpu_to_le32(speed),
		.duplex = duplex,
	};
	int err;

	if (!ep->num_queues)
		return -ENOTCONN;
	if (vmbnet_ctl_check(VMBNET_MSG_LINK, &m, sizeof(m)))
		return -EINVAL;
	vmbnet_state_begin(ep);
	ep->state.link = up;
	ep->state.speed = speed;
	ep->state.duplex = duplex;
	/* Before the OFFER the driver would take a LINK for bad input. */
	err = ep->state.offered ?
	      vmbnet_tx_msg(&ep->queues[0].tx, VMBNET_MSG_LINK, &m, sizeof(m)) : -EAGAIN;
	vmbnet_state_end(ep);
	return err;
}
