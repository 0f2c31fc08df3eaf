/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * libvmbnet: the endpoint side of a vmbnet device, for any user-space
 * netstack or data plane.
 *
 * A vmbnet device's frames cross shared rings, one pair per queue. This
 * library attaches to the device through /dev/vmbnet, maps the rings, and
 * moves frames without a system call per frame: a frame the device sent is
 * read where it lies in the ring (peek, then next), and a frame for the
 * device is written where it will lie (reserve, write, commit). One signal
 * per batch, in either direction, and only when the other side sleeps.
 *
 * Each frame is led by a struct virtio_net_hdr_v1 with its offloads.
 *
 * Threads: a queue has a receive half (struct vmbnet_rxq: one thread at a
 * time) and a transmit half (struct vmbnet_txq: any number of threads; its
 * calls take the half's lock), usable independently. Everything else may be
 * called from any thread, except vmbnet_detach() and vmbnet_reattach(),
 * which need the endpoint to themselves.
 *
 * The control protocol is answered inside vmbnet_rx_peek() on queue 0:
 * the driver's INIT gets an OFFER made from the struct vmbnet_config given
 * to vmbnet_attach(), each request a STATUS; the settings are recorded
 * (vmbnet_get_state()) and only frames are returned. So queue 0 must be
 * read for the device to come up.
 *
 * A poll loop, for each queue i:
 *
 *	while (vmbnet_rx_peek(rxq, &f) == 0) {
 *		use(f.data, f.len);
 *		vmbnet_rx_next(rxq);
 *	}
 *	vmbnet_rx_release(rxq);		// hand the bytes back
 *	if (vmbnet_tx_reserve(txq, len, &buf) == 0) {
 *		write(buf);
 *		vmbnet_tx_commit(txq, &hdr, NULL, len);
 *	}
 *	vmbnet_tx_flush(txq);		// publish the batch
 *	if (!vmbnet_rx_rearm(rxq))
 *		poll(vmbnet_queue_fd(ep, i)), then vmbnet_wait(ep, i);
 *
 * Functions return 0 (or a count) on success and a negative errno on
 * failure; they never print and never call exit().
 *
 * Build: cc app.c $(pkg-config --cflags --libs vmbnet)
 */
#ifndef _LIBVMBNET_H
#define _LIBVMBNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/virtio_net.h>
#include <linux/vmbnet.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMBNET_DEV_PATH "/dev/vmbnet"

/* The library's version: a new minor adds calls, a new major breaks. */
#define LIBVMBNET_MAJOR	1
#define LIBVMBNET_MINOR	0

struct vmbnet_endpoint;		/* one attached device */
struct vmbnet_rxq;		/* a queue's receive half: frames from the device */
struct vmbnet_txq;		/* a queue's transmit half: frames to the device */

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
 * ignored. May call vmbnet_get_state() and vmbnet_send_link(), not receive.
 */
typedef int (*vmbnet_ctl_fn)(struct vmbnet_endpoint *ep,
			     const struct vmbnet_ctl_event *ev, void *priv);

/* Returned by a vmbnet_ctl_fn for a request: no answer at all, as a stuck
 * or hostile endpoint would (for tests of the driver).
 */
#define VMBNET_CTL_NO_ANSWER	(-1)

/* Told that the endpoint attached again (err 0: its queue fds may differ)
 * or could not (err: it is detached; only vmbnet_detach() is left).
 */
typedef void (*vmbnet_reattach_fn)(struct vmbnet_endpoint *ep, int err, void *priv);

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
	/*
	 * Attach again, in vmbnet_wait(), when the driver lets go to start
	 * over (ECONNRESET: ethtool -G, a ring it found corrupt), with the
	 * device's ring size; then call on_reattach (optional). The handle
	 * and its halves stay valid; so do the queue fds that remain.
	 */
	bool reattach;
	vmbnet_reattach_fn on_reattach;
	void *priv;			/* for ctl and on_reattach */
};

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

