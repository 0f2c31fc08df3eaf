// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for vmbnet's VMBus-format rings. */

#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "../vmbnet.h"

#define TEST_RING_SIZE	VMBNET_RING_SIZE_MIN

/* One ring's memory, seen by a writer and a reader. */
struct ring_fixture {
	struct vmbnet_ring_mem mem;
	struct vmbnet_ring w;
	struct vmbnet_ring r;
	struct vmbnet_ring_ctrl *ctrl;
};

static int ring_test_init(struct kunit *test)
{
	struct ring_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f || vmbnet_ring_mem_alloc(&f->mem, TEST_RING_SIZE))
		return -ENOMEM;
	vmbnet_ring_init(&f->w, f->mem.ctrl, f->mem.data, f->mem.size);
	vmbnet_ring_init(&f->r, f->mem.ctrl, f->mem.data, f->mem.size);
	f->ctrl = f->mem.vaddr;
	f->ctrl->feature_bits = cpu_to_le32(VMBNET_RING_F_PENDING_SEND_SZ);
	test->priv = f;
	return 0;
}

static void ring_test_exit(struct kunit *test)
{
	struct ring_fixture *f = test->priv;

	vmbnet_ring_mem_free(&f->mem);
}

/* Writes a len-byte packet filled with seed; returns the reserve error. */
static int ring_put(struct vmbnet_ring *w, u32 len, u8 seed)
{
	u32 free;
	int err;
	u8 *p = vmbnet_ring_reserve(w, len, &err);

	/* A writer that finds no room catches up with the reader first. */
	if (!p && err == -ENOSPC) {
		err = vmbnet_ring_free(w, &free);
		if (err)
			return err;
		p = vmbnet_ring_reserve(w, len, &err);
	}
	if (!p)
		return err;
	memset(p, seed, len);
	vmbnet_ring_commit(w, len);
	return 0;
}

/* Reads one packet, checks its length and fill, consumes it. */
static void ring_get(struct kunit *test, struct vmbnet_ring *r, u32 len, u8 seed)
{
	struct vmbnet_ring_pkt pkt;
	u32 i;

	KUNIT_ASSERT_EQ(test, vmbnet_ring_peek(r, &pkt), 0);
	KUNIT_ASSERT_EQ(test, pkt.len, ALIGN(len, 8));
	KUNIT_EXPECT_EQ(test, pkt.total, vmbnet_ring_pkt_size(len));
	for (i = 0; i < len; i++)
		if (pkt.payload[i] != seed)
			break;
	KUNIT_EXPECT_EQ(test, i, len);
	vmbnet_ring_consume(r, &pkt);
}

static void vmbnet_ring_empty(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	struct vmbnet_ring_pkt pkt;

	KUNIT_EXPECT_EQ(test, vmbnet_ring_peek(&f->r, &pkt), -ENODATA);
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_flush(&f->w));
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_release(&f->r));
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_unmask(&f->r));
}

static void vmbnet_ring_one_packet_layout(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	struct vmbnet_pkt_desc *desc = (void *)f->w.data;
	u32 size = vmbnet_ring_pkt_size(13);

	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 13, 0xab), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->ctrl->write_index), size);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(desc->type), VMBNET_PKT_DATA_INBAND);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(desc->offset8), 2);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(desc->len8), (16 + 16) / 8);
	/* Trailer: the write index the packet started at, << 32. */
	KUNIT_EXPECT_EQ(test, le64_to_cpu(*(__le64 *)(f->w.data + 32)), 0ULL);

	ring_get(test, &f->r, 13, 0xab);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->ctrl->read_index), 0);
	vmbnet_ring_release(&f->r);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->ctrl->read_index), size);

	/* The second packet's trailer carries its own start. */
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 8, 1), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(*(__le64 *)(f->w.data + size + 24)),
			(u64)size << 32);
}

