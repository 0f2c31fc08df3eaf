// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet-endpoint hostile mode: everything a broken or malicious endpoint
 * could write, chosen by a seeded generator so that a failure repeats.
 * The kernel must count it, drop it or reset the queue, and carry on.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "endpoint.h"

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

/* Keep the outbound ring moving, tolerating whatever state it is in. */
static void drain(struct vmbnet_queue *q)
{
	struct vmbnet_frame f;
	int n = 0;

	while (n++ < EP_BATCH && vmbnet_recv(q, &f) == 0)
		vmbnet_recv_next(q);
	vmbnet_release(q);
}

int ep_run_hostile(struct vmbnet_endpoint *ep, unsigned long seed)
{
	uint64_t actions = 0;

	rng_state = seed ? seed : 1;
	ep_log_msg("hostile: seed %lu", seed);
	while (!ep_stop) {
		struct vmbnet_queue *q = &ep->queues[rng() % ep->num_queues];
		unsigned int what = rng() % 16;

		if (what < 8)
			bad_header(q);
		else if (what < 12)
			bad_message(q);
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
		if (++actions % 256 == 0)
			usleep(1000);
	}
	ep_log_msg("hostile: %llu actions", (unsigned long long)actions);
	vmbnet_detach(ep);
	return 0;
}
