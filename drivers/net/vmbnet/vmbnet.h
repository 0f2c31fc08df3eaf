/* SPDX-License-Identifier: GPL-2.0 */
/* vmbnet: private definitions shared by the driver's files. */
#ifndef _VMBNET_H
#define _VMBNET_H

#include <linux/completion.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/xdp.h>

#include "compat.h"
#include "ring.h"
#include "protocol.h"
#include "transport.h"
#include "cdev.h"

#define VMBNET_DRV_NAME		"vmbnet"
#define VMBNET_DRV_VERSION	"0.1.0"

/* Queue counts a device may be created with; queue 0 also carries control. */
#define VMBNET_MIN_QUEUES	1

/* The most one RTNL section waits for endpoints, however many devices and
 * requests it covers; past it, settings are confirmed later (control.c).
 */
#define VMBNET_CTL_BUDGET_MS	1000
/* A request unanswered this long is logged: later settings wait for it. */
#define VMBNET_CTL_WARN_MS	5000
/* How long a carrier outlives its endpoint, for the next one to agree: no
 * longer than linkwatch may itself take to report a carrier loss.
 */
#define VMBNET_HOLD_MS		1000

struct netlink_ext_ack;
struct nlattr;
struct virtio_net_hdr;

struct vmbnet_tx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t dropped;
	u64_stats_t kicks;		/* signals: frames to read */
	u64_stats_t ring_full;		/* queue stopped for want of room */
	u64_stats_t detach_lost;	/* unread when the endpoint went */
	u64_stats_t xdp_xmit;		/* redirected here (ndo_xdp_xmit) */
	u64_stats_t xdp_xmit_errors;	/* ... and not sent */
	struct u64_stats_sync syncp;
};

/* Frames per NAPI poll, by powers of two: 0, 1, 2-3, ..., 32-63, 64. */
#define VMBNET_POLL_BUCKETS	8

struct vmbnet_rx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t dropped;
	u64_stats_t bad_header;		/* bad message or virtio_net_hdr */
	u64_stats_t length_errors;	/* frame longer than the MTU allows */
	u64_stats_t ring_errors;	/* corrupt ring: queue reset */
	u64_stats_t polls;
	u64_stats_t empty_polls;	/* woken for nothing: no frame, no room */
	u64_stats_t poll_frames[VMBNET_POLL_BUCKETS];	/* frames per poll */
	u64_stats_t kicks;		/* signals: room to write */
	u64_stats_t detach_lost;	/* unread when the endpoint went */
	u64_stats_t xdp_drop;		/* what the XDP program did */
	u64_stats_t xdp_pass;
	u64_stats_t xdp_tx;
	u64_stats_t xdp_redirect;
	u64_stats_t xdp_aborted;
	struct u64_stats_sync syncp;
};

/* XDP_TX frames held for one batch: a NAPI poll's worth. */
#define VMBNET_XDP_TX_BULK	NAPI_POLL_WEIGHT

/* A frame an XDP program sent back (XDP_TX), until the poll ends. */
struct vmbnet_xdp_tx {
	void *data;
	u32 len;
};

/* One poll's XDP: the program, and what to flush when the poll ends. */
struct vmbnet_xdp_poll {
	struct bpf_prog *prog;
	unsigned int tx;		/* frames in the queue's xdp_tx[] */
	bool redirect;
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
	struct page_pool *page_pool;	/* large frames' fragments */
	struct page_pool *xdp_pool;	/* XDP's buffers, a page each */
	struct xdp_rxq_info xdp_rxq;
	struct vmbnet_xdp_tx xdp_tx[VMBNET_XDP_TX_BULK];
	bool repoll;			/* the last poll asked for another */
	struct vmbnet_rx_stats rx_stats;
};

/* Where the control protocol stands with the attached endpoint. */
enum vmbnet_ctl_state {
	VMBNET_CTL_NONE,		/* no endpoint */
	VMBNET_CTL_INIT_SENT,		/* waiting for its OFFER */
	VMBNET_CTL_OFFERED,		/* OFFER in, ACCEPT to send */
	VMBNET_CTL_READY,		/* agreed: data flows, changes are sent */
	VMBNET_CTL_FAILED,		/* no agreement: stays down until re-attach */
};

