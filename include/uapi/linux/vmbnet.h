/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmbnet: a network device whose packets cross VMBus-format shared rings.
 *
 * Everything user space sees of vmbnet is defined here: the /dev/vmbnet
 * ioctls and, as the data path grows, the ring and message layouts.
 * See Documentation/networking/device_drivers/ethernet/vmbnet.rst.
 */
#ifndef _UAPI_LINUX_VMBNET_H
#define _UAPI_LINUX_VMBNET_H

#include <linux/if.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Version of the /dev/vmbnet interface. The major number changes when an
 * existing ioctl or layout changes incompatibly, the minor number when one
 * is added.
 */
#define VMBNET_API_MAJOR	0
#define VMBNET_API_MINOR	5

struct vmbnet_version {
	__u32 major;
	__u32 minor;
};

/*
 * The VMBus device class of vmbnet channels, as written to
 * /sys/bus/vmbus/drivers/vmbnet_hv/new_id (vmbnet_hv.ko binds it).
 */
#define VMBNET_VMBUS_CLASS_ID	"999cb72e-98a1-4692-a551-09cddcda8c0a"

/*
 * Rings: the VMBus ring format. A queue has two rings, each a control page
 * (struct hv_ring_buffer's layout: VMBNET_RING_CTRL_SIZE bytes at the start
 * of a page of the kernel's size) followed by a data area of ring_size
 * bytes (a power of two). Indices are byte offsets into the data area,
 * always 8-byte aligned. The writer never fills a ring completely, so
 * write_index == read_index means empty.
 */
#define VMBNET_RING_CTRL_SIZE		4096
#define VMBNET_RING_SIZE_MIN		(64U << 10)
#define VMBNET_RING_SIZE_MAX		(16U << 20)
#define VMBNET_RING_SIZE_DEFAULT	(1U << 20)

/* feature_bits: the writer of this ring sets pending_send_sz when blocked. */
#define VMBNET_RING_F_PENDING_SEND_SZ	0x1

struct vmbnet_ring_ctrl {
	__le32 write_index;	/* next byte the writer fills */
	__le32 read_index;	/* next byte the reader consumes */
	__le32 interrupt_mask;	/* reader: 1 = draining, don't signal */
	__le32 pending_send_sz;	/* writer: signal me when this much is free */
	__le32 reserved1[12];
	__le32 feature_bits;
	__u8 reserved2[VMBNET_RING_CTRL_SIZE - 68];
};

/*
 * Each packet: a descriptor, its payload padded to 8 bytes, then an 8-byte
 * trailer holding the write index the packet started at, shifted left 32.
 * offset8 and len8 count 8-byte units from the descriptor's start: offset8
 * to the payload, len8 to the end of the padded payload (trailer excluded).
 */
struct vmbnet_pkt_desc {
	__le16 type;
	__le16 offset8;
	__le16 len8;
	__le16 flags;
	__le64 trans_id;
};

#define VMBNET_PKT_DATA_INBAND		6
#define VMBNET_PKT_TRAILER_SIZE		8

/*
 * Every packet's payload starts with this header: what the message is, and
 * how many bytes follow the header (the payload is that, padded to 8).
 */
struct vmbnet_msg_hdr {
	__le16 type;
	__le16 reserved;
	__le32 len;
};

enum vmbnet_msg_type {
	/*
	 * struct virtio_net_hdr_v1 (num_buffers 0 on send, ignored on
	 * receive), then the Ethernet frame.
	 */
	VMBNET_MSG_DATA		= 1,
	/*
	 * Endpoint to driver, with VMBNET_F_HASH_REPORT agreed: as DATA, with
	 * struct virtio_net_hdr_v1_hash: the RSS hash the endpoint computed
	 * and its VIRTIO_NET_HASH_REPORT_* type (NONE: not hashed).
	 */
	VMBNET_MSG_DATA_HASH	= 2,

