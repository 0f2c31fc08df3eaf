// SPDX-License-Identifier: GPL-2.0
/* vmbnet: offloads. The virtio_net_hdr leading each frame is built and
 * applied by the kernel's own helpers (include/linux/virtio_net.h); what
 * is here decides which offloads the endpoint's features allow, and checks
 * a received header before the helper sees it: the helper in older kernels
 * trusts more than a hostile endpoint deserves.
 */

#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/virtio_net.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "vmbnet.h"

#define F(bit)	BIT_ULL(VMBNET_F_##bit)

/* Receive coalescing: GSO frames from the endpoint. */
#define VMBNET_RSC	(F(GUEST_TSO4) | F(GUEST_TSO6) | F(GUEST_USO4) | F(GUEST_USO6))

u64 vmbnet_supported_features(void)
{
	u64 f = F(CSUM) | F(GUEST_CSUM) | F(HOST_TSO4) | F(HOST_TSO6) |
		F(GUEST_TSO4) | F(GUEST_TSO6) | F(MQ) | F(MTU) | F(MAC) |
		F(STATUS) | F(RSS) | F(STANDBY) | F(SPEED_DUPLEX) |
		F(HASH_REPORT) | F(CTRL_GUEST_OFFLOADS);

	if (VMBNET_HAVE_USO)
		f |= F(HOST_USO) | F(GUEST_USO4) | F(GUEST_USO6);
	return f;
}
EXPORT_SYMBOL_NS_GPL(vmbnet_supported_features, VMBNET);

/* The netdev offloads the agreed features make possible. */
netdev_features_t vmbnet_hw_features(u64 features)
{
	netdev_features_t hw = 0;

	/* Segmentation offloads need the endpoint to finish checksums too. */
	if (features & F(CSUM)) {
		hw |= NETIF_F_HW_CSUM;
		if (features & F(HOST_TSO4))
			hw |= NETIF_F_TSO;
		if (features & F(HOST_TSO6))
			hw |= NETIF_F_TSO6;
		if (features & F(HOST_USO))
			hw |= NETIF_F_GSO_UDP_L4;
	}
	if (features & F(GUEST_CSUM))
		hw |= NETIF_F_RXCSUM;
	if (features & F(HASH_REPORT))
		hw |= NETIF_F_RXHASH;
	/* Coalescing the endpoint can be told to stop: LRO, as netvsc's
	 * RSC, so that forwarding and bridging turn it off (dev_disable_lro).
	 */
	if ((features & F(CTRL_GUEST_OFFLOADS)) && (features & VMBNET_RSC))
		hw |= NETIF_F_LRO;
	return hw;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_hw_features);

/* What SET_OFFLOADS lets the endpoint use: the agreed GUEST_* features,
 * without coalescing unless lro.
 */
u64 vmbnet_guest_offloads(u64 features, bool lro)
{
	u64 offloads = features & VMBNET_GUEST_OFFLOADS;

	return lro ? offloads : offloads & ~VMBNET_RSC;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_guest_offloads);

/* Receive coalescing the endpoint does not do, or can be told to stop. */
bool vmbnet_rsc_stoppable(u64 features)
{
	return !(features & VMBNET_RSC) || (features & F(CTRL_GUEST_OFFLOADS));
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_rsc_stoppable);

static bool vmbnet_gso_allowed(u8 gso_type, u64 features)
{
	switch (gso_type) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return features & F(GUEST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return features & F(GUEST_TSO6);
	case VIRTIO_NET_HDR_GSO_UDP_L4:
		return VMBNET_HAVE_USO &&
		       (features & (F(GUEST_USO4) | F(GUEST_USO6)));
	default:
		/* UFO, ECN and unknown types are never negotiated. */
		return false;
	}
}

/* A received header, before virtio_net_hdr_to_skb(): only what was
 * negotiated, checksum positions inside the frame and where the protocol
 * puts them, GSO only with a checksum to finish and a sane segment size.
 */