struct vmbnet_rss {
	u32 hash_types;			/* VMBNET_HASH_* */
	u8 key[VMBNET_RSS_KEY_SIZE];
	u32 indir[VMBNET_RSS_INDIR_SIZE];
};

struct vmbnet_rx_filter {
	u32 flags;			/* VMBNET_RX_* */
	unsigned int mc_count;
	u8 mc[VMBNET_RX_MC_MAX][ETH_ALEN];
};

/* The settings the device gives its endpoint, one request each; bits in
 * the masks of struct vmbnet_ctl. Pushed in this order after an agreement.
 */
enum vmbnet_cfg {
	VMBNET_CFG_MAC,
	VMBNET_CFG_MTU,
	VMBNET_CFG_QUEUES,
	VMBNET_CFG_RSS,
	VMBNET_CFG_RX_FILTER,
	VMBNET_CFG_OFFLOADS,
	VMBNET_CFG_STATE,
	VMBNET_CFG_DATA_PATH,
	VMBNET_CFG_NUM,
	VMBNET_CFG_NONE = VMBNET_CFG_NUM,	/* INIT, ACCEPT */
};

/* A value of each setting. */
struct vmbnet_config {
	u8 mac[ETH_ALEN];
	u32 mtu;
	u32 queues;
	u32 state;
	u32 data_path;			/* 1: VF */
	u64 offloads;			/* VMBNET_GUEST_OFFLOADS it may use */
	struct vmbnet_rss rss;
	struct vmbnet_rx_filter rx_filter;
};

/* The control channel on queue 0. One request is in flight at a time; a
 * caller under RTNL waits for its answer within the RTNL budget at most,
 * else NAPI's answer is acted on by the service task.
 */
struct vmbnet_ctl {
	spinlock_t lock;		/* state, link, req_*: NAPI vs RTNL */
	enum vmbnet_ctl_state state;
	u32 seq;			/* last request's */
	u32 req_seq;			/* the request in flight, or 0 */
	u16 req_type;
	enum vmbnet_cfg req_cfg;	/* the setting it carries */
	bool req_waited;		/* a caller waits for its answer */
	bool req_answered;		/* its STATUS is in: req_status */
	u32 req_status;
	struct completion done;
	struct vmbnet_ctl_offer offer;	/* as received, checked */
	bool link_up;
	u32 speed;			/* SPEED_* */
	u8 duplex;			/* DUPLEX_* */
	/* Under RTNL: */
	struct vmbnet_config next;	/* a user's change, being asked */
	struct vmbnet_config sent;	/* the request in flight's value */
	struct vmbnet_config acked;	/* what the endpoint last took */
	unsigned long acked_valid;	/* BIT(VMBNET_CFG_*) */
	unsigned long dirty;		/* settings still to send */
	unsigned long pushing;		/* the agreement's push: no carrier yet */
	unsigned long reverting;	/* undoing a refusal: nothing to send */
	struct delayed_work watchdog;	/* logs a request long unanswered */
	atomic64_t requests;
	atomic64_t refused;
	atomic64_t timeouts;
	atomic64_t reverted;
	atomic64_t bad;			/* bad messages from the endpoint */
};

/* Service task events: work that needs RTNL, asked for from any context.
 * The endpoint's are endpoint.c's, the control protocol's control.c's.
 */
enum vmbnet_event {
	VMBNET_EV_DETACH,		/* the transport let go (rescind) */
	VMBNET_EV_RESET,		/* a queue broke the ring protocol */
	VMBNET_EV_QUEUES,		/* rings of more queues arrived */
	VMBNET_EV_OFFER,		/* an OFFER to agree on */
	VMBNET_EV_LINK,			/* the endpoint's link status changed */
	VMBNET_EV_RX_MODE,		/* the rx filter changed */
	VMBNET_EV_CTL,			/* an answer to act on, settings to send */
	VMBNET_EV_VF,			/* a VF joined: set it up */
};