	/* Control, on queue 0 only. Driver to endpoint, each answered by STATUS: */
	VMBNET_MSG_INIT		= 0x10,	/* struct vmbnet_ctl_init; OFFER answers */
	VMBNET_MSG_ACCEPT,		/* struct vmbnet_ctl_accept */
	VMBNET_MSG_SET_MAC,		/* struct vmbnet_ctl_mac */
	VMBNET_MSG_SET_MTU,		/* struct vmbnet_ctl_value */
	VMBNET_MSG_SET_QUEUES,		/* struct vmbnet_ctl_value */
	VMBNET_MSG_SET_RSS,		/* struct vmbnet_ctl_rss */
	VMBNET_MSG_SET_RX_FILTER,	/* struct vmbnet_ctl_rx_filter */
	VMBNET_MSG_SET_STATE,		/* struct vmbnet_ctl_value: 1 up, 0 down */
	VMBNET_MSG_SET_DATA_PATH,	/* struct vmbnet_ctl_value: 1 VF, 0 synthetic */
	VMBNET_MSG_SET_OFFLOADS,	/* struct vmbnet_ctl_offloads */

	/* Endpoint to driver: */
	VMBNET_MSG_OFFER	= 0x40,	/* struct vmbnet_ctl_offer */
	VMBNET_MSG_STATUS,		/* struct vmbnet_ctl_status */
	VMBNET_MSG_LINK,		/* struct vmbnet_ctl_link, unsolicited */
};

/* Protocol versions this header describes. */
#define VMBNET_PROTO_VERSION_MIN	1
#define VMBNET_PROTO_VERSION_MAX	1

/*
 * Every control message starts with this. seq numbers the driver's
 * requests; an answer (OFFER, STATUS) carries the request's seq, an
 * unsolicited message 0.
 */
struct vmbnet_ctl_hdr {
	__le32 seq;
	__le32 reserved;
};

struct vmbnet_ctl_init {
	struct vmbnet_ctl_hdr hdr;
	__le32 version_min;
	__le32 version_max;
	__le64 features;		/* what the driver supports */
};

#define VMBNET_DUPLEX_HALF	0
#define VMBNET_DUPLEX_FULL	1
#define VMBNET_DUPLEX_UNKNOWN	0xff
#define VMBNET_SPEED_UNKNOWN	0xffffffff

/* RSS hash types, the rx-flow-hash choices per flow type. */
#define VMBNET_HASH_IPV4	0x01
#define VMBNET_HASH_TCP_IPV4	0x02
#define VMBNET_HASH_UDP_IPV4	0x04
#define VMBNET_HASH_IPV6	0x08
#define VMBNET_HASH_TCP_IPV6	0x10
#define VMBNET_HASH_UDP_IPV6	0x20
#define VMBNET_HASH_ALL		0x3f

#define VMBNET_RSS_KEY_SIZE	40
#define VMBNET_RSS_INDIR_SIZE	128

#define VMBNET_MTU_MIN		68
#define VMBNET_MTU_MAX		65521

/* The endpoint's answer to INIT: what it speaks and what it is. */
struct vmbnet_ctl_offer {
	struct vmbnet_ctl_hdr hdr;
	__le32 version_min;
	__le32 version_max;
	__le64 features;		/* VMBNET_F_* it offers */
	__u8 mac[6];			/* permanent MAC, if VMBNET_F_MAC */
	__u8 reserved[2];
	__le32 mtu_min;			/* if VMBNET_F_MTU */
	__le32 mtu_max;
	__le32 max_queues;
	__le32 ring_size;		/* of each ring it serves */
	__le16 rss_key_size;		/* 0, or VMBNET_RSS_KEY_SIZE with RSS */
	__le16 rss_indir_size;		/* 0, or VMBNET_RSS_INDIR_SIZE with RSS */
	__le32 rss_hash_types;		/* VMBNET_HASH_* it can do */
	__le32 link;			/* 1 up, 0 down */
	__le32 speed;			/* Mb/s, or VMBNET_SPEED_UNKNOWN */
	__u8 duplex;			/* VMBNET_DUPLEX_* */
	__u8 reserved2[7];
};

/* The driver's choice: the highest version both speak, the features used. */
struct vmbnet_ctl_accept {
	struct vmbnet_ctl_hdr hdr;
	__le32 version;
	__le32 reserved;
	__le64 features;
};

struct vmbnet_ctl_mac {
	struct vmbnet_ctl_hdr hdr;
	__u8 mac[6];
	__u8 reserved[2];
};

struct vmbnet_ctl_value {
	struct vmbnet_ctl_hdr hdr;
	__le32 value;
	__le32 reserved;
};

