// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet-endpoint pair, loopback and null modes: thread i reads queue i of
 * every device, so each outbound ring has one reader, and delivers each
 * frame to the queue the destination device's RSS picks, whoever else
 * writes there (sends are locked per queue).
 */

#include <endian.h>
#include <errno.h>
#include <unistd.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"

/* A frame for a device that has not agreed yet (a new endpoint's first
 * moments, as after a replace): kept, not dropped, for a while.
 */
struct fwd_held {
	struct virtio_net_hdr_v1 hdr;
	uint64_t since_ns;
	uint32_t len;
	uint8_t data[];
};

struct fwd_flow {
	struct vmbnet_endpoint *sep;	/* read what this device's queue qi sent */
	unsigned int qi;
	struct vmbnet_rxq *src;
	struct ep_dev *dst;		/* to this device; NULL: drop */
	bool blocked;			/* a frame or an answer waits for room */
	struct fwd_held *held[EP_HOLD_FRAMES];	/* for dst, oldest first */
	unsigned int nheld;
};

struct fwd_thread {
	struct fwd_flow flows[EP_MAX_DEVS];
	unsigned int nflows;
	struct ep_counters ctr;
	pthread_t tid;
};

struct fwd_seg {
	struct vmbnet_txq *q;
	const struct vmbnet_rx_hash *hash;
	struct ep_counters *ctr;
};

static int fwd_send_segment(void *arg, const struct virtio_net_hdr_v1 *hdr,
			    const uint8_t *frame, uint32_t len)
{
	struct fwd_seg *s = arg;
	int err = vmbnet_tx_send(s->q, hdr, s->hash, frame, len);

	if (!err) {
		s->ctr->frames++;
		s->ctr->bytes += len;
	}
	return err;
}

/*
 * A GSO frame for a device that takes no such frames now (its driver
 * turned coalescing off): its segments, all or, when the ring has no room
 * for them yet, none. A frame that cannot be segmented, or whose segments
 * the ring could never hold at once, is dropped (its sender retransmits).
 */
static int fwd_deliver_segments(struct vmbnet_txq *q,
				const struct virtio_net_hdr_v1 *hdr,
				const struct vmbnet_rx_hash *hash,
				const uint8_t *frame, uint32_t len,
				struct ep_counters *ctr)
{
	struct fwd_seg s = { .q = q, .hash = hash, .ctr = ctr };
	struct ep_seg_info si;
	int err;

	err = ep_segment_info(hdr, frame, len, &si);
	if (!err)
		err = vmbnet_tx_room(q, si.segs, si.hlen + si.gso);
	if (err == -ENOSPC)
		return err;
	if (err || ep_segment(hdr, frame, len, fwd_send_segment, &s))
		ctr->dropped++;
	return 0;
}

int ep_deliver(struct ep_dev *dst, const struct virtio_net_hdr_v1 *hdr,
	       const uint8_t *frame, uint32_t len, uint64_t *dirty,
	       struct ep_counters *ctr)
{
	struct vmbnet_endpoint *ep = dst->ep;
	struct vmbnet_rx_hash hash;
	unsigned int q;
	uint64_t gso;
	int err;

	/* A device on its VF gets its frames there (SET_DATA_PATH). */
	if (vmbnet_data_path_vf(ep) || !vmbnet_rx_filter_pass(ep, frame, len)) {
		ctr->filtered[dst->index]++;
		return 0;
	}
	/* The hash that picked the queue goes with the frame (HASH_REPORT). */
	q = vmbnet_rss(ep, frame, len, &hash);
	gso = hdr ? ep_gso_feature(hdr) : 0;
	if (gso && (vmbnet_guest_offloads(ep) & gso) != gso) {
		err = fwd_deliver_segments(vmbnet_txq(ep, q), hdr, &hash, frame, len, ctr);
		if (!err)
			*dirty |= 1ULL << q;
		return err;
	}
	err = vmbnet_tx_send(vmbnet_txq(ep, q), hdr, &hash, frame, len);
	if (err == -ENOSPC)
		return err;
	if (err) {
		ctr->dropped++;
		return 0;
	}
	*dirty |= 1ULL << q;
	ctr->frames++;
	ctr->bytes += len;
	return 0;
}