/* A frame the device sent: its header (a copy) and its bytes in the ring,
 * valid until vmbnet_rx_next().
 */
struct vmbnet_frame {
	struct virtio_net_hdr_v1 hdr;
	const uint8_t *data;
	uint32_t len;
};

/*
 * The RSS hash of a frame to the device, as vmbnet_rss() gives it; with
 * VMBNET_F_HASH_REPORT agreed it goes with the frame, for the driver to set
 * skb->hash. report is a VIRTIO_NET_HASH_REPORT_* (NONE: not hashed).
 */
struct vmbnet_rx_hash {
	uint32_t value;
	uint16_t report;
};

/* What a receive half skipped. */
struct vmbnet_rxq_stats {
	uint64_t bad;			/* malformed packets */
	uint64_t ctl_bad;		/* bad control messages (answered) */
};

/* Setup. */
int vmbnet_open(void);
int vmbnet_get_version(int fd, struct vmbnet_version *ver);
/*
 * Defaults: the versions this library speaks (VMBNET_PROTO_VERSION_MIN to
 * _MAX), MQ, MTU (68..65521), RSS (every hash type), HASH_REPORT, STATUS
 * and SPEED_DUPLEX; 64 queues, the device's ring size, link up, speed and
 * duplex unknown, no callbacks, no automatic re-attach.
 */
void vmbnet_config_init(struct vmbnet_config *cfg);
/*
 * Attach to ifname (in the caller's netns) and map every queue. The
 * negotiation comes later, through vmbnet_rx_peek() on queue 0. -EINVAL if
 * cfg would make a bad OFFER, -EBUSY if the device has an endpoint (see
 * cfg->replace).
 */
int vmbnet_attach(struct vmbnet_endpoint **ep, const char *ifname,
		  const struct vmbnet_config *cfg);
/* Let go of the device and free ep. */
void vmbnet_detach(struct vmbnet_endpoint *ep);
/* Attach again now, in place (what cfg->reattach does by itself). */
int vmbnet_reattach(struct vmbnet_endpoint *ep);

const char *vmbnet_ifname(const struct vmbnet_endpoint *ep);
unsigned int vmbnet_num_queues(const struct vmbnet_endpoint *ep);
uint32_t vmbnet_ring_size(const struct vmbnet_endpoint *ep);
/* The VMBNET_F_* the driver supports (from the attach). */
uint64_t vmbnet_supported(const struct vmbnet_endpoint *ep);
/* Change the features offered: only before queue 0 is first read. */
int vmbnet_set_offer_features(struct vmbnet_endpoint *ep, uint64_t features);
/* A queue's halves (NULL past the last queue). */
struct vmbnet_rxq *vmbnet_rxq(struct vmbnet_endpoint *ep, unsigned int i);
struct vmbnet_txq *vmbnet_txq(struct vmbnet_endpoint *ep, unsigned int i);

/*
 * Signals. Queue i's fd is readable when the driver signalled it, and in
 * error (POLLERR|POLLHUP) once the driver let go. vmbnet_wait() takes the
 * signal (blocking unless none is pending and the fd is O_NONBLOCK):
 * -ECONNRESET when the driver wants the endpoint back (re-attached here if
 * cfg->reattach, then 0), -EIO when another endpoint took the device or it
 * was deleted.
 */
int vmbnet_queue_fd(const struct vmbnet_endpoint *ep, unsigned int i);
int vmbnet_wait(struct vmbnet_endpoint *ep, unsigned int i);

/*
 * Receive. vmbnet_rx_peek() gives the next frame in place: -ENODATA when
 * the ring is empty, -EPROTO when it is corrupt. vmbnet_rx_next() is done
 * with it. vmbnet_rx_release() ends a batch: hands the bytes of the frames
 * done with back to the driver, signalling it if it waits for room (a frame
 * peeked but not passed to next stays, and comes again). Before sleeping,
 * vmbnet_rx_rearm(): true if more arrived and the caller should go on.
 */
