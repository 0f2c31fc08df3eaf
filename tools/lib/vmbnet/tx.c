// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libvmbnet: a queue's transmit half, frames written where they will lie. */

#include <asm/byteorder.h>
#include <errno.h>
#include <linux/compiler.h>
#include <string.h>

#include "libvmbnet.h"

/*
 * Under the lock: room for a packet with a len-byte payload. When there is
 * none, ask the driver to signal the queue's fd once there is, and look
 * again: it may have made room in between.
 */
static void *ring_reserve(struct vmbnet_txq *txq, uint32_t len, int *err)
{
	uint32_t free;
	void *p;

	if (unlikely(!txq->ring.ctrl)) {
		*err = -ENOTCONN;
		return NULL;
	}
	p = vmbnet_ring_reserve(&txq->ring, len, err);
	if (!p && *err == -ENOSPC && !vmbnet_ring_free(&txq->ring, &free))
		p = vmbnet_ring_reserve(&txq->ring, len, err);
	if (!p && *err == -ENOSPC) {
		vmbnet_ring_set_pending(&txq->ring, vmbnet_ring_pkt_size(len));
		txq->want_room = true;
		if (!vmbnet_ring_free(&txq->ring, &free))
			p = vmbnet_ring_reserve(&txq->ring, len, err);
	}
	if (p && txq->want_room) {
		vmbnet_ring_set_pending(&txq->ring, 0);
		txq->want_room = false;
	}
	return p;
}

/* A frame to the driver goes with its hash once that is agreed (DATA_HASH,
 * which says so itself: frames written before the ACCEPT are still DATA).
 */
static uint32_t tx_hlen(const struct vmbnet_txq *txq)
{
	return __atomic_load_n(&txq->ep->flags, __ATOMIC_RELAXED) & VMBNET_FL_HASH ?
	       sizeof(struct virtio_net_hdr_v1_hash) : sizeof(struct virtio_net_hdr_v1);
}

int vmbnet_tx_reserve(struct vmbnet_txq *txq, uint32_t len, void **frame)
{
	uint32_t hlen = tx_hlen(txq);
	uint8_t *p;
	int err;

	if (len > VMBNET_MAX_FRAME_LEN)
		return -EMSGSIZE;
	pthread_mutex_lock(&txq->lock);
	p = ring_reserve(txq, sizeof(struct vmbnet_msg_hdr) + hlen + len, &err);
	if (!p) {
		pthread_mutex_unlock(&txq->lock);
		return err;
	}
	txq->slot = (struct vmbnet_msg_hdr *)p;
	txq->reserved = len;
	txq->hlen = hlen;
	*frame = p + sizeof(struct vmbnet_msg_hdr) + hlen;
	return 0;
}

int vmbnet_tx_commit(struct vmbnet_txq *txq, const struct virtio_net_hdr_v1 *hdr,
		     const struct vmbnet_rx_hash *hash, uint32_t len)
{
	struct virtio_net_hdr_v1_hash vh = {};
	struct vmbnet_msg_hdr *mh = txq->slot;
	uint32_t hlen = txq->hlen;

	/* Nothing reserved: the half is not locked either. */
	if (!mh)
		return -EINVAL;
	if (len > txq->reserved) {
		vmbnet_tx_cancel(txq);
		return -EINVAL;
	}
	if (hdr)
		vh.hdr = *hdr;
	if (hash) {
		vh.hash_value = cpu_to_le32(hash->value);
		vh.hash_report = cpu_to_le16(hash->report);
	}
	mh->type = cpu_to_le16(hlen == sizeof(vh) ? VMBNET_MSG_DATA_HASH : VMBNET_MSG_DATA);
	mh->reserved = 0;
	mh->len = cpu_to_le32(hlen + len);
	memcpy(mh + 1, &vh, hlen);
	vmbnet_ring_commit(&txq->ring, sizeof(*mh) + hlen + len);
	txq->slot = NULL;
	txq->reserved = 0;
	pthread_mutex_unlock(&txq->lock);
	return 0;
}

void vmbnet_tx_cancel(struct vmbnet_txq *txq)
{
	if (!txq->slot)
		return;
	txq->slot = NULL;
	txq->reserved = 0;
	pthread_mutex_unlock(&txq->lock);
}

int vmbnet_tx_sendv(struct vmbnet_txq *txq, const struct virtio_net_hdr_v1 *hdr,
		    const struct vmbnet_rx_hash *hash, const struct iovec *iov,
		    int iovcnt)
{
	size_t len = 0;
	uint8_t *p;
	void *buf;
	int i, err;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len > VMBNET_MAX_FRAME_LEN)
		return -EMSGSIZE;
	err = vmbnet_tx_reserve(txq, len, &buf);
	if (err)
		return err;
	/* As writev(): an empty entry may have no base. */
	for (p = buf, i = 0; i < iovcnt; i++) {
		if (!iov[i].iov_len)
			continue;
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	return vmbnet_tx_commit(txq, hdr, hash, len);
}

int vmbnet_tx_send(struct vmbnet_txq *txq, const struct virtio_net_hdr_v1 *hdr,
		   const struct vmbnet_rx_hash *hash, const void *frame, uint32_t len)
{
	void *buf;
	int err;

	err = vmbnet_tx_reserve(txq, len, &buf);
	if (err)
		return err;
	if (len)
		memcpy(buf, frame, len);
	return vmbnet_tx_commit(txq, hdr, hash, len);
}

int vmbnet_tx_msg(struct vmbnet_txq *txq, uint16_t type, const void *body,
		  uint32_t len)
{
	struct vmbnet_msg_hdr *mh;
	bool kick = false;
	int err;

	if (len > VMBNET_MAX_FRAME_LEN)
		return -EMSGSIZE;
	pthread_mutex_lock(&txq->lock);
	mh = ring_reserve(txq, sizeof(*mh) + len, &err);
	if (mh) {
		mh->type = cpu_to_le16(type);
		mh->reserved = 0;
		mh->len = cpu_to_le32(len);
		memcpy(mh + 1, body, len);
		vmbnet_ring_commit(&txq->ring, sizeof(*mh) + len);
		/* Now: an ip or ethtool command may be waiting for it. */
		kick = vmbnet_ring_flush(&txq->ring);
	}
	pthread_mutex_unlock(&txq->lock);
	if (err)
		return err;
	return kick ? vmbnet_txq_kick(txq) : 0;
}

int vmbnet_tx_flush(struct vmbnet_txq *txq)
{
	bool kick;

	pthread_mutex_lock(&txq->lock);
	kick = txq->ring.ctrl && vmbnet_ring_flush(&txq->ring);
	pthread_mutex_unlock(&txq->lock);
	return kick ? vmbnet_txq_kick(txq) : 0;
}

int vmbnet_tx_room(struct vmbnet_txq *txq, uint32_t count, uint32_t len)
{
	uint64_t need = (uint64_t)count * vmbnet_ring_pkt_size(HDRS_MAX + len);
	uint32_t free;
	bool room;

	/* The writer never fills the ring: at most its size less a packet. */
	if (len > VMBNET_MAX_FRAME_LEN || need >= txq->ep->ring_size)
		return -EMSGSIZE;
	pthread_mutex_lock(&txq->lock);
	room = txq->ring.ctrl &&
	       (vmbnet_ring_known_free(&txq->ring) > need ||
		(!vmbnet_ring_free(&txq->ring, &free) && free > need));
	pthread_mutex_unlock(&txq->lock);
	return room ? 0 : -ENOSPC;
}
