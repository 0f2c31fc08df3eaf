// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libvmbnet: attaching to a device, mapping its rings, letting go. */

#define _GNU_SOURCE	/* dup3 */
#include <asm/byteorder.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libvmbnet.h"

int vmbnet_open(void)
{
	int fd = open(VMBNET_DEV_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vmbnet_get_version(int fd, struct vmbnet_version *ver)
{
	return ioctl(fd, VMBNET_IOC_VERSION, ver) < 0 ? -errno : 0;
}

void vmbnet_config_init(struct vmbnet_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->version_min = VMBNET_PROTO_VERSION_MIN;
	cfg->version_max = VMBNET_PROTO_VERSION_MAX;
	cfg->features = F(MQ) | F(MTU) | F(RSS) | F(STATUS) | F(SPEED_DUPLEX) |
			F(HASH_REPORT);
	cfg->max_queues = VMBNET_MAX_QUEUES;
	cfg->mtu_min = VMBNET_MTU_MIN;
	cfg->mtu_max = VMBNET_MTU_MAX;
	cfg->rss_hash_types = VMBNET_HASH_ALL;
	cfg->link = true;
	cfg->speed = VMBNET_SPEED_UNKNOWN;
	cfg->duplex = VMBNET_DUPLEX_UNKNOWN;
}

/*
 * One ring at file offset off: its control page (ps bytes, the kernel's page
 * size) and data, then the data again right behind, so that a packet that
 * wraps is contiguous.
 */
static int map_ring(int fd, uint8_t *at, off_t off, uint32_t ps, uint32_t size)
{
	if (mmap(at, ps + size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, off) == MAP_FAILED)
		return -errno;
	if (mmap(at + ps + size, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, off + ps) == MAP_FAILED)
		return -errno;
	return 0;
}

static void unmap_queue(struct vmbnet_queue *q)
{
	if (q->map)
		munmap(q->map, q->map_len);
	q->map = NULL;
}

/*
 * Queue i's fd and rings. A queue that had an fd keeps its number (dup2), so
 * that an application's poll set survives a re-attach.
 */
static int map_queue(struct vmbnet_endpoint *ep, struct vmbnet_queue *q,
		     unsigned int i)
{
	uint32_t ps = sysconf(_SC_PAGESIZE), size = ep->ring_size;
	size_t ring_span = ps + 2 * (size_t)size;
	struct vmbnet_ring_ctrl *ctrl;
	uint8_t *base;
	int fd, err;

	fd = ioctl(ep->fd, VMBNET_IOC_QUEUE_FD, i);
	if (fd < 0)
		return -errno;
	if (q->fd < 0) {
		q->fd = fd;
	} else {
		err = dup3(fd, q->fd, O_CLOEXEC) < 0 ? -errno : 0;
		close(fd);
		if (err)
			return err;
	}
	/* Reserve the address space, then map the file over it. */
	q->map_len = 2 * ring_span;
	base = mmap(NULL, q->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	q->map = base;
	err = map_ring(q->fd, base, vmbnet_mmap_offset(VMBNET_MMAP_TX_CTRL, size, ps),
		       ps, size);
	if (!err)
		err = map_ring(q->fd, base + ring_span,
			       vmbnet_mmap_offset(VMBNET_MMAP_RX_CTRL, size, ps), ps, size);
	if (err)
		return err;

	/* The driver's outbound ring is our inbound one, and the reverse. */
	vmbnet_ring_init(&q->rx.ring, base, base + ps, size);
	ctrl = (void *)(base + ring_span);
	vmbnet_ring_init(&q->tx.ring, ctrl, base + ring_span + ps, size);
	/* We write this ring, and set pending_send_sz when it is full. */
	ctrl->feature_bits = cpu_to_le32(VMBNET_RING_F_PENDING_SEND_SZ);
	return 0;
}

/* Each half's private state as a fresh attach has it. */
static void reset_queue(struct vmbnet_endpoint *ep, struct vmbnet_queue *q,
			unsigned int i)
{
	q->rx.ep = ep;
	q->rx.index = i;
	q->rx.pending = false;
	q->rx.nr_replies = 0;
	q->tx.ep = ep;
	q->tx.index = i;
	q->tx.want_room = false;
	q->tx.reserved = 0;
}

/* ATTACH on a new /dev/vmbnet fd, and map each queue. */
static int attach_queues(struct vmbnet_endpoint *ep, uint32_t ring_size, bool replace)
{
	struct vmbnet_attach arg = {
		.num_queues = ep->max_queues,
		.ring_size = ring_size,
		.flags = replace ? VMBNET_ATTACH_REPLACE : 0,
		/* features: 0 in; out, what the driver supports. */
	};
	unsigned int i;
	int err;

	strcpy(arg.ifname, ep->ifname);
	ep->fd = vmbnet_open();
	if (ep->fd < 0)
		return ep->fd;
	if (ioctl(ep->fd, VMBNET_IOC_ATTACH, &arg) < 0)
		return -errno;
	ep->supported = arg.features;
	ep->num_queues = min_u32(arg.num_queues, ep->max_queues);
	ep->ring_size = arg.ring_size;
	for (i = 0; i < ep->num_queues; i++) {
		reset_queue(ep, &ep->queues[i], i);
		err = map_queue(ep, &ep->queues[i], i);
		if (err)
			return err;
	}
	/* A re-attach may have fewer queues than the last attach. */
	for (; i < ep->max_queues; i++) {
		if (ep->queues[i].fd >= 0)
			close(ep->queues[i].fd);
		ep->queues[i].fd = -1;
	}
	vmbnet_state_reset(ep);
	return 0;
}

/* Unmaps every ring; its halves then say -ENOTCONN. */
static void detach_queues(struct vmbnet_endpoint *ep, bool close_fds)
{
	unsigned int i;

	for (i = 0; i < ep->max_queues; i++) {
		unmap_queue(&ep->queues[i]);
		memset(&ep->queues[i].rx.ring, 0, sizeof(ep->queues[i].rx.ring));
		memset(&ep->queues[i].tx.ring, 0, sizeof(ep->queues[i].tx.ring));
		if (close_fds && ep->queues[i].fd >= 0) {
			close(ep->queues[i].fd);
			ep->queues[i].fd = -1;
		}
	}
	if (ep->fd >= 0)
		close(ep->fd);
	ep->fd = -1;
}

int vmbnet_attach(struct vmbnet_endpoint **epp, const char *ifname,
		  const struct vmbnet_config *cfg)
{
	struct vmbnet_ctl_offer offer = { 0 };
	struct vmbnet_endpoint *ep;
	void *mem;
	unsigned int i;
	int err;

	*epp = NULL;
	if (strlen(ifname) >= IFNAMSIZ || cfg->refuse_init > 4095 ||
	    cfg->max_queues < 1 || cfg->max_queues > VMBNET_MAX_QUEUES)
		return -EINVAL;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	ep->fd = -1;
	strcpy(ep->ifname, ifname);
	ep->cfg = *cfg;
	ep->max_queues = cfg->max_queues;
	ep->num_queues = cfg->max_queues;
	ep->state.link = cfg->link;
	ep->state.speed = cfg->speed;
	ep->state.duplex = cfg->duplex;
	pthread_mutex_init(&ep->ctl_lock, NULL);
	/* Refuse now what the driver would refuse later. */
	vmbnet_make_offer(ep, &offer);
	if (vmbnet_ctl_check(VMBNET_MSG_OFFER, &offer, sizeof(offer))) {
		err = -EINVAL;
		goto err_free;
	}
	/* Aligned: each half on cache lines of its own. */
	if (posix_memalign(&mem, 64, ep->max_queues * sizeof(*ep->queues))) {
		err = -ENOMEM;
		goto err_free;
	}
	ep->queues = mem;
	memset(ep->queues, 0, ep->max_queues * sizeof(*ep->queues));
	for (i = 0; i < ep->max_queues; i++) {
		ep->queues[i].fd = -1;
		pthread_mutex_init(&ep->queues[i].tx.lock, NULL);
	}
	err = attach_queues(ep, cfg->ring_size, cfg->replace);
	if (err) {
		vmbnet_detach(ep);
		return err;
	}
	*epp = ep;
	return 0;

err_free:
	pthread_mutex_destroy(&ep->ctl_lock);
	free(ep);
	return err;
}

void vmbnet_detach(struct vmbnet_endpoint *ep)
{
	unsigned int i;

	if (!ep)
		return;
	detach_queues(ep, true);
	for (i = 0; i < ep->max_queues; i++)
		pthread_mutex_destroy(&ep->queues[i].tx.lock);
	free(ep->queues);
	pthread_mutex_destroy(&ep->ctl_lock);
	free(ep);
}

/*
 * The driver lets go of the device before it says ECONNRESET, so the
 * device is free now: EBUSY means another endpoint took it meanwhile.
 */
int vmbnet_reattach(struct vmbnet_endpoint *ep)
{
	int err;

	detach_queues(ep, false);
	/* The device's ring size now: ethtool -G may have set it. */
	err = attach_queues(ep, 0, false);
	if (err)
		detach_queues(ep, true);
	return err;
}

const char *vmbnet_ifname(const struct vmbnet_endpoint *ep)
{
	return ep->ifname;
}

unsigned int vmbnet_num_queues(const struct vmbnet_endpoint *ep)
{
	return ep->num_queues;
}

uint32_t vmbnet_ring_size(const struct vmbnet_endpoint *ep)
{
	return ep->ring_size;
}

uint64_t vmbnet_supported(const struct vmbnet_endpoint *ep)
{
	return ep->supported;
}

int vmbnet_set_offer_features(struct vmbnet_endpoint *ep, uint64_t features)
{
	struct vmbnet_ctl_offer offer = { 0 };
	uint64_t old;
	int err = 0;

	pthread_mutex_lock(&ep->ctl_lock);
	old = ep->cfg.features;
	ep->cfg.features = features;
	/* As vmbnet_attach(): refuse now what the driver would refuse later. */
	vmbnet_make_offer(ep, &offer);
	if (ep->state.offered)
		err = -EBUSY;
	else if (vmbnet_ctl_check(VMBNET_MSG_OFFER, &offer, sizeof(offer)))
		err = -EINVAL;
	if (err)
		ep->cfg.features = old;
	pthread_mutex_unlock(&ep->ctl_lock);
	return err;
}

struct vmbnet_rxq *vmbnet_rxq(struct vmbnet_endpoint *ep, unsigned int i)
{
	return i < ep->num_queues ? &ep->queues[i].rx : NULL;
}

struct vmbnet_txq *vmbnet_txq(struct vmbnet_endpoint *ep, unsigned int i)
{
	return i < ep->num_queues ? &ep->queues[i].tx : NULL;
}

int vmbnet_queue_fd(const struct vmbnet_endpoint *ep, unsigned int i)
{
	return i < ep->num_queues ? ep->queues[i].fd : -EINVAL;
}

int vmbnet_kick_fd(int fd)
{
	uint32_t one = 1;

	return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

int vmbnet_wait(struct vmbnet_endpoint *ep, unsigned int i)
{
	uint32_t count;
	int err;

	if (i >= ep->num_queues)
		return -EINVAL;
	if (read(ep->queues[i].fd, &count, sizeof(count)) == sizeof(count))
		return 0;
	err = -errno;
	if (err != -ECONNRESET || !ep->cfg.reattach)
		return err;
	err = vmbnet_reattach(ep);
	if (ep->cfg.on_reattach)
		ep->cfg.on_reattach(ep, err, ep->cfg.priv);
	return err;
}
