// SPDX-License-Identifier: GPL-2.0
/*
 * Software segmentation, for a device whose driver turned receive
 * coalescing off (SET_OFFLOADS without its GUEST_TSO or GUEST_USO bit):
 * a TCP or UDP GSO frame from the other side becomes the frames its sender
 * would have sent, each with a partial checksum for the driver to finish
 * (NEEDS_CSUM, as the GSO frame had), as the kernel's GSO would.
 */

#include <endian.h>
#include <errno.h>
#include <string.h>

#include "endpoint.h"

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* One's complement sum of len bytes (len even), not yet folded. */
static uint32_t sum16(const uint8_t *p, unsigned int len, uint32_t sum)
{
	unsigned int i;

	for (i = 0; i < len; i += 2)
		sum += get16(p + i);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The GUEST_* feature a GSO type needs from the receiving device. */
uint64_t ep_gso_feature(const struct virtio_net_hdr_v1 *hdr)
{
	switch (hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return F(GUEST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return F(GUEST_TSO6);
	case VIRTIO_NET_HDR_GSO_UDP_L4:
		return F(GUEST_USO4) | F(GUEST_USO6);
	default:
		return 0;
	}
}

/*
 * Checks a GSO frame as the segmenting below needs it: the headers where
 * the header says, of the protocols its GSO type says, and a payload.
 */
int ep_segment_info(const struct virtio_net_hdr_v1 *hdr, const uint8_t *frame,
		    uint32_t len, struct ep_seg_info *si)
{
	uint8_t type = hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	uint32_t start = le16toh(hdr->csum_start);
	uint32_t off = le16toh(hdr->csum_offset);
	uint32_t l3 = 14, l3len;
	uint16_t proto;

	memset(si, 0, sizeof(*si));
	si->gso = le16toh(hdr->gso_size);
	if (len < l3 || !(hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || !si->gso)
		return -EINVAL;
	proto = get16(frame + 12);
	while ((proto == 0x8100 || proto == 0x88a8) && len >= l3 + 4) {
		proto = get16(frame + l3 + 2);
		l3 += 4;
	}
	switch (type) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
		si->l4proto = 6;
		if (off != 16 || start + 20 > len)
			return -EINVAL;
		si->thl = (frame[start + 12] >> 4) * 4;
		if (si->thl < 20)
			return -EINVAL;
		/* TCPv4 in IPv4, TCPv6 in IPv6. */
		if (type == VIRTIO_NET_HDR_GSO_TCPV4 ? proto != 0x0800 : proto == 0x0800)
			return -EINVAL;
		break;
	case VIRTIO_NET_HDR_GSO_UDP_L4:
		si->l4proto = 17;
		si->thl = 8;
		if (off != 6)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	si->v4 = proto == 0x0800;
	if (!si->v4 && proto != 0x86dd)
		return -EINVAL;
	if (start < l3 || start + si->thl > len)
		return -EINVAL;
	l3len = start - l3;
	if (si->v4) {
		/* Exactly the IPv4 header, of this protocol, before it. */
		if (l3len < 20 || (frame[l3] >> 4) != 4 || (frame[l3] & 0xf) * 4 != l3len ||
		    frame[l3 + 9] != si->l4proto)
			return -EINVAL;
	} else if (l3len < 40 || (frame[l3] >> 4) != 6 ||
		   (l3len == 40 && frame[l3 + 6] != si->l4proto)) {
		return -EINVAL;
	}
	si->l3 = l3;
	si->start = start;
	si->hlen = start + si->thl;
	if (si->hlen >= len || si->hlen + si->gso > VMBNET_MAX_FRAME_LEN)
		return -EINVAL;
	si->segs = (len - si->hlen + si->gso - 1) / si->gso;
	return 0;
}

int ep_segment(const struct virtio_net_hdr_v1 *hdr, const uint8_t *frame,
	       uint32_t len, ep_segment_fn fn, void *arg)
{
	static __thread uint8_t seg[VMBNET_MAX_FRAME_LEN];
	uint32_t off, n, seq = 0, sum, l3, start, hlen, thl, gso;
	struct virtio_net_hdr_v1 h = *hdr;
	struct ep_seg_info si;
	uint16_t id = 0, i;
	uint8_t flags;
	int err;

	err = ep_segment_info(hdr, frame, len, &si);
	if (err)
		return err;
	l3 = si.l3;
	start = si.start;
	hlen = si.hlen;
	thl = si.thl;
	gso = si.gso;
	if (si.l4proto == 6)
		seq = get32(frame + start + 4);
	if (si.v4)
		id = get16(frame + l3 + 4);

	h.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	h.gso_size = 0;
	h.hdr_len = 0;
	for (off = 0, i = 0; hlen + off < len; off += n, i++) {
		n = len - hlen - off < gso ? len - hlen - off : gso;
		memcpy(seg, frame, hlen);
		memcpy(seg + hlen, frame + hlen + off, n);
		if (si.v4) {
			put16(seg + l3 + 2, hlen - l3 + n);
			put16(seg + l3 + 4, id + i);
			put16(seg + l3 + 10, 0);
			put16(seg + l3 + 10, ~fold(sum16(seg + l3, start - l3, 0)));
			sum = sum16(seg + l3 + 12, 8, 0);
		} else {
			put16(seg + l3 + 4, hlen - l3 - 40 + n);
			sum = sum16(seg + l3 + 8, 32, 0);
		}
		if (si.l4proto == 6) {
			put32(seg + start + 4, seq + off);
			flags = seg[start + 13];
			if (hlen + off + n < len)
				flags &= ~0x09;		/* FIN, PSH: the last only */
			if (off)
				flags &= ~0x80;		/* CWR: the first only */
			seg[start + 13] = flags;
		} else {
			put16(seg + start + 4, thl + n);
		}
		/* The pseudo header's sum, for the driver to finish. */
		sum += si.l4proto + thl + n;
		put16(seg + start + le16toh(h.csum_offset), fold(sum));
		err = fn(arg, &h, seg, hlen + n);
		if (err)
			return err;
	}
	return 0;
}
