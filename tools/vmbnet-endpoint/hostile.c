// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet-endpoint hostile mode: everything a broken or malicious endpoint
 * could write, chosen by a seeded generator so that a failure repeats.
 * It negotiates properly first, so that the device comes up; then the
 * kernel must count the garbage, drop it or reset the queue, and carry on.
 */

#include <asm/byteorder.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "endpoint.h"
#include "protocol.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A frame with a plausible Ethernet header and a random virtio_net_hdr. */
static void bad_header(struct vmbnet_queue *q)
{
	static const uint8_t gso_types[] = { 0, 1, 3, 4, 5, 0x81, 0xff };
	static const uint16_t csum_offsets[] = { 6, 16, 17 };
	uint8_t frame[256];
	struct virtio_net_hdr_v1 h;
	uint32_t len = rng() % sizeof(frame);
	unsigned int i;

	for (i = 0; i < sizeof(frame); i++)
		frame[i] = rng();
	frame[12] = 0x08;
	frame[13] = rng() & 1 ? 0x00 : 0xdd;	/* IPv4 or IPv6 */
	memset(&h, 0, sizeof(h));
	h.flags = rng() & 7;
	h.gso_type = gso_types[rng() % sizeof(gso_types)];
	h.hdr_len = rng();
	h.gso_size = rng() % 3 ? rng() % 64 : rng();
	h.csum_start = rng() % 3 ? rng() % 300 : rng();
	h.csum_offset = rng() % 3 ? csum_offsets[rng() % 3] : rng();
	vmbnet_send(q, &h, frame, len);
}

/* A well-framed packet whose message header lies. */
static void bad_message(struct vmbnet_queue *q)
{
	uint32_t len = 8 + rng() % 64;
	struct vmbnet_msg_hdr *mh;
	uint8_t *p;
	int err;

	/* Single-threaded: the ring is written without its lock. */
	mh = vmbnet_ring_reserve(&q->tx, len, &err);
	if (!mh)
		return;
	p = (uint8_t *)mh;
	for (uint32_t i = 0; i < len; i++)
		p[i] = rng();
	if (rng() & 1)
		mh->type = 1;
	vmbnet_ring_commit(&q->tx, len);
}

static const uint16_t ctl_types[] = {
	VMBNET_MSG_INIT, VMBNET_MSG_ACCEPT, VMBNET_MSG_SET_MAC, VMBNET_MSG_SET_MTU,
	VMBNET_MSG_SET_QUEUES, VMBNET_MSG_SET_RSS, VMBNET_MSG_SET_RX_FILTER,
	VMBNET_MSG_SET_STATE, VMBNET_MSG_SET_DATA_PATH, VMBNET_MSG_OFFER,
	VMBNET_MSG_STATUS, VMBNET_MSG_LINK,
};

/* An endpoint-to-driver message with one field out of range. */
static uint16_t out_of_range(union vmbnet_ctl_body *b)
{
	switch (rng() % 3) {
	case 0:
		b->offer.version_min = cpu_to_le32(rng() % 2 ? 0 : 2);
		b->offer.version_max = cpu_to_le32(1);
		b->offer.max_queues = cpu_to_le32(rng() % 2 ? 0 : 65 + rng() % 1000);
		return VMBNET_MSG_OFFER;
	case 1:
		b->link.link = cpu_to_le32(2 + rng() % 100);
		b->link.duplex = 2 + rng() % 0xfd;
		return VMBNET_MSG_LINK;
	default:
		b->status.status = cpu_to_le32(4096 + (uint32_t)rng());
		return VMBNET_MSG_STATUS;
	}
}

/* A good OFFER, though none was asked for. */
static void stray_offer(union vmbnet_ctl_body *b, const struct vmbnet_endpoint *ep)
{
	struct vmbnet_ctl_offer *o = &b->offer;
	__le32 seq = o->hdr.seq;

	memset(o, 0, sizeof(*o));
	o->hdr.seq = seq;
	o->version_min = cpu_to_le32(1);
	o->version_max = cpu_to_le32(1);
	o->max_queues = cpu_to_le32(1 + rng() % VMBNET_MAX_QUEUES);
	o->ring_size = cpu_to_le32(ep->ring_size);
	o->link = cpu_to_le32(1);
	o->speed = cpu_to_le32(rng());
	o->duplex = VMBNET_DUPLEX_FULL;
}

/*
 * A control message the driver must refuse: an unknown type, a wrong
 * length, a value out of range, a STATUS or OFFER nobody asked for, a
 * request going the wrong way; now and then on a queue other than 0.
 * Never a valid LINK: that would be obeyed, not refused.
 */