int vmbnet_rx_hdr_check(const struct virtio_net_hdr_mrg_rxbuf *vh,
			u32 frame_len, u64 features)
{
	const struct virtio_net_hdr *h = &vh->hdr;
	u16 start = __virtio16_to_cpu(true, h->csum_start);
	u16 off = __virtio16_to_cpu(true, h->csum_offset);
	u16 gso_size = __virtio16_to_cpu(true, h->gso_size);
	u16 hdr_len = __virtio16_to_cpu(true, h->hdr_len);
	u8 flags = h->flags;

	if (frame_len < ETH_HLEN || hdr_len > frame_len)
		return -EINVAL;
	if (flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID))
		return -EINVAL;
	if (flags && !(features & F(GUEST_CSUM)))
		return -EINVAL;
	if (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (start < ETH_HLEN || (off & 1) ||
		    (u32)start + off + sizeof(__sum16) > frame_len)
			return -EINVAL;
	}

	if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return gso_size ? -EINVAL : 0;

	if (!vmbnet_gso_allowed(h->gso_type, features))
		return -EINVAL;
	/* The helper would guess at the headers without it: don't let it. */
	if (!(flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return -EINVAL;
	if (h->gso_type == VIRTIO_NET_HDR_GSO_UDP_L4) {
		if (off != offsetof(struct udphdr, check) ||
		    start + sizeof(struct udphdr) > frame_len)
			return -EINVAL;
	} else {
		if (off != offsetof(struct tcphdr, check) ||
		    start + sizeof(struct tcphdr) > frame_len)
			return -EINVAL;
	}
	/* The transport header sits behind at least a minimal IP header. */
	if (start < ETH_HLEN + sizeof(struct iphdr))
		return -EINVAL;
	/* A segment carries at least 8 bytes, so at most 8 K of them. */
	if (gso_size < 8 || gso_size > frame_len)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_rx_hdr_check);

/* What a frame of the endpoint's starts with: with the hash in DATA_HASH. */
u32 vmbnet_rx_hdr_len(u16 type)
{
	return type == VMBNET_MSG_DATA_HASH ? sizeof(struct virtio_net_hdr_v1_hash) :
					      sizeof(struct virtio_net_hdr_mrg_rxbuf);
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_rx_hdr_len);

/* The hash type of a reported hash, as virtio_net reads it: the ports
 * were hashed (L4) or the addresses only (L3). -EINVAL for a report
 * virtio does not define.
 */
int vmbnet_rx_hash_type(u16 report, enum pkt_hash_types *type)
{
	switch (report) {
	case VIRTIO_NET_HASH_REPORT_NONE:
		*type = PKT_HASH_TYPE_NONE;
		return 0;
	case VIRTIO_NET_HASH_REPORT_IPv4:
	case VIRTIO_NET_HASH_REPORT_IPv6:
	case VIRTIO_NET_HASH_REPORT_IPv6_EX:
		*type = PKT_HASH_TYPE_L3;
		return 0;
	case VIRTIO_NET_HASH_REPORT_TCPv4:
	case VIRTIO_NET_HASH_REPORT_UDPv4:
	case VIRTIO_NET_HASH_REPORT_TCPv6:
	case VIRTIO_NET_HASH_REPORT_UDPv6:
	case VIRTIO_NET_HASH_REPORT_TCPv6_EX:
	case VIRTIO_NET_HASH_REPORT_UDPv6_EX:
		*type = PKT_HASH_TYPE_L4;
		return 0;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_rx_hash_type);

/* After eth_type_trans(): a GSO frame's network protocol (inside its VLAN
 * tags, if any) matches its type.
 */
bool vmbnet_rx_gso_proto_ok(const struct sk_buff *skb, u8 gso_type)
{
	__be16 proto = skb->protocol;
	unsigned int depth = 0;

	if (gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return true;
	/* The tags are at skb->data now, which vlan_get_protocol() does
	 * not expect.
	 */
	while (eth_type_vlan(proto)) {
		struct vlan_hdr _vh;
		const struct vlan_hdr *vh;

		vh = skb_header_pointer(skb, depth, sizeof(_vh), &_vh);
		if (!vh || depth >= VLAN_MAX_DEPTH * VLAN_HLEN)
			return false;
		proto = vh->h_vlan_encapsulated_proto;
		depth += VLAN_HLEN;
	}
	switch (gso_type) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return proto == htons(ETH_P_IP);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return proto == htons(ETH_P_IPV6);
	default:
		return proto == htons(ETH_P_IP) || proto == htons(ETH_P_IPV6);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vmbnet_rx_gso_proto_ok);
