// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libvmbnet: a queue's receive half, frames read where they lie. */

#include <asm/byteorder.h>
#include <errno.h>
#include <linux/compiler.h>
#include <string.h>

#include "libvmbnet.h"

int vmbnet_rx_peek(struct vmbnet_rxq *rxq, struct vmbnet_frame *f)
{
	struct vmbnet_msg_hdr mh;
	uint32_t len, avail, hlen;
	uint16_t type;
	bool framed;
	int err;

	if (unlikely(!rxq->ring.ctrl))
		return -ENOTCONN;
	/* Answers go out in order, and never hold frames up. */
	if (unlikely(rxq->nr_replies))
		vmbnet_ctl_flush_replies(rxq);
	for (;;) {
		if (!rxq->pending) {
			err = vmbnet_ring_peek(&rxq->ring, &rxq->pkt);
			if (err)
				return err;
			rxq->pending = true;
		}
		if (rxq->pkt.len < sizeof(mh))
			goto bad;
		memcpy(&mh, rxq->pkt.payload, sizeof(mh));
		type = le16_to_cpu(mh.type);
		len = le32_to_cpu(mh.len);
		avail = rxq->pkt.len - sizeof(mh);
		framed = len <= avail && ALIGN(sizeof(mh) + len, 8) == rxq->pkt.len;
		if (unlikely(type != VMBNET_MSG_DATA)) {
			vmbnet_ctl_receive(rxq, type, rxq->pkt.payload + sizeof(mh),
					   len, avail, framed);
			vmbnet_rx_next(rxq);
			continue;
		}
		hlen = sizeof(f->hdr);
		if (!framed || len < hlen)
			goto bad;
		memcpy(&f->hdr, rxq->pkt.payload + sizeof(mh), hlen);
		f->data = rxq->pkt.payload + sizeof(mh) + hlen;
		f->len = len - hlen;
		return 0;
bad:
		rxq->stats.bad++;
		vmbnet_rx_next(rxq);
	}
}

void vmbnet_rx_next(struct vmbnet_rxq *rxq)
{
	if (rxq->pending)
		vmbnet_ring_consume(&rxq->ring, &rxq->pkt);
	rxq->pending = false;
}

int vmbnet_rx_release(struct vmbnet_rxq *rxq)
{
	if (unlikely(!rxq->ring.ctrl))
		return -ENOTCONN;
	if (!vmbnet_ring_release(&rxq->ring))
		return 0;
	return vmbnet_kick_fd(rxq->ep->queues[rxq->index].fd);
}

bool vmbnet_rx_rearm(struct vmbnet_rxq *rxq)
{
	if (unlikely(!rxq->ring.ctrl))
		return false;
	if (!vmbnet_ring_unmask(&rxq->ring))
		return false;
	vmbnet_ring_mask(&rxq->ring);
	return true;
}

void vmbnet_rxq_stats(const struct vmbnet_rxq *rxq, struct vmbnet_rxq_stats *st)
{
	*st = rxq->stats;
}
