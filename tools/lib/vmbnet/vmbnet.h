/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmbnet: the endpoint side of /dev/vmbnet.
 *
 * Attach to a vmbnet device, then for each queue: receive the frames the
 * device transmits (they sit in the outbound ring until released), send it
 * frames (copied into the inbound ring), kick and wait. The ring code is
 * the driver's own (drivers/net/vmbnet/ring.c), so every index and length
 * from the kernel is checked exactly as the kernel checks ours; so are
 * control messages (protocol.c).
 *
 * The control protocol is answered from the receive path: vmbnet_recv()
 * handles every control message itself (INIT gets an OFFER built from the
 * vmbnet_config given to vmbnet_attach(), or its refuse_init; each other
 * request a STATUS),
 * records what the driver set in the endpoint's state and returns only
 * frames. So queue 0 must be read for the device to come up.
 *
 * A poll loop:
 *	while (vmbnet_recv(q, &f) == 0) { use(f); vmbnet_recv_next(q); }
 *	vmbnet_finish(q);	// release, flush, kick if the driver waits
 *	if (!vmbnet_rearm(q)) poll(q->fd);
 *
 * Threads: each outbound ring has one reader (vmbnet_recv and release are
 * not locked); inbound rings may have several writers, as sends, flushes
 * and control answers take the queue's writer lock. The state is read
 * without locks (vmbnet_get_state, vmbnet_rss_queue, vmbnet_rx_filter_pass).
 *
 * Functions return 0 (or a count) on success and a negative errno on
 * failure; they never print.
 */
#ifndef _LIBVMBNET_H
#define _LIBVMBNET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/if.h>
#include <linux/virtio_net.h>
#include <linux/vmbnet.h>

#include "ring.h"

#define VMBNET_DEV_PATH "/dev/vmbnet"

struct vmbnet_endpoint;

/* A control message body, as copied out of the ring. */
union vmbnet_ctl_body {
	struct vmbnet_ctl_hdr hdr;
	struct vmbnet_ctl_init init;
	struct vmbnet_ctl_offer offer;
	struct vmbnet_ctl_accept accept;
	struct vmbnet_ctl_mac mac;
	struct vmbnet_ctl_value value;
	struct vmbnet_ctl_rss rss;
	struct vmbnet_ctl_rx_filter rx_filter;
	struct vmbnet_ctl_status status;
	struct vmbnet_ctl_link link;
	struct vmbnet_ctl_offloads offloads;
	uint8_t raw[sizeof(struct vmbnet_ctl_rx_filter) + 8 * VMBNET_RX_MC_MAX];
};

/* A control message received, as vmbnet_config.ctl is told of it. */
struct vmbnet_ctl_event {
	uint16_t type;			/* VMBNET_MSG_* or anything the peer wrote */
	uint32_t len;			/* body bytes the message claimed */
	uint32_t seq;			/* 0 if too short to have one */
	unsigned int queue;		/* the queue it came on */
	bool bad;			/* malformed or unexpected: counted */
	int status;			/* positive errno the answer will carry, or 0 */
	const union vmbnet_ctl_body *body;	/* checked unless bad */
};

/*
 * Told of every control message, from the thread reading the queue it came
 * on. If !bad and !status, return 0 to let the request take effect or a
 * positive errno to refuse it; otherwise (and for INIT) the return value is
 * ignored. May call vmbnet_get_state() and vmbnet_send_link(), not recv.
 */
/* Returned by vmbnet_ctl_fn for a request: no answer at all, as a stuck or
 * hostile endpoint would (for tests of the driver).
 */
#define VMBNET_CTL_NO_ANSWER	(-1)

typedef int (*vmbnet_ctl_fn)(struct vmbnet_endpoint *ep,
			     const struct vmbnet_ctl_event *ev, void *priv);

/* What the endpoint offers the driver. vmbnet_config_init() fills defaults. */
struct vmbnet_config {
	uint32_t version_min;		/* protocol versions offered */
	uint32_t version_max;
	/*
	 * Non-zero: INIT is answered with a STATUS carrying this errno
	 * (1..4095) instead of an OFFER, as an endpoint that speaks none of
	 * the driver's versions would; for tests of the driver.
	 */
	uint32_t refuse_init;
	bool replace;			/* take the device from its endpoint */
	uint64_t features;		/* 1ULL << VMBNET_F_* */
	unsigned int max_queues;	/* rings to attach; the most offered (1..64) */
	uint32_t ring_size;		/* 0: the device's (ethtool -G) */
	uint32_t mtu_min;		/* with VMBNET_F_MTU */
	uint32_t mtu_max;
	uint8_t mac[6];			/* with VMBNET_F_MAC */
	uint32_t rss_hash_types;	/* with VMBNET_F_RSS: VMBNET_HASH_* */
	bool link;
	uint32_t speed;			/* Mb/s, or VMBNET_SPEED_UNKNOWN */
	uint8_t duplex;			/* VMBNET_DUPLEX_* */
	vmbnet_ctl_fn ctl;		/* optional */
	void *priv;			/* for ctl */
};