/* What went through the VF, per CPU (vf.c). */
struct vmbnet_vf_stats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t tx_dropped;
	struct u64_stats_sync syncp;
};

enum vmbnet_vf_stat {
	VMBNET_VF_RX_PACKETS,
	VMBNET_VF_RX_BYTES,
	VMBNET_VF_TX_PACKETS,
	VMBNET_VF_TX_BYTES,
	VMBNET_VF_TX_DROPPED,
	VMBNET_VF_STATS
};

struct vmbnet_priv {
	struct net_device *dev;
	/* Stable id for bus-info; ifindex changes across netns moves. */
	int id;
	u32 msg_enable;
	struct vmbnet_endpoint __rcu *ep;
	/* Agreed with the endpoint, and kept when it goes until the next
	 * one agrees: offloads and the MTU range do not flap meanwhile.
	 */
	u64 features;
	u32 want_mtu;			/* the user's, while the endpoint's is less */
	bool mtu_fitting;		/* dev_set_mtu() is ours, not the user's */
	unsigned int max_queues;	/* queue pairs the device has */
	unsigned int want_queues;	/* ethtool -L: kept across endpoints */
	unsigned int num_queues;	/* in use with the endpoint */
	unsigned int ep_queues;		/* with the endpoint's rings set up */
	u32 ring_size;			/* ethtool -G: for the next attach */
	bool running;			/* endpoint attached: NAPI serves its rings */
	bool tx_ready;			/* running and agreed: xmit may send */
	bool notify_peers;		/* carrier came: tell them (queues.c) */
	unsigned long hold_since;	/* jiffies: the endpoint went */
	unsigned long hold_until;	/* jiffies: carrier held for an endpoint */
	unsigned long events;		/* VMBNET_EV_* */
	struct delayed_work service;
	struct vmbnet_ctl ctl;
	struct vmbnet_rss rss;
	u32 want_hash_types;		/* ethtool -N: kept across endpoints */
	bool lro_refused;		/* this endpoint said no to RSC */
	/* Largest frame the rings take, and room kept free for one. */
	u32 max_frame;
	u32 tx_thresh;
	struct vmbnet_queue *queues;
	/* The VF, under RTNL; xmit reads it under RCU-bh. */
	struct net_device __rcu *vf;
	netdevice_tracker vf_tracker;
	bool want_vf;			/* data_path: the user chose "vf" */
	bool vf_path;			/* tx goes through the VF */
	struct vmbnet_vf_stats __percpu *vf_stats;
	struct bpf_prog __rcu *xdp_prog;
};

static inline bool vmbnet_ready(const struct vmbnet_priv *priv)
{
	return READ_ONCE(priv->ctl.state) == VMBNET_CTL_READY;
}

/* netdev.c */
extern struct rtnl_link_ops vmbnet_link_ops;
bool vmbnet_is_vmbnet(const struct net_device *dev);
void vmbnet_update_features(struct vmbnet_priv *priv);
void vmbnet_update_mtu_range(struct vmbnet_priv *priv);
void vmbnet_fit_mtu(struct vmbnet_priv *priv);
#if IS_ENABLED(CONFIG_KUNIT)
int vmbnet_check_queues(const struct nlattr *attr,
			struct netlink_ext_ack *extack);
int vmbnet_check_mac(const struct nlattr *attr, struct netlink_ext_ack *extack);
int vmbnet_validate(struct nlattr *tb[], struct nlattr *data[],
		    struct netlink_ext_ack *extack);
unsigned int vmbnet_default_queues(void);
#endif

/* endpoint.c: the transport API's side in the device, the service task. */
void vmbnet_detach_locked(struct vmbnet_priv *priv, bool restart);
void vmbnet_signal(struct vmbnet_queue *q);
void vmbnet_queue_broken(struct vmbnet_queue *q, const char *what);
void vmbnet_schedule(struct vmbnet_priv *priv, enum vmbnet_event ev);
void vmbnet_service(struct work_struct *work);

