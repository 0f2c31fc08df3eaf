/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet-endpoint: the reference user endpoint. */
#ifndef _VMBNET_ENDPOINT_H
#define _VMBNET_ENDPOINT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmbnet.h"

/* Frames moved between two draining passes before the queues are flushed. */
#define EP_BATCH	64
/* How long a thread spins on idle rings before it sleeps in poll(). */
#define EP_SPIN_NS	50000

extern volatile sig_atomic_t ep_stop;
extern bool ep_log;

struct ep_counters {
	uint64_t frames;
	uint64_t bytes;
	uint64_t dropped;
	uint64_t kicks_sent;
	uint64_t wakeups;
};

/* A source of frames and where they go: one per direction served. */
struct ep_flow {
	struct vmbnet_queue *src;	/* read what this device queue sent */
	struct vmbnet_queue *dst;	/* into this device queue; NULL: drop */
	struct ep_counters *ctr;
};

struct ep_thread {
	struct ep_flow flows[2 * VMBNET_MAX_QUEUES];
	unsigned int nflows;
	/* Every queue this thread owns, for polling and flushing. */
	struct vmbnet_queue *queues[2 * VMBNET_MAX_QUEUES];
	unsigned int nqueues;
	struct ep_counters ctr;
};

void ep_log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ep_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
int ep_attach(struct vmbnet_endpoint *ep, const char *spec, uint64_t features,
	      unsigned int queues, uint32_t ring_size);
void *ep_forward_thread(void *arg);
uint64_t ep_now_ns(void);

/* tap.c */
int ep_run_tap(struct vmbnet_endpoint *ep, const char *tapname);
/* hostile.c */
int ep_run_hostile(struct vmbnet_endpoint *ep, unsigned long seed);

#endif
