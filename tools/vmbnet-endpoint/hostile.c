// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet-endpoint hostile mode: everything a broken or malicious endpoint
 * could write, chosen by a seeded generator so that a failure repeats.
 * It negotiates properly first, so that the device comes up; then the
 * kernel must count the garbage, drop it or reset the queue, and carry on.
 */

#include <asm/byteorder.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "endpoint.h"
/* The library's insides: a hostile endpoint writes rings as it likes. */
#include "libvmbnet.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state;

/* What it threw, for the log: the test reads the totals. */
static struct {
	uint64_t headers, giants, messages, control, dups, rings, resets;
	uint64_t links, floods, stalls, answers, refusals, silences;
} sent;

/* The seqs of recent requests, for duplicate answers. */
static uint32_t seen_seq[16];
static uint16_t seen_type[16];
static unsigned int seen_n;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A frame with a plausible Ethernet header and a random virtio_net_hdr,
 * and hash report (DATA_HASH, where agreed).
 */
static void bad_header(struct vmbnet_queue *q)
{
	static const uint8_t gso_types[] = { 0, 1, 3, 4, 5, 0x81, 0xff };
	static const uint16_t csum_offsets[] = { 6, 16, 17 };
	struct vmbnet_rx_hash hash = { .value = rng() };
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
	hash.report = rng() % 4 ? rng() % 11 : rng();
	vmbnet_tx_send(&q->tx, &h, &hash, frame, len);
	sent.headers++;
}

/* A frame past the MTU, up to the largest the ring takes, or beyond. */
static void giant(struct vmbnet_queue *q)
{
	static uint8_t frame[65536 + 4096];
	struct virtio_net_hdr_v1 h = { 0 };
	uint32_t len = 1515 + rng() % (sizeof(frame) - 1515);

	frame[12] = 0x08;
	if (vmbnet_tx_send(&q->tx, &h, NULL, frame, len) == 0)
		sent.giants++;
}

/* A well-framed packet whose message header lies. */
static void bad_message(struct vmbnet_queue *q)
{
	uint32_t len = 8 + rng() % 64;
	struct vmbnet_msg_hdr *mh;
	uint8_t *p;
	int err;

	/* Single-threaded: the ring is written without its lock. */
	mh = vmbnet_ring_reserve(&q->tx.ring, len, &err);
	if (!mh)
		return;
	p = (uint8_t *)mh;
	for (uint32_t i = 0; i < len; i++)
		p[i] = rng();
	if (rng() & 1)
		mh->type = 1 + (rng() & 1);	/* DATA or DATA_HASH */
	vmbnet_ring_commit(&q->tx.ring, len);
	sent.messages++;
}

static const uint16_t ctl_types[] = {
	VMBNET_MSG_INIT, VMBNET_MSG_ACCEPT, VMBNET_MSG_SET_MAC, VMBNET_MSG_SET_MTU,
	VMBNET_MSG_SET_QUEUES, VMBNET_MSG_SET_RSS, VMBNET_MSG_SET_RX_FILTER,
	VMBNET_MSG_SET_STATE, VMBNET_MSG_SET_DATA_PATH, VMBNET_MSG_SET_OFFLOADS,
	VMBNET_MSG_OFFER,
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

/* A well-formed STATUS for a request already answered (or never made):
 * a duplicate, any errno.
 */
static void dup_status(struct vmbnet_endpoint *ep)
{
	struct vmbnet_ctl_status st = { 0 };
	unsigned int i = rng() % (seen_n ? seen_n : 1);

	st.hdr.seq = cpu_to_le32(seen_n ? seen_seq[i] : rng());
	st.request = cpu_to_le16(seen_n ? seen_type[i] : VMBNET_MSG_SET_MTU);
	st.status = cpu_to_le32(rng() % 4096);
	vmbnet_tx_msg(&ep->queues[0].tx, VMBNET_MSG_STATUS, &st, sizeof(st));
	sent.dups++;
}

/* Answers to the driver's requests: yes, any errno 1..4095, or none. */
static int hostile_answer(const struct vmbnet_ctl_event *ev)
{
	seen_seq[seen_n % 16] = ev->seq;
	seen_type[seen_n % 16] = ev->type;
	seen_n = seen_n < 16 ? seen_n + 1 : 16;
	sent.answers++;
	switch (rng() % 16) {
	case 0:
		/* Never answered: the driver must not wait for it again. */
		sent.silences++;
		return VMBNET_CTL_NO_ANSWER;
	case 1 ... 6:
		sent.refusals++;
		return 1 + rng() % 4095;
	default:
		return 0;
	}
}

/* After the campaign (reported already): every request refused, any errno. */
static int calm_refusal(const struct vmbnet_ctl_event *ev)
{
	int err = 1 + rng() % 4095;

	ep_log_msg("hostile: refused request %#x (seq %u): %d", ev->type,
		   ev->seq, err);
	return err;
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
		b.status.status = cpu_to_le32(rng() % 2 ? 0 : rng() % 4096);
		break;
	default:
		type = rng() % 2 ? VMBNET_MSG_OFFER : ctl_types[rng() % 9];
		len = vmbnet_ctl_size(type);
		if (type == VMBNET_MSG_OFFER)
			stray_offer(&b, ep);
		break;
	}
	vmbnet_tx_msg(&q->tx, type, &b, len);
	sent.control++;
}