struct vmbnet_ctl_rss {
	struct vmbnet_ctl_hdr hdr;
	__le32 hash_types;		/* VMBNET_HASH_* */
	__le16 key_size;		/* VMBNET_RSS_KEY_SIZE */
	__le16 indir_size;		/* VMBNET_RSS_INDIR_SIZE */
	__u8 key[VMBNET_RSS_KEY_SIZE];
	__le16 indir[VMBNET_RSS_INDIR_SIZE];	/* queue per hash & 127 */
};

#define VMBNET_RX_PROMISC	0x1
#define VMBNET_RX_ALLMULTI	0x2
#define VMBNET_RX_MC_MAX	64

/* mc_count multicast addresses follow, 8 bytes each (6 used). */
struct vmbnet_ctl_rx_filter {
	struct vmbnet_ctl_hdr hdr;
	__le32 flags;			/* VMBNET_RX_* */
	__le32 mc_count;		/* at most VMBNET_RX_MC_MAX */
};

/*
 * SET_OFFLOADS, with VMBNET_F_CTRL_GUEST_OFFLOADS agreed: which of the
 * agreed GUEST_* features the endpoint may use from now on (virtio's
 * VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET). The driver turns receive coalescing
 * (RSC: GUEST_TSO4, GUEST_TSO6, GUEST_USO4, GUEST_USO6) off and on with
 * its LRO feature; GSO frames that were on their way may still come.
 */
struct vmbnet_ctl_offloads {
	struct vmbnet_ctl_hdr hdr;
	__le64 offloads;		/* 1ULL << VMBNET_F_GUEST_* */
};

/* The answer to a request: 0, or a positive errno saying why not. */
struct vmbnet_ctl_status {
	struct vmbnet_ctl_hdr hdr;
	__le16 request;			/* the request's type */
	__le16 reserved;
	__le32 status;
};

struct vmbnet_ctl_link {
	struct vmbnet_ctl_hdr hdr;
	__le32 link;
	__le32 speed;
	__u8 duplex;
	__u8 reserved[7];
};

/* Largest Ethernet frame in a DATA message: a 64 KiB GSO frame with a VLAN tag. */
#define VMBNET_MAX_FRAME_LEN	(65536 + 18)

/*
 * Feature bits, numbered as the VIRTIO_NET_F_* bits of the same name: the
 * endpoint plays the virtio device. HOST_* say what the endpoint accepts
 * from the driver, GUEST_* what the driver accepts from the endpoint.
 */
#define VMBNET_F_CSUM		0	/* takes frames with partial csum */
#define VMBNET_F_GUEST_CSUM	1	/* may send partial csum / DATA_VALID */
#define VMBNET_F_CTRL_GUEST_OFFLOADS 2	/* takes SET_OFFLOADS */
#define VMBNET_F_MTU		3
#define VMBNET_F_MAC		5
#define VMBNET_F_GUEST_TSO4	7	/* may send TCPv4 GSO frames (RSC) */
#define VMBNET_F_GUEST_TSO6	8
#define VMBNET_F_HOST_TSO4	11	/* takes TCPv4 GSO frames (TSO) */
#define VMBNET_F_HOST_TSO6	12
#define VMBNET_F_STATUS		16
#define VMBNET_F_MQ		22
#define VMBNET_F_GUEST_USO4	54	/* may send UDP_L4 GSO frames */
#define VMBNET_F_GUEST_USO6	55
#define VMBNET_F_HOST_USO	56	/* takes UDP_L4 GSO frames (USO) */
#define VMBNET_F_HASH_REPORT	57	/* sends its RSS hash with each frame */
#define VMBNET_F_RSS		60
#define VMBNET_F_STANDBY	62
#define VMBNET_F_SPEED_DUPLEX	63

/* The features SET_OFFLOADS may turn off and on again. */
#define VMBNET_GUEST_OFFLOADS	((1ULL << VMBNET_F_GUEST_CSUM) | \
				 (1ULL << VMBNET_F_GUEST_TSO4) | \
				 (1ULL << VMBNET_F_GUEST_TSO6) | \
				 (1ULL << VMBNET_F_GUEST_USO4) | \
				 (1ULL << VMBNET_F_GUEST_USO6))