int vmbnet_rx_peek(struct vmbnet_rxq *rxq, struct vmbnet_frame *f);
void vmbnet_rx_next(struct vmbnet_rxq *rxq);
int vmbnet_rx_release(struct vmbnet_rxq *rxq);
bool vmbnet_rx_rearm(struct vmbnet_rxq *rxq);
void vmbnet_rxq_stats(const struct vmbnet_rxq *rxq, struct vmbnet_rxq_stats *st);

/*
 * Send. vmbnet_tx_reserve() gives room for a frame of up to len bytes in
 * the ring (-ENOSPC when full: the driver is then asked to signal the
 * queue's fd when there is room; -EMSGSIZE for a frame that never fits);
 * write it there and vmbnet_tx_commit() it with its real length (<= len),
 * its header (NULL: no offloads) and hash (NULL: none), or
 * vmbnet_tx_cancel(). The half is locked from reserve to commit or cancel
 * (a commit with nothing reserved: -EINVAL).
 * vmbnet_tx_send() and _sendv() copy a frame in. Committed frames are
 * published by vmbnet_tx_flush(), one signal per batch.
 */
int vmbnet_tx_reserve(struct vmbnet_txq *txq, uint32_t len, void **frame);
int vmbnet_tx_commit(struct vmbnet_txq *txq, const struct virtio_net_hdr_v1 *hdr,
		     const struct vmbnet_rx_hash *hash, uint32_t len);
void vmbnet_tx_cancel(struct vmbnet_txq *txq);
int vmbnet_tx_send(struct vmbnet_txq *txq, const struct virtio_net_hdr_v1 *hdr,
		   const struct vmbnet_rx_hash *hash, const void *frame, uint32_t len);
int vmbnet_tx_sendv(struct vmbnet_txq *txq, const struct virtio_net_hdr_v1 *hdr,
		    const struct vmbnet_rx_hash *hash, const struct iovec *iov,
		    int iovcnt);
int vmbnet_tx_flush(struct vmbnet_txq *txq);
/*
 * Room for count frames of up to len bytes each: 0, -ENOSPC if not now,
 * -EMSGSIZE if never (more than the ring holds).
 */
int vmbnet_tx_room(struct vmbnet_txq *txq, uint32_t count, uint32_t len);
/* Any message, unchecked (tests, hostile endpoints), published at once. */
int vmbnet_tx_msg(struct vmbnet_txq *txq, uint16_t type, const void *body,
		  uint32_t len);

/* The device's state. */
/*
 * Agreed and up: frames sent now are taken. One atomic load: cheap enough
 * for every turn of a loop.
 */
bool vmbnet_ready(const struct vmbnet_endpoint *ep);
/*
 * Agreed, up or down (a SET_STATE since its INIT). The driver drops frames
 * that come before: a forwarder holds them until this says yes.
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
/* A consistent copy of the whole state. */
void vmbnet_get_state(const struct vmbnet_endpoint *ep, struct vmbnet_dev_state *st);
/*
 * Link status for the driver: LINK on queue 0. Before the OFFER it is only
 * recorded, for the OFFER to carry, and -EAGAIN is returned.
 */
int vmbnet_send_link(struct vmbnet_endpoint *ep, bool up, uint32_t speed,
		     uint8_t duplex);

/* Steering a frame about to be sent to the device. */
/* The queue it goes to (its RSS), and its hash for commit (hash may be NULL). */
unsigned int vmbnet_rss(const struct vmbnet_endpoint *ep, const void *frame,
			uint32_t len, struct vmbnet_rx_hash *hash);
/* Whether the device's rx filter takes it. */
bool vmbnet_rx_filter_pass(const struct vmbnet_endpoint *ep, const void *frame,
			   uint32_t len);

#ifdef __cplusplus
}
#endif

#endif /* _LIBVMBNET_H */
