/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* vmbnet-lwip: an lwIP netif on a vmbnet device's rings, or on a TAP. */
#ifndef _VMBNET_LWIP_H
#define _VMBNET_LWIP_H

#include <stdbool.h>
#include <stdint.h>
#include <lwip/netif.h>

struct lwip_counters {
	uint64_t rx_frames, tx_frames, tx_full, rx_dropped, wakeups, reattaches;
	uint64_t accepted, echo_bytes, http_requests;
};

extern struct lwip_counters ctr;

/* A link under the netif: its fd to poll, what to do each turn. */
struct link_ops {
	int (*fd)(void);
	/* Frames in, up to budget, into netif->input; how many. */
	unsigned int (*input)(struct netif *netif, unsigned int budget);
	/* End of a turn: publish what lwIP sent. */
	void (*flush)(void);
	/* Before sleeping: false if there is more to do now. */
	bool (*idle)(void);
	/* The fd was readable. */
	void (*signalled)(void);
	bool (*ready)(void);
};

/* A frame from the link into lwIP, copied: lwIP keeps pbufs. */
void link_input(struct netif *netif, const void *frame, size_t len);

/* vmbnetif.c and tapif.c: attach, fill in the netif's output. */
const struct link_ops *vmbnetif_open(const char *ifname, struct netif *netif);
const struct link_ops *tapif_open(const char *ifname, struct netif *netif);

/* services.c: ICMP echo is lwIP's; TCP echo on 7, HTTP on 80. */
void services_start(void);

#endif
