// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet-endpoint tap mode: bridges a vmbnet device to a TAP, one TAP queue
 * per device queue. The TAP's vnet header is set to 12 bytes, the layout of
 * virtio_net_hdr_v1, so offload headers cross unchanged both ways.
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

#define F(bit)	(1ULL << VMBNET_F_##bit)

struct tap_queue {
	struct vmbnet_queue *q;
	int tapfd;
	uint8_t *buf;
	struct ep_counters ctr;
};

static int tap_open(const char *name, uint64_t features)
{
	struct ifreq ifr = { 0 };
	unsigned int offload = 0;
	int hdrsz = sizeof(struct virtio_net_hdr_v1);
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
	/* What the TAP may hand us is what the vmbnet device accepts. */
	if (features & F(GUEST_CSUM)) {
		offload |= TUN_F_CSUM;
		if (features & F(GUEST_TSO4))
			offload |= TUN_F_TSO4;
		if (features & F(GUEST_TSO6))
			offload |= TUN_F_TSO6;
	}
	if (ioctl(fd, TUNSETOFFLOAD, offload))
		ep_die("TUNSETOFFLOAD: %s", strerror(errno));
	return fd;
}

/* Device -> TAP: every frame the device sent, header included. */
static unsigned int tap_from_device(struct tap_queue *tq)
{
	struct vmbnet_frame f;
	unsigned int n = 0;

	while (n < EP_BATCH && vmbnet_recv(tq->q, &f) == 0) {
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
		vmbnet_recv_next(tq->q);
		n++;
	}
	vmbnet_release(tq->q);
	return n;
}

/* TAP -> device, while the inbound ring has room for the largest frame. */
static unsigned int tap_to_device(struct tap_queue *tq)
{
	size_t hdr = sizeof(struct virtio_net_hdr_v1);
	unsigned int n = 0;
	ssize_t len;

	while (n < EP_BATCH) {
		if (!vmbnet_can_send(tq->q, VMBNET_MAX_FRAME_LEN)) {
			vmbnet_want_room(tq->q, VMBNET_MAX_FRAME_LEN);
			if (!vmbnet_can_send(tq->q, VMBNET_MAX_FRAME_LEN))
				break;
			vmbnet_want_room(tq->q, 0);
		}
		len = read(tq->tapfd, tq->buf, hdr + VMBNET_MAX_FRAME_LEN);
		if (len < 0)
			break;
		if ((size_t)len < hdr ||
		    vmbnet_send(tq->q, (void *)tq->buf, tq->buf + hdr, len - hdr)) {
			tq->ctr.dropped++;
			continue;
		}
		n++;
	}
	vmbnet_flush(tq->q);
	return n;
}

static void *tap_thread(void *arg)
{
	struct tap_queue *tq = arg;
	struct pollfd pfd[2];

	while (!ep_stop) {
		if (tap_from_device(tq) + tap_to_device(tq))
			continue;
		if (vmbnet_rearm(tq->q))
			continue;
		pfd[0].fd = tq->q->fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = tq->tapfd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, 200) <= 0)
			continue;
		if (pfd[0].revents & (POLLERR | POLLHUP)) {
			fprintf(stderr, "vmbnet-endpoint: queue detached by the kernel\n");
			ep_stop = 1;
		} else if (pfd[0].revents & POLLIN) {
			vmbnet_wait(tq->q);
		}
	}
	return NULL;
}

int ep_run_tap(struct vmbnet_endpoint *ep, const char *tapname)
{
	struct tap_queue *tqs = calloc(ep->num_queues, sizeof(*tqs));
	pthread_t *tids = calloc(ep->num_queues, sizeof(*tids));
	unsigned int i;

	if (!tqs || !tids)
		ep_die("out of memory");
	for (i = 0; i < ep->num_queues; i++) {
		tqs[i].q = &ep->queues[i];
		tqs[i].tapfd = tap_open(tapname, ep->features);
		tqs[i].buf = malloc(sizeof(struct virtio_net_hdr_v1) + VMBNET_MAX_FRAME_LEN);
		if (!tqs[i].buf)
			ep_die("out of memory");
	}
	ep_log_msg("tap %s: %u queues", tapname, ep->num_queues);
	for (i = 0; i < ep->num_queues; i++)
		if (pthread_create(&tids[i], NULL, tap_thread, &tqs[i]))
			ep_die("pthread_create: %s", strerror(errno));
	for (i = 0; i < ep->num_queues; i++) {
		pthread_join(tids[i], NULL);
		close(tqs[i].tapfd);
		free(tqs[i].buf);
	}
	vmbnet_detach(ep);
	free(tqs);
	free(tids);
	return 0;
}
