/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet-endpoint: the reference user endpoint. */
#ifndef _VMBNET_ENDPOINT_H
#define _VMBNET_ENDPOINT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/compiler.h>	/* the library's stand-in: __printf */

#include "vmbnet.h"

/* Frames moved between two draining passes before the queues are flushed. */
#define EP_BATCH	64
/* How long a thread spins on idle rings before it sleeps in poll(). */
#define EP_SPIN_NS	50000	/* the default of --spin-us */
#define EP_SPIN_ROUNDS	16	/* empty rounds between two looks at the clock */
/* poll() timeouts: idle, and waiting for room in a ring another thread polls. */
#define EP_IDLE_MS	200
#define EP_BLOCKED_MS	1
/* Frames kept for a device that has not agreed yet, and for how long. */
#define EP_HOLD_FRAMES	256
#define EP_HOLD_MS	1000
#define EP_HOLD_POLL_MS	10	/* how often a held frame's device is looked at */
/* pair mode has two devices, every other mode one. */
#define EP_MAX_DEVS	2

#define F(bit)	(1ULL << VMBNET_F_##bit)

/* UDP GSO (virtio 1.2), which Debian 12's uapi headers predate. */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#endif

/* Set by signal handlers and threads, always through EP_FLAG/EP_SET. */
extern int ep_stop;	/* SIGINT, SIGTERM: end */
extern int ep_hup;	/* a queue was detached: re-attach */
extern bool ep_log;
extern unsigned int ep_refuse_mtu;	/* --refuse-mtu: SET_MTU's answer */
extern unsigned int ep_ctl_delay_ms;	/* --ctl-delay: before each answer */
extern bool ep_refuse_accept;		/* --refuse-accept */
extern bool ep_break_on_queues;		/* --break-on-queues */
extern unsigned int ep_rx_delay_us;	/* --rx-delay-us: after each batch read */
extern uint64_t ep_spin_ns;		/* --spin-us: spin on idle rings, then sleep */
/* hostile mode: the answer to each request, once it has agreed. */
extern int (*ep_hostile_answer)(const struct vmbnet_ctl_event *ev);

/* The flags are set by handlers and threads and read by every thread. */
#define EP_FLAG(flag)		__atomic_load_n(&(flag), __ATOMIC_RELAXED)
#define EP_SET(flag, v)		__atomic_store_n(&(flag), (v), __ATOMIC_RELAXED)

/* Workers go on until the end, or until a queue is detached. */
static inline bool ep_running(void)
{
	return !EP_FLAG(ep_stop) && !EP_FLAG(ep_hup);
}

/* A device served, as named on the command line. */
struct ep_dev {
	const char *label;		/* the IF argument, e.g. "vmb0@ns1" */
	unsigned int index;		/* in the device array */
	struct vmbnet_endpoint *ep;	/* NULL while detached */
	struct ep_dev *peer;		/* pair mode: the other device */
	int link_req;			/* LINK to send: -1 none, 0 down, 1 up */
	uint64_t ctl_msgs;		/* control messages seen (atomic) */
	uint64_t ctl_bad;		/* bad ones, over every attach */
	/* Called once the driver's ACCEPT is taken (tap: TAP offloads). */
	void (*on_accept)(struct ep_dev *d, uint64_t features);
};

#define EP_WAKE_BUCKETS	8

struct ep_counters {
	uint64_t frames;
	uint64_t bytes;
	uint64_t dropped;
	uint64_t wakeups;
	uint64_t filtered[EP_MAX_DEVS];	/* refused by that device's rx filter */
	/* Frames moved between a sleep and the next: 0, 1, 2-3, ..., 64 and up. */
	uint64_t wake_frames[EP_WAKE_BUCKETS];
};

/* The bucket of n frames in wake_frames. */
static inline unsigned int ep_wake_bucket(uint64_t n)
{
	unsigned int b = n ? 64 - __builtin_clzll(n) : 0;

	return b < EP_WAKE_BUCKETS ? b : EP_WAKE_BUCKETS - 1;
}

__printf(1, 2) void ep_log_msg(const char *fmt, ...);
__printf(1, 2) __noreturn void ep_die(const char *fmt, ...);
uint64_t ep_now_ns(void);
void ep_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg);
void ep_session_wait(void (*chore)(void));
void ep_serve_link(void);
void ep_add_counters(const struct ep_counters *c);

/* Deliver one frame to dst (rx filter, RSS queue); -ENOSPC: keep it. */
int ep_deliver(struct ep_dev *dst, const struct virtio_net_hdr_v1 *hdr,
	       const uint8_t *frame, uint32_t len, uint64_t *dirty,
	       struct ep_counters *ctr);
/* segment.c: a GSO frame as the frames its sender would have sent, each
 * given to fn; the GUEST_* features a device needs to take it whole.
 */
typedef int (*ep_segment_fn)(void *arg, const struct virtio_net_hdr_v1 *hdr,
			     const uint8_t *frame, uint32_t len);

/* Where a GSO frame's headers are, and how many segments it makes. */
struct ep_seg_info {
	uint32_t l3, start, hlen, thl, gso, segs;
	uint8_t l4proto;
	bool v4;
};

int ep_segment_info(const struct virtio_net_hdr_v1 *hdr, const uint8_t *frame,
		    uint32_t len, struct ep_seg_info *si);
int ep_segment(const struct virtio_net_hdr_v1 *hdr, const uint8_t *frame,
	       uint32_t len, ep_segment_fn fn, void *arg);
uint64_t ep_gso_feature(const struct virtio_net_hdr_v1 *hdr);

/* Flush the queues of dst a batch of ep_deliver() wrote to. */
void ep_flush_dirty(struct ep_dev *dst, uint64_t dirty);
/* After poll(): note a detached queue, take a signal. */
void ep_polled(struct vmbnet_endpoint *ep, unsigned int qi, short revents,
	       struct ep_counters *ctr);

/* ctl.c: vmbnet_config.ctl for every device. */
int ep_ctl(struct vmbnet_endpoint *ep, const struct vmbnet_ctl_event *ev, void *priv);

/* forward.c: pair (dst: the peer), loopback (itself), null (dst NULL). */
enum ep_mode { EP_PAIR, EP_LOOPBACK, EP_NULL };
void ep_run_forward(struct ep_dev *devs, unsigned int ndevs, enum ep_mode mode);
/* tap.c */
void ep_run_tap(struct ep_dev *d, const char *tapname);
void ep_close_tap(void);
/* hostile.c */
void ep_run_hostile(struct ep_dev *d, unsigned long seed, uint64_t count);

#endif