void ep_flush_dirty(struct ep_dev *dst, uint64_t dirty)
{
	while (dirty) {
		vmbnet_tx_flush(vmbnet_txq(dst->ep, __builtin_ctzll(dirty)));
		dirty &= dirty - 1;
	}
}

void ep_polled(struct vmbnet_endpoint *ep, unsigned int qi, short revents,
	       struct ep_counters *ctr)
{
	if (revents & (POLLERR | POLLHUP)) {
		/* ECONNRESET: the driver starts over and wants us back (a
		 * corrupt ring, ethtool -G). EIO: another endpoint took the
		 * device, or it was deleted: fighting for it would not help.
		 */
		if (vmbnet_wait(ep, qi) != -ECONNRESET)
			EP_SET(ep_stop, 1);
		EP_SET(ep_hup, 1);
	} else if (revents & POLLIN) {
		vmbnet_wait(ep, qi);
		ctr->wakeups++;
	}
}

/* Keep a frame for dst until it agrees; a full hold drops it. */
static void fwd_hold(struct fwd_flow *fl, const struct vmbnet_frame *f,
		     struct ep_counters *ctr)
{
	struct fwd_held *h = NULL;

	if (fl->nheld < EP_HOLD_FRAMES)
		h = malloc(sizeof(*h) + f->len);
	if (!h) {
		ctr->dropped++;
		return;
	}
	h->hdr = f->hdr;
	h->since_ns = ep_now_ns();
	h->len = f->len;
	memcpy(h->data, f->data, f->len);
	fl->held[fl->nheld++] = h;
}

/*
 * The frames held for dst: delivered in order once it agreed, dropped once
 * older than EP_HOLD_MS. Returns -ENOSPC if some must wait for room.
 */
static int fwd_release_held(struct fwd_flow *fl, bool ready, uint64_t *dirty,
			    struct ep_counters *ctr)
{
	uint64_t now = ep_now_ns();
	unsigned int i = 0;
	int err = 0;

	for (; i < fl->nheld; i++) {
		struct fwd_held *h = fl->held[i];
		bool stale = now - h->since_ns > EP_HOLD_MS * 1000000ULL;

		if (!stale && !ready)
			break;
		if (!stale)
			err = ep_deliver(fl->dst, &h->hdr, h->data, h->len, dirty, ctr);
		if (err)
			break;
		ctr->dropped += stale;
		free(h);
	}
	fl->nheld -= i;
	memmove(fl->held, fl->held + i, fl->nheld * sizeof(fl->held[0]));
	return err;
}

/* Move what src's device sent into dst's device, up to a batch. */
static unsigned int fwd_flow_run(struct fwd_flow *fl, struct ep_counters *ctr)
{
	struct vmbnet_frame f;
	uint64_t dirty = 0;
	unsigned int n = 0;
	bool ready;
	int err = 0;

	ready = fl->dst && vmbnet_dev_ready(fl->dst->ep);
	if (fl->nheld)
		err = fwd_release_held(fl, ready, &dirty, ctr);
	while (!err && n < EP_BATCH && !(err = vmbnet_rx_peek(fl->src, &f))) {
		if (fl->dst && (!ready || fl->nheld)) {
			fwd_hold(fl, &f, ctr);
		} else if (fl->dst) {
			/* No room: leave it in place, it comes again. */
			err = ep_deliver(fl->dst, &f.hdr, f.data, f.len, &dirty, ctr);
			if (err)
				break;
		} else {
			ctr->frames++;
			ctr->bytes += f.len;
		}
		vmbnet_rx_next(fl->src);
		n++;
	}
	fl->blocked = err == -ENOSPC;
	/* One release per batch, one flush per queue written: a kick each. */
	vmbnet_rx_release(fl->src);
	if (fl->dst)
		ep_flush_dirty(fl->dst, dirty);
	/* --rx-delay-us: a slow reader, whose rings the driver fills. */
	if (n && ep_rx_delay_us)
		usleep(ep_rx_delay_us);
	return n;
}

