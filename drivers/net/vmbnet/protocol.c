// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* vmbnet: control message rules (see protocol.h) and the Toeplitz hash.
 *
 * Each control message has one exact length (the rx filter: one per
 * address count) and values in range; anything else is refused before
 * any field is used. The caller passes a copy, not the ring's bytes.
 */

#include <asm/byteorder.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <kunit/visibility.h>

#include "protocol.h"

static_assert(sizeof(struct vmbnet_ctl_hdr) == 8);
static_assert(sizeof(struct vmbnet_ctl_init) == 24);
static_assert(sizeof(struct vmbnet_ctl_offer) == 72);
static_assert(sizeof(struct vmbnet_ctl_accept) == 24);
static_assert(sizeof(struct vmbnet_ctl_mac) == 16);
static_assert(sizeof(struct vmbnet_ctl_value) == 16);
static_assert(sizeof(struct vmbnet_ctl_rss) == 312);
static_assert(sizeof(struct vmbnet_ctl_rx_filter) == 16);
static_assert(sizeof(struct vmbnet_ctl_status) == 16);
static_assert(sizeof(struct vmbnet_ctl_link) == 24);
static_assert(sizeof(struct vmbnet_ctl_offloads) == 16);

static bool versions_ok(__le32 min, __le32 max)
{
	return le32_to_cpu(min) >= 1 && le32_to_cpu(min) <= le32_to_cpu(max);
}

static bool duplex_ok(u8 duplex)
{
	return duplex == VMBNET_DUPLEX_HALF || duplex == VMBNET_DUPLEX_FULL ||
	       duplex == VMBNET_DUPLEX_UNKNOWN;
}

static bool mtu_ok(u32 mtu)
{
	return mtu >= VMBNET_MTU_MIN && mtu <= VMBNET_MTU_MAX;
}