/* queues.c: how many queues, their start and stop, the carrier. */
unsigned int vmbnet_queues_max(const struct vmbnet_priv *priv);
unsigned int vmbnet_queues_wanted(const struct vmbnet_priv *priv);
int vmbnet_queues_apply(struct vmbnet_priv *priv);
void vmbnet_queues_update(struct vmbnet_priv *priv);
int vmbnet_queues_attach(struct vmbnet_priv *priv, struct vmbnet_endpoint *ep);
void vmbnet_queues_start(struct vmbnet_priv *priv);
void vmbnet_queues_detach(struct vmbnet_priv *priv);
void vmbnet_queues_release(struct vmbnet_priv *priv);
void vmbnet_carrier_update(struct vmbnet_priv *priv);
void vmbnet_carrier_hold_check(struct vmbnet_priv *priv);
void vmbnet_tx_set_ready(struct vmbnet_priv *priv, bool ready);
void vmbnet_carrier_event(struct vmbnet_priv *priv, unsigned long event);

/* control.c: the control protocol's driver side. */
void vmbnet_ctl_init(struct vmbnet_priv *priv);
void vmbnet_ctl_attached(struct vmbnet_priv *priv);
void vmbnet_ctl_detached(struct vmbnet_priv *priv);
void vmbnet_ctl_rx(struct vmbnet_queue *q, u16 type, const u8 *data, u32 len);
void vmbnet_ctl_service(struct vmbnet_priv *priv);
void vmbnet_ctl_exit(void);
int vmbnet_ctl_set_value(struct vmbnet_priv *priv, enum vmbnet_cfg cfg,
			 u32 value);
int vmbnet_ctl_set_mac(struct vmbnet_priv *priv, const u8 *mac);
int vmbnet_ctl_set_lro(struct vmbnet_priv *priv, bool on);
int vmbnet_ctl_set_rss(struct vmbnet_priv *priv, const struct vmbnet_rss *rss);
void vmbnet_ctl_update(struct vmbnet_priv *priv, enum vmbnet_cfg cfg);
bool vmbnet_ctl_pushing(const struct vmbnet_priv *priv);
const char *vmbnet_ctl_name(u16 type);
u32 vmbnet_ctl_version(const struct vmbnet_ctl_offer *o);
#if IS_ENABLED(CONFIG_KUNIT)
int vmbnet_ctl_errno(u32 status);
#endif

/* rss.c */
void vmbnet_rss_init(struct vmbnet_priv *priv);
void vmbnet_rss_set_default_indir(struct vmbnet_rss *rss, unsigned int queues);
u64 vmbnet_rss_get_flow_hash(u32 hash_types, u32 flow_type);
int vmbnet_rss_set_flow_hash(u32 *hash_types, u32 flow_type, u64 fields);

/* tx.c */
netdev_tx_t vmbnet_start_xmit(struct sk_buff *skb, struct net_device *dev);
void vmbnet_tx_signal(struct vmbnet_queue *q);
bool vmbnet_tx_complete(struct vmbnet_queue *q, u32 *bytes);
int vmbnet_tx_frame(struct vmbnet_queue *q, struct netdev_queue *txq,
		    const void *data, u32 len);
void vmbnet_tx_batch_end(struct vmbnet_queue *q, struct netdev_queue *txq,
			 bool kick);

/* rx.c */
enum vmbnet_rx_drop {
	VMBNET_RX_DROPPED,
	VMBNET_RX_BAD_HEADER,
	VMBNET_RX_LENGTH,
};

int vmbnet_poll(struct napi_struct *napi, int budget);
struct page_pool *vmbnet_queue_pool(struct vmbnet_queue *q, unsigned int flags,
				    unsigned int order, unsigned int size);
int vmbnet_rx_pool_create(struct vmbnet_queue *q);
void vmbnet_rx_pool_destroy(struct vmbnet_queue *q);
void vmbnet_rx_count_drop(struct vmbnet_queue *q, enum vmbnet_rx_drop why);

/* xdp.c: frames that fit one page behind XDP's headroom, with room for
 * the skb's shared info.
 */