/* Scribble on a control page or a descriptor. */
static void bad_ring(struct vmbnet_queue *q)
{
	struct vmbnet_ring_ctrl *in = q->tx.ring.ctrl, *out = q->rx.ring.ctrl;
	struct vmbnet_pkt_desc *d = (void *)(q->tx.ring.data + q->tx.ring.index);

	switch (rng() % 7) {
	case 0:
		in->write_index = rng();
		break;
	case 1:
		in->write_index = (q->tx.ring.index + 8 * (rng() % 64)) % q->tx.ring.size;
		d->len8 = rng();
		d->offset8 = rng();
		d->type = rng() % 8;
		break;
	case 2:
		out->read_index = rng();
		break;
	case 3:
		out->read_index = (rng() % q->rx.ring.size) & ~7U;
		break;
	case 4:
		out->interrupt_mask = rng();
		in->pending_send_sz = rng();
		break;
	case 5:
		in->feature_bits = rng();
		in->pending_send_sz = rng() % q->tx.ring.size;
		break;
	default:
		in->write_index = q->tx.ring.index + 4;
		break;
	}
	sent.rings++;
}

/* Keep the outbound ring moving; control messages get answered here. */
static void drain(struct vmbnet_queue *q)
{
	struct vmbnet_frame f;
	int n = 0;

	while (n++ < EP_BATCH && vmbnet_rx_peek(&q->rx, &f) == 0)
		vmbnet_rx_next(&q->rx);
	vmbnet_rx_release(&q->rx);
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
			ep_polled(ep, i, pfd[i].revents, &ctr);
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
		for (i = 0; i < d->ep->num_queues; i++)
			drain(&d->ep->queues[i]);
		now = ep_now_ns();
		if (__atomic_load_n(&d->ctl_msgs, __ATOMIC_RELAXED) != seen) {
			seen = __atomic_load_n(&d->ctl_msgs, __ATOMIC_RELAXED);
			quiet = now;
		}
		vmbnet_get_state(d->ep, &st);
		if ((st.accepted && now - quiet > 300000000ULL) ||
		    now - start > 5000000000ULL)
			break;
		ep_serve_link();
		check_hup(d->ep, 10);
	}
}

static void report(unsigned long seed, uint64_t actions)
{
	const struct { const char *what; uint64_t n; } thrown[] = {
		{ "bad headers", sent.headers }, { "giant frames", sent.giants },
		{ "bad messages", sent.messages },
		{ "bad control messages", sent.control },
		{ "duplicate answers", sent.dups }, { "ring scribbles", sent.rings },
		{ "ring resets", sent.resets }, { "link flaps", sent.links },
		{ "signal floods", sent.floods }, { "stalls", sent.stalls },
		{ "requests answered", sent.answers }, { "refused", sent.refusals },
		{ "never", sent.silences },
	};
	char line[1024];
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(thrown) && n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, ", %llu %s",
			      (unsigned long long)thrown[i].n, thrown[i].what);
	ep_log_msg("hostile: seed %lu: %llu actions%s", seed,
		   (unsigned long long)actions, line);
}