/* The longest RSS input: two IPv6 addresses and two ports. */
#define VMBNET_RSS_INPUT_MAX	36

/* The device as the driver configured it through the endpoint. */
struct vmbnet_dev_state {
	bool offered;			/* an OFFER went out since the INIT */
	bool accepted;			/* ACCEPT taken: requests are allowed */
	uint32_t version;		/* agreed, once accepted */
	uint64_t features;		/* agreed, once accepted */
	uint64_t offloads;		/* GUEST_* usable: agreed, then SET_OFFLOADS */
	bool mac_set;
	uint8_t mac[6];			/* last SET_MAC */
	uint32_t mtu;			/* last SET_MTU, 0 before */
	unsigned int queues;		/* in use: last SET_QUEUES, else all attached */
	bool up;			/* SET_STATE */
	bool state_set;			/* SET_STATE since the INIT: agreed */
	bool vf;			/* SET_DATA_PATH */
	bool rss_set;
	uint32_t rss_hash_types;
	uint8_t rss_key[VMBNET_RSS_KEY_SIZE];
	uint16_t rss_indir[VMBNET_RSS_INDIR_SIZE];
	bool rx_filter_set;
	uint32_t rx_flags;		/* VMBNET_RX_* */
	unsigned int mc_count;
	uint8_t mc[VMBNET_RX_MC_MAX][6];
	bool link;			/* as last offered or sent */
	uint32_t speed;
	uint8_t duplex;
};

struct vmbnet_queue {
	int fd;
	unsigned int index;
	struct vmbnet_endpoint *ep;
	/* Reader side: the thread that reads this queue. */
	struct vmbnet_ring rx;		/* the device's outbound ring: we read */
	bool pending;			/* a received packet not yet consumed */
	struct vmbnet_ring_pkt pkt;
	uint64_t bad;			/* malformed packets skipped */
	uint64_t ctl_bad;		/* bad control messages (answered) */
	bool reply_pending;		/* an answer waits for room in queue 0 */
	uint16_t reply_type;
	uint32_t reply_len;
	union vmbnet_ctl_body reply;
	/* Writer side, under tx_lock; apart, as other threads take it. */
	pthread_mutex_t tx_lock __aligned(64);
	struct vmbnet_ring tx;		/* the device's inbound ring: we write */
	bool want_room;			/* pending_send_sz is set */
	void *map;
	size_t map_len;
};

