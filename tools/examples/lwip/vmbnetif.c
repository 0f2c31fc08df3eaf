// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The glue: an lwIP netif whose frames are a vmbnet device's, through
 * libvmbnet. One queue, one thread: lwIP is single-threaded here.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lwip/pbuf.h>
#include <vmbnet.h>

#include "vmbnetif.h"

static struct vmbnet_endpoint *ep;
static struct vmbnet_rxq *rxq;
static struct vmbnet_txq *txq;

/* lwIP's frame, written once, straight into the ring. */
static err_t vmbnetif_output(struct netif *netif, struct pbuf *p)
{
	/* lwIP computed every checksum: the kernel need not check them. */
	struct virtio_net_hdr_v1 hdr = { .flags = VIRTIO_NET_HDR_F_DATA_VALID };
	void *buf;

	(void)netif;
	if (vmbnet_tx_reserve(txq, p->tot_len, &buf)) {
		/* Full: TCP sends it again; the driver signals room. */
		ctr.tx_full++;
		return ERR_MEM;
	}
	pbuf_copy_partial(p, buf, p->tot_len, 0);
	vmbnet_tx_commit(txq, vmbnet_guest_offloads(ep) & (1ULL << VMBNET_F_GUEST_CSUM) ?
			 &hdr : NULL, NULL, p->tot_len);
	ctr.tx_frames++;
	return ERR_OK;
}

/* The device's frames, read where they lie in the ring. */
static unsigned int vmbnetif_input(struct netif *netif, unsigned int budget)
{
	struct vmbnet_frame f;
	unsigned int n = 0;

	while (n < budget && !vmbnet_rx_peek(rxq, &f)) {
		link_input(netif, f.data, f.len);
		vmbnet_rx_next(rxq);
		n++;
	}
	vmbnet_rx_release(rxq);
	ctr.rx_frames += n;
	return n;
}

static void vmbnetif_flush(void)
{
	vmbnet_tx_flush(txq);
}

static bool vmbnetif_idle(void)
{
	return !vmbnet_rx_rearm(rxq);
}

static int vmbnetif_fd(void)
{
	return vmbnet_queue_fd(ep, 0);
}

static void vmbnetif_signalled(void)
{
	int err = vmbnet_wait(ep, 0);

	ctr.wakeups++;
	if (err && err != -EAGAIN) {
		fprintf(stderr, "vmbnet-lwip: %s: %s\n", vmbnet_ifname(ep), strerror(-err));
		exit(1);
	}
}

static bool vmbnetif_ready(void)
{
	return vmbnet_ready(ep);
}

/* ethtool -G or a ring reset: the library attached again, same fd. */
static void vmbnetif_reattached(struct vmbnet_endpoint *e, int err, void *priv)
{
	(void)priv;
	ctr.reattaches++;
	if (!err) {
		rxq = vmbnet_rxq(e, 0);
		txq = vmbnet_txq(e, 0);
	}
}

static const struct link_ops vmbnetif_ops = {
	.fd = vmbnetif_fd,
	.input = vmbnetif_input,
	.flush = vmbnetif_flush,
	.idle = vmbnetif_idle,
	.signalled = vmbnetif_signalled,
	.ready = vmbnetif_ready,
};

const struct link_ops *vmbnetif_open(const char *ifname, struct netif *netif)
{
	struct vmbnet_config cfg;
	int err;

	vmbnet_config_init(&cfg);
	/*
	 * What lwIP can take: whole frames with whole checksums, on one
	 * queue, and it may say its checksums are good. No TSO or LRO.
	 */
	cfg.features = (1ULL << VMBNET_F_GUEST_CSUM) | (1ULL << VMBNET_F_MTU) |
		       (1ULL << VMBNET_F_STATUS);
	cfg.max_queues = 1;
	cfg.mtu_max = 1500;
	cfg.reattach = true;
	cfg.on_reattach = vmbnetif_reattached;
	err = vmbnet_attach(&ep, ifname, &cfg);
	if (err) {
		fprintf(stderr, "vmbnet-lwip: attach %s: %s\n", ifname, strerror(-err));
		return NULL;
	}
	rxq = vmbnet_rxq(ep, 0);
	txq = vmbnet_txq(ep, 0);
	netif->linkoutput = vmbnetif_output;
	return &vmbnetif_ops;
}