static void vmbnet_ring_signal_on_empty_only(struct kunit *test)
{
	struct ring_fixture *f = test->priv;

	/* Empty -> non-empty with the reader unmasked: signal, once per batch. */
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 64, 1), 0);
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 64, 2), 0);
	KUNIT_EXPECT_TRUE(test, vmbnet_ring_flush(&f->w));
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_flush(&f->w));

	/* Non-empty stays non-empty: the reader already knows. */
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 64, 3), 0);
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_flush(&f->w));

	/* Drained and released: the next packet signals again... */
	ring_get(test, &f->r, 64, 1);
	ring_get(test, &f->r, 64, 2);
	ring_get(test, &f->r, 64, 3);
	vmbnet_ring_release(&f->r);
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 64, 4), 0);
	KUNIT_EXPECT_TRUE(test, vmbnet_ring_flush(&f->w));

	/* ...unless the reader is masked (draining). */
	ring_get(test, &f->r, 64, 4);
	vmbnet_ring_release(&f->r);
	vmbnet_ring_mask(&f->r);
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 64, 5), 0);
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_flush(&f->w));
	/* Unmasking finds the packet, so the reader goes on instead of sleeping. */
	KUNIT_EXPECT_TRUE(test, vmbnet_ring_unmask(&f->r));
	ring_get(test, &f->r, 64, 5);
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_unmask(&f->r));
}

static void vmbnet_ring_full(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	u32 len = 1000, n = 0, free;
	int err;

	while ((err = ring_put(&f->w, len, n & 0xff)) == 0)
		n++;
	KUNIT_EXPECT_EQ(test, err, -ENOSPC);
	KUNIT_EXPECT_EQ(test, n, (TEST_RING_SIZE - 1) / vmbnet_ring_pkt_size(len));
	/* Never completely full, so full and empty differ. */
	KUNIT_ASSERT_EQ(test, vmbnet_ring_free(&f->w, &free), 0);
	KUNIT_EXPECT_GT(test, free, 0U);
	KUNIT_EXPECT_LE(test, free, vmbnet_ring_pkt_size(len));

	/* Space read but not yet released is not free. */
	ring_get(test, &f->r, len, 0);
	KUNIT_EXPECT_EQ(test, ring_put(&f->w, len, 0), -ENOSPC);
	vmbnet_ring_release(&f->r);
	KUNIT_EXPECT_EQ(test, ring_put(&f->w, len, 0), 0);
}

static void vmbnet_ring_wrap(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	u32 len = 3000, i;

	/* Enough packets to go round the ring three times. */
	for (i = 0; i < 3 * TEST_RING_SIZE / vmbnet_ring_pkt_size(len); i++) {
		KUNIT_ASSERT_EQ(test, ring_put(&f->w, len, i & 0xff), 0);
		ring_get(test, &f->r, len, i & 0xff);
		vmbnet_ring_release(&f->r);
	}
	KUNIT_EXPECT_EQ(test, f->w.index, f->r.index);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->ctrl->read_index), f->r.index);
}

static void vmbnet_ring_too_big(struct kunit *test)
{
	struct ring_fixture *f = test->priv;

	KUNIT_EXPECT_EQ(test, ring_put(&f->w, TEST_RING_SIZE, 0), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, ring_put(&f->w, U32_MAX - 8, 0), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, f->w.index, 0U);
}

static void vmbnet_ring_pending_send_sz(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	u32 len = 4000, n = 0, i, pending;

	while (ring_put(&f->w, len, 0) == 0)
		n++;
	/* Blocked: ask for room for three packets. */
	pending = 3 * vmbnet_ring_pkt_size(len);
	vmbnet_ring_set_pending(&f->w, pending);

	/* Freeing two packets is not enough: no signal. */
	for (i = 0; i < 2; i++)
		ring_get(test, &f->r, len, 0);
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_release(&f->r));
	/* The third crosses the threshold: signal. */
	ring_get(test, &f->r, len, 0);
	KUNIT_EXPECT_TRUE(test, vmbnet_ring_release(&f->r));
	/* More room after the crossing: no second signal. */
	ring_get(test, &f->r, len, 0);
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_release(&f->r));

	/* Without the writer's feature bit the reader never signals. */
	vmbnet_ring_set_pending(&f->w, 0);
	while (ring_put(&f->w, len, 0) == 0)
		;
	vmbnet_ring_set_pending(&f->w, pending);
	f->ctrl->feature_bits = 0;
	for (i = 0; i < n - 1; i++)
		ring_get(test, &f->r, len, 0);
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_release(&f->r));
}

