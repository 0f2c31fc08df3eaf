/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* vmbnet: one ring implementation for every transport, in the VMBus format.
 *
 * This file and ring.c are also compiled into libvmbnet (tools/lib/vmbnet),
 * so the endpoint validates exactly as the driver does: they use only what
 * tools/lib/vmbnet/include provides in user space.
 */
#ifndef _VMBNET_RING_H
#define _VMBNET_RING_H

#include <linux/align.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <uapi/linux/vmbnet.h>

/* One direction of a queue as one side sees it. The shared control page and
 * data are the other side's to scribble on, so everything needed to stay
 * safe lives here, private: our own index, and the peer's index as last
 * validated. Each ring is used by one side as writer and one as reader.
 */
struct vmbnet_ring {
	struct vmbnet_ring_ctrl *ctrl;
	u8 *data;		/* size bytes, mapped twice back to back */
	u32 size;		/* power of two */
	u32 index;		/* writer: next write; reader: next read */
	u32 published;		/* reader: read_index as last published */
	u32 peer;		/* writer: read_index as last reclaimed;
				 * reader: write_index as last seen
				 */
	bool need_signal;	/* writer: a packet went into an empty ring */
};

/* A packet the reader found: its payload, inside the ring's data area. */
struct vmbnet_ring_pkt {
	const u8 *payload;
	u32 len;		/* payload bytes, padding included */
	u32 total;		/* ring bytes the packet occupies */
};

void vmbnet_ring_init(struct vmbnet_ring *r, void *ctrl, void *data, u32 size);
bool vmbnet_ring_size_valid(u32 size);

/* Ring bytes a packet with a payload of len bytes occupies. */
static inline u32 vmbnet_ring_pkt_size(u32 len)
{
	return sizeof(struct vmbnet_pkt_desc) + ALIGN(len, 8) +
	       VMBNET_PKT_TRAILER_SIZE;
}

/* Writer: room known without looking at the shared read index. */
static inline u32 vmbnet_ring_known_free(const struct vmbnet_ring *r)
{
	return r->size - ((r->index - READ_ONCE(r->peer)) & (r->size - 1));
}

/* Writer side. */
int vmbnet_ring_reclaim(struct vmbnet_ring *r, u32 *bytes, u32 *free);
void *vmbnet_ring_reserve(struct vmbnet_ring *r, u32 len, int *err);
void vmbnet_ring_commit(struct vmbnet_ring *r, u32 len);
bool vmbnet_ring_flush(struct vmbnet_ring *r);
void vmbnet_ring_set_pending(struct vmbnet_ring *r, u32 bytes);
bool vmbnet_ring_peer_moved(const struct vmbnet_ring *r);
int vmbnet_ring_unread(const struct vmbnet_ring *r, struct vmbnet_ring *view);

/* Reader side. */
int vmbnet_ring_peek(struct vmbnet_ring *r, struct vmbnet_ring_pkt *pkt);
void vmbnet_ring_consume(struct vmbnet_ring *r, const struct vmbnet_ring_pkt *pkt);
bool vmbnet_ring_release(struct vmbnet_ring *r);
void vmbnet_ring_mask(struct vmbnet_ring *r);
bool vmbnet_ring_unmask(struct vmbnet_ring *r);

/* Writer: catch up with the reader and say how much room there is; for an
 * endpoint, whose completions run where it writes (the driver reclaims in
 * NAPI instead).
 */
static inline int vmbnet_ring_free(struct vmbnet_ring *r, u32 *free)
{
	u32 bytes;

	return vmbnet_ring_reclaim(r, &bytes, free);
}

#endif /* _VMBNET_RING_H */
