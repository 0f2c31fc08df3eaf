// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* vmbnet: VMBus-format rings (see ring.h).
 *
 * Every index read from the control page is read once, checked, and kept
 * privately; the peer can change the shared copy at any time, so it is
 * never read again for the same decision. A bad index or descriptor is
 * -EPROTO: the caller counts it and resets the queue.
 */

#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "ring.h"

static_assert(sizeof(struct vmbnet_ring_ctrl) == VMBNET_RING_CTRL_SIZE);
static_assert(offsetof(struct vmbnet_ring_ctrl, pending_send_sz) == 12);
static_assert(offsetof(struct vmbnet_ring_ctrl, feature_bits) == 64);
static_assert(sizeof(struct vmbnet_pkt_desc) == 16);
static_assert(sizeof(struct vmbnet_msg_hdr) == 8);

/* Largest payload len8 (16 bits of 8-byte units) can describe. */
#define VMBNET_RING_MAX_PAYLOAD \
	(0xffff * 8 - sizeof(struct vmbnet_pkt_desc))

void vmbnet_ring_init(struct vmbnet_ring *r, void *ctrl, void *data, u32 size)
{
	r->ctrl = ctrl;
	r->data = data;
	r->size = size;
	r->index = 0;
	r->published = 0;
	r->peer = 0;
	r->need_signal = false;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_init);

bool vmbnet_ring_size_valid(u32 size)
{
	return size >= VMBNET_RING_SIZE_MIN && size <= VMBNET_RING_SIZE_MAX &&
	       !(size & (size - 1));
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_size_valid);

/* Bytes from one index forward to another. */
static u32 ring_dist(const struct vmbnet_ring *r, u32 from, u32 to)
{
	return (to - from) & (r->size - 1);
}

static bool ring_index_valid(const struct vmbnet_ring *r, u32 index)
{
	return index < r->size && !(index & 7);
}

/* Writer's completion side, which may run beside the writer: how many
 * bytes the reader consumed since last time, and the room there is now.
 * Only this moves the position the writer may fill up to, so the writer
 * never reuses bytes whose completion has not been seen. The reader may
 * only have moved towards our write index.
 */
int vmbnet_ring_reclaim(struct vmbnet_ring *r, u32 *bytes, u32 *free)
{
	u32 rd, wr, peer = READ_ONCE(r->peer);

	/* Acquire: the reader is done with the bytes before rd... */
	rd = le32_to_cpu(smp_load_acquire(&r->ctrl->read_index));
	/* ...and our own index, read after it, covers them. */
	wr = READ_ONCE(r->index);
	if (!ring_index_valid(r, rd) ||
	    ring_dist(r, peer, rd) > ring_dist(r, peer, wr))
		return -EPROTO;
	*bytes = ring_dist(r, peer, rd);
	*free = r->size - ring_dist(r, rd, wr);
	WRITE_ONCE(r->peer, rd);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_reclaim);

/* Writer: room for a packet with a len-byte payload, as of the last
 * vmbnet_ring_free() or vmbnet_ring_reclaim(). Returns where the payload
 * goes (contiguous: the data area is mapped twice), or NULL with *err set:
 * -ENOSPC when full, -EMSGSIZE when it can never fit.
 */
void *vmbnet_ring_reserve(struct vmbnet_ring *r, u32 len, int *err)
{
	u32 need = vmbnet_ring_pkt_size(len);

	if (len > VMBNET_RING_MAX_PAYLOAD || need >= r->size) {
		*err = -EMSGSIZE;
		return NULL;
	}
	/* Never fill the ring: full must differ from empty. */
	if (need >= vmbnet_ring_known_free(r)) {
		*err = -ENOSPC;
		return NULL;
	}
	*err = 0;
	return r->data + r->index + sizeof(struct vmbnet_pkt_desc);
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_reserve);

/* Writer: publish the packet reserved with the same len. */
void vmbnet_ring_commit(struct vmbnet_ring *r, u32 len)
{
	u32 plen = sizeof(struct vmbnet_pkt_desc) + ALIGN(len, 8);
	struct vmbnet_pkt_desc *desc = (void *)(r->data + r->index);
	__le64 *trailer = (void *)(r->data + r->index + plen);
	u32 old = r->index;

	desc->type = cpu_to_le16(VMBNET_PKT_DATA_INBAND);
	desc->offset8 = cpu_to_le16(sizeof(*desc) / 8);
	desc->len8 = cpu_to_le16(plen / 8);
	desc->flags = 0;
	desc->trans_id = 0;
	*trailer = cpu_to_le64((u64)old << 32);

	WRITE_ONCE(r->index, (old + plen + VMBNET_PKT_TRAILER_SIZE) & (r->size - 1));
	/* The packet's bytes before the index that covers them... */
	smp_store_release(&r->ctrl->write_index, cpu_to_le32(r->index));
	/* ...and the index before looking at whether the reader sleeps. */
	smp_mb();
	if (!r->need_signal &&
	    le32_to_cpu(READ_ONCE(r->ctrl->read_index)) == old)
		r->need_signal = true;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_commit);

/* Writer, at the end of a batch: whether to signal the reader. Only when a
 * packet went into an empty ring and the reader has not masked interrupts
 * (a masked reader is draining and re-checks before it sleeps).
 */
bool vmbnet_ring_flush(struct vmbnet_ring *r)
{
	bool signal = r->need_signal && !READ_ONCE(r->ctrl->interrupt_mask);

	r->need_signal = false;
	return signal;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_flush);

