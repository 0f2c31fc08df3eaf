/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * libvmbnet's insides, shared by its files and its unit tests; never
 * installed. The ring code is the driver's own (drivers/net/vmbnet/ring.c),
 * compiled over the kernel-header stand-ins in include/, so every index and
 * length from the kernel is checked exactly as the kernel checks ours; so
 * are control messages (protocol.c).
 */
#ifndef _LIBVMBNET_INTERNAL_H
#define _LIBVMBNET_INTERNAL_H

#include <pthread.h>

#include "protocol.h"
#include "ring.h"
#include "vmbnet.h"

#define F(bit)		(1ULL << VMBNET_F_##bit)
/* What a frame to the driver may need ahead of it, with the hash. */
#define HDRS_MAX	(sizeof(struct vmbnet_msg_hdr) + sizeof(struct virtio_net_hdr_v1_hash))
/* The longest RSS input: two IPv6 addresses and two ports. */
#define VMBNET_RSS_INPUT_MAX	36
/* Answers waiting for room in queue 0: the driver has one request in
 * flight, and the OFFER may still be waiting behind it.
 */
#define VMBNET_REPLIES		2

/* ep->flags: what the data path looks at, in one word. */
#define VMBNET_FL_AGREED	0x1	/* a SET_STATE since the INIT */
#define VMBNET_FL_UP		0x2
#define VMBNET_FL_VF		0x4
#define VMBNET_FL_HASH		0x8	/* HASH_REPORT agreed: DATA_HASH */

struct vmbnet_reply {
	uint16_t type;
	uint32_t len;
	union vmbnet_ctl_body body;
};

struct vmbnet_rxq {
	struct vmbnet_endpoint *ep;
	unsigned int index;
	struct vmbnet_ring ring;	/* the device's outbound ring: we read */
	bool pending;			/* a packet peeked, not yet consumed */
	struct vmbnet_ring_pkt pkt;
	struct vmbnet_rxq_stats stats;
	/* queue 0: answers still to write, oldest first */
	unsigned int nr_replies;
	struct vmbnet_reply replies[VMBNET_REPLIES];
};

struct vmbnet_txq {
	pthread_mutex_t lock;
	struct vmbnet_endpoint *ep;
	unsigned int index;
	struct vmbnet_ring ring;	/* the device's inbound ring: we write */
	bool want_room;			/* pending_send_sz is set */
	struct vmbnet_msg_hdr *slot;	/* reserved, locked till commit */
	uint32_t reserved;		/* the frame's bytes in it */
	uint32_t hlen;			/* the reservation's header */
};

/* Each half on cache lines of its own: two threads use them. */
struct vmbnet_queue {
	struct vmbnet_rxq rx __aligned(64);
	struct vmbnet_txq tx __aligned(64);
	int fd;
	void *map;
	size_t map_len;
};

struct vmbnet_endpoint {
	int fd;
	char ifname[IFNAMSIZ];
	uint64_t supported;		/* the driver's VMBNET_F_* (ATTACH's) */
	unsigned int num_queues;	/* rings attached */
	unsigned int max_queues;	/* queues allocated: cfg's, at the first attach */
	uint32_t ring_size;
	struct vmbnet_queue *queues;
	/* The offer; its features may change until the INIT is answered. */
	struct vmbnet_config cfg;
	uint32_t flags;			/* VMBNET_FL_*, atomic */
	/*
	 * Control. The writer's copy (state, rss_table, offer) changes under
	 * ctl_lock, between vmbnet_state_begin() and _end(), which publishes
	 * it (pub, pub_table) for readers on any thread: a seqlock whose data
	 * are copied and read with relaxed atomics, so that a reader racing
	 * the writer reads a stale or mixed copy it then retries, never an
	 * undefined one (C11, ThreadSanitizer).
	 */
	pthread_mutex_t ctl_lock;
	uint32_t state_seq;
	struct vmbnet_dev_state state;
	/*
	 * Toeplitz a byte at a time for the current key: the hash of byte
	 * value v at input position i is rss_table[i][v].
	 */
	uint32_t rss_table[VMBNET_RSS_INPUT_MAX][256];
	bool table_changed;		/* to publish at the next _end() */
	struct vmbnet_ctl_offer offer;	/* as last sent */
	struct vmbnet_dev_state pub;
	uint32_t pub_table[VMBNET_RSS_INPUT_MAX][256];
};

/* A relaxed load of a field readers share with the writer. */
#define PUB_LOAD(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* ctl.c */
void vmbnet_state_begin(struct vmbnet_endpoint *ep);
void vmbnet_state_end(struct vmbnet_endpoint *ep);
uint32_t vmbnet_state_read_begin(const struct vmbnet_endpoint *ep);
bool vmbnet_state_read_retry(const struct vmbnet_endpoint *ep, uint32_t seq);
void vmbnet_make_offer(const struct vmbnet_endpoint *ep, struct vmbnet_ctl_offer *o);
void vmbnet_state_reset(struct vmbnet_endpoint *ep);
/* Between _begin() and _end(): the writer's table for a new key. */
void vmbnet_rss_set_key(struct vmbnet_endpoint *ep, const uint8_t *key);
void vmbnet_ctl_receive(struct vmbnet_rxq *rxq, uint16_t type, const uint8_t *body,
			uint32_t len, uint32_t avail, bool framed);
int vmbnet_ctl_flush_replies(struct vmbnet_rxq *rxq);
int vmbnet_ctl_verdict(const struct vmbnet_endpoint *ep, uint16_t type,
		       const union vmbnet_ctl_body *b);
int vmbnet_ctl_expected(const struct vmbnet_endpoint *ep, unsigned int queue,
			uint16_t type);

/* rss.c */
struct vmbnet_rss_input {
	uint8_t data[VMBNET_RSS_INPUT_MAX];
	uint32_t l3_len;		/* addresses only */
	uint32_t l4_len;		/* with the ports; 0 without */
	uint32_t l3_type;		/* VMBNET_HASH_* each needs */
	uint32_t l4_type;
};

extern const uint8_t vmbnet_rss_default_key[VMBNET_RSS_KEY_SIZE];
void vmbnet_rss_table_build(uint32_t table[][256], const uint8_t *key);
uint32_t vmbnet_rss_table_hash(const uint32_t table[][256], const uint8_t *in,
			       uint32_t n);
bool vmbnet_rss_parse(const uint8_t *p, uint32_t len, struct vmbnet_rss_input *in);
bool vmbnet_rx_filter_match(const struct vmbnet_dev_state *st, const uint8_t *dst);

/* queue.c */
int vmbnet_kick_fd(int fd);
static inline int vmbnet_txq_kick(struct vmbnet_txq *txq)
{
	return vmbnet_kick_fd(txq->ep->queues[txq->index].fd);
}

#endif /* _LIBVMBNET_INTERNAL_H */
