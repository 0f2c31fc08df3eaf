// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ring-stress: the driver's ring code (drivers/net/vmbnet/ring.c, built as
 * is) under a writer thread and a reader thread sharing one ring, mapped as
 * libvmbnet maps a queue's: a control page, the data, the data again.
 *
 *   ring-stress [--seconds N] [--size BYTES] [--seed N] [--timeout-ms MS]
 *
 * The writer sends packets whose length and bytes follow from their
 * sequence number, in batches of 1 to 32, and waits for room as libvmbnet
 * does (pending_send_sz). The reader drains in batches as the driver's NAPI
 * does (interrupt_mask) and checks every byte. Each side's signal is an
 * eventfd; a sleep that outlasts the timeout is a lost wakeup. Prints one
 * line; exits 0 if every packet arrived intact and in order, else 1.
 */

#define _GNU_SOURCE
#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <errno.h>
#include <getopt.h>
#include <linux/compiler.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ring.h"

/* As ring.c: the largest payload a descriptor's len8 can describe. */
#define MAX_PAYLOAD	(0xffff * 8 - sizeof(struct vmbnet_pkt_desc))
#define MAX_BATCH	32

/* One thread's side: its private view of the ring, its signal, its counts. */
struct side {
	struct vmbnet_ring ring;
	int efd;		/* the peer writes here to wake us */
	u64 rng;		/* batch sizes */
	int asleep;		/* for the report of a lost wakeup */
	unsigned long long packets, bytes, ring_bytes, wraps;
	unsigned long long sleeps, kicks, rechecks, reclaimed;
} __aligned(64);

struct stress {
	struct side w, r;
	u8 *map;
	size_t map_len;
	u32 size, max_len;
	u64 seed;
	int timeout_ms;
	u64 end_ns;
	int done;		/* writer: all sent and read; reader may stop */
	int failed;
};

