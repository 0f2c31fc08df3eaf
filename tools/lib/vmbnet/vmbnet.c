// SPDX-License-Identifier: GPL-2.0
/* libvmbnet: the endpoint side of /dev/vmbnet. */

#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/compiler.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "protocol.h"
#include "vmbnet.h"

#define HDRS	(sizeof(struct vmbnet_msg_hdr) + sizeof(struct virtio_net_hdr_v1))
/* What a frame to the driver may need, with the hash. */
#define HDRS_MAX (sizeof(struct vmbnet_msg_hdr) + sizeof(struct virtio_net_hdr_v1_hash))
#define F(bit)	(1ULL << VMBNET_F_##bit)

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

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
 * The state is a seqlock: one writer at a time (ctl_lock) makes the count
 * odd while it writes, and readers, who never block the data path, retry
 * if it was odd or changed under them.
 */
static void state_begin(struct vmbnet_endpoint *ep)
{
	pthread_mutex_lock(&ep->ctl_lock);
	__atomic_store_n(&ep->state_seq, ep->state_seq + 1, __ATOMIC_RELAXED);
	/* The odd count before any of the changes it covers. */
	smp_wmb();
}

static void state_end(struct vmbnet_endpoint *ep)
{
	/* The changes before the even count that says they are done. */
	smp_store_release(&ep->state_seq, ep->state_seq + 1);
	pthread_mutex_unlock(&ep->ctl_lock);
}

static uint32_t state_read_begin(const struct vmbnet_endpoint *ep)
{
	uint32_t seq;

	/*
	 * Acquire: the count before the state it covers. A writer may have
	 * been preempted in the middle: let it finish.
	 */
	while ((seq = smp_load_acquire(&ep->state_seq)) & 1)
		sched_yield();
	return seq;
}

static bool state_read_retry(const struct vmbnet_endpoint *ep, uint32_t seq)
{
	/* The state read before the count looked at again. */
	smp_rmb();
	return __atomic_load_n(&ep->state_seq, __ATOMIC_RELAXED) != seq;
}

/* The few fields the data path looks at, read consistently. */
struct state_flags {
	bool ready;
	bool vf;
	uint64_t features;
	uint64_t offloads;
};

static struct state_flags state_flags(const struct vmbnet_endpoint *ep)
{
	struct state_flags f;
	uint32_t seq;

	do {
		seq = state_read_begin(ep);
		f.ready = ep->state.state_set;
		f.vf = ep->state.vf;
		f.features = ep->state.features;
		f.offloads = ep->state.offloads;
	} while (state_read_retry(ep, seq));
	return f;
}