/* The completion side sees what the reader consumed, once, and frees it. */
static void vmbnet_ring_reclaim_counts(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	u32 bytes, free, one = vmbnet_ring_pkt_size(100);

	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 100, 1), 0);
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 100, 2), 0);
	KUNIT_ASSERT_EQ(test, vmbnet_ring_reclaim(&f->w, &bytes, &free), 0);
	KUNIT_EXPECT_EQ(test, bytes, 0U);
	KUNIT_EXPECT_EQ(test, free, TEST_RING_SIZE - 2 * one);

	ring_get(test, &f->r, 100, 1);
	vmbnet_ring_release(&f->r);
	KUNIT_ASSERT_EQ(test, vmbnet_ring_reclaim(&f->w, &bytes, &free), 0);
	KUNIT_EXPECT_EQ(test, bytes, one);
	KUNIT_EXPECT_EQ(test, free, TEST_RING_SIZE - one);
	/* Seen once: a second look finds nothing new. */
	KUNIT_ASSERT_EQ(test, vmbnet_ring_reclaim(&f->w, &bytes, &free), 0);
	KUNIT_EXPECT_EQ(test, bytes, 0U);

	KUNIT_EXPECT_EQ(test, vmbnet_ring_known_free(&f->w), TEST_RING_SIZE - one);

	/* Consumed but not reclaimed: not yet the writer's to use. */
	ring_get(test, &f->r, 100, 2);
	vmbnet_ring_release(&f->r);
	KUNIT_EXPECT_EQ(test, vmbnet_ring_known_free(&f->w), TEST_RING_SIZE - one);
}

/* Packets in a view of what the reader has not read, up to the writer. */
static u32 unread_count(struct vmbnet_ring *view, u32 end)
{
	struct vmbnet_ring_pkt pkt;
	u32 n = 0;

	while (view->index != end && !vmbnet_ring_peek(view, &pkt)) {
		vmbnet_ring_consume(view, &pkt);
		n++;
	}
	return n;
}

/* The writer's view of what is left unread: written and not yet read,
 * flushed or not, and nothing the reader could not have published.
 */
static void vmbnet_ring_unread_view(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	struct vmbnet_ring view;

	KUNIT_ASSERT_EQ(test, vmbnet_ring_unread(&f->w, &view), 0);
	KUNIT_EXPECT_EQ(test, unread_count(&view, f->w.index), 0U);

	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 100, 1), 0);
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 200, 2), 0);
	vmbnet_ring_flush(&f->w);
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 300, 3), 0);	/* not flushed */
	KUNIT_ASSERT_EQ(test, vmbnet_ring_unread(&f->w, &view), 0);
	KUNIT_EXPECT_EQ(test, unread_count(&view, f->w.index), 3U);

	ring_get(test, &f->r, 100, 1);
	vmbnet_ring_release(&f->r);
	KUNIT_ASSERT_EQ(test, vmbnet_ring_unread(&f->w, &view), 0);
	KUNIT_EXPECT_EQ(test, unread_count(&view, f->w.index), 2U);

	/* A read index past what was written, or not 8-aligned: refused. */
	f->ctrl->read_index = cpu_to_le32(f->w.index + 64);
	KUNIT_EXPECT_EQ(test, vmbnet_ring_unread(&f->w, &view), -EPROTO);
	f->ctrl->read_index = cpu_to_le32(4);
	KUNIT_EXPECT_EQ(test, vmbnet_ring_unread(&f->w, &view), -EPROTO);
}

static void vmbnet_ring_sizes(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmbnet_ring_size_valid(64 << 10));
	KUNIT_EXPECT_TRUE(test, vmbnet_ring_size_valid(VMBNET_RING_SIZE_DEFAULT));
	KUNIT_EXPECT_TRUE(test, vmbnet_ring_size_valid(16 << 20));
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_size_valid(32 << 10));
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_size_valid(32 << 20));
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_size_valid((64 << 10) + 4096));
	KUNIT_EXPECT_FALSE(test, vmbnet_ring_size_valid(0));
}

/* What a hostile peer can do to a ring, and what the other side must say. */
struct ring_corruption {
	const char *name;
	void (*corrupt)(struct ring_fixture *f);
	bool writer;	/* seen by the writer (read_index) or the reader */
};

/* The queue file's layout (uapi vmbnet_mmap_offset()) on 4K, 16K and 64K
 * pages: each part page-aligned, the data a control page on, the two rings
 * back to back. On this kernel, it is what the driver's ring memory is.
 */