static void die(const char *what)
{
	fprintf(stderr, "ring-stress: %s: %s\n", what, strerror(errno));
	exit(1);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

/* splitmix64's finalizer: neighbouring sequence numbers, unrelated values. */
static u64 mix(u64 x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u64 xorshift(u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void kick(int efd)
{
	u64 one = 1;

	if (write(efd, &one, sizeof(one)) != sizeof(one))
		die("eventfd write");
}

/* Reports a failure and wakes both threads, which then stop. */
static __printf(2, 3) bool fail(struct stress *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One call, so that the two threads' reports do not mix. */
	fprintf(stderr, "ring-stress: %s\n", msg);
	WRITE_ONCE(s->failed, 1);
	kick(s->w.efd);
	kick(s->r.efd);
	return false;
}

/*
 * A sleep outlasted the timeout. Both sides are likely asleep by now, so
 * say what the ring shows: whose wakeup was lost, not just who noticed.
 */
static bool stalled(struct stress *s, const char *who)
{
	const struct vmbnet_ring_ctrl *ctrl = s->w.ring.ctrl;
	u32 wr = le32_to_cpu(READ_ONCE(ctrl->write_index));
	u32 rd = le32_to_cpu(READ_ONCE(ctrl->read_index));
	u32 pending = le32_to_cpu(READ_ONCE(ctrl->pending_send_sz));
	u32 free = s->size - ((wr - rd) & (s->size - 1));
	const char *why = "";

	if (wr != rd && READ_ONCE(s->r.asleep))
		why = "; the reader sleeps on unread packets";
	else if (pending && free > pending && READ_ONCE(s->w.asleep))
		why = "; the writer sleeps on the room it asked for";
	return fail(s,
		    "%s: no signal in %d ms, lost wakeup: write_index %u, read_index %u, pending_send_sz %u, interrupt_mask %u, writer %s, reader %s%s",
		    who, s->timeout_ms, wr, rd, pending,
		    le32_to_cpu(READ_ONCE(ctrl->interrupt_mask)),
		    READ_ONCE(s->w.asleep) ? "asleep" : "awake",
		    READ_ONCE(s->r.asleep) ? "asleep" : "awake", why);
}

/*
 * Sleeps until the peer signals. The peer always comes to owe us one (the
 * writer writes until it says it is done, the reader drains what fills
 * the ring), so a sleep that outlasts the timeout is a lost wakeup. A
 * signal may be stale (sent for a wait that found room on its own): the
 * caller looks again and sleeps again if need be, so none is lost by that.
 */
static bool wait_signal(struct stress *s, struct side *me, const char *who)
{
	struct pollfd pfd = { .fd = me->efd, .events = POLLIN };
	u64 count;
	int n;

	me->sleeps++;
	WRITE_ONCE(me->asleep, 1);
	do {
		n = poll(&pfd, 1, s->timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die("poll");
	/* Unless the peer has reported it: it timed out first. */
	if (!n)
		return READ_ONCE(s->failed) ? false : stalled(s, who);
	WRITE_ONCE(me->asleep, 0);
	if (read(me->efd, &count, sizeof(count)) != sizeof(count))
		die("eventfd read");
	return !READ_ONCE(s->failed);
}

/*
 * Packet seq's payload length. Mostly up to an eighth of the ring (or the
 * largest payload), so that several fit and many wrap; a quarter tiny; one
 * in 64 within 64 bytes of the largest the ring takes, which has to wait
 * for it to empty.
 */
static u32 pkt_len(const struct stress *s, u64 seq)
{
	u64 h = mix(s->seed ^ mix(seq));

	switch (h & 63) {
	case 0:
		return s->max_len - (h >> 8) % 64;
	case 1 ... 16:
		return 1 + (h >> 8) % 64;
	default:
		return 1 + (h >> 8) % min_u32(s->size / 8, s->max_len);
	}
}

/* The payload's first 8 bytes are seq, the rest a xorshift seeded by it. */
static u64 pattern_start(const struct stress *s, u64 seq)
{
	return mix(~s->seed ^ seq) | 1;
}

static void fill(const struct stress *s, u8 *p, u64 seq, u32 len)
{
	u64 x = pattern_start(s, seq), v = seq;
	u32 i;

	for (i = 0; i < len; i += 8) {
		memcpy(p + i, &v, min_u32(len - i, 8));
		v = xorshift(&x);
	}
}

static bool writer_reclaim(struct stress *s)
{
	u32 bytes, free;
	int err = vmbnet_ring_reclaim(&s->w.ring, &bytes, &free);

	if (err)
		return fail(s, "writer: reclaim: %d", err);
	s->w.reclaimed += bytes;
	return true;
}

/* The end of a batch: signal the reader if it may be asleep. */
static void writer_flush(struct stress *s)
{
	if (vmbnet_ring_flush(&s->w.ring)) {
		s->w.kicks++;
		kick(s->r.efd);
	}
}

/*
 * Room for len bytes, as libvmbnet's writer finds it: catch up with the
 * reader when the ring looks full; if it is, ask to be signalled
 * (pending_send_sz) and look again, since the reader may have made room
 * before it saw the request; sleep only then.
 */
static void *writer_reserve(struct stress *s, u32 len)
{
	struct vmbnet_ring *w = &s->w.ring;
	bool asked = false, slept = false;
	void *p;
	int err;

	for (;;) {
		p = vmbnet_ring_reserve(w, len, &err);
		if (!p && err == -ENOSPC) {
			if (!writer_reclaim(s))
				return NULL;
			p = vmbnet_ring_reserve(w, len, &err);
		}
		if (p || err != -ENOSPC)
			break;
		if (!asked) {
			/* What this batch wrote may be all the reader has to wake for. */
			writer_flush(s);
			vmbnet_ring_set_pending(w, vmbnet_ring_pkt_size(len));
			asked = true;
			continue;
		}
		if (!wait_signal(s, &s->w, "writer"))
			return NULL;
		slept = true;
	}
	if (asked) {
		vmbnet_ring_set_pending(w, 0);
		/* The second look found the room: no signal to wait for. */
		if (p && !slept)
			s->w.rechecks++;
	}
	if (!p)
		fail(s, "writer: reserve %u bytes: %d", len, err);
	return p;
}

static bool writer_put(struct stress *s, u64 seq)
{
	struct vmbnet_ring *w = &s->w.ring;
	u32 len = pkt_len(s, seq), at = w->index;
	u8 *p = writer_reserve(s, len);

	if (!p)
		return false;
	fill(s, p, seq, len);
	vmbnet_ring_commit(w, len);
	s->w.packets++;
	s->w.bytes += len;
	s->w.ring_bytes += vmbnet_ring_pkt_size(len);
	if (at + vmbnet_ring_pkt_size(len) > s->size)
		s->w.wraps++;
	return true;
}

/*
 * The last batch is flushed: wait for the reader to read it all before
 * saying so, so that its wakeups are checked as any other's. Asking for
 * size - 8 bytes is asking for an empty ring.
 */
static bool writer_drain(struct stress *s)
{
	struct vmbnet_ring *w = &s->w.ring;
	bool asked = false;

	for (;;) {
		if (!writer_reclaim(s))
			return false;
		if (vmbnet_ring_known_free(w) == s->size)
			break;
		if (!asked) {
			vmbnet_ring_set_pending(w, s->size - 8);
			asked = true;
			continue;
		}
		if (!wait_signal(s, &s->w, "writer, draining"))
			return false;
	}
	vmbnet_ring_set_pending(w, 0);
	return true;
}

static void *writer_thread(void *arg)
{
	struct stress *s = arg;
	u64 seq = 0;
	u32 n, batch;

	while (!READ_ONCE(s->failed) && now_ns() < s->end_ns) {
		batch = 1 + xorshift(&s->w.rng) % MAX_BATCH;
		for (n = 0; n < batch; n++)
			if (!writer_put(s, seq++))
				return NULL;
		writer_flush(s);
	}
	if (!writer_drain(s))
		return NULL;
	/* Pairs with the reader's acquire: done after all that was written. */
	smp_store_release(&s->done, 1);
	kick(s->r.efd);
	return NULL;
}

/* The next packet must be the next sequence number's, byte for byte. */
static bool reader_check(struct stress *s, const struct vmbnet_ring_pkt *pkt)
{
	const struct vmbnet_ring *r = &s->r.ring;
	u64 seq = s->r.packets, x = pattern_start(s, seq), v = seq;
	u32 len = pkt_len(s, seq), i, j, n;
	__le64 trailer;

	if (pkt->payload != r->data + r->index + sizeof(struct vmbnet_pkt_desc) ||
	    pkt->len != ALIGN(len, 8) || pkt->total != vmbnet_ring_pkt_size(len))
		return fail(s,
			    "reader: packet %llu at %u: payload at +%td, len %u, total %u; sent %u",
			    (unsigned long long)seq, r->index, pkt->payload - r->data,
			    pkt->len, pkt->total, len);
	memcpy(&trailer, pkt->payload + pkt->len, sizeof(trailer));
	if (le64_to_cpu(trailer) != (u64)r->index << 32)
		return fail(s, "reader: packet %llu at %u: trailer %#llx",
			    (unsigned long long)seq, r->index,
			    (unsigned long long)le64_to_cpu(trailer));
	for (i = 0; i < len; i += 8) {
		n = min_u32(len - i, 8);
		if (memcmp(pkt->payload + i, &v, n)) {
			for (j = 0; pkt->payload[i + j] == ((u8 *)&v)[j]; j++)
				;
			return fail(s,
				    "reader: packet %llu (%u bytes at %u): byte %u is %#x, sent %#x",
				    (unsigned long long)seq, len, r->index, i + j,
				    pkt->payload[i + j], ((u8 *)&v)[j]);
		}
		v = xorshift(&x);
	}
	s->r.packets++;
	s->r.bytes += len;
	s->r.ring_bytes += pkt->total;
	if (r->index + pkt->total > s->size)
		s->r.wraps++;
	return true;
}

static void *reader_thread(void *arg)
{
	struct stress *s = arg;
	struct vmbnet_ring *r = &s->r.ring;
	struct vmbnet_ring_pkt pkt;
	u32 n, batch;
	int err, done;

	vmbnet_ring_mask(r);
	while (!READ_ONCE(s->failed)) {
		batch = 1 + xorshift(&s->r.rng) % MAX_BATCH;
		for (n = 0; n < batch; n++) {
			err = vmbnet_ring_peek(r, &pkt);
			if (err == -ENODATA)
				break;
			if (err) {
				fail(s, "reader: peek: %d", err);
				return NULL;
			}
			if (!reader_check(s, &pkt))
				return NULL;
			vmbnet_ring_consume(r, &pkt);
		}
		if (vmbnet_ring_release(r)) {
			s->r.kicks++;
			kick(s->w.efd);
		}
		if (n == batch)
			continue;	/* maybe more: stay masked */
		/* Before the last look: a writer seen done is a writer seen whole. */
		done = smp_load_acquire(&s->done);
		if (vmbnet_ring_unmask(r)) {
			s->r.rechecks++;
			vmbnet_ring_mask(r);
			continue;
		}
		if (done)
			break;
		if (!wait_signal(s, &s->r, "reader"))
			break;
		vmbnet_ring_mask(r);
	}
	return NULL;
}

/* One ring as libvmbnet maps it, and a guard page behind. */
static void map_ring(struct stress *s)
{
	long ps = sysconf(_SC_PAGESIZE);
	u32 size = s->size;
	int fd = memfd_create("ring-stress", MFD_CLOEXEC);

	if (fd < 0)
		die("memfd_create");
	if (ftruncate(fd, ps + size))
		die("ftruncate");
	/* Reserve the address space, then map the file over it. */
	s->map_len = ps + 2 * (size_t)size + ps;
	s->map = mmap(NULL, s->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->map == MAP_FAILED)
		die("mmap");
	if (mmap(s->map, ps + size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 0) == MAP_FAILED ||
	    mmap(s->map + ps + size, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, ps) == MAP_FAILED)
		die("mmap ring");
	close(fd);
	vmbnet_ring_init(&s->w.ring, s->map, s->map + ps, size);
	vmbnet_ring_init(&s->r.ring, s->map, s->map + ps, size);
	/* The writer sets pending_send_sz when the ring is full. */
	s->w.ring.ctrl->feature_bits = cpu_to_le32(VMBNET_RING_F_PENDING_SEND_SZ);
}

/* What must hold before the threads start, or the run means nothing. */
static bool setup_ok(struct stress *s)
{
	struct vmbnet_ring *w = &s->w.ring;
	int err;

	w->data[0] = 0x5a;
	if (w->data[s->size] != 0x5a)
		return fail(s, "the data's second mapping is not the first");
	w->data[0] = 0;
	if (!vmbnet_ring_reserve(w, s->max_len, &err))
		return fail(s, "reserve of the largest payload, %u: %d", s->max_len, err);
	if (vmbnet_ring_reserve(w, s->max_len + 1, &err) || err != -EMSGSIZE)
		return fail(s, "reserve of %u bytes: %d, not -EMSGSIZE", s->max_len + 1, err);
	return true;
}

/* After both threads: the two sides' counts and the ring must agree. */
static bool totals_ok(struct stress *s)
{
	const struct vmbnet_ring_ctrl *ctrl = s->w.ring.ctrl;
	struct side *w = &s->w, *r = &s->r;

	if (READ_ONCE(s->failed))
		return false;
	if (!w->packets)
		return fail(s, "nothing was sent");
	if (w->packets != r->packets || w->bytes != r->bytes ||
	    w->ring_bytes != r->ring_bytes || w->reclaimed != w->ring_bytes ||
	    w->wraps != r->wraps)
		return fail(s,
			    "sent %llu packets, %llu bytes (%llu in the ring, %llu reclaimed, %llu wraps); read %llu, %llu (%llu, %llu wraps)",
			    w->packets, w->bytes, w->ring_bytes, w->reclaimed, w->wraps,
			    r->packets, r->bytes, r->ring_bytes, r->wraps);
	if (w->ring.index != r->ring.index ||
	    le32_to_cpu(ctrl->write_index) != w->ring.index ||
	    le32_to_cpu(ctrl->read_index) != r->ring.index ||
	    ctrl->pending_send_sz || ctrl->interrupt_mask)
		return fail(s, "ring left at write %u (%u), read %u (%u), pending %u, mask %u",
			    w->ring.index, le32_to_cpu(ctrl->write_index), r->ring.index,
			    le32_to_cpu(ctrl->read_index), le32_to_cpu(ctrl->pending_send_sz),
			    le32_to_cpu(ctrl->interrupt_mask));
	return true;
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: ring-stress [--seconds N] [--size BYTES] [--seed N] [--timeout-ms MS]\n");
	exit(2);
}

static unsigned long long number(const char *arg)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-')
		bad_usage();
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'r' },
		{ "timeout-ms", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned long long seconds = 5, size = 16384, timeout = 2000;
	long ps = sysconf(_SC_PAGESIZE);
	struct stress s = { .seed = 1 };
	pthread_t wt, rt;
	bool ok;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			seconds = number(optarg);
			break;
		case 's':
			size = number(optarg);
			break;
		case 'r':
			s.seed = number(optarg);
			break;
		case 'w':
			timeout = number(optarg);
			break;
		default:
			bad_usage();
		}
	}
	if (optind != argc || !seconds || seconds > 86400 || !timeout || timeout > 3600000)
		bad_usage();
	/*
	 * The data is mapped twice, so it is whole pages; the ring code cares
	 * for no bound but a power of two, so sizes below the driver's
	 * VMBNET_RING_SIZE_MIN are allowed: they fill and wrap all the more.
	 */
	if (size < (unsigned long long)ps || size > VMBNET_RING_SIZE_MAX || (size & (size - 1))) {
		fprintf(stderr, "ring-stress: --size: a power of two from %ld to %u\n",
			ps, VMBNET_RING_SIZE_MAX);
		return 2;
	}
	s.size = size;
	s.max_len = min_u32(s.size - 32, MAX_PAYLOAD);
	s.timeout_ms = timeout;
	s.w.rng = mix(s.seed + 1) | 1;
	s.r.rng = mix(s.seed + 2) | 1;
	s.w.efd = eventfd(0, EFD_CLOEXEC);
	s.r.efd = eventfd(0, EFD_CLOEXEC);
	if (s.w.efd < 0 || s.r.efd < 0)
		die("eventfd");
	map_ring(&s);

	ok = setup_ok(&s);
	if (ok) {
		s.end_ns = now_ns() + seconds * 1000000000ULL;
		if (pthread_create(&rt, NULL, reader_thread, &s) ||
		    pthread_create(&wt, NULL, writer_thread, &s)) {
			fprintf(stderr, "ring-stress: pthread_create failed\n");
			exit(1);
		}
		pthread_join(wt, NULL);
		pthread_join(rt, NULL);
		ok = totals_ok(&s);
	}
	fprintf(stdout,
		"ring-stress: %s: %llu packets, %llu bytes, %llu wraps, %llu writer waits (%llu kicks), %llu reader sleeps (%llu kicks), %llu+%llu rechecks found work; size %u, seed %llu, %llu s\n",
		ok ? "ok" : "FAILED", s.w.packets, s.w.bytes, s.w.wraps, s.w.sleeps,
		s.r.kicks, s.r.sleeps, s.w.kicks, s.w.rechecks, s.r.rechecks, s.size,
		(unsigned long long)s.seed, seconds);
	/* Out before a sanitizer's report at exit, which may end us first. */
	fflush(stdout);

	munmap(s.map, s.map_len);
	close(s.w.efd);
	close(s.r.efd);
	return ok ? 0 : 1;
}
