// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet-endpoint tap mode: bridges a vmbnet device to a TAP, one TAP queue
 * per device queue. The TAP's vnet header is set to 12 bytes, the layout of
 * virtio_net_hdr_v1, so offload headers cross unchanged both ways. Frames
 * from the TAP go to the device queue its RSS picks.
 *
 * The TAP outlives re-attaches: its queues are opened as the device needs
 * them and detached (TUNSETQUEUE) while it has fewer.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "endpoint.h"

#define VNET_HDR	sizeof(struct virtio_net_hdr_v1)

struct tap_queue {
	struct ep_dev *dev;
	unsigned int qi;
	struct vmbnet_rxq *q;
	int tapfd;
	uint8_t *buf;
	size_t held;			/* a frame read from the TAP, awaiting room */
	struct ep_counters ctr;
	pthread_t tid;
};

static int tap_fds[VMBNET_MAX_QUEUES];
static bool tap_attached[VMBNET_MAX_QUEUES];
static unsigned int tap_nfds;

static int tap_open(const char *name)
{
	struct ifreq ifr = { 0 };
	int hdrsz = VNET_HDR;
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		ep_die("/dev/net/tun: %s", strerror(errno));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr))
		ep_die("TUNSETIFF %s: %s", name, strerror(errno));
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdrsz))
		ep_die("TUNSETVNETHDRSZ: %s", strerror(errno));
	return fd;
}

/* TAP queues 0..n-1 open and attached, the rest detached. */
static void tap_queues(const char *name, unsigned int n)
{
	struct ifreq ifr = { 0 };
	unsigned int i;
	bool want;

	while (tap_nfds < n) {
		tap_fds[tap_nfds] = tap_open(name);
		tap_attached[tap_nfds++] = true;
	}
	for (i = 0; i < tap_nfds; i++) {
		want = i < n;
		if (tap_attached[i] == want)
			continue;
		ifr.ifr_flags = want ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE;
		if (ioctl(tap_fds[i], TUNSETQUEUE, &ifr))
			ep_die("TUNSETQUEUE: %s", strerror(errno));
		tap_attached[i] = want;
	}
}

/* What the TAP may hand us is what the vmbnet device accepts. */
static void tap_set_offload(uint64_t features)
{
	unsigned int offload = 0;

	if (features & F(GUEST_CSUM)) {
		offload |= TUN_F_CSUM;
		if (features & F(GUEST_TSO4))
			offload |= TUN_F_TSO4;
		if (features & F(GUEST_TSO6))
			offload |= TUN_F_TSO6;
	}
	/* One call sets the TAP device's; queue 0 is always attached. */
	if (ioctl(tap_fds[0], TUNSETOFFLOAD, offload))
		fprintf(stderr, "vmbnet-endpoint: TUNSETOFFLOAD %#x: %s\n", offload,
			strerror(errno));
}

/* Agreed features for the main thread to hand the TAP, bit 63 clear. */
static uint64_t tap_offload_pending;
#define TAP_NONE	((uint64_t)1 << 63)

/*
 * From the thread reading queue 0, before the ACCEPT is answered. Not
 * TUNSETOFFLOAD here: it takes RTNL, and whoever holds that may be waiting
 * (within the driver's budget) for this thread to answer a request.
 */
static void tap_on_accept(struct ep_dev *d, uint64_t features)
{
	(void)d;
	__atomic_store_n(&tap_offload_pending, features & ~TAP_NONE, __ATOMIC_RELEASE);
}

static void tap_chore(void)
{
	uint64_t f = __atomic_exchange_n(&tap_offload_pending, TAP_NONE,
					 __ATOMIC_ACQUIRE);

	if (!(f & TAP_NONE))
		tap_set_offload(f);
}