static void bad_control(struct vmbnet_endpoint *ep)
{
	struct vmbnet_queue *q = &ep->queues[rng() % 8 ? 0 : rng() % ep->num_queues];
	union vmbnet_ctl_body b;
	uint16_t type;
	uint32_t len, size, i;

	for (i = 0; i < sizeof(b); i++)
		b.raw[i] = rng();
	b.hdr.seq = cpu_to_le32(rng());
	switch (rng() % 5) {
	case 0:
		/* Types 0x100 and up are unknown, as are the holes below. */
		type = rng() % 2 ? 0x100 + rng() % 0xff00 : 0x20 + rng() % 0x20;
		len = rng() % 64;
		break;
	case 1:
		type = ctl_types[rng() % ARRAY_SIZE(ctl_types)];
		size = vmbnet_ctl_size(type);
		len = rng() % 2 ? size + 1 + rng() % 16 : rng() % size;
		break;
	case 2:
		type = out_of_range(&b);
		len = vmbnet_ctl_size(type);
		break;
	case 3:
		type = VMBNET_MSG_STATUS;
		len = vmbnet_ctl_size(type);
		b.status.request = cpu_to_le16(ctl_types[rng() % 9]);
		b.status.status = cpu_to_le32(rng() % 2 ? 0 : rng() % 200);
		break;
	default:
		type = rng() % 2 ? VMBNET_MSG_OFFER : ctl_types[rng() % 9];
		len = vmbnet_ctl_size(type);
		if (type == VMBNET_MSG_OFFER)
			stray_offer(&b, ep);
		break;
	}
	vmbnet_send_msg(q, type, &b, len);
}

/* Scribble on a control page or a descriptor. */
static void bad_ring(struct vmbnet_queue *q)
{
	struct vmbnet_ring_ctrl *in = q->tx.ctrl, *out = q->rx.ctrl;
	struct vmbnet_pkt_desc *d = (void *)(q->tx.data + q->tx.index);

	switch (rng() % 7) {
	case 0:
		in->write_index = rng();
		break;
	case 1:
		in->write_index = (q->tx.index + 8 * (rng() % 64)) % q->tx.size;
		d->len8 = rng();
		d->offset8 = rng();
		d->type = rng() % 8;
		break;
	case 2:
		out->read_index = rng();
		break;
	case 3:
		out->read_index = (rng() % q->rx.size) & ~7U;
		break;
	case 4:
		out->interrupt_mask = rng();
		in->pending_send_sz = rng();
		break;
	case 5:
		in->feature_bits = rng();
		in->pending_send_sz = rng() % q->tx.size;
		break;
	default:
		in->write_index = q->tx.index + 4;
		break;
	}
}

/* Keep the outbound ring moving; control messages get answered here. */
static void drain(struct vmbnet_queue *q)
{
	struct vmbnet_frame f;
	int n = 0;

	while (n++ < EP_BATCH && vmbnet_recv(q, &f) == 0)
		vmbnet_recv_next(q);
	vmbnet_release(q);
}

/* Look for a detached queue, without waiting. */
static void check_hup(struct vmbnet_endpoint *ep, int timeout_ms)
{
	struct pollfd pfd[VMBNET_MAX_QUEUES];
	struct ep_counters ctr = { 0 };
	unsigned int i;

	for (i = 0; i < ep->num_queues; i++) {
		pfd[i].fd = ep->queues[i].fd;
		pfd[i].events = POLLIN;
	}
	if (poll(pfd, ep->num_queues, timeout_ms) > 0)
		for (i = 0; i < ep->num_queues; i++)
			ep_polled(&ep->queues[i], pfd[i].revents, &ctr);
}

/*
 * Answer the INIT, the ACCEPT and the settings that follow, until the
 * driver has been quiet for 300 ms after the ACCEPT (5 s at most).
 */
static void negotiate(struct ep_dev *d)
{
	uint64_t start = ep_now_ns(), quiet = start, seen = 0, now;
	struct vmbnet_dev_state st;
	unsigned int i;

	while (ep_running()) {
		for (i = 0; i < d->ep.num_queues; i++)
			drain(&d->ep.queues[i]);
		now = ep_now_ns();
		if (__atomic_load_n(&d->ctl_msgs, __ATOMIC_RELAXED) != seen) {
			seen = __atomic_load_n(&d->ctl_msgs, __ATOMIC_RELAXED);
			quiet = now;
		}
		vmbnet_get_state(&d->ep, &st);
		if ((st.accepted && now - quiet > 300000000ULL) ||
		    now - start > 5000000000ULL)
			break;
		ep_serve_link();
		check_hup(&d->ep, 10);
	}
}

void ep_run_hostile(struct ep_dev *d, unsigned long seed)
{
	struct vmbnet_endpoint *ep = &d->ep;
	uint64_t actions = 0;

	rng_state = seed ? seed : 1;
	negotiate(d);
	ep_log_msg("hostile: seed %lu", seed);
	while (ep_running()) {
		struct vmbnet_queue *q = &ep->queues[rng() % ep->num_queues];
		unsigned int what = rng() % 16;

		if (what < 8)
			bad_header(q);
		else if (what < 11)
			bad_message(q);
		else if (what < 12)
			bad_control(ep);
		else if (what < 13)
			bad_ring(q);
		else if (what < 14)
			/* The kernel may have reset the queue: start over too. */
			vmbnet_ring_init(&q->tx, q->tx.ctrl, q->tx.data, q->tx.size),
			vmbnet_ring_init(&q->rx, q->rx.ctrl, q->rx.data, q->rx.size);
		drain(q);
		vmbnet_flush(q);
		if (rng() % 4 == 0)
			vmbnet_kick(q);
		if (++actions % 256 == 0) {
			ep_serve_link();
			check_hup(ep, 0);
			usleep(1000);
		}
	}
	ep_log_msg("hostile: %llu actions", (unsigned long long)actions);
}
