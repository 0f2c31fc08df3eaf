// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The same netif on a TAP device, to compare: a read() or write() per
 * frame, and a copy each way as on vmbnet.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <lwip/pbuf.h>

#include "vmbnetif.h"

static int tapfd = -1;

static err_t tapif_output(struct netif *netif, struct pbuf *p)
{
	static uint8_t buf[65536];
	ssize_t n;

	(void)netif;
	pbuf_copy_partial(p, buf, p->tot_len, 0);
	n = write(tapfd, buf, p->tot_len);
	if (n < 0) {
		ctr.tx_full++;
		return ERR_MEM;
	}
	ctr.tx_frames++;
	return ERR_OK;
}

static unsigned int tapif_input(struct netif *netif, unsigned int budget)
{
	static uint8_t buf[65536];
	unsigned int n = 0;
	ssize_t len;

	while (n < budget && (len = read(tapfd, buf, sizeof(buf))) > 0) {
		link_input(netif, buf, len);
		n++;
	}
	ctr.rx_frames += n;
	return n;
}

static void tapif_flush(void)
{
}

/* Nothing to re-arm: poll() says when a frame waits. */
static bool tapif_idle(void)
{
	return true;
}

static int tapif_fd(void)
{
	return tapfd;
}

static void tapif_signalled(void)
{
	ctr.wakeups++;
}

static bool tapif_ready(void)
{
	return true;
}

static const struct link_ops tapif_ops = {
	.fd = tapif_fd,
	.input = tapif_input,
	.flush = tapif_flush,
	.idle = tapif_idle,
	.signalled = tapif_signalled,
	.ready = tapif_ready,
};

const struct link_ops *tapif_open(const char *ifname, struct netif *netif)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };

	tapfd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (tapfd < 0 || ioctl(tapfd, TUNSETIFF, &ifr)) {
		fprintf(stderr, "vmbnet-lwip: tap %s: %s\n", ifname, strerror(errno));
		return NULL;
	}
	netif->linkoutput = tapif_output;
	return &tapif_ops;
}
