// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vmbnet-lwip IF ADDR/PREFIX [--gw GW] [--tap]: an lwIP stack on a vmbnet
 * device's rings (or, with --tap, on a TAP device, to compare), serving
 * ICMP echo, TCP echo on port 7 and HTTP on port 80. SIGUSR1 prints its
 * counters; SIGINT and SIGTERM end it.
 *
 * One loop, as a user-space netstack runs: frames in until none are left,
 * lwIP's output flushed as one batch, lwIP's timers; and a sleep in poll()
 * only when all of that found nothing to do.
 */

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lwip/etharp.h>
#include <lwip/init.h>
#include <lwip/timeouts.h>
#include <netif/ethernet.h>

#include "vmbnetif.h"

/* Frames taken in per turn before lwIP's output and timers get a go. */
#define BUDGET	64

struct lwip_counters ctr;
/* Set by the handler, read by the loop: atomics, as poll() returns EINTR. */
static int stop, report;

static void on_signal(int sig)
{
	__atomic_store_n(sig == SIGUSR1 ? &report : &stop, 1, __ATOMIC_RELAXED);
}

static void print_counters(void)
{
	const struct { const char *name; uint64_t n; } c[] = {
		{ "rx_frames", ctr.rx_frames }, { "tx_frames", ctr.tx_frames },
		{ "tx_full", ctr.tx_full }, { "rx_dropped", ctr.rx_dropped },
		{ "wakeups", ctr.wakeups }, { "reattaches", ctr.reattaches },
		{ "accepted", ctr.accepted }, { "echo_bytes", ctr.echo_bytes },
		{ "http_requests", ctr.http_requests },
	};
	unsigned int i;

	printf("vmbnet-lwip:");
	for (i = 0; i < LWIP_ARRAYSIZE(c); i++)
		printf(" %s %llu", c[i].name, (unsigned long long)c[i].n);
	printf("\n");
	fflush(stdout);
}

/*
 * One PBUF_RAM per frame: Debian's liblwip overruns PBUF_POOL pbufs under
 * MEMP_MEM_MALLOC (AddressSanitizer caught pbuf_take writing 1514 bytes
 * into 616). A frame longer than the netif takes (the link is not to be
 * trusted with lengths; pbuf lengths are 16 bits) is dropped.
 */
void link_input(struct netif *netif, const void *frame, size_t len)
{
	struct pbuf *p = NULL;

	if (len <= (size_t)netif->mtu + 18)
		p = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);
	if (!p) {
		ctr.rx_dropped++;
		return;
	}
	pbuf_take(p, frame, len);
	if (netif->input(p, netif) != ERR_OK)
		pbuf_free(p);
}

/* A locally administered MAC of its own: lwIP is a station on the wire. */
static err_t netif_setup(struct netif *netif)
{
	static const u8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x09 };

	netif->name[0] = 'v';
	netif->name[1] = 'm';
	netif->output = etharp_output;
	netif->mtu = 1500;
	netif->hwaddr_len = 6;
	memcpy(netif->hwaddr, mac, 6);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

static void bad_args(void)
{
	fprintf(stderr, "usage: vmbnet-lwip IF ADDR/PREFIX [--gw GW] [--tap]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	ip4_addr_t addr, mask, gw;
	const struct link_ops *link;
	struct netif netif;
	struct sigaction sa = { .sa_handler = on_signal };
	const char *gw_arg = "0.0.0.0";
	bool tap = false;
	char *slash;
	int i, prefix, moved;

	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--gw") && i + 1 < argc)
			gw_arg = argv[++i];
		else if (!strcmp(argv[i], "--tap"))
			tap = true;
		else
			bad_args();
	}
	slash = argc >= 3 ? strchr(argv[2], '/') : NULL;
	if (!slash)
		bad_args();
	*slash = '\0';
	prefix = atoi(slash + 1);
	if (prefix < 1 || prefix > 32 || !ip4addr_aton(argv[2], &addr) ||
	    !ip4addr_aton(gw_arg, &gw))
		bad_args();
	ip4_addr_set_u32(&mask, lwip_htonl(0xffffffffU << (32 - prefix)));

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	/* No tcpip thread: this loop is lwIP's only thread (NO_SYS style). */
	lwip_init();
	if (!netif_add(&netif, &addr, &mask, &gw, NULL, netif_setup, ethernet_input))
		return 1;
	link = tap ? tapif_open(argv[1], &netif) : vmbnetif_open(argv[1], &netif);
	if (!link)
		return 1;
	netif_set_default(&netif);
	netif_set_up(&netif);
	services_start();
	printf("vmbnet-lwip: %s %s/%d\n", argv[1], argv[2], prefix);
	fflush(stdout);

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		struct pollfd pfd = { .events = POLLIN };
		u32_t sleep_ms;

		moved = link->input(&netif, BUDGET);
		/* The link comes and goes with the device's agreement. */
		if (link->ready() != netif_is_link_up(&netif)) {
			if (link->ready())
				netif_set_link_up(&netif);
			else
				netif_set_link_down(&netif);
		}
		sys_check_timeouts();
		link->flush();
		if (__atomic_exchange_n(&report, 0, __ATOMIC_RELAXED))
			print_counters();
		if (moved || !link->idle())
			continue;
		pfd.fd = link->fd();
		sleep_ms = sys_timeouts_sleeptime();
		if (poll(&pfd, 1, sleep_ms > 1000 ? 1000 : (int)sleep_ms) > 0)
			link->signalled();
	}
	print_counters();
	return 0;
}