void vmbnet_get_state(const struct vmbnet_endpoint *ep, struct vmbnet_dev_state *st)
{
	uint32_t seq;

	do {
		seq = state_read_begin(ep);
		memcpy(st, &ep->state, sizeof(*st));
	} while (state_read_retry(ep, seq));
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

static int map_queue(struct vmbnet_endpoint *ep, struct vmbnet_queue *q)
{
	uint32_t ps = sysconf(_SC_PAGESIZE), size = ep->ring_size;
	size_t ring_span = ps + 2 * (size_t)size;
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
	err = map_ring(q->fd, base, vmbnet_mmap_offset(VMBNET_MMAP_TX_CTRL, size, ps),
		       ps, size);
	if (!err)
		err = map_ring(q->fd, base + ring_span,
			       vmbnet_mmap_offset(VMBNET_MMAP_RX_CTRL, size, ps), ps, size);
	if (err)
		return err;

	/* The driver's outbound ring is our inbound one, and the reverse. */
	vmbnet_ring_init(&q->rx, base, base + ps, size);
	ctrl = (void *)(base + ring_span);
	vmbnet_ring_init(&q->tx, ctrl, base + ring_span + ps, size);
	/* We write this ring, and set pending_send_sz when it is full. */
	ctrl->feature_bits = cpu_to_le32(VMBNET_RING_F_PENDING_SEND_SZ);
	return 0;
}

/* The OFFER that answers an INIT: the config, as attached, link as of now. */
static void make_offer(const struct vmbnet_endpoint *ep, struct vmbnet_ctl_offer *o)
{
	const struct vmbnet_config *cfg = &ep->cfg;
	__le32 seq = o->hdr.seq;

	memset(o, 0, sizeof(*o));
	o->hdr.seq = seq;
	o->version_min = cpu_to_le32(cfg->version_min);
	o->version_max = cpu_to_le32(cfg->version_max);
	o->features = cpu_to_le64(cfg->features);
	if (cfg->features & F(MAC))
		memcpy(o->mac, cfg->mac, sizeof(o->mac));
	if (cfg->features & F(MTU)) {
		o->mtu_min = cpu_to_le32(cfg->mtu_min);
		o->mtu_max = cpu_to_le32(cfg->mtu_max);
	}
	o->max_queues = cpu_to_le32(min_u32(cfg->max_queues, ep->num_queues));
	o->ring_size = cpu_to_le32(ep->ring_size);
	if (cfg->features & F(RSS)) {
		o->rss_key_size = cpu_to_le16(VMBNET_RSS_KEY_SIZE);
		o->rss_indir_size = cpu_to_le16(VMBNET_RSS_INDIR_SIZE);
		o->rss_hash_types = cpu_to_le32(cfg->rss_hash_types);
	}
	o->link = cpu_to_le32(ep->state.link);
	o->speed = cpu_to_le32(ep->state.speed);
	o->duplex = ep->state.duplex;
}

static struct vmbnet_queue *alloc_queues(unsigned int n)
{
	struct vmbnet_queue *qs;
	void *mem;
	unsigned int i;

	/* Aligned: each writer lock on a cache line of its own. */
	if (posix_memalign(&mem, 64, n * sizeof(*qs)))
		return NULL;
	qs = mem;
	memset(qs, 0, n * sizeof(*qs));
	for (i = 0; i < n; i++) {
		qs[i].fd = -1;
		qs[i].index = i;
		pthread_mutex_init(&qs[i].tx_lock, NULL);
	}
	return qs;
}

/* Until the driver sets RSS: the sample key of Microsoft's RSS spec. */
static const uint8_t rss_default_key[VMBNET_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/*
 * The per-byte table of a Toeplitz key: for each set bit of the input the
 * hash takes the 32 key bits starting there, so a byte's contribution
 * depends only on its value and position. 36 lookups instead of 288 bit
 * steps for an IPv6 tuple; vmbnet_toeplitz() stays the reference.
 */
static void rss_table_build(uint32_t table[][256], const uint8_t *key)
{
	uint32_t window[8 * VMBNET_RSS_INPUT_MAX];
	unsigned int i, b, v;

	for (i = 0; i < 8 * VMBNET_RSS_INPUT_MAX; i++) {
		uint64_t w = 0;

		/* 40 key bytes cover every window a 36-byte input needs. */
		for (b = 0; b < 5; b++)
			w = w << 8 | key[i / 8 + b];
		window[i] = (uint32_t)(w >> (8 - i % 8));
	}
	for (i = 0; i < VMBNET_RSS_INPUT_MAX; i++)
		for (v = 0; v < 256; v++) {
			uint32_t h = 0;

			for (b = 0; b < 8; b++)
				if (v & (0x80 >> b))
					h ^= window[8 * i + b];
			table[i][v] = h;
		}
}

int vmbnet_attach(struct vmbnet_endpoint *ep, const char *ifname,
		  const struct vmbnet_config *cfg)
{
	struct vmbnet_attach arg = {
		.num_queues = cfg->max_queues,
		.ring_size = cfg->ring_size,
		.flags = cfg->replace ? VMBNET_ATTACH_REPLACE : 0,
		/* features: 0 in; out, what the driver supports. */
	};
	struct vmbnet_ctl_offer offer = { 0 };
	unsigned int i;
	int err;

	memset(ep, 0, sizeof(*ep));
	ep->fd = -1;
	if (strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	strcpy(arg.ifname, ifname);
	strcpy(ep->ifname, ifname);
	ep->cfg = *cfg;
	ep->num_queues = cfg->max_queues;
	ep->state.link = cfg->link;
	ep->state.speed = cfg->speed;
	ep->state.duplex = cfg->duplex;
	/* Refuse now what the driver would refuse later. */
	make_offer(ep, &offer);
	if (vmbnet_ctl_check(VMBNET_MSG_OFFER, &offer, sizeof(offer)) ||
	    cfg->refuse_init > 4095)
		return -EINVAL;

	ep->fd = vmbnet_open();
	if (ep->fd < 0)
		return ep->fd;
	pthread_mutex_init(&ep->ctl_lock, NULL);
	if (ioctl(ep->fd, VMBNET_IOC_ATTACH, &arg) < 0) {
		err = -errno;
		goto err_detach;
	}
	ep->supported = arg.features;
	ep->num_queues = arg.num_queues;
	ep->ring_size = arg.ring_size;
	ep->state.queues = ep->num_queues;
	/* The key until the driver sets one. */
	rss_table_build(ep->rss_table, rss_default_key);
	ep->queues = alloc_queues(ep->num_queues);
	if (!ep->queues) {
		err = -ENOMEM;
		goto err_detach;
	}
	for (i = 0; i < ep->num_queues; i++) {
		ep->queues[i].ep = ep;
		err = map_queue(ep, &ep->queues[i]);
		if (err)
			goto err_detach;
	}
	return 0;

err_detach:
	vmbnet_detach(ep);
	return err;
}

void vmbnet_detach(struct vmbnet_endpoint *ep)
{
	unsigned int i;

	/* Idempotent: ctl_lock lives from a successful open to here. */
	if (ep->fd < 0 && !ep->queues)
		return;
	for (i = 0; ep->queues && i < ep->num_queues; i++) {
		if (ep->queues[i].map)
			munmap(ep->queues[i].map, ep->queues[i].map_len);
		if (ep->queues[i].fd >= 0)
			close(ep->queues[i].fd);
		pthread_mutex_destroy(&ep->queues[i].tx_lock);
	}
	free(ep->queues);
	ep->queues = NULL;
	pthread_mutex_destroy(&ep->ctl_lock);
	if (ep->fd >= 0)
		close(ep->fd);
	ep->fd = -1;
}

/*
 * Writer, under tx_lock: room for a packet with a len-byte payload. When
 * there is none, ask the driver to signal q->fd once there is, and look
 * again: it may have made room in between.
 */
static void *tx_reserve(struct vmbnet_queue *q, uint32_t len, int *err)
{
	uint32_t free;
	void *p;

	p = vmbnet_ring_reserve(&q->tx, len, err);
	if (!p && *err == -ENOSPC && !vmbnet_ring_free(&q->tx, &free))
		p = vmbnet_ring_reserve(&q->tx, len, err);
	if (!p && *err == -ENOSPC) {
		vmbnet_ring_set_pending(&q->tx, vmbnet_ring_pkt_size(len));
		q->want_room = true;
		if (!vmbnet_ring_free(&q->tx, &free))
			p = vmbnet_ring_reserve(&q->tx, len, err);
	}
	if (p && q->want_room) {
		vmbnet_ring_set_pending(&q->tx, 0);
		q->want_room = false;
	}
	return p;
}

/* A frame to the driver goes with its hash once that is agreed (DATA_HASH,
 * which says so itself: frames written before the ACCEPT are still DATA).
 */
static bool tx_with_hash(const struct vmbnet_endpoint *ep)
{
	return state_flags(ep).features & F(HASH_REPORT);
}

int vmbnet_sendv_hash(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		      const struct vmbnet_rx_hash *hash, const struct iovec *iov,
		      int iovcnt)
{
	struct virtio_net_hdr_v1_hash vh = {};
	bool with_hash = tx_with_hash(q->ep);
	uint32_t hlen = with_hash ? sizeof(vh) : sizeof(vh.hdr);
	struct vmbnet_msg_hdr *mh;
	size_t len = 0;
	uint8_t *p;
	int i, err;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len > VMBNET_MAX_FRAME_LEN)
		return -EMSGSIZE;
	if (hdr)
		vh.hdr = *hdr;
	if (hash) {
		vh.hash_value = cpu_to_le32(hash->value);
		vh.hash_report = cpu_to_le16(hash->report);
	}

	pthread_mutex_lock(&q->tx_lock);
	mh = tx_reserve(q, sizeof(*mh) + hlen + len, &err);
	if (mh) {
		mh->type = cpu_to_le16(with_hash ? VMBNET_MSG_DATA_HASH : VMBNET_MSG_DATA);
		mh->reserved = 0;
		mh->len = cpu_to_le32(hlen + len);
		p = (uint8_t *)(mh + 1);
		memcpy(p, &vh, hlen);
		p += hlen;
		for (i = 0; i < iovcnt; i++) {
			memcpy(p, iov[i].iov_base, iov[i].iov_len);
			p += iov[i].iov_len;
		}
		vmbnet_ring_commit(&q->tx, sizeof(*mh) + hlen + len);
	}
	pthread_mutex_unlock(&q->tx_lock);
	return err;
}

int vmbnet_sendv(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		 const struct iovec *iov, int iovcnt)
{
	return vmbnet_sendv_hash(q, hdr, NULL, iov, iovcnt);
}

int vmbnet_send_hash(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		     const struct vmbnet_rx_hash *hash, const void *frame,
		     uint32_t len)
{
	struct iovec iov = { .iov_base = (void *)frame, .iov_len = len };

	return vmbnet_sendv_hash(q, hdr, hash, &iov, 1);
}

int vmbnet_send(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		const void *frame, uint32_t len)
{
	return vmbnet_send_hash(q, hdr, NULL, frame, len);
}

int vmbnet_send_msg(struct vmbnet_queue *q, uint16_t type, const void *body,
		    uint32_t len)
{
	struct vmbnet_msg_hdr *mh;
	bool kick = false;
	int err;

	if (len > VMBNET_MAX_FRAME_LEN)
		return -EMSGSIZE;
	pthread_mutex_lock(&q->tx_lock);
	mh = tx_reserve(q, sizeof(*mh) + len, &err);
	if (mh) {
		mh->type = cpu_to_le16(type);
		mh->reserved = 0;
		mh->len = cpu_to_le32(len);
		memcpy(mh + 1, body, len);
		vmbnet_ring_commit(&q->tx, sizeof(*mh) + len);
		/* Now: an ip or ethtool command may be waiting for it. */
		kick = vmbnet_ring_flush(&q->tx);
	}
	pthread_mutex_unlock(&q->tx_lock);
	if (err)
		return err;
	return kick ? vmbnet_kick(q) : 0;
}

int vmbnet_room(struct vmbnet_queue *q, uint32_t count, uint32_t len)
{
	uint64_t need = (uint64_t)count * vmbnet_ring_pkt_size(HDRS_MAX + len);
	uint32_t free;
	bool room;

	/* The writer never fills the ring: at most its size less a packet. */
	if (len > VMBNET_MAX_FRAME_LEN || need >= q->ep->ring_size)
		return -EMSGSIZE;
	pthread_mutex_lock(&q->tx_lock);
	room = vmbnet_ring_known_free(&q->tx) > need ||
	       (!vmbnet_ring_free(&q->tx, &free) && free > need);
	pthread_mutex_unlock(&q->tx_lock);
	return room ? 0 : -ENOSPC;
}

bool vmbnet_can_send(struct vmbnet_queue *q, uint32_t len)
{
	return !vmbnet_room(q, 1, len);
}

/* The answer to a control message, or to the INIT, still to be written. */
static int ctl_flush_reply(struct vmbnet_queue *q)
{
	struct vmbnet_endpoint *ep = q->ep;
	struct vmbnet_queue *q0 = &ep->queues[0];
	int err;

	if (q->reply_type != VMBNET_MSG_OFFER) {
		err = vmbnet_send_msg(q0, q->reply_type, &q->reply, q->reply_len);
	} else {
		/*
		 * Built and sent under ctl_lock: it carries the link of the
		 * moment, and no LINK can overtake it.
		 */
		state_begin(ep);
		make_offer(ep, &q->reply.offer);
		err = vmbnet_send_msg(q0, VMBNET_MSG_OFFER, &q->reply.offer,
				      sizeof(q->reply.offer));
		if (!err) {
			ep->offer = q->reply.offer;
			ep->state.offered = true;
		}
		state_end(ep);
	}
	if (err == -ENOSPC)
		return err;
	/* Anything else (a corrupt ring) would not get better by waiting. */
	q->reply_pending = false;
	return 0;
}

static bool is_request(uint16_t type)
{
	return type >= VMBNET_MSG_INIT && type <= VMBNET_MSG_SET_OFFLOADS;
}

/* Wellformed, but is it expected now? -EPROTO if not. */
static int ctl_expected(const struct vmbnet_queue *q, uint16_t type)
{
	const struct vmbnet_dev_state *st = &q->ep->state;

	/* Control is on queue 0, and the endpoint only takes requests. */
	if (q->index || !is_request(type))
		return -EPROTO;
	if (type == VMBNET_MSG_ACCEPT)
		return st->offered ? 0 : -EPROTO;
	if (type != VMBNET_MSG_INIT && !st->accepted)
		return -EPROTO;
	return 0;
}

static int check_rss(const struct vmbnet_endpoint *ep, const struct vmbnet_ctl_rss *r)
{
	unsigned int i;

	if (!(ep->state.features & F(RSS)))
		return -EOPNOTSUPP;
	if (le32_to_cpu(r->hash_types) & ~le32_to_cpu(ep->offer.rss_hash_types))
		return -EINVAL;
	for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
		if (le16_to_cpu(r->indir[i]) >= ep->state.queues)
			return -EINVAL;
	return 0;
}

/* A valid request: 0 if the endpoint can do it, else why not. */
static int ctl_verdict(const struct vmbnet_endpoint *ep, uint16_t type,
		       const union vmbnet_ctl_body *b)
{
	const struct vmbnet_ctl_offer *o = &ep->offer;
	uint32_t v = le32_to_cpu(b->value.value);
	uint64_t features;

	switch (type) {
	case VMBNET_MSG_ACCEPT:
		v = le32_to_cpu(b->accept.version);
		features = le64_to_cpu(b->accept.features);
		if (v < le32_to_cpu(o->version_min) || v > le32_to_cpu(o->version_max) ||
		    features & ~le64_to_cpu(o->features))
			return -EINVAL;
		return 0;
	case VMBNET_MSG_SET_MTU:
		if (ep->state.features & F(MTU))
			return v >= le32_to_cpu(o->mtu_min) &&
			       v <= le32_to_cpu(o->mtu_max) ? 0 : -EINVAL;
		return v <= 1500 ? 0 : -EINVAL;
	case VMBNET_MSG_SET_QUEUES:
		return v <= le32_to_cpu(o->max_queues) ? 0 : -EINVAL;
	case VMBNET_MSG_SET_RSS:
		return check_rss(ep, &b->rss);
	case VMBNET_MSG_SET_OFFLOADS:
		features = le64_to_cpu(b->offloads.offloads);
		if (!(ep->state.features & F(CTRL_GUEST_OFFLOADS)))
			return -EOPNOTSUPP;
		/* Only what was agreed, and GSO with checksums (as virtio). */
		if (features & ~ep->state.features ||
		    (features & ~F(GUEST_CSUM) && !(features & F(GUEST_CSUM))))
			return -EINVAL;
		/* Frames come as the application has them, checksums undone:
		 * the receive checksum offload stays.
		 */
		return (ep->state.features & ~features) & F(GUEST_CSUM) ? -EOPNOTSUPP : 0;
	default:
		return 0;
	}
}

static void apply_rx_filter(struct vmbnet_dev_state *st,
			    const struct vmbnet_ctl_rx_filter *f)
{
	const uint8_t *mc = (const uint8_t *)(f + 1);
	unsigned int i;

	st->rx_filter_set = true;
	st->rx_flags = le32_to_cpu(f->flags);
	st->mc_count = le32_to_cpu(f->mc_count);
	for (i = 0; i < st->mc_count; i++)
		memcpy(st->mc[i], mc + 8 * i, 6);
}

/* The request took effect: record it. Only queue 0's reader gets here. */
static void ctl_apply(struct vmbnet_endpoint *ep, uint16_t type,
		      const union vmbnet_ctl_body *b)
{
	struct vmbnet_dev_state *st = &ep->state;
	uint32_t v = le32_to_cpu(b->value.value);
	unsigned int i;

	state_begin(ep);
	switch (type) {
	case VMBNET_MSG_INIT:
		/* Negotiation starts again; settings stay until replaced. */
		st->offered = false;
		st->accepted = false;
		st->state_set = false;
		st->version = 0;
		st->features = 0;
		st->offloads = 0;
		break;
	case VMBNET_MSG_ACCEPT:
		st->accepted = true;
		st->version = le32_to_cpu(b->accept.version);
		st->features = le64_to_cpu(b->accept.features);
		st->offloads = st->features & VMBNET_GUEST_OFFLOADS;
		break;
	case VMBNET_MSG_SET_MAC:
		st->mac_set = true;
		memcpy(st->mac, b->mac.mac, sizeof(st->mac));
		break;
	case VMBNET_MSG_SET_MTU:
		st->mtu = v;
		break;
	case VMBNET_MSG_SET_QUEUES:
		st->queues = v;
		break;
	case VMBNET_MSG_SET_RSS:
		st->rss_set = true;
		st->rss_hash_types = le32_to_cpu(b->rss.hash_types);
		memcpy(st->rss_key, b->rss.key, sizeof(st->rss_key));
		rss_table_build(ep->rss_table, st->rss_key);
		for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
			st->rss_indir[i] = le16_to_cpu(b->rss.indir[i]);
		break;
	case VMBNET_MSG_SET_RX_FILTER:
		apply_rx_filter(st, &b->rx_filter);
		break;
	case VMBNET_MSG_SET_STATE:
		st->up = v;
		st->state_set = true;
		break;
	case VMBNET_MSG_SET_DATA_PATH:
		st->vf = v;
		break;
	case VMBNET_MSG_SET_OFFLOADS:
		st->offloads = le64_to_cpu(b->offloads.offloads);
		break;
	}
	state_end(ep);
}

/* Check one control message, let the application see it, answer it. */
static void ctl_receive(struct vmbnet_queue *q, uint16_t type, const uint8_t *body,
			uint32_t len, uint32_t avail, bool framed)
{
	struct vmbnet_endpoint *ep = q->ep;
	union vmbnet_ctl_body b;
	struct vmbnet_ctl_event ev = {
		.type = type, .len = len, .queue = q->index, .body = &b,
	};
	int err, ret;

	/* A copy: the driver's side of the ring could change under us. */
	memset(&b, 0, sizeof(b));
	memcpy(&b, body, min_u32(min_u32(len, avail), sizeof(b)));
	if (min_u32(len, avail) >= sizeof(b.hdr.seq))
		ev.seq = le32_to_cpu(b.hdr.seq);
	if (!framed)
		err = -EMSGSIZE;
	else if (len > sizeof(b))
		/* Too long for any type: length 0 says unknown or wrong length. */
		err = vmbnet_ctl_check(type, &b, 0);
	else
		err = vmbnet_ctl_check(type, &b, len);
	if (!err)
		err = ctl_expected(q, type);
	if (err) {
		ev.bad = true;
		ev.status = -err;
		q->ctl_bad++;
	} else if (type == VMBNET_MSG_INIT) {
		ev.status = ep->cfg.refuse_init;
	} else {
		ev.status = -ctl_verdict(ep, type, &b);
	}

	if (ep->cfg.ctl) {
		ret = ep->cfg.ctl(ep, &ev, ep->cfg.priv);
		if (!ev.bad && !ev.status && type != VMBNET_MSG_INIT && ret > 0)
			ev.status = ret < 4096 ? ret : EINVAL;
		if (!ev.bad && !ev.status && type != VMBNET_MSG_INIT &&
		    ret == VMBNET_CTL_NO_ANSWER)
			return;
	}
	if (!ev.bad && !ev.status)
		ctl_apply(ep, type, &b);

	/* A STATUS is never answered: two confused sides must not loop. */
	if (type == VMBNET_MSG_STATUS)
		return;
	memset(&q->reply, 0, sizeof(q->reply));
	q->reply.hdr.seq = cpu_to_le32(ev.seq);
	if (type == VMBNET_MSG_INIT && !ev.bad && !ev.status) {
		q->reply_type = VMBNET_MSG_OFFER;
		q->reply_len = sizeof(q->reply.offer);
	} else {
		q->reply_type = VMBNET_MSG_STATUS;
		q->reply_len = sizeof(q->reply.status);
		q->reply.status.request = cpu_to_le16(type);
		q->reply.status.status = cpu_to_le32(ev.status);
	}
	q->reply_pending = true;
	ctl_flush_reply(q);
}

int vmbnet_recv(struct vmbnet_queue *q, struct vmbnet_frame *f)
{
	struct vmbnet_msg_hdr mh;
	uint32_t len, avail;
	uint16_t type;
	bool framed;
	int err;

	/* Answers go out in order: nothing more is read before this one. */
	if (q->reply_pending && ctl_flush_reply(q))
		return -ENOSPC;
	for (;;) {
		err = vmbnet_ring_peek(&q->rx, &q->pkt);
		if (err)
			return err;
		q->pending = true;
		if (q->pkt.len < sizeof(mh))
			goto bad;
		memcpy(&mh, q->pkt.payload, sizeof(mh));
		type = le16_to_cpu(mh.type);
		len = le32_to_cpu(mh.len);
		avail = q->pkt.len - sizeof(mh);
		framed = len <= avail && ALIGN(sizeof(mh) + len, 8) == q->pkt.len;
		if (type != VMBNET_MSG_DATA) {
			ctl_receive(q, type, q->pkt.payload + sizeof(mh), len,
				    avail, framed);
			vmbnet_recv_next(q);
			if (q->reply_pending)
				return -ENOSPC;
			continue;
		}
		if (!framed || len < sizeof(f->hdr))
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

int vmbnet_send_link(struct vmbnet_endpoint *ep, bool up, uint32_t speed,
		     uint8_t duplex)
{
	struct vmbnet_ctl_link m = {
		.link = cpu_to_le32(up),
		.speed = cpu_to_le32(speed),
		.duplex = duplex,
	};
	int err;

	if (!ep->queues)
		return -ENOTCONN;
	if (vmbnet_ctl_check(VMBNET_MSG_LINK, &m, sizeof(m)))
		return -EINVAL;
	state_begin(ep);
	ep->state.link = up;
	ep->state.speed = speed;
	ep->state.duplex = duplex;
	/* Before the OFFER the driver would take a LINK for bad input. */
	err = ep->state.offered ?
	      vmbnet_send_msg(&ep->queues[0], VMBNET_MSG_LINK, &m, sizeof(m)) : -EAGAIN;
	state_end(ep);
	return err;
}

/*
 * RSS input, as Microsoft's RSS spec lays it out: source and destination
 * address, then source and destination port, in network byte order.
 */
struct rss_input {
	uint8_t data[VMBNET_RSS_INPUT_MAX];
	uint32_t l3_len;		/* addresses only */
	uint32_t l4_len;		/* with the ports; 0 without */
	uint32_t l3_type;		/* VMBNET_HASH_* each needs */
	uint32_t l4_type;
};

static void rss_l4(struct rss_input *in, const uint8_t *l4, const uint8_t *end,
		   uint8_t proto, uint32_t tcp, uint32_t udp)
{
	if ((proto != 6 && proto != 17) || end - l4 < 4)
		return;
	memcpy(in->data + in->l3_len, l4, 4);
	in->l4_len = in->l3_len + 4;
	in->l4_type = proto == 6 ? tcp : udp;
}

/* Parse an Ethernet frame (one VLAN tag allowed); false if not IP. */
static bool rss_parse(const uint8_t *p, uint32_t len, struct rss_input *in)
{
	const uint8_t *end = p + len, *l3 = p + 14;
	uint16_t proto;
	unsigned int ihl;

	memset(in, 0, sizeof(*in));
	if (len < 14)
		return false;
	proto = p[12] << 8 | p[13];
	if ((proto == 0x8100 || proto == 0x88a8) && len >= 18) {
		proto = p[16] << 8 | p[17];
		l3 += 4;
	}
	if (proto == 0x0800 && end - l3 >= 20) {
		ihl = (l3[0] & 0xf) * 4;
		if (ihl < 20 || end - l3 < (ptrdiff_t)ihl)
			return false;
		memcpy(in->data, l3 + 12, 8);
		in->l3_len = 8;
		in->l3_type = VMBNET_HASH_IPV4;
		/* A fragment's ports are in its first fragment only. */
		if (!((l3[6] & 0x3f) | l3[7]))
			rss_l4(in, l3 + ihl, end, l3[9], VMBNET_HASH_TCP_IPV4,
			       VMBNET_HASH_UDP_IPV4);
		return true;
	}
	if (proto == 0x86dd && end - l3 >= 40) {
		memcpy(in->data, l3 + 8, 32);
		in->l3_len = 32;
		in->l3_type = VMBNET_HASH_IPV6;
		/* Ports only right behind the fixed header: no extension walk. */
		rss_l4(in, l3 + 40, end, l3[6], VMBNET_HASH_TCP_IPV6,
		       VMBNET_HASH_UDP_IPV6);
		return true;
	}
	return false;
}

/* Inside a state read: the queue for in. */
static uint32_t rss_hash(const struct vmbnet_endpoint *ep, const uint8_t *in,
			 uint32_t n)
{
	uint32_t hash = 0, i;

	for (i = 0; i < n; i++)
		hash ^= ep->rss_table[i][in[i]];
	return hash;
}

/* The virtio hash report for a VMBNET_HASH_* type. */
static uint16_t rss_report(uint32_t type)
{
	switch (type) {
	case VMBNET_HASH_IPV4:
		return VIRTIO_NET_HASH_REPORT_IPv4;
	case VMBNET_HASH_TCP_IPV4:
		return VIRTIO_NET_HASH_REPORT_TCPv4;
	case VMBNET_HASH_UDP_IPV4:
		return VIRTIO_NET_HASH_REPORT_UDPv4;
	case VMBNET_HASH_IPV6:
		return VIRTIO_NET_HASH_REPORT_IPv6;
	case VMBNET_HASH_TCP_IPV6:
		return VIRTIO_NET_HASH_REPORT_TCPv6;
	case VMBNET_HASH_UDP_IPV6:
		return VIRTIO_NET_HASH_REPORT_UDPv6;
	default:
		return VIRTIO_NET_HASH_REPORT_NONE;
	}
}

/* Inside a state read: the queue for in, and its hash. */
static unsigned int rss_pick(const struct vmbnet_endpoint *ep,
			     const struct rss_input *in, struct vmbnet_rx_hash *h)
{
	const struct vmbnet_dev_state *st = &ep->state;
	uint32_t types = st->rss_set ? st->rss_hash_types : VMBNET_HASH_ALL;
	unsigned int queues = READ_ONCE(st->queues), q;
	uint32_t n, type;

	if (in->l4_type & types) {
		n = in->l4_len;
		type = in->l4_type;
	} else if (in->l3_type & types) {
		n = in->l3_len;
		type = in->l3_type;
	} else {
		return 0;
	}
	h->value = rss_hash(ep, in->data, n);
	h->report = rss_report(type);
	/* No table yet: spread flows evenly over the queues in use. */
	if (!st->rss_set)
		return queues ? h->value % queues : 0;
	q = st->rss_indir[h->value & (VMBNET_RSS_INDIR_SIZE - 1)];
	return q < queues ? q : 0;
}

unsigned int vmbnet_rss(const struct vmbnet_endpoint *ep, const void *frame,
			uint32_t len, struct vmbnet_rx_hash *hash)
{
	struct vmbnet_rx_hash h;
	struct rss_input in;
	unsigned int q = 0;
	uint32_t seq;

	h.value = 0;
	h.report = VIRTIO_NET_HASH_REPORT_NONE;
	if (rss_parse(frame, len, &in)) {
		do {
			seq = state_read_begin(ep);
			h.value = 0;
			h.report = VIRTIO_NET_HASH_REPORT_NONE;
			q = rss_pick(ep, &in, &h);
		} while (state_read_retry(ep, seq));
	}
	if (hash)
		*hash = h;
	return q < ep->num_queues ? q : 0;
}

unsigned int vmbnet_rss_queue(const struct vmbnet_endpoint *ep, const void *frame,
			      uint32_t len)
{
	return vmbnet_rss(ep, frame, len, NULL);
}

static bool rx_filter_match(const struct vmbnet_dev_state *st, const uint8_t *dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned int i, n;

	if (!st->rx_filter_set && !st->mac_set)
		return true;
	if (st->rx_flags & VMBNET_RX_PROMISC)
		return true;
	if (!(dst[0] & 1))
		/* A refused SET_MAC leaves the address unknown: let it be. */
		return !st->mac_set || !memcmp(dst, st->mac, 6);
	if (!memcmp(dst, bcast, 6) || st->rx_flags & VMBNET_RX_ALLMULTI)
		return true;
	n = min_u32(READ_ONCE(st->mc_count), VMBNET_RX_MC_MAX);
	for (i = 0; i < n; i++)
		if (!memcmp(dst, st->mc[i], 6))
			return true;
	return false;
}

bool vmbnet_rx_filter_pass(const struct vmbnet_endpoint *ep, const void *frame,
			   uint32_t len)
{
	uint8_t dst[6];
	uint32_t seq;
	bool pass;

	/* A runt is the driver's to count. */
	if (len < sizeof(dst))
		return true;
	memcpy(dst, frame, sizeof(dst));
	do {
		seq = state_read_begin(ep);
		pass = rx_filter_match(&ep->state, dst);
	} while (state_read_retry(ep, seq));
	return pass;
}

bool vmbnet_dev_ready(const struct vmbnet_endpoint *ep)
{
	return state_flags(ep).ready;
}

uint64_t vmbnet_guest_offloads(const struct vmbnet_endpoint *ep)
{
	return state_flags(ep).offloads;
}

bool vmbnet_data_path_vf(const struct vmbnet_endpoint *ep)
{
	return state_flags(ep).vf;
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
	bool kick;

	pthread_mutex_lock(&q->tx_lock);
	kick = vmbnet_ring_flush(&q->tx);
	pthread_mutex_unlock(&q->tx_lock);
	return kick ? vmbnet_kick(q) : 0;
}

int vmbnet_finish(struct vmbnet_queue *q)
{
	bool kick;

	kick = vmbnet_ring_release(&q->rx);
	/* Both are evaluated: flush also ends the send batch. */
	pthread_mutex_lock(&q->tx_lock);
	kick |= vmbnet_ring_flush(&q->tx);
	pthread_mutex_unlock(&q->tx_lock);
	return kick ? vmbnet_kick(q) : 0;
}

bool vmbnet_rearm(struct vmbnet_queue *q)
{
	if (!vmbnet_ring_unmask(&q->rx))
		return false;
	vmbnet_ring_mask(&q->rx);
	return true;
}