static void vmbnet_ring_mmap_layout(struct kunit *test)
{
	static const u32 page_sizes[] = { SZ_4K, SZ_16K, SZ_64K };
	static const u32 ring_sizes[] = { VMBNET_RING_SIZE_MIN, SZ_1M };
	struct ring_fixture *f = test->priv;
	unsigned int i, j;
	u64 ps, rs;

	for (i = 0; i < ARRAY_SIZE(page_sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(ring_sizes); j++) {
			ps = page_sizes[i];
			rs = ring_sizes[j];
			KUNIT_EXPECT_EQ(test, vmbnet_mmap_offset(VMBNET_MMAP_TX_CTRL, rs, ps), 0);
			KUNIT_EXPECT_EQ(test, vmbnet_mmap_offset(VMBNET_MMAP_TX_DATA, rs, ps), ps);
			KUNIT_EXPECT_EQ(test, vmbnet_mmap_offset(VMBNET_MMAP_RX_CTRL, rs, ps),
					ps + rs);
			KUNIT_EXPECT_EQ(test, vmbnet_mmap_offset(VMBNET_MMAP_RX_DATA, rs, ps),
					2 * ps + rs);
			KUNIT_EXPECT_EQ(test, vmbnet_mmap_offset(VMBNET_MMAP_END, rs, ps),
					2 * (ps + rs));
			KUNIT_EXPECT_EQ(test, vmbnet_mmap_offset(VMBNET_MMAP_RX_DATA,
								 rs, ps) % ps, 0);
		}
	}
	/* A ring of the driver's own is one control page and its data pages. */
	KUNIT_EXPECT_EQ(test, (u64)f->mem.npages * PAGE_SIZE,
			vmbnet_mmap_offset(VMBNET_MMAP_RX_CTRL, f->mem.size, PAGE_SIZE));
	KUNIT_EXPECT_PTR_EQ(test, (void *)f->mem.data,
			    f->mem.vaddr + vmbnet_mmap_offset(VMBNET_MMAP_TX_DATA,
							      f->mem.size, PAGE_SIZE));
}

static void corrupt_write_unaligned(struct ring_fixture *f)
{
	f->ctrl->write_index = cpu_to_le32(le32_to_cpu(f->ctrl->write_index) + 4);
}

static void corrupt_write_beyond(struct ring_fixture *f)
{
	f->ctrl->write_index = cpu_to_le32(TEST_RING_SIZE);
}

static void corrupt_write_huge(struct ring_fixture *f)
{
	f->ctrl->write_index = cpu_to_le32(0xfffffff8);
}

static void corrupt_short(struct ring_fixture *f)
{
	/* Fewer bytes than a descriptor and trailer. */
	f->ctrl->write_index = cpu_to_le32(f->r.index + 16);
}

/* The descriptor of the packet the reader is to read next. */
static struct vmbnet_pkt_desc *next_desc(struct ring_fixture *f)
{
	return (void *)(f->r.data + f->r.index);
}

static void corrupt_type(struct ring_fixture *f)
{
	next_desc(f)->type = cpu_to_le16(7);
}

static void corrupt_offset_small(struct ring_fixture *f)
{
	next_desc(f)->offset8 = cpu_to_le16(1);
}

static void corrupt_offset_past_len(struct ring_fixture *f)
{
	next_desc(f)->offset8 = cpu_to_le16(le16_to_cpu(next_desc(f)->len8) + 1);
}

static void corrupt_len_past_avail(struct ring_fixture *f)
{
	/* Covers everything written, so its trailer would lie beyond. */
	next_desc(f)->len8 =
		cpu_to_le16((le32_to_cpu(f->ctrl->write_index) - f->r.index) / 8);
}

static void corrupt_len_max(struct ring_fixture *f)
{
	next_desc(f)->len8 = cpu_to_le16(0xffff);
}

static void corrupt_len_zero(struct ring_fixture *f)
{
	next_desc(f)->len8 = 0;
}

static void corrupt_read_unaligned(struct ring_fixture *f)
{
	f->ctrl->read_index = cpu_to_le32(12);
}

static void corrupt_read_beyond(struct ring_fixture *f)
{
	f->ctrl->read_index = cpu_to_le32(TEST_RING_SIZE + 8);
}

static void corrupt_read_past_write(struct ring_fixture *f)
{
	/* Claims to have read more than was ever written. */
	f->ctrl->read_index = cpu_to_le32(le32_to_cpu(f->ctrl->write_index) + 8);
}

