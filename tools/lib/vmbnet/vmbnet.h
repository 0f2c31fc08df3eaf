/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmbnet: the endpoint side of /dev/vmbnet.
 *
 * Attach to a vmbnet device, then for each queue: receive the frames the
 * device transmits (they sit in the outbound ring until released), send it
 * frames (copied into the inbound ring), kick and wait. The ring code is
 * the driver's own (drivers/net/vmbnet/ring.c), so every index and length
 * from the kernel is checked exactly as the kernel checks ours.
 *
 * A poll loop:
 *	while (vmbnet_recv(q, &f) == 0) { use(f); vmbnet_recv_next(q); }
 *	vmbnet_finish(q);	// release, flush, kick if the driver waits
 *	if (!vmbnet_rearm(q)) poll(q->fd);
 *
 * Functions return 0 (or a count) on success and a negative errno on
 * failure; they never print.
 */
#ifndef _LIBVMBNET_H
#define _LIBVMBNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/if.h>
#include <linux/virtio_net.h>
#include <linux/vmbnet.h>

#include "ring.h"

#define VMBNET_DEV_PATH "/dev/vmbnet"

struct vmbnet_queue {
	int fd;
	unsigned int index;
	struct vmbnet_ring rx;		/* the device's outbound ring: we read */
	struct vmbnet_ring tx;		/* the device's inbound ring: we write */
	void *map;
	size_t map_len;
	bool pending;			/* a received packet not yet consumed */
	struct vmbnet_ring_pkt pkt;
	uint64_t bad;			/* malformed messages skipped */
};

struct vmbnet_endpoint {
	int fd;
	char ifname[IFNAMSIZ];
	uint64_t features;		/* agreed */
	unsigned int num_queues;
	uint32_t ring_size;
	struct vmbnet_queue *queues;
};

/* A frame the device sent: its header (a copy) and its bytes in the ring. */
struct vmbnet_frame {
	struct virtio_net_hdr_v1 hdr;
	const uint8_t *data;
	uint32_t len;
};

int vmbnet_open(void);
int vmbnet_get_version(int fd, struct vmbnet_version *ver);

/*
 * Attach to ifname (in the caller's netns) offering features; num_queues
 * and ring_size (0: default) are what the endpoint wants, ep says what it
 * got. Maps every queue.
 */
int vmbnet_attach(struct vmbnet_endpoint *ep, const char *ifname,
		  uint64_t features, unsigned int num_queues, uint32_t ring_size);
void vmbnet_detach(struct vmbnet_endpoint *ep);

/* Receive: -ENODATA when empty, -EPROTO when the ring is corrupt. */
int vmbnet_recv(struct vmbnet_queue *q, struct vmbnet_frame *f);
void vmbnet_recv_next(struct vmbnet_queue *q);

/* Send one frame (hdr may be NULL: no offloads); -ENOSPC when full. */
int vmbnet_send(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		const void *frame, uint32_t len);
int vmbnet_sendv(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		 const struct iovec *iov, int iovcnt);

/*
 * End of a batch: hand consumed bytes back (release; a frame received but
 * not passed to vmbnet_recv_next() stays, and comes again), publish what was sent
 * (flush), and signal the driver if it waits for either. finish does both.
 * The reader of a queue releases, its writer flushes: they may be two
 * threads. Return 0 or a negative errno.
 */
int vmbnet_release(struct vmbnet_queue *q);
int vmbnet_flush(struct vmbnet_queue *q);
int vmbnet_finish(struct vmbnet_queue *q);
/* Before sleeping: true if more arrived and the caller should go on. */
bool vmbnet_rearm(struct vmbnet_queue *q);
/* Wait for the driver's signal (blocking unless fd is O_NONBLOCK). */
int vmbnet_wait(struct vmbnet_queue *q);
int vmbnet_kick(struct vmbnet_queue *q);
/* Room in the inbound ring for a frame of len bytes. */
bool vmbnet_can_send(struct vmbnet_queue *q, uint32_t len);
/* Ask to be signalled when len bytes of room come back (0: don't). */
void vmbnet_want_room(struct vmbnet_queue *q, uint32_t len);

#endif /* _LIBVMBNET_H */