/* Unicast, not all zeroes: what a device may take as its address. */
static bool unicast_ok(const u8 *mac)
{
	return !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

static int check_offer(const struct vmbnet_ctl_offer *o)
{
	u16 key = le16_to_cpu(o->rss_key_size), indir = le16_to_cpu(o->rss_indir_size);
	u64 features = le64_to_cpu(o->features);
	u32 queues = le32_to_cpu(o->max_queues);

	if (!versions_ok(o->version_min, o->version_max) ||
	    queues < 1 || queues > VMBNET_MAX_QUEUES ||
	    le32_to_cpu(o->link) > 1 || !duplex_ok(o->duplex) ||
	    le32_to_cpu(o->rss_hash_types) & ~VMBNET_HASH_ALL)
		return -EINVAL;
	if ((features & (1ULL << VMBNET_F_MAC)) && !unicast_ok(o->mac))
		return -EINVAL;
	if ((features & (1ULL << VMBNET_F_MTU)) &&
	    (!mtu_ok(le32_to_cpu(o->mtu_min)) || !mtu_ok(le32_to_cpu(o->mtu_max)) ||
	     le32_to_cpu(o->mtu_min) > le32_to_cpu(o->mtu_max)))
		return -EINVAL;
	/* RSS comes with the one key and table size there is, or not at all. */
	if (features & (1ULL << VMBNET_F_RSS))
		return key == VMBNET_RSS_KEY_SIZE && indir == VMBNET_RSS_INDIR_SIZE ?
		       0 : -EINVAL;
	return key || indir ? -EINVAL : 0;
}

static int check_rss(const struct vmbnet_ctl_rss *r)
{
	unsigned int i;

	if (le16_to_cpu(r->key_size) != VMBNET_RSS_KEY_SIZE ||
	    le16_to_cpu(r->indir_size) != VMBNET_RSS_INDIR_SIZE ||
	    le32_to_cpu(r->hash_types) & ~VMBNET_HASH_ALL)
		return -EINVAL;
	for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
		if (le16_to_cpu(r->indir[i]) >= VMBNET_MAX_QUEUES)
			return -EINVAL;
	return 0;
}

static int check_rx_filter(const struct vmbnet_ctl_rx_filter *f, u32 len)
{
	const u8 *mc = (const u8 *)(f + 1);
	u32 count = le32_to_cpu(f->mc_count), i;

	if (count > VMBNET_RX_MC_MAX)
		return -EINVAL;
	if (len != sizeof(*f) + 8 * count)
		return -EMSGSIZE;
	if (le32_to_cpu(f->flags) & ~(VMBNET_RX_PROMISC | VMBNET_RX_ALLMULTI))
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (!(mc[8 * i] & 1))
			return -EINVAL;
	return 0;
}

/* A control message body's one length (the rx filter's without its list),
 * or 0 for a type this version does not know.
 */
u32 vmbnet_ctl_size(u16 type)
{
	switch (type) {
	case VMBNET_MSG_INIT:
		return sizeof(struct vmbnet_ctl_init);
	case VMBNET_MSG_ACCEPT:
		return sizeof(struct vmbnet_ctl_accept);
	case VMBNET_MSG_SET_MAC:
		return sizeof(struct vmbnet_ctl_mac);
	case VMBNET_MSG_SET_MTU:
	case VMBNET_MSG_SET_QUEUES:
	case VMBNET_MSG_SET_STATE:
	case VMBNET_MSG_SET_DATA_PATH:
		return sizeof(struct vmbnet_ctl_value);
	case VMBNET_MSG_SET_RSS:
		return sizeof(struct vmbnet_ctl_rss);
	case VMBNET_MSG_SET_RX_FILTER:
		return sizeof(struct vmbnet_ctl_rx_filter);
	case VMBNET_MSG_SET_OFFLOADS:
		return sizeof(struct vmbnet_ctl_offloads);
	case VMBNET_MSG_OFFER:
		return sizeof(struct vmbnet_ctl_offer);
	case VMBNET_MSG_STATUS:
		return sizeof(struct vmbnet_ctl_status);
	case VMBNET_MSG_LINK:
		return sizeof(struct vmbnet_ctl_link);
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ctl_size);

/* A control message body of len bytes: 0 if it may be used, -EOPNOTSUPP
 * for a type this version does not know, -EMSGSIZE for a wrong length,
 * -EINVAL for a value out of range.
 */
int vmbnet_ctl_check(u16 type, const void *body, u32 len)
{
	u32 size = vmbnet_ctl_size(type);
	u32 value;

	if (!size)
		return -EOPNOTSUPP;
	if (type == VMBNET_MSG_SET_RX_FILTER ? len < size : len != size)
		return -EMSGSIZE;

	switch (type) {
	case VMBNET_MSG_INIT: {
		const struct vmbnet_ctl_init *m = body;

		return versions_ok(m->version_min, m->version_max) ? 0 : -EINVAL;
	}
	case VMBNET_MSG_ACCEPT: {
		const struct vmbnet_ctl_accept *m = body;

		return le32_to_cpu(m->version) >= 1 ? 0 : -EINVAL;
	}
	case VMBNET_MSG_SET_MAC:
		return unicast_ok(((const struct vmbnet_ctl_mac *)body)->mac) ?
		       0 : -EINVAL;
	case VMBNET_MSG_SET_RSS:
		return check_rss(body);
	case VMBNET_MSG_SET_RX_FILTER:
		return check_rx_filter(body, len);
	case VMBNET_MSG_SET_OFFLOADS:
		return le64_to_cpu(((const struct vmbnet_ctl_offloads *)body)->offloads) &
		       ~VMBNET_GUEST_OFFLOADS ? -EINVAL : 0;
	case VMBNET_MSG_OFFER:
		return check_offer(body);
	case VMBNET_MSG_STATUS:
		/* A positive errno, as the kernel knows them. */
		return le32_to_cpu(((const struct vmbnet_ctl_status *)body)->status) <
		       4096 ? 0 : -EINVAL;
	case VMBNET_MSG_LINK: {
		const struct vmbnet_ctl_link *m = body;

		return le32_to_cpu(m->link) <= 1 && duplex_ok(m->duplex) ?
		       0 : -EINVAL;
	}
	}

	value = le32_to_cpu(((const struct vmbnet_ctl_value *)body)->value);
	switch (type) {
	case VMBNET_MSG_SET_MTU:
		return mtu_ok(value) ? 0 : -EINVAL;
	case VMBNET_MSG_SET_QUEUES:
		return value >= 1 && value <= VMBNET_MAX_QUEUES ? 0 : -EINVAL;
	default:	/* SET_STATE, SET_DATA_PATH */
		return value <= 1 ? 0 : -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_ctl_check);
