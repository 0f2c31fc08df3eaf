// SPDX-License-Identifier: GPL-2.0
/* libvmbnet: the endpoint side of /dev/vmbnet. */

#include <asm/byteorder.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmbnet.h"

#define HDRS	(sizeof(struct vmbnet_msg_hdr) + sizeof(struct virtio_net_hdr_v1))

int vmbnet_open(void)
{
	int fd = open(VMBNET_DEV_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vmbnet_get_version(int fd, struct vmbnet_version *ver)
{
	return ioctl(fd, VMBNET_IOC_VERSION, ver) < 0 ? -errno : 0;
}

/*
 * One ring at file offset off: its control page and data, then the data
 * again right behind, so that a packet that wraps is contiguous.
 */
static int map_ring(int fd, uint8_t *at, off_t off, uint32_t size)
{
	if (mmap(at, VMBNET_RING_CTRL_SIZE + size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, off) == MAP_FAILED)
		return -errno;
	if (mmap(at + VMBNET_RING_CTRL_SIZE + size, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, off + VMBNET_RING_CTRL_SIZE) == MAP_FAILED)
		return -errno;
	return 0;
}

static int map_queue(struct vmbnet_endpoint *ep, struct vmbnet_queue *q)
{
	size_t ring_span = VMBNET_RING_CTRL_SIZE + 2 * (size_t)ep->ring_size;
	off_t in_off = VMBNET_RING_CTRL_SIZE + ep->ring_size;
	struct vmbnet_ring_ctrl *ctrl;
	uint8_t *base;
	int err;

	q->fd = ioctl(ep->fd, VMBNET_IOC_QUEUE_FD, q->index);
	if (q->fd < 0)
		return -errno;
	/* Reserve the address space, then map the file over it. */
	q->map_len = 2 * ring_span;
	base = mmap(NULL, q->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	q->map = base;
	err = map_ring(q->fd, base, 0, ep->ring_size);
	if (!err)
		err = map_ring(q->fd, base + ring_span, in_off, ep->ring_size);
	if (err)
		return err;

	vmbnet_ring_init(&q->rx, base, base + VMBNET_RING_CTRL_SIZE, ep->ring_size);
	ctrl = (void *)(base + ring_span);
	vmbnet_ring_init(&q->tx, ctrl, base + ring_span + VMBNET_RING_CTRL_SIZE,
			 ep->ring_size);
	/* We write this ring, and set pending_send_sz when it is full. */
	ctrl->feature_bits = cpu_to_le32(VMBNET_RING_F_PENDING_SEND_SZ);
	return 0;
}

int vmbnet_attach(struct vmbnet_endpoint *ep, const char *ifname,
		  uint64_t features, unsigned int num_queues, uint32_t ring_size)
{
	struct vmbnet_attach arg = {
		.features = features,
		.num_queues = num_queues,
		.ring_size = ring_size,
	};
	unsigned int i;
	int err;

	memset(ep, 0, sizeof(*ep));
	if (strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	strcpy(arg.ifname, ifname);
	strcpy(ep->ifname, ifname);

	ep->fd = vmbnet_open();
	if (ep->fd < 0)
		return ep->fd;
	if (ioctl(ep->fd, VMBNET_IOC_ATTACH, &arg) < 0) {
		err = -errno;
		goto err_close;
	}
	ep->features = arg.features;
	ep->num_queues = arg.num_queues;
	ep->ring_size = arg.ring_size;
	ep->queues = calloc(ep->num_queues, sizeof(*ep->queues));
	if (!ep->queues) {
		err = -ENOMEM;
		goto err_close;
	}
	for (i = 0; i < ep->num_queues; i++)
		ep->queues[i].fd = -1;
	for (i = 0; i < ep->num_queues; i++) {
		ep->queues[i].index = i;
		err = map_queue(ep, &ep->queues[i]);
		if (err)
			goto err_detach;
	}
	return 0;

err_detach:
	vmbnet_detach(ep);
	return err;
err_close:
	close(ep->fd);
	ep->fd = -1;
	return err;
}

void vmbnet_detach(struct vmbnet_endpoint *ep)
{
	unsigned int i;

	for (i = 0; ep->queues && i < ep->num_queues; i++) {
		if (ep->queues[i].map)
			munmap(ep->queues[i].map, ep->queues[i].map_len);
		if (ep->queues[i].fd >= 0)
			close(ep->queues[i].fd);
	}
	free(ep->queues);
	ep->queues = NULL;
	if (ep->fd >= 0)
		close(ep->fd);
	ep->fd = -1;
}

int vmbnet_recv(struct vmbnet_queue *q, struct vmbnet_frame *f)
{
	struct vmbnet_msg_hdr mh;
	uint32_t len;
	int err;

	for (;;) {
		err = vmbnet_ring_peek(&q->rx, &q->pkt);
		if (err)
			return err;
		q->pending = true;
		if (q->pkt.len < sizeof(mh))
			goto bad;
		memcpy(&mh, q->pkt.payload, sizeof(mh));
		len = le32_to_cpu(mh.len);
		if (le16_to_cpu(mh.type) != VMBNET_MSG_DATA ||
		    len > q->pkt.len - sizeof(mh) ||
		    ((sizeof(mh) + len + 7) & ~7U) != q->pkt.len ||
		    len < sizeof(f->hdr))
			goto bad;
		memcpy(&f->hdr, q->pkt.payload + sizeof(mh), sizeof(f->hdr));
		f->data = q->pkt.payload + HDRS;
		f->len = len - sizeof(f->hdr);
		return 0;
bad:
		q->bad++;
		vmbnet_recv_next(q);
	}
}

void vmbnet_recv_next(struct vmbnet_queue *q)
{
	if (q->pending)
		vmbnet_ring_consume(&q->rx, &q->pkt);
	q->pending = false;
}

int vmbnet_sendv(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		 const struct iovec *iov, int iovcnt)
{
	struct vmbnet_msg_hdr *mh;
	uint32_t len = 0;
	uint8_t *p;
	int i, err;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len > VMBNET_MAX_FRAME_LEN)
		return -EMSGSIZE;
	if (!vmbnet_can_send(q, len))
		return -ENOSPC;
	mh = vmbnet_ring_reserve(&q->tx, HDRS + len, &err);
	if (!mh)
		return err;
	mh->type = cpu_to_le16(VMBNET_MSG_DATA);
	mh->reserved = 0;
	mh->len = cpu_to_le32(sizeof(*hdr) + len);
	p = (uint8_t *)(mh + 1);
	if (hdr)
		memcpy(p, hdr, sizeof(*hdr));
	else
		memset(p, 0, sizeof(*hdr));
	p += sizeof(*hdr);
	for (i = 0; i < iovcnt; i++) {
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	vmbnet_ring_commit(&q->tx, HDRS + len);
	return 0;
}

int vmbnet_send(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		const void *frame, uint32_t len)
{
	struct iovec iov = { .iov_base = (void *)frame, .iov_len = len };

	return vmbnet_sendv(q, hdr, &iov, 1);
}

bool vmbnet_can_send(struct vmbnet_queue *q, uint32_t len)
{
	uint32_t free;

	if (vmbnet_ring_known_free(&q->tx) > vmbnet_ring_pkt_size(HDRS + len))
		return true;
	return !vmbnet_ring_free(&q->tx, &free) &&
	       free > vmbnet_ring_pkt_size(HDRS + len);
}

void vmbnet_want_room(struct vmbnet_queue *q, uint32_t len)
{
	vmbnet_ring_set_pending(&q->tx, len ? vmbnet_ring_pkt_size(HDRS + len) : 0);
}

int vmbnet_kick(struct vmbnet_queue *q)
{
	uint32_t one = 1;

	return write(q->fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

int vmbnet_wait(struct vmbnet_queue *q)
{
	uint32_t count;

	return read(q->fd, &count, sizeof(count)) == sizeof(count) ? 0 : -errno;
}

int vmbnet_release(struct vmbnet_queue *q)
{
	return vmbnet_ring_release(&q->rx) ? vmbnet_kick(q) : 0;
}

int vmbnet_flush(struct vmbnet_queue *q)
{
	return vmbnet_ring_flush(&q->tx) ? vmbnet_kick(q) : 0;
}

int vmbnet_finish(struct vmbnet_queue *q)
{
	bool kick;

	kick = vmbnet_ring_release(&q->rx);
	/* Both are evaluated: flush also ends the send batch. */
	kick |= vmbnet_ring_flush(&q->tx);
	return kick ? vmbnet_kick(q) : 0;
}

bool vmbnet_rearm(struct vmbnet_queue *q)
{
	if (!vmbnet_ring_unmask(&q->rx))
		return false;
	vmbnet_ring_mask(&q->rx);
	return true;
}
