/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet: private definitions shared by the driver's files. */
#ifndef _VMBNET_H
#define _VMBNET_H

#include <linux/netdevice.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "ring.h"

#define VMBNET_DRV_NAME		"vmbnet"
#define VMBNET_DRV_VERSION	"0.1.0"

/* Queue counts a device may be created with; queue 0 also carries control. */
#define VMBNET_MIN_QUEUES	1

struct netlink_ext_ack;
struct nlattr;

/* What is on the far side of the rings. */
enum vmbnet_endpoint_kind {
	VMBNET_ENDPOINT_NONE,
	VMBNET_ENDPOINT_USER,
};

struct vmbnet_endpoint;

struct vmbnet_endpoint_ops {
	/* Something is waiting for the endpoint on queue qid (any context). */
	void (*signal)(struct vmbnet_endpoint *ep, unsigned int qid);
	/* The device let go of the endpoint (under RTNL). */
	void (*detached)(struct vmbnet_endpoint *ep);
};

/* One queue's two rings, as the endpoint's transport provides them. */
struct vmbnet_endpoint_queue {
	struct vmbnet_ring_ctrl *tx_ctrl;	/* outbound: driver writes */
	u8 *tx_data;
	struct vmbnet_ring_ctrl *rx_ctrl;	/* inbound: driver reads */
	u8 *rx_data;
};

/* An endpoint a transport attaches to a device: what it offers and where
 * its rings are. The transport owns it and keeps it alive until
 * vmbnet_detach() returns.
 */
struct vmbnet_endpoint {
	const struct vmbnet_endpoint_ops *ops;
	enum vmbnet_endpoint_kind kind;
	u64 features;			/* offered */
	unsigned int num_queues;
	u32 ring_size;
	struct vmbnet_endpoint_queue *queues;
	/* Set by the driver while attached. */
	struct net_device __rcu *dev;
	netdevice_tracker dev_tracker;
};

struct vmbnet_tx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t dropped;
	u64_stats_t kicks;		/* signals to the endpoint */
	u64_stats_t ring_full;		/* queue stopped for want of room */
	struct u64_stats_sync syncp;
};

struct vmbnet_rx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t dropped;
	u64_stats_t bad_header;		/* bad message or virtio_net_hdr */
	u64_stats_t length_errors;	/* frame longer than the MTU allows */
	u64_stats_t ring_errors;	/* corrupt ring: queue reset */
	u64_stats_t polls;
	struct u64_stats_sync syncp;
};

/* A queue pair: one NAPI instance serves both rings. */
struct vmbnet_queue {
	struct vmbnet_priv *priv;
	struct vmbnet_endpoint *ep;	/* while attached */
	unsigned int index;
	bool broken;			/* ring error; reset pending */

	/* Transmit side: ndo_start_xmit, under the tx queue lock. */
	struct vmbnet_ring tx ____cacheline_aligned_in_smp;
	struct vmbnet_tx_stats tx_stats;

	/* Receive side and tx completions: NAPI. */
	struct napi_struct napi ____cacheline_aligned_in_smp;
	struct vmbnet_ring rx;
	struct vmbnet_rx_stats rx_stats;
};

struct vmbnet_priv {
	struct net_device *dev;
	/* Stable id for bus-info; ifindex changes across netns moves. */
	int id;
	struct vmbnet_endpoint __rcu *ep;
	u64 features;			/* agreed with the endpoint */
	unsigned int num_queues;	/* in use with the endpoint */
	bool running;			/* up with an endpoint: queues live */
	struct work_struct reset_work;
	unsigned int max_queues;	/* queue pairs the device has */
	/* Largest frame the rings take, and room kept free for one. */
	u32 max_frame;
	u32 tx_thresh;
	struct vmbnet_queue *queues;
};

/* netdev.c */
extern struct rtnl_link_ops vmbnet_link_ops;
bool vmbnet_is_vmbnet(const struct net_device *dev);
void vmbnet_update_features(struct vmbnet_priv *priv);
#if IS_ENABLED(CONFIG_KUNIT)
int vmbnet_check_queues(const struct nlattr *attr,
			struct netlink_ext_ack *extack);
int vmbnet_check_mac(const struct nlattr *attr, struct netlink_ext_ack *extack);
int vmbnet_validate(struct nlattr *tb[], struct nlattr *data[],
		    struct netlink_ext_ack *extack);
unsigned int vmbnet_default_queues(void);
#endif

/* endpoint.c: attach, detach, start and stop under RTNL. */
int vmbnet_attach(struct net_device *dev, struct vmbnet_endpoint *ep);
void vmbnet_detach(struct vmbnet_endpoint *ep);
void vmbnet_detach_locked(struct vmbnet_priv *priv);
void vmbnet_endpoint_kick(struct vmbnet_endpoint *ep, unsigned int qid);
void vmbnet_start(struct vmbnet_priv *priv);
void vmbnet_stop(struct vmbnet_priv *priv);
void vmbnet_queue_broken(struct vmbnet_queue *q, const char *what);
void vmbnet_reset_work(struct work_struct *work);

/* tx.c */
netdev_tx_t vmbnet_start_xmit(struct sk_buff *skb, struct net_device *dev);
bool vmbnet_tx_complete(struct vmbnet_queue *q);
void vmbnet_signal(struct vmbnet_queue *q);

/* rx.c */
int vmbnet_poll(struct napi_struct *napi, int budget);

/* offload.c */
u64 vmbnet_supported_features(void);
netdev_features_t vmbnet_hw_features(u64 features);
int vmbnet_rx_hdr_check(const struct virtio_net_hdr_mrg_rxbuf *vh,
			u32 frame_len, u64 features);
bool vmbnet_rx_gso_proto_ok(const struct sk_buff *skb, u8 gso_type);

/* ring_mem.c: the pages behind one ring, for transports that allocate them. */
struct vmbnet_ring_mem {
	struct page **pages;	/* control page, then data pages */
	unsigned int npages;
	void *vaddr;		/* control page, then the data pages twice */
	u32 size;		/* data bytes */
};

int vmbnet_ring_mem_alloc(struct vmbnet_ring_mem *m, u32 size);
void vmbnet_ring_mem_free(struct vmbnet_ring_mem *m);
void vmbnet_ring_mem_attach(struct vmbnet_ring_mem *m, struct vmbnet_ring *r);

/* ethtool.c: one queue's counters, in this order (ethtool -S's too). */
enum vmbnet_queue_stat {
	VMBNET_STAT_TX_PACKETS,
	VMBNET_STAT_TX_BYTES,
	VMBNET_STAT_TX_DROPPED,
	VMBNET_STAT_TX_KICKS,
	VMBNET_STAT_TX_RING_FULL,
	VMBNET_STAT_RX_PACKETS,
	VMBNET_STAT_RX_BYTES,
	VMBNET_STAT_RX_DROPPED,
	VMBNET_STAT_RX_BAD_HEADER,
	VMBNET_STAT_RX_RING_ERRORS,
	VMBNET_STAT_RX_LENGTH_ERRORS,
	VMBNET_STAT_RX_POLLS,
	VMBNET_Q_STATS
};

extern const struct ethtool_ops vmbnet_ethtool_ops;
void vmbnet_queue_stats(const struct vmbnet_queue *q, u64 *out);

/* sysfs.c */
extern const struct attribute_group vmbnet_sysfs_group;
const char *vmbnet_endpoint_name(enum vmbnet_endpoint_kind kind);

/* cdev.c */
int vmbnet_cdev_init(void);
void vmbnet_cdev_exit(void);

#endif /* _VMBNET_H */