/* Device -> TAP: every frame the device sent, header included. */
static unsigned int tap_from_device(struct tap_queue *tq)
{
	struct vmbnet_frame f;
	unsigned int n = 0;

	while (n < EP_BATCH && !vmbnet_rx_peek(tq->q, &f)) {
		struct iovec iov[2] = {
			{ .iov_base = &f.hdr, .iov_len = sizeof(f.hdr) },
			{ .iov_base = (void *)f.data, .iov_len = f.len },
		};

		if (writev(tq->tapfd, iov, 2) < 0) {
			if (errno == EAGAIN)
				break;
			tq->ctr.dropped++;
		} else {
			tq->ctr.frames++;
			tq->ctr.bytes += f.len;
		}
		vmbnet_rx_next(tq->q);
		n++;
	}
	vmbnet_rx_release(tq->q);
	return n;
}

/* TAP -> device: a frame read is held until its queue has room. */
static unsigned int tap_to_device(struct tap_queue *tq)
{
	uint64_t dirty = 0;
	unsigned int n = 0;
	ssize_t len;

	while (n < EP_BATCH) {
		if (!tq->held) {
			len = read(tq->tapfd, tq->buf, VNET_HDR + VMBNET_MAX_FRAME_LEN);
			if (len < 0)
				break;
			if ((size_t)len < VNET_HDR) {
				tq->ctr.dropped++;
				continue;
			}
			tq->held = len;
		}
		if (ep_deliver(tq->dev, (void *)tq->buf, tq->buf + VNET_HDR,
			       tq->held - VNET_HDR, &dirty, &tq->ctr))
			break;
		tq->held = 0;
		n++;
	}
	ep_flush_dirty(tq->dev, dirty);
	return n;
}

static void *tap_thread(void *arg)
{
	struct tap_queue *tq = arg;
	struct pollfd pfd[2];
	bool blocked;

	while (ep_running()) {
		if (tap_from_device(tq) + tap_to_device(tq))
			continue;
		if (vmbnet_rx_rearm(tq->q))
			continue;
		/* Room may be signalled to another thread's queue: look soon. */
		blocked = tq->held;
		pfd[0].fd = vmbnet_queue_fd(tq->dev->ep, tq->qi);
		pfd[0].events = POLLIN;
		pfd[1].fd = tq->tapfd;
		pfd[1].events = tq->held ? 0 : POLLIN;
		if (poll(pfd, 2, blocked ? EP_BLOCKED_MS : EP_IDLE_MS) > 0)
			ep_polled(tq->dev->ep, tq->qi, pfd[0].revents, &tq->ctr);
	}
	return NULL;
}

void ep_run_tap(struct ep_dev *d, const char *tapname)
{
	unsigned int n = vmbnet_num_queues(d->ep), i;
	struct tap_queue *tqs;

	tap_queues(tapname, n);
	/* Nothing the device may not take: the ACCEPT says what it takes. */
	tap_set_offload(0);
	__atomic_store_n(&tap_offload_pending, TAP_NONE, __ATOMIC_RELAXED);
	d->on_accept = tap_on_accept;
	tqs = calloc(n, sizeof(*tqs));
	if (!tqs)
		ep_die("out of memory");
	for (i = 0; i < n; i++) {
		tqs[i].dev = d;
		tqs[i].qi = i;
		tqs[i].q = vmbnet_rxq(d->ep, i);
		tqs[i].tapfd = tap_fds[i];
		tqs[i].buf = malloc(VNET_HDR + VMBNET_MAX_FRAME_LEN);
		if (!tqs[i].buf)
			ep_die("out of memory");
	}
	ep_log_msg("tap %s: %u queues", tapname, n);
	for (i = 0; i < n; i++)
		ep_thread_start(&tqs[i].tid, tap_thread, &tqs[i]);
	ep_session_wait(tap_chore);
	for (i = 0; i < n; i++) {
		pthread_join(tqs[i].tid, NULL);
		ep_add_counters(&tqs[i].ctr);
		free(tqs[i].buf);
	}
	free(tqs);
}

void ep_close_tap(void)
{
	while (tap_nfds)
		close(tap_fds[--tap_nfds]);
}