/*
 * Sleep until a signal on a queue read here. The room a blocked flow
 * waits for may be signalled to a queue another thread polls: then only
 * a short timeout, and no rearm of the blocked source, which is not empty.
 */
static void fwd_sleep(struct fwd_thread *t)
{
	struct pollfd pfd[EP_MAX_DEVS];
	int timeout = EP_IDLE_MS;
	unsigned int i;

	for (i = 0; i < t->nflows; i++) {
		/* Held frames: a look now and then at their device. */
		if (t->flows[i].nheld && timeout > EP_HOLD_POLL_MS)
			timeout = EP_HOLD_POLL_MS;
		if (t->flows[i].blocked)
			timeout = EP_BLOCKED_MS;
		else if (vmbnet_rx_rearm(t->flows[i].src))
			return;
	}
	for (i = 0; i < t->nflows; i++) {
		pfd[i].fd = vmbnet_queue_fd(t->flows[i].sep, t->flows[i].qi);
		pfd[i].events = POLLIN;
	}
	if (poll(pfd, t->nflows, timeout) <= 0)
		return;
	for (i = 0; i < t->nflows; i++)
		ep_polled(t->flows[i].sep, t->flows[i].qi, pfd[i].revents, &t->ctr);
}

/* One thread: drain every flow it owns, spin, then sleep. */
static void *fwd_thread(void *arg)
{
	struct fwd_thread *t = arg;
	uint64_t idle_since = 0, now, since_sleep = 0;
	unsigned int i, moved, idle_rounds = 0;

	while (ep_running()) {
		moved = 0;
		for (i = 0; i < t->nflows; i++)
			moved += fwd_flow_run(&t->flows[i], &t->ctr);
		since_sleep += moved;
		if (moved) {
			idle_since = 0;
			idle_rounds = 0;
			continue;
		}
		/* An empty round is a few loads; the clock can be a system
		 * call (HPET), so it is read once in a while.
		 */
		if (++idle_rounds % EP_SPIN_ROUNDS)
			continue;
		now = ep_now_ns();
		if (!idle_since)
			idle_since = now;
		if (now - idle_since < ep_spin_ns)
			continue;
		t->ctr.wake_frames[ep_wake_bucket(since_sleep)]++;
		since_sleep = 0;
		fwd_sleep(t);
		idle_since = 0;
	}
	return NULL;
}

void ep_run_forward(struct ep_dev *devs, unsigned int ndevs, enum ep_mode mode)
{
	unsigned int nthreads = 0, i, d;
	struct fwd_thread *threads;

	for (d = 0; d < ndevs; d++)
		if (vmbnet_num_queues(devs[d].ep) > nthreads)
			nthreads = vmbnet_num_queues(devs[d].ep);
	threads = calloc(nthreads, sizeof(*threads));
	if (!threads)
		ep_die("out of memory");
	for (i = 0; i < nthreads; i++) {
		struct fwd_thread *t = &threads[i];

		for (d = 0; d < ndevs; d++) {
			struct fwd_flow *fl = &t->flows[t->nflows];

			if (i >= vmbnet_num_queues(devs[d].ep))
				continue;
			fl->sep = devs[d].ep;
			fl->qi = i;
			fl->src = vmbnet_rxq(devs[d].ep, i);
			fl->dst = mode == EP_PAIR ? devs[d].peer :
				  mode == EP_LOOPBACK ? &devs[d] : NULL;
			t->nflows++;
		}
	}
	for (i = 0; i < nthreads; i++)
		ep_thread_start(&threads[i].tid, fwd_thread, &threads[i]);
	ep_session_wait(NULL);
	for (i = 0; i < nthreads; i++) {
		struct fwd_thread *t = &threads[i];

		pthread_join(t->tid, NULL);
		/* What the devices never agreed to take is lost. */
		for (d = 0; d < t->nflows; d++)
			while (t->flows[d].nheld) {
				free(t->flows[d].held[--t->flows[d].nheld]);
				t->ctr.dropped++;
			}
		ep_add_counters(&t->ctr);
	}
	free(threads);
}
