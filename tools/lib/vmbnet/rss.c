// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvmbnet: steering frames to the device as its driver asked, the queue
 * by RSS (Toeplitz over the flow's addresses and ports, then the driver's
 * indirection table) and the rx filter.
 */

#include <linux/compiler.h>
#include <string.h>

#include "libvmbnet.h"

/* Until the driver sets RSS: the sample key of Microsoft's RSS spec. */
const uint8_t vmbnet_rss_default_key[VMBNET_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/*
 * The per-byte table of a Toeplitz key: for each set bit of the input the
 * hash takes the 32 key bits starting there, so a byte's contribution
 * depends only on its value and position. 36 lookups instead of 288 bit
 * steps for an IPv6 tuple; vmbnet_toeplitz() stays the reference.
 */
void vmbnet_rss_table_build(uint32_t table[][256], const uint8_t *key)
{
	uint32_t window[8 * VMBNET_RSS_INPUT_MAX];
	unsigned int i, b, v;

	for (i = 0; i < 8 * VMBNET_RSS_INPUT_MAX; i++) {
		uint64_t w = 0;

		/* 40 key bytes cover every window a 36-byte input needs. */
		for (b = 0; b < 5; b++)
			w = w << 8 | key[i / 8 + b];
		window[i] = (uint32_t)(w >> (8 - i % 8));
	}
	for (i = 0; i < VMBNET_RSS_INPUT_MAX; i++)
		for (v = 0; v < 256; v++) {
			uint32_t h = 0;

			for (b = 0; b < 8; b++)
				if (v & (0x80 >> b))
					h ^= window[8 * i + b];
			table[i][v] = h;
		}
}

void vmbnet_rss_set_key(struct vmbnet_endpoint *ep, const uint8_t *key)
{
	vmbnet_rss_table_build(ep->rss_table, key);
	ep->table_changed = true;
}

uint32_t vmbnet_rss_table_hash(const uint32_t table[][256], const uint8_t *in,
			       uint32_t n)
{
	uint32_t hash = 0, i;

	for (i = 0; i < n; i++)
		hash ^= table[i][in[i]];
	return hash;
}

static void rss_l4(struct vmbnet_rss_input *in, const uint8_t *l4, const uint8_t *end,
		   uint8_t proto, uint32_t tcp, uint32_t udp)
{
	if ((proto != 6 && proto != 17) || end - l4 < 4)
		return;
	memcpy(in->data + in->l3_len, l4, 4);
	in->l4_len = in->l3_len + 4;
	in->l4_type = proto == 6 ? tcp : udp;
}

/*
 * Past IPv6's extension headers to the transport header, or NULL: a
 * fragment (all of a datagram's go one way, and only the first has ports),
 * a truncated or too long chain.
 */
static const uint8_t *ipv6_l4(const uint8_t *l3, const uint8_t *end, uint8_t *proto)
{
	const uint8_t *p = l3 + 40;
	unsigned int n, len;

	for (n = 0; n < 8; n++) {
		if (*proto == 0 || *proto == 43 || *proto == 60)
			/* hop-by-hop, routing, destination options */
			len = end - p >= 2 ? (p[1] + 1) * 8 : 0;
		else if (*proto == 51)
			/* AH: its length in 4-byte units, less 2 */
			len = end - p >= 2 ? (p[1] + 2) * 4 : 0;
		else if (*proto == 44)
			/* a fragment: as IPv4's, by addresses only */
			return NULL;
		else
			return p;
		if (!len || end - p < (ptrdiff_t)len)
			return NULL;
		*proto = p[0];
		p += len;
	}
	return NULL;
}

/*
 * RSS input, as Microsoft's RSS spec lays it out: source and destination
 * address, then source and destination port, in network byte order, from
 * an Ethernet frame (one VLAN tag allowed); false if not IP.
 */
bool vmbnet_rss_parse(const uint8_t *p, uint32_t len, struct vmbnet_rss_input *in)
{
	const uint8_t *end = p + len, *l3 = p + 14;
	unsigned int ihl, tot;
	uint16_t proto;

	memset(in, 0, sizeof(*in));
	if (len < 14)
		return false;
	proto = p[12] << 8 | p[13];
	if ((proto == 0x8100 || proto == 0x88a8) && len >= 18) {
		proto = p[16] << 8 | p[17];
		l3 += 4;
	}
	if (proto == 0x0800 && end - l3 >= 20) {
		ihl = (l3[0] & 0xf) * 4;
		if (ihl < 20 || end - l3 < (ptrdiff_t)ihl)
			return false;
		/* Ethernet padding is not ports. */
		tot = l3[2] << 8 | l3[3];
		if (tot >= ihl && end - l3 > (ptrdiff_t)tot)
			end = l3 + tot;
		memcpy(in->data, l3 + 12, 8);
		in->l3_len = 8;
		in->l3_type = VMBNET_HASH_IPV4;
		/* A fragment's ports are in its first fragment only. */
		if (!((l3[6] & 0x3f) | l3[7]))
			rss_l4(in, l3 + ihl, end, l3[9], VMBNET_HASH_TCP_IPV4,
			       VMBNET_HASH_UDP_IPV4);
		return true;
	}
	if (proto == 0x86dd && end - l3 >= 40) {
		const uint8_t *l4;
		uint8_t next = l3[6];

		/* 0: a jumbogram's length is elsewhere. */
		tot = 40 + (l3[4] << 8 | l3[5]);
		if (tot > 40 && end - l3 > (ptrdiff_t)tot)
			end = l3 + tot;
		memcpy(in->data, l3 + 8, 32);
		in->l3_len = 32;
		in->l3_type = VMBNET_HASH_IPV6;
		l4 = ipv6_l4(l3, end, &next);
		if (l4)
			rss_l4(in, l4, end, next, VMBNET_HASH_TCP_IPV6,
			       VMBNET_HASH_UDP_IPV6);
		return true;
	}
	return false;
}

/* The virtio hash report for a VMBNET_HASH_* type. */
static uint16_t rss_report(uint32_t type)
{
	switch (type) {
	case VMBNET_HASH_IPV4:
		return VIRTIO_NET_HASH_REPORT_IPv4;
	case VMBNET_HASH_TCP_IPV4:
		return VIRTIO_NET_HASH_REPORT_TCPv4;
	case VMBNET_HASH_UDP_IPV4:
		return VIRTIO_NET_HASH_REPORT_UDPv4;
	case VMBNET_HASH_IPV6:
		return VIRTIO_NET_HASH_REPORT_IPv6;
	case VMBNET_HASH_TCP_IPV6:
		return VIRTIO_NET_HASH_REPORT_TCPv6;
	case VMBNET_HASH_UDP_IPV6:
		return VIRTIO_NET_HASH_REPORT_UDPv6;
	default:
		return VIRTIO_NET_HASH_REPORT_NONE;
	}
}

/* Inside a state read: the queue for in, and its hash. */
static unsigned int rss_pick(const struct vmbnet_endpoint *ep,
			     const struct vmbnet_rss_input *in, struct vmbnet_rx_hash *h)
{
	const struct vmbnet_dev_state *st = &ep->pub;
	bool rss_set = PUB_LOAD(st->rss_set);
	uint32_t types = rss_set ? PUB_LOAD(st->rss_hash_types) : VMBNET_HASH_ALL;
	unsigned int queues = PUB_LOAD(st->queues), q, i;
	uint32_t n, type;

	if (in->l4_type & types) {
		n = in->l4_len;
		type = in->l4_type;
	} else if (in->l3_type & types) {
		n = in->l3_len;
		type = in->l3_type;
	} else {
		return 0;
	}
	h->value = 0;
	for (i = 0; i < n; i++)
		h->value ^= PUB_LOAD(ep->pub_table[i][in->data[i]]);
	h->report = rss_report(type);
	/* No table yet: spread flows evenly over the queues in use. */
	if (!rss_set)
		return queues ? h->value % queues : 0;
	q = PUB_LOAD(st->rss_indir[h->value & (VMBNET_RSS_INDIR_SIZE - 1)]);
	return q < queues ? q : 0;
}

unsigned int vmbnet_rss(const struct vmbnet_endpoint *ep, const void *frame,
			uint32_t len, struct vmbnet_rx_hash *hash)
{
	struct vmbnet_rss_input in;
	struct vmbnet_rx_hash h;
	unsigned int q = 0;
	uint32_t seq;

	h.value = 0;
	h.report = VIRTIO_NET_HASH_REPORT_NONE;
	if (vmbnet_rss_parse(frame, len, &in)) {
		do {
			seq = vmbnet_state_read_begin(ep);
			h.value = 0;
			h.report = VIRTIO_NET_HASH_REPORT_NONE;
			q = rss_pick(ep, &in, &h);
		} while (vmbnet_state_read_retry(ep, seq));
	}
	if (hash)
		*hash = h;
	return q < ep->num_queues ? q : 0;
}

/* dst is the frame's; mac may be the published state's. */
static bool mac_eq(const uint8_t *dst, const uint8_t *mac)
{
	unsigned int i;

	for (i = 0; i < 6; i++)
		if (dst[i] != PUB_LOAD(mac[i]))
			return false;
	return true;
}

/* st may be the published state: each field is read once, relaxed. */
bool vmbnet_rx_filter_match(const struct vmbnet_dev_state *st, const uint8_t *dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	bool mac_set = PUB_LOAD(st->mac_set);
	uint32_t flags = PUB_LOAD(st->rx_flags);
	unsigned int i, n;

	if (!PUB_LOAD(st->rx_filter_set) && !mac_set)
		return true;
	if (flags & VMBNET_RX_PROMISC)
		return true;
	if (!(dst[0] & 1))
		/* A refused SET_MAC leaves the address unknown: let it be. */
		return !mac_set || mac_eq(dst, st->mac);
	if (!memcmp(dst, bcast, 6) || flags & VMBNET_RX_ALLMULTI)
		return true;
	n = min_u32(PUB_LOAD(st->mc_count), VMBNET_RX_MC_MAX);
	for (i = 0; i < n; i++)
		if (mac_eq(dst, st->mc[i]))
			return true;
	return false;
}

bool vmbnet_rx_filter_pass(const struct vmbnet_endpoint *ep, const void *frame,
			   uint32_t len)
{
	uint8_t dst[6];
	uint32_t seq;
	bool pass;

	/* A runt is the driver's to count. */
	if (len < sizeof(dst))
		return true;
	memcpy(dst, frame, sizeof(dst));
	do {
		seq = vmbnet_state_read_begin(ep);
		pass = vmbnet_rx_filter_match(&ep->pub, dst);
	} while (vmbnet_state_read_retry(ep, seq));
	return pass;
}