/*
 * Once the campaign is over: no more garbage, the rings kept moving, and
 * every request refused. A refusal thrown during the campaign is lost
 * whenever a reset follows before the driver reads it; one made now is
 * not, so the test can count it whatever the timing. Until stopped.
 */
static void calm(struct vmbnet_endpoint *ep)
{
	unsigned int i;

	ep_hostile_answer = calm_refusal;
	ep_log_msg("hostile: campaign over, refusing every request");
	/* Garbage the driver was not kicked for: read now, and any reset it
	 * costs is had before the test's requests come.
	 */
	for (i = 0; i < ep->num_queues; i++)
		vmbnet_kick_fd(ep->queues[i].fd);
	while (ep_running()) {
		for (i = 0; i < ep->num_queues; i++) {
			drain(&ep->queues[i]);
			vmbnet_tx_flush(&ep->queues[i].tx);
		}
		ep_serve_link();
		check_hup(ep, 10);
	}
	ep_hostile_answer = NULL;
}

/*
 * Mostly garbage in the rings, now and then (1 in 32) control games, and
 * rarely (1 in 1024) a corrupt ring, which costs a reset and a new attach.
 * A stall stops reading the device's rings for a while: its queues must
 * stop and wake, not spin. After count actions (0: never) it reports what
 * it threw, then calms down (calm()); a new attach goes straight there.
 */
void ep_run_hostile(struct ep_dev *d, unsigned long seed, uint64_t count)
{
	struct vmbnet_endpoint *ep = d->ep;
	static uint64_t actions;	/* over every attach */
	static bool reported;
	uint64_t stall = 0;

	/* Once per run: a re-attach goes on with the same sequence. */
	if (!rng_state)
		rng_state = seed ? seed : 1;
	negotiate(d);
	ep_hostile_answer = hostile_answer;
	ep_log_msg("hostile: seed %lu", seed);
	while (ep_running() && (!count || actions < count)) {
		struct vmbnet_queue *q = &ep->queues[rng() % ep->num_queues];
		unsigned int what = rng() % 1024, i;

		if (what < 512) {
			bad_header(q);
		} else if (what < 800) {
			bad_message(q);
		} else if (what < 864) {
			bad_control(ep);
		} else if (what < 896) {
			dup_status(ep);
		} else if (what < 897) {
			bad_ring(q);
		} else if (what < 898) {
			/* The kernel may have reset the queue: start over too. */
			struct vmbnet_ring *tx = &q->tx.ring, *rx = &q->rx.ring;

			vmbnet_ring_init(tx, tx->ctrl, tx->data, tx->size);
			vmbnet_ring_init(rx, rx->ctrl, rx->data, rx->size);
			sent.resets++;
		} else if (what < 930) {
			vmbnet_send_link(ep, rng() & 1, rng(), rng() & 1);
			sent.links++;
		} else if (what < 962) {
			for (i = 0; i < 64; i++)
				vmbnet_kick_fd(q->fd);
			sent.floods++;
		} else if (what < 964) {
			if (!stall) {
				stall = 256 + rng() % 4096;
				sent.stalls++;
			}
		} else if (what < 996) {
			giant(q);
		}
		if (stall)
			stall--;
		else
			drain(q);
		vmbnet_tx_flush(&q->tx);
		if (rng() % 4 == 0)
			vmbnet_kick_fd(q->fd);
		if (++actions % 256 == 0) {
			ep_serve_link();
			check_hup(ep, 0);
			usleep(1000);
		}
	}
	ep_hostile_answer = NULL;
	if (!count || actions < count)
		return;
	if (!reported) {
		report(seed, actions);
		reported = true;
	}
	calm(ep);
}