#define VMBNET_XDP_MAX_FRAME	(PAGE_SIZE - XDP_PACKET_HEADROOM - \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
#define VMBNET_XDP_MAX_MTU	(VMBNET_XDP_MAX_FRAME - VLAN_ETH_HLEN)

int vmbnet_xdp(struct net_device *dev, struct netdev_bpf *bpf);
int vmbnet_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		    u32 flags);
int vmbnet_xdp_queue_init(struct vmbnet_queue *q);
void vmbnet_xdp_queue_exit(struct vmbnet_queue *q);
struct sk_buff *vmbnet_xdp_rx(struct vmbnet_queue *q, struct vmbnet_xdp_poll *xp,
			      struct virtio_net_hdr *vh, const u8 *frame, u32 len);
void vmbnet_xdp_poll_end(struct vmbnet_queue *q, struct vmbnet_xdp_poll *xp);

/* offload.c */
netdev_features_t vmbnet_hw_features(u64 features);
u64 vmbnet_guest_offloads(u64 features, bool lro);
bool vmbnet_rsc_stoppable(u64 features);
u32 vmbnet_rx_hdr_len(u16 type);
int vmbnet_rx_hash_type(u16 report, enum pkt_hash_types *type);
int vmbnet_rx_hdr_check(const struct virtio_net_hdr_mrg_rxbuf *vh,
			u32 frame_len, u64 features);
bool vmbnet_rx_gso_proto_ok(const struct sk_buff *skb, u8 gso_type);

/* ethtool.c: one queue's counters, in this order (ethtool -S's too). */
enum vmbnet_queue_stat {
	VMBNET_STAT_TX_PACKETS,
	VMBNET_STAT_TX_BYTES,
	VMBNET_STAT_TX_DROPPED,
	VMBNET_STAT_TX_KICKS,
	VMBNET_STAT_TX_RING_FULL,
	VMBNET_STAT_TX_DETACH_LOST,
	VMBNET_STAT_TX_XDP_XMIT,
	VMBNET_STAT_TX_XDP_XMIT_ERRORS,
	VMBNET_STAT_RX_PACKETS,
	VMBNET_STAT_RX_BYTES,
	VMBNET_STAT_RX_DROPPED,
	VMBNET_STAT_RX_BAD_HEADER,
	VMBNET_STAT_RX_RING_ERRORS,
	VMBNET_STAT_RX_LENGTH_ERRORS,
	VMBNET_STAT_RX_POLLS,
	VMBNET_STAT_RX_EMPTY_POLLS,
	VMBNET_STAT_RX_POLL_FRAMES,
	VMBNET_STAT_RX_KICKS = VMBNET_STAT_RX_POLL_FRAMES + VMBNET_POLL_BUCKETS,
	VMBNET_STAT_RX_DETACH_LOST,
	VMBNET_STAT_RX_XDP_DROP,
	VMBNET_STAT_RX_XDP_PASS,
	VMBNET_STAT_RX_XDP_TX,
	VMBNET_STAT_RX_XDP_REDIRECT,
	VMBNET_STAT_RX_XDP_ABORTED,
	VMBNET_Q_STATS
};

extern const struct ethtool_ops vmbnet_ethtool_ops;
void vmbnet_queue_stats(const struct vmbnet_queue *q, u64 *out);

/* vf.c */
int vmbnet_vf_init(void);
void vmbnet_vf_exit(void);
netdev_tx_t vmbnet_vf_xmit(struct vmbnet_priv *priv, struct net_device *vf,
			   struct sk_buff *skb);
void vmbnet_vf_stats(const struct vmbnet_priv *priv, u64 *out);
void vmbnet_vf_service(struct vmbnet_priv *priv);
void vmbnet_vf_release(struct vmbnet_priv *priv);
int vmbnet_vf_set_path(struct vmbnet_priv *priv, bool vf);
void vmbnet_vf_follow_state(struct vmbnet_priv *priv, bool up);

/* sysfs.c */
extern const struct attribute_group vmbnet_sysfs_group;

#endif /* _VMBNET_H */