/* Writer: ask to be signalled once bytes are free (0: don't). The caller
 * checks for room again afterwards; the reader may have freed it already.
 */
void vmbnet_ring_set_pending(struct vmbnet_ring *r, u32 bytes)
{
	WRITE_ONCE(r->ctrl->pending_send_sz, cpu_to_le32(bytes));
	/* The request before the caller's second look at the read index. */
	smp_mb();
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_set_pending);

/* Writer: the reader has moved on since the last reclaim, so it may not
 * signal the room it made: the caller looks again itself.
 */
bool vmbnet_ring_peer_moved(const struct vmbnet_ring *r)
{
	return le32_to_cpu(READ_ONCE(r->ctrl->read_index)) != READ_ONCE(r->peer);
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_peer_moved);

/* Writer: a reader's view of what the reader has not read yet, to count
 * what is left when the rings are given up: peek at and consume view's
 * packets until its index is r->index. -EPROTO if the read index is not one
 * the reader could have published.
 */
int vmbnet_ring_unread(const struct vmbnet_ring *r, struct vmbnet_ring *view)
{
	u32 rd = le32_to_cpu(READ_ONCE(r->ctrl->read_index));

	if (!ring_index_valid(r, rd) ||
	    ring_dist(r, r->peer, rd) > ring_dist(r, r->peer, r->index))
		return -EPROTO;
	*view = *r;
	view->index = rd;
	/* Only what we wrote: the view never reads the shared write index. */
	view->peer = r->index;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_unread);

/* Reader: the next packet, checked against everything the writer could
 * get wrong. -ENODATA when the ring is empty, -EPROTO when it is corrupt.
 * The payload stays in the ring; the peer may still change its bytes, so
 * copy what must not change before checking it.
 */
int vmbnet_ring_peek(struct vmbnet_ring *r, struct vmbnet_ring_pkt *pkt)
{
	u32 peer = r->peer, avail = ring_dist(r, r->index, peer);
	struct vmbnet_pkt_desc desc;
	u32 offset, len;

	if (!avail) {
		/* Pairs with the writer's release: its bytes before it are there. */
		peer = le32_to_cpu(smp_load_acquire(&r->ctrl->write_index));

		if (!ring_index_valid(r, peer))
			return -EPROTO;
		avail = ring_dist(r, r->index, peer);
		if (!avail)
			return -ENODATA;
	}
	if (avail < sizeof(desc) + VMBNET_PKT_TRAILER_SIZE)
		return -EPROTO;

	memcpy(&desc, r->data + r->index, sizeof(desc));
	offset = le16_to_cpu(desc.offset8) * 8;
	len = le16_to_cpu(desc.len8) * 8;
	if (le16_to_cpu(desc.type) != VMBNET_PKT_DATA_INBAND ||
	    offset < sizeof(desc) || offset > len ||
	    len + VMBNET_PKT_TRAILER_SIZE > avail)
		return -EPROTO;

	/* Kept only now: a write index whose packet is corrupt is not. */
	r->peer = peer;
	pkt->payload = r->data + r->index + offset;
	pkt->len = len - offset;
	pkt->total = len + VMBNET_PKT_TRAILER_SIZE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_peek);

/* Reader: done with pkt. The writer sees it at the next release. */
void vmbnet_ring_consume(struct vmbnet_ring *r, const struct vmbnet_ring_pkt *pkt)
{
	r->index = (r->index + pkt->total) & (r->size - 1);
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_consume);

/* Reader, at the end of a batch: hand the consumed bytes back. Returns
 * whether to signal the writer: it asked (pending_send_sz) and the room
 * just went from less than it wants to more.
 */
bool vmbnet_ring_release(struct vmbnet_ring *r)
{
	u32 start = r->published, pending, wr, free, freed;

	if (start == r->index)
		return false;
	/* Our reads of the packets before the writer may reuse their bytes. */
	smp_store_release(&r->ctrl->read_index, cpu_to_le32(r->index));
	r->published = r->index;

	if (!(le32_to_cpu(READ_ONCE(r->ctrl->feature_bits)) &
	      VMBNET_RING_F_PENDING_SEND_SZ))
		return false;
	/* The new read index before the writer's request, or we may miss it. */
	smp_mb();
	pending = le32_to_cpu(READ_ONCE(r->ctrl->pending_send_sz));
	if (!pending)
		return false;
	/* Fresh: the writer may have written since it asked. */
	wr = le32_to_cpu(READ_ONCE(r->ctrl->write_index));
	free = r->size - ring_dist(r, r->index, wr);
	freed = ring_dist(r, start, r->index);
	return free > pending && free - freed <= pending;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_release);

/* Reader: draining now; writers need not signal. */
void vmbnet_ring_mask(struct vmbnet_ring *r)
{
	WRITE_ONCE(r->ctrl->interrupt_mask, cpu_to_le32(1));
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_mask);

/* Reader: about to sleep. Returns true if a packet arrived meanwhile; the
 * caller then keeps draining (and masks again) instead of sleeping.
 */
bool vmbnet_ring_unmask(struct vmbnet_ring *r)
{
	WRITE_ONCE(r->ctrl->interrupt_mask, 0);
	/* Unmask before looking again, or a packet in between goes unsignalled. */
	smp_mb();
	return le32_to_cpu(READ_ONCE(r->ctrl->write_index)) != r->index;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ring_unmask);