struct vmbnet_endpoint {
	int fd;
	char ifname[IFNAMSIZ];
	uint64_t supported;		/* the driver's VMBNET_F_* (INIT's) */
	unsigned int num_queues;	/* rings attached */
	uint32_t ring_size;
	struct vmbnet_queue *queues;
	/*
	 * The offer. May be changed until the INIT is answered, that is
	 * before anything reads queue 0 (pair mode offers each device what
	 * the other one supports).
	 */
	struct vmbnet_config cfg;
	/* Control: written under ctl_lock by bumping state_seq around it. */
	pthread_mutex_t ctl_lock;
	uint32_t state_seq;
	/*
	 * Toeplitz a byte at a time for the current key: the hash of byte
	 * value v at input position i is rss_table[i][v] (36: an IPv6 tuple).
	 * Rebuilt with the key, under state_seq.
	 */
	uint32_t rss_table[VMBNET_RSS_INPUT_MAX][256];
	struct vmbnet_dev_state state;
	struct vmbnet_ctl_offer offer;	/* as last sent */
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
 * Defaults: the versions this library speaks (VMBNET_PROTO_VERSION_MIN to
 * _MAX), MQ, MTU (68..65521), RSS (every hash type), HASH_REPORT, STATUS
 * and SPEED_DUPLEX; 64 queues, the device's ring size, link up, speed and
 * duplex unknown, no callback.
 */
void vmbnet_config_init(struct vmbnet_config *cfg);

/*
 * Attach to ifname (in the caller's netns) and map every queue; ep says
 * what was attached. The negotiation comes later, through vmbnet_recv() on
 * queue 0. -EINVAL if cfg would make a bad OFFER. ep must not move while
 * attached.
 */
int vmbnet_attach(struct vmbnet_endpoint *ep, const char *ifname,
		  const struct vmbnet_config *cfg);
void vmbnet_detach(struct vmbnet_endpoint *ep);

/*
 * Receive a frame: -ENODATA when empty, -EPROTO when the ring is corrupt,
 * -ENOSPC when a control answer waits for room in queue 0 (call again
 * later). Control messages are handled here and never returned.
 */
int vmbnet_recv(struct vmbnet_queue *q, struct vmbnet_frame *f);
void vmbnet_recv_next(struct vmbnet_queue *q);

/*
 * Send one frame (hdr may be NULL: no offloads). -ENOSPC when full: the
 * driver is then asked to signal q->fd when there is room.
 */
int vmbnet_send(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		const void *frame, uint32_t len);
int vmbnet_sendv(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		 const struct iovec *iov, int iovcnt);
/*
 * The RSS hash of a frame to the device, as vmbnet_rss() gives it; with
 * VMBNET_F_HASH_REPORT agreed it goes with the frame, for the driver to set
 * skb->hash. report is a VIRTIO_NET_HASH_REPORT_* (NONE: not hashed).
 */
struct vmbnet_rx_hash {
	uint32_t value;
	uint16_t report;
};

/* vmbnet_send() and vmbnet_sendv() with the frame's hash (NULL: none). */
int vmbnet_send_hash(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		     const struct vmbnet_rx_hash *hash, const void *frame,
		     uint32_t len);
int vmbnet_sendv_hash(struct vmbnet_queue *q, const struct virtio_net_hdr_v1 *hdr,
		      const struct vmbnet_rx_hash *hash, const struct iovec *iov,
		      int iovcnt);
/* Any message, unchecked (tests, hostile endpoints), published at once. */
int vmbnet_send_msg(struct vmbnet_queue *q, uint16_t type, const void *body,
		    uint32_t len);
/*
 * Link status for the driver: LINK on queue 0 (seq 0). Before the OFFER it
 * is only recorded, for the OFFER to carry, and -EAGAIN is returned.
 */
int vmbnet_send_link(struct vmbnet_endpoint *ep, bool up, uint32_t speed,
		     uint8_t duplex);

/* A consistent copy of the device state. */
void vmbnet_get_state(const struct vmbnet_endpoint *ep, struct vmbnet_dev_state *st);
/* The queue a frame about to be sent to the device goes to (its RSS). */
unsigned int vmbnet_rss_queue(const struct vmbnet_endpoint *ep, const void *frame,
			      uint32_t len);
/* The same, and the frame's hash for vmbnet_send_hash() (hash may be NULL). */
unsigned int vmbnet_rss(const struct vmbnet_endpoint *ep, const void *frame,
			uint32_t len, struct vmbnet_rx_hash *hash);
/* Whether the device's rx filter takes a frame about to be sent to it. */
bool vmbnet_rx_filter_pass(const struct vmbnet_endpoint *ep, const void *frame,
			   uint32_t len);
/*
 * Whether the driver agreed and pushed its settings (a SET_STATE since its
 * INIT). It drops frames that come before it agreed: a forwarder holds
 * them until this says yes.
 */
bool vmbnet_dev_ready(const struct vmbnet_endpoint *ep);
/*
 * Whether the driver moved the data path to its VF (SET_DATA_PATH, with
 * VMBNET_F_STANDBY): its frames then go the VF's way, not through the rings.
 */
bool vmbnet_data_path_vf(const struct vmbnet_endpoint *ep);
/*
 * The GUEST_* offloads the endpoint may use now: those agreed, less what
 * the driver turned off (SET_OFFLOADS, with VMBNET_F_CTRL_GUEST_OFFLOADS):
 * without GUEST_TSO4, say, TCPv4 GSO frames must be segmented first.
 */
uint64_t vmbnet_guest_offloads(const struct vmbnet_endpoint *ep);

/*
 * End of a batch: hand consumed bytes back (release; a frame received but
 * not passed to vmbnet_recv_next() stays, and comes again), publish what was
 * sent (flush), and signal the driver if it waits for either. finish does
 * both. Only the reader of a queue releases; any writer may flush.
 */
int vmbnet_release(struct vmbnet_queue *q);
int vmbnet_flush(struct vmbnet_queue *q);
int vmbnet_finish(struct vmbnet_queue *q);
/* Before sleeping: true if more arrived and the caller should go on. */
bool vmbnet_rearm(struct vmbnet_queue *q);
/* Wait for the driver's signal (blocking unless fd is O_NONBLOCK). */
int vmbnet_wait(struct vmbnet_queue *q);
int vmbnet_kick(struct vmbnet_queue *q);
/* Room in the inbound ring for a frame of len bytes, right now. */
bool vmbnet_can_send(struct vmbnet_queue *q, uint32_t len);
/*
 * Room for count frames of up to len bytes each: 0, -ENOSPC if not now,
 * -EMSGSIZE if never (more than the ring holds).
 */
int vmbnet_room(struct vmbnet_queue *q, uint32_t count, uint32_t len);

#endif /* _LIBVMBNET_H */