#define VMBNET_MAX_QUEUES	64

/*
 * VMBNET_IOC_ATTACH: become the endpoint of a vmbnet device. The caller
 * needs CAP_NET_ADMIN over the device's network namespace. In: ifname (in
 * the caller's namespace), how many queue pairs to make rings for and
 * their size (0: the device's, see ethtool -G); features must be 0. Out:
 * the queues made, the ring size, and the VMBNET_F_* bits the driver
 * supports. Then VMBNET_IOC_QUEUE_FD gives a descriptor per queue, and the
 * driver's INIT waits in queue 0's outbound ring: everything else is
 * agreed through the control protocol (VMBNET_MSG_INIT onwards).
 *
 * A device has one endpoint: EBUSY if it has one already, unless flags has
 * VMBNET_ATTACH_REPLACE. Then the old endpoint is let go in the same step
 * (its queue descriptors fail with EIO from then on); the device keeps
 * its settings, addresses and routes, and gives them to the new one. A
 * descriptor attaches once; VMBNET_IOC_DETACH lets go without closing it.
 */
struct vmbnet_attach {
	char ifname[IFNAMSIZ];
	__u64 features;		/* in: 0; out: what the driver supports */
	__u32 num_queues;
	__u32 ring_size;
	__u32 flags;		/* VMBNET_ATTACH_* */
	__u32 reserved;		/* must be 0 */
};

#define VMBNET_ATTACH_REPLACE	(1U << 0)	/* take the device from its endpoint */

/*
 * A queue descriptor, uio-style:
 *  - mmap: the file is the outbound ring (driver -> endpoint: what the
 *    device transmits) then the inbound ring (endpoint -> driver: what it
 *    receives), each a control page then ring_size of data, where a page is
 *    the kernel's (sysconf(_SC_PAGESIZE)): vmbnet_mmap_offset() says where
 *    each part starts. Any page-aligned window may be mapped, so that each
 *    data area can be mapped twice back to back;
 *  - write of 4 bytes: a kick, the driver looks at both rings;
 *  - read of 4 bytes: waits for the driver's signal and returns the count
 *    of signals so far (EAGAIN with O_NONBLOCK);
 *  - poll: POLLIN when signalled, POLLERR | POLLHUP once detached, when
 *    read and write fail: ECONNRESET if the driver let go to start over
 *    (corrupt ring, new ring size: attach again with a new open of
 *    /dev/vmbnet), EIO if another endpoint replaced this one or the device
 *    was deleted.
 */
enum vmbnet_mmap_part {
	VMBNET_MMAP_TX_CTRL,	/* outbound ring: control page */
	VMBNET_MMAP_TX_DATA,	/* outbound ring: data */
	VMBNET_MMAP_RX_CTRL,	/* inbound ring: control page */
	VMBNET_MMAP_RX_DATA,	/* inbound ring: data */
	VMBNET_MMAP_END,	/* the file's size */
};

/* Where part starts in a queue descriptor, for rings of ring_size bytes
 * and the kernel's page_size (a power of two, at most ring_size).
 */
static __inline__ __u64
vmbnet_mmap_offset(enum vmbnet_mmap_part part, __u32 ring_size, __u32 page_size)
{
	__u64 ring = (__u64)page_size + ring_size;

	return (part / 2) * ring + (part % 2) * (__u64)page_size;
}

#define VMBNET_IOC_MAGIC	0xBA

/* Reports the interface version; works on any open /dev/vmbnet. */
#define VMBNET_IOC_VERSION	_IOR(VMBNET_IOC_MAGIC, 0x00, struct vmbnet_version)
#define VMBNET_IOC_ATTACH	_IOWR(VMBNET_IOC_MAGIC, 0x01, struct vmbnet_attach)
/* Argument: the queue index. Returns a new queue descriptor. */
#define VMBNET_IOC_QUEUE_FD	_IO(VMBNET_IOC_MAGIC, 0x02)
/* Lets go of the device: queue descriptors fail with EIO from then on.
 * ENOTCONN if this descriptor is not attached (any more).
 */
#define VMBNET_IOC_DETACH	_IO(VMBNET_IOC_MAGIC, 0x03)

#endif /* _UAPI_LINUX_VMBNET_H */