static const struct ring_corruption ring_corruptions[] = {
	{ "write_index_unaligned", corrupt_write_unaligned, false },
	{ "write_index_beyond_ring", corrupt_write_beyond, false },
	{ "write_index_huge", corrupt_write_huge, false },
	{ "shorter_than_descriptor", corrupt_short, false },
	{ "unknown_packet_type", corrupt_type, false },
	{ "offset8_inside_descriptor", corrupt_offset_small, false },
	{ "offset8_past_len8", corrupt_offset_past_len, false },
	{ "len8_past_written", corrupt_len_past_avail, false },
	{ "len8_max", corrupt_len_max, false },
	{ "len8_zero", corrupt_len_zero, false },
	{ "read_index_unaligned", corrupt_read_unaligned, true },
	{ "read_index_beyond_ring", corrupt_read_beyond, true },
	{ "read_index_past_write", corrupt_read_past_write, true },
};

static void ring_corruption_desc(const struct ring_corruption *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ring_corruption, ring_corruptions, ring_corruption_desc);

/* -EPROTO leaves the side that found it as it was: nothing read from a
 * corrupt ring is kept, so its own index and the peer's as last validated
 * still hold.
 */
static void ring_expect_unchanged(struct kunit *test, const struct vmbnet_ring *now,
				  const struct vmbnet_ring *before)
{
	KUNIT_EXPECT_EQ(test, now->index, before->index);
	KUNIT_EXPECT_EQ(test, now->published, before->published);
	KUNIT_EXPECT_EQ(test, now->peer, before->peer);
	KUNIT_EXPECT_EQ(test, now->need_signal, before->need_signal);
	KUNIT_EXPECT_PTR_EQ(test, now->ctrl, before->ctrl);
	KUNIT_EXPECT_PTR_EQ(test, (void *)now->data, (void *)before->data);
	KUNIT_EXPECT_EQ(test, now->size, before->size);
	/* And whatever else it holds, or comes to hold. */
	KUNIT_EXPECT_EQ(test, memcmp(now, before, sizeof(*now)), 0);
}

static void vmbnet_ring_corruption(struct kunit *test)
{
	const struct ring_corruption *c = test->param_value;
	struct ring_fixture *f = test->priv;
	struct vmbnet_ring before;
	struct vmbnet_ring_pkt pkt;
	u32 free;

	/* Neither side at its initial state, so a reset shows too: one packet
	 * read, released and reclaimed; then two waiting, the reader having
	 * seen the ring empty, the writer owing a signal.
	 */
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 100, 0x59), 0);
	ring_get(test, &f->r, 100, 0x59);
	vmbnet_ring_release(&f->r);
	KUNIT_ASSERT_EQ(test, vmbnet_ring_free(&f->w, &free), 0);
	KUNIT_ASSERT_EQ(test, vmbnet_ring_peek(&f->r, &pkt), -ENODATA);
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 100, 0x5a), 0);
	KUNIT_ASSERT_EQ(test, ring_put(&f->w, 100, 0x5b), 0);
	KUNIT_ASSERT_NE(test, f->r.index, 0U);
	KUNIT_ASSERT_NE(test, f->w.peer, 0U);

	c->corrupt(f);
	if (c->writer) {
		memcpy(&before, &f->w, sizeof(before));
		KUNIT_EXPECT_EQ(test, vmbnet_ring_free(&f->w, &free), -EPROTO);
		ring_expect_unchanged(test, &f->w, &before);
	} else {
		memcpy(&before, &f->r, sizeof(before));
		KUNIT_EXPECT_EQ(test, vmbnet_ring_peek(&f->r, &pkt), -EPROTO);
		ring_expect_unchanged(test, &f->r, &before);
	}
}

static struct kunit_case vmbnet_ring_cases[] = {
	KUNIT_CASE(vmbnet_ring_empty),
	KUNIT_CASE(vmbnet_ring_one_packet_layout),
	KUNIT_CASE(vmbnet_ring_signal_on_empty_only),
	KUNIT_CASE(vmbnet_ring_full),
	KUNIT_CASE(vmbnet_ring_wrap),
	KUNIT_CASE(vmbnet_ring_too_big),
	KUNIT_CASE(vmbnet_ring_pending_send_sz),
	KUNIT_CASE(vmbnet_ring_reclaim_counts),
	KUNIT_CASE(vmbnet_ring_unread_view),
	KUNIT_CASE(vmbnet_ring_sizes),
	KUNIT_CASE(vmbnet_ring_mmap_layout),
	KUNIT_CASE_PARAM(vmbnet_ring_corruption, ring_corruption_gen_params),
	{}
};

static struct kunit_suite vmbnet_ring_suite = {
	.name = "vmbnet_ring",
	.init = ring_test_init,
	.exit = ring_test_exit,
	.test_cases = vmbnet_ring_cases,
};

kunit_test_suite(vmbnet_ring_suite);
