// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * unit: libvmbnet's logic in user space, no kernel needed. An endpoint is
 * built by hand in memory, its rings over memfd pages mapped as attach.c
 * maps a queue's, and this file plays the driver on their other side.
 *
 *   unit [NAME...]	run the cases whose names contain a NAME (default: all)
 *
 * Prints "ok N name" or "not ok N name" for each case, after the checks
 * that failed ("#" lines), then "P passed, F failed"; exits 1 on a failure.
 */

#define _GNU_SOURCE		/* memfd_create, pipe2 */
#include <arpa/inet.h>
#include <asm/byteorder.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libvmbnet.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The checks: a failed one is printed and counted against its case. */

static unsigned int fails;	/* in the running case */
static const char *ctx;		/* what a table-driven case is at */
static char ctx_buf[128];

static bool check(bool ok, int line, const char *what)
{
	/* A loop can fail thousands of times: the first few say enough. */
	if (!ok && fails++ < 10)
		printf("#   line %d%s%s: %s\n", line, ctx ? ", " : "", ctx ? ctx : "", what);
	return ok;
}

static bool check_eq(long long got, long long want, int line, const char *what)
{
	if (got != want && fails++ < 10)
		printf("#   line %d%s%s: %s: got %lld (%#llx), want %lld (%#llx)\n", line,
		       ctx ? ", " : "", ctx ? ctx : "", what, got, (unsigned long long)got,
		       want, (unsigned long long)want);
	return got == want;
}

#define EXPECT(cond)		check(cond, __LINE__, #cond)
#define EXPECT_EQ(got, want)	check_eq(got, want, __LINE__, #got " == " #want)

static u64 rng;

/* xorshift64*: the same numbers on every run. */
static u32 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 0x2545f4914f6cdd1dULL) >> 32;
}

static u8 *put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
	return p + 2;
}

/* 1. Toeplitz: Microsoft's "Verifying the RSS Hash Calculation". */

static const u8 ms_key[VMBNET_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct rss_vector {
	const char *src, *dst;	/* the table's columns are destination, source */
	u16 sport, dport;
	u32 l3_hash;		/* over the addresses */
	u32 l4_hash;		/* over addresses and ports (TCP) */
};

static const struct rss_vector ms_ipv4[] = {
	{ "66.9.149.187", "161.142.100.80", 2794, 1766, 0x323e8fc2, 0x51ccc178 },
	{ "199.92.111.2", "65.69.140.83", 14230, 4739, 0xd718262a, 0xc626b0ea },
	{ "24.19.198.95", "12.22.207.184", 12898, 38024, 0xd2d0a5de, 0x5c2b394a },
	{ "38.27.205.30", "209.142.163.6", 48228, 2217, 0x82989176, 0xafc7327f },
	{ "153.39.163.191", "202.188.127.2", 44251, 1303, 0x5d1809c5, 0x10e828a2 },
};

static const struct rss_vector ms_ipv6[] = {
	{ "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766,
	  0x2cc18cd5, 0x40207d3d },
	{ "3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 14230, 4739,
	  0x0f0c461c, 0xdde51bbf },
	{ "3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf", 44251, 38024,
	  0x4b61e985, 0x02d1feef },
};

/*
 * A vector's RSS input as the spec orders it: source address, destination
 * address, source port, destination port. Returns the addresses' length.
 */
static u32 vector_input(const struct rss_vector *v, u8 *in)
{
	int af = strchr(v->src, ':') ? AF_INET6 : AF_INET;
	u32 n = af == AF_INET6 ? 16 : 4;

	EXPECT(inet_pton(af, v->src, in) == 1 && inet_pton(af, v->dst, in + n) == 1);
	put16(in + 2 * n, v->sport);
	put16(in + 2 * n + 2, v->dport);
	return 2 * n;
}

static void check_vectors(const struct rss_vector *v, unsigned int count,
			  const u32 table[][256])
{
	u8 in[VMBNET_RSS_INPUT_MAX];
	unsigned int i;
	u32 n;

	for (i = 0; i < count; i++, v++) {
		ctx = v->src;
		n = vector_input(v, in);
		EXPECT_EQ(vmbnet_toeplitz(ms_key, sizeof(ms_key), in, n), v->l3_hash);
		EXPECT_EQ(vmbnet_toeplitz(ms_key, sizeof(ms_key), in, n + 4), v->l4_hash);
		EXPECT_EQ(vmbnet_rss_table_hash(table, in, n), v->l3_hash);
		EXPECT_EQ(vmbnet_rss_table_hash(table, in, n + 4), v->l4_hash);
	}
	ctx = NULL;
}

static void test_toeplitz_vectors(void)
{
	static u32 table[VMBNET_RSS_INPUT_MAX][256];

	/* The key a driver gets until it sets one is the spec's. */
	EXPECT(!memcmp(vmbnet_rss_default_key, ms_key, sizeof(ms_key)));
	vmbnet_rss_table_build(table, ms_key);
	check_vectors(ms_ipv4, ARRAY_SIZE(ms_ipv4), table);
	check_vectors(ms_ipv6, ARRAY_SIZE(ms_ipv6), table);
}

/* The per-byte table against the bitwise reference: any key, any length. */
static void test_toeplitz_table_random(void)
{
	static u32 table[VMBNET_RSS_INPUT_MAX][256];
	u8 key[VMBNET_RSS_KEY_SIZE], in[VMBNET_RSS_INPUT_MAX];
	unsigned int k, i, j, n;

	rng = 0x9e3779b97f4a7c15ULL;
	for (k = 0; k < 40; k++) {
		for (j = 0; j < sizeof(key); j++)
			key[j] = k == 0 ? 0xff : rnd();
		vmbnet_rss_table_build(table, key);
		for (i = 0; i < 100; i++) {
			n = rnd() % (VMBNET_RSS_INPUT_MAX + 1);
			for (j = 0; j < n; j++)
				in[j] = i == 0 ? 0xff : rnd();
			EXPECT_EQ(vmbnet_rss_table_hash(table, in, n),
				  vmbnet_toeplitz(key, sizeof(key), in, n));
		}
	}
}

/* 2. Frames for RSS, built by hand. */

#define FRAME_MAX	256

static const u8 mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const u8 mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };

/* An IPv6 extension header: its type and its length in bytes. */
struct ext_hdr {
	u8 type;
	u8 len;
};

struct frame_spec {
	const char *what;
	u16 tpid[2];		/* VLAN tags' TPIDs, outer first; 0: none */
	u16 ethertype;
	u8 proto;		/* the transport protocol */
	u8 ihl;			/* IPv4: header words; 0: 5 */
	u16 frag;		/* IPv4: flags and fragment offset */
	struct ext_hdr ext[8];	/* IPv6: extension headers, up to a len of 0 */
	bool ip;		/* vmbnet_rss_parse() says IP */
	u32 l4_type;		/* ...with ports of this type; 0: addresses only */
};

#define EXT(t, l)	{ .type = IPPROTO_##t, .len = (l) }

static const struct frame_spec frames[] = {
	{ .what = "ipv4 tcp", .ethertype = ETH_P_IP, .proto = IPPROTO_TCP,
	  .ip = true, .l4_type = VMBNET_HASH_TCP_IPV4 },
	{ .what = "ipv4 udp", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
	  .ip = true, .l4_type = VMBNET_HASH_UDP_IPV4 },
	{ .what = "ipv4 tcp DF", .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .frag = 0x4000,
	  .ip = true, .l4_type = VMBNET_HASH_TCP_IPV4 },
	{ .what = "ipv4 options (ihl 6)", .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .ihl = 6,
	  .ip = true, .l4_type = VMBNET_HASH_TCP_IPV4 },
	{ .what = "ipv4 options (ihl 15)", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .ihl = 15,
	  .ip = true, .l4_type = VMBNET_HASH_UDP_IPV4 },
	{ .what = "ipv4 ihl 4", .ethertype = ETH_P_IP, .proto = IPPROTO_TCP, .ihl = 4 },
	{ .what = "vlan ipv4 tcp", .tpid = { ETH_P_8021Q }, .ethertype = ETH_P_IP,
	  .proto = IPPROTO_TCP, .ip = true, .l4_type = VMBNET_HASH_TCP_IPV4 },
	{ .what = "qinq outer tag ipv4 udp", .tpid = { ETH_P_8021AD }, .ethertype = ETH_P_IP,
	  .proto = IPPROTO_UDP, .ip = true, .l4_type = VMBNET_HASH_UDP_IPV4 },
	{ .what = "two tags ipv4", .tpid = { ETH_P_8021AD, ETH_P_8021Q }, .ethertype = ETH_P_IP,
	  .proto = IPPROTO_TCP },
	{ .what = "ipv4 first fragment", .ethertype = ETH_P_IP, .proto = IPPROTO_TCP,
	  .frag = 0x2000, .ip = true },
	{ .what = "ipv4 middle fragment", .ethertype = ETH_P_IP, .proto = IPPROTO_TCP,
	  .frag = 0x2000 | 185, .ip = true },
	{ .what = "ipv4 last fragment", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
	  .frag = 185, .ip = true },
	{ .what = "ipv4 fragment, offset 0x1000", .ethertype = ETH_P_IP, .proto = IPPROTO_UDP,
	  .frag = 0x1000, .ip = true },
	{ .what = "ipv4 icmp", .ethertype = ETH_P_IP, .proto = IPPROTO_ICMP, .ip = true },
	{ .what = "ipv6 tcp", .ethertype = ETH_P_IPV6, .proto = IPPROTO_TCP,
	  .ip = true, .l4_type = VMBNET_HASH_TCP_IPV6 },
	{ .what = "ipv6 udp", .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP,
	  .ip = true, .l4_type = VMBNET_HASH_UDP_IPV6 },
	{ .what = "vlan ipv6 tcp", .tpid = { ETH_P_8021Q }, .ethertype = ETH_P_IPV6,
	  .proto = IPPROTO_TCP, .ip = true, .l4_type = VMBNET_HASH_TCP_IPV6 },
	{ .what = "ipv6 hop-by-hop, dstopts, routing", .ethertype = ETH_P_IPV6,
	  .proto = IPPROTO_TCP,
	  .ext = { EXT(HOPOPTS, 8), EXT(DSTOPTS, 16), EXT(ROUTING, 24) },
	  .ip = true, .l4_type = VMBNET_HASH_TCP_IPV6 },
	{ .what = "ipv6 ah", .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP,
	  .ext = { EXT(AH, 24) }, .ip = true, .l4_type = VMBNET_HASH_UDP_IPV6 },
	{ .what = "ipv6 seven extension headers", .ethertype = ETH_P_IPV6, .proto = IPPROTO_TCP,
	  .ext = { EXT(HOPOPTS, 8), EXT(DSTOPTS, 8), EXT(ROUTING, 8), EXT(DSTOPTS, 8),
		   EXT(DSTOPTS, 8), EXT(DSTOPTS, 8), EXT(DSTOPTS, 8) },
	  .ip = true, .l4_type = VMBNET_HASH_TCP_IPV6 },
	/* The chain is followed so far and no further: addresses only. */
	{ .what = "ipv6 eight extension headers", .ethertype = ETH_P_IPV6, .proto = IPPROTO_TCP,
	  .ext = { EXT(HOPOPTS, 8), EXT(DSTOPTS, 8), EXT(ROUTING, 8), EXT(DSTOPTS, 8),
		   EXT(DSTOPTS, 8), EXT(DSTOPTS, 8), EXT(DSTOPTS, 8), EXT(DSTOPTS, 8) },
	  .ip = true },
	{ .what = "ipv6 fragment", .ethertype = ETH_P_IPV6, .proto = IPPROTO_TCP,
	  .ext = { EXT(FRAGMENT, 8) }, .ip = true },
	{ .what = "ipv6 dstopts, fragment", .ethertype = ETH_P_IPV6, .proto = IPPROTO_UDP,
	  .ext = { EXT(DSTOPTS, 8), EXT(FRAGMENT, 8) }, .ip = true },
	{ .what = "ipv6 icmpv6", .ethertype = ETH_P_IPV6, .proto = IPPROTO_ICMPV6, .ip = true },
	{ .what = "arp", .ethertype = ETH_P_ARP },
	{ .what = "vlan arp", .tpid = { ETH_P_8021Q }, .ethertype = ETH_P_ARP },
};

/* A frame as built: where its layers are. */
struct frame {
	u8 b[FRAME_MAX];
	u32 len;
	u32 l3_end;		/* where the IP header (IPv6: its fixed part) ends */
	u32 l4;			/* where the ports are */
	const struct rss_vector *v;	/* its addresses and ports */
};

/* The frames of a flow of the first vector of its family. */
static void build_frame(const struct frame_spec *s, struct frame *f)
{
	const bool v6 = s->ethertype == ETH_P_IPV6;
	const struct ext_hdr *e;
	u8 in[VMBNET_RSS_INPUT_MAX], *p = f->b, *ip, *next;
	unsigned int i, ihl = s->ihl ? s->ihl : 5;
	u32 n;

	memset(f, 0, sizeof(*f));
	f->v = v6 ? &ms_ipv6[0] : &ms_ipv4[0];
	n = vector_input(f->v, in);
	memcpy(p, mac_a, 6);
	memcpy(p + 6, mac_b, 6);
	p += 12;
	for (i = 0; i < ARRAY_SIZE(s->tpid) && s->tpid[i]; i++) {
		p = put16(p, s->tpid[i]);
		p = put16(p, 100 + i);		/* the VLAN id */
	}
	p = put16(p, s->ethertype);
	ip = p;
	if (s->ethertype == ETH_P_IP) {
		ip[0] = 0x40 | ihl;
		put16(ip + 6, s->frag);
		ip[8] = 64;
		ip[9] = s->proto;
		memcpy(ip + 12, in, n);
		p += 4 * (ihl > 5 ? ihl : 5);
		memset(ip + 20, 1, p - ip - 20);	/* NOP options */
		f->l3_end = p - f->b;
	} else if (v6) {
		ip[0] = 0x60;
		ip[7] = 64;
		memcpy(ip + 8, in, n);
		p += 40;
		f->l3_end = p - f->b;
		next = ip + 6;
		for (e = s->ext; e < s->ext + ARRAY_SIZE(s->ext) && e->len; e++) {
			*next = e->type;
			next = p;
			if (e->type == IPPROTO_AH)
				p[1] = e->len / 4 - 2;
			else if (e->type != IPPROTO_FRAGMENT)
				p[1] = e->len / 8 - 1;
			p += e->len;
		}
		*next = s->proto;
	} else {
		f->len = p + 28 - f->b;		/* an ARP body: never looked at */
		return;
	}
	f->l4 = p - f->b;
	memcpy(p, in + n, 4);
	p += 20 + 8;		/* a TCP header's worth, and a little payload */
	f->len = p - f->b;
	if (v6)
		put16(ip + 4, p - ip - 40);
	else
		put16(ip + 2, p - ip);
}

static const struct frame_spec *frame_spec(const char *what)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(frames); i++)
		if (!strcmp(frames[i].what, what))
			return &frames[i];
	printf("# no frame \"%s\"\n", what);
	exit(1);
}

/*
 * What vmbnet_rss_parse() must make of the first len bytes of f: the
 * addresses once the IP header is all there, the ports once they are.
 */
static void expect_parse(const struct frame_spec *s, const struct frame *f,
			 const u8 *p, u32 len, bool full)
{
	bool ip = s->ip && len >= f->l3_end;
	bool ports = ip && s->l4_type && len >= f->l4 + 4;
	const bool v6 = s->ethertype == ETH_P_IPV6;
	struct vmbnet_rss_input in;
	u8 want[VMBNET_RSS_INPUT_MAX];
	u32 n = vector_input(f->v, want);

	if (!EXPECT_EQ(vmbnet_rss_parse(p, len, &in), ip) || !ip)
		return;
	EXPECT_EQ(in.l3_len, n);
	EXPECT_EQ(in.l3_type, v6 ? VMBNET_HASH_IPV6 : VMBNET_HASH_IPV4);
	EXPECT(!memcmp(in.data, want, n));
	EXPECT_EQ(in.l4_len, ports ? n + 4 : 0);
	EXPECT_EQ(in.l4_type, ports ? s->l4_type : 0);
	if (ports)
		EXPECT(!memcmp(in.data, want, n + 4));
	if (!full)
		return;
	/* The input hashes to the published values. */
	EXPECT_EQ(vmbnet_toeplitz(ms_key, sizeof(ms_key), in.data, in.l3_len), f->v->l3_hash);
	if (ports)
		EXPECT_EQ(vmbnet_toeplitz(ms_key, sizeof(ms_key), in.data, in.l4_len),
			  f->v->l4_hash);
}

/*
 * The IP header's length, not the frame's, says where the packet ends:
 * bytes past it (Ethernet padding) are no ports. 0 is no length (IPv6: a
 * jumbogram's is elsewhere), and the frame's end counts.
 */
static void test_rss_parse_padding(void)
{
	static const struct { const char *frame; u16 len; bool ports; } cases[] = {
		{ "ipv4 tcp", 20, false },	/* the header alone */
		{ "ipv4 tcp", 23, false },	/* three bytes of ports */
		{ "ipv4 tcp", 24, true },
		{ "ipv4 udp", 0, true },	/* below the header: ignored */
		{ "ipv6 tcp", 3, false },
		{ "ipv6 tcp", 4, true },
		{ "ipv6 tcp", 0, true },
	};
	struct vmbnet_rss_input in;
	struct frame f;
	unsigned int i, l3;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ctx = cases[i].frame;
		build_frame(frame_spec(cases[i].frame), &f);
		/* Where the IP header starts: right behind the EtherType. */
		l3 = 14;
		put16(f.b + l3 + (f.b[l3] >> 4 == 4 ? 2 : 4), cases[i].len);
		EXPECT(vmbnet_rss_parse(f.b, f.len, &in));
		EXPECT_EQ(!!in.l4_len, cases[i].ports);
	}
	ctx = NULL;
}

static void test_rss_parse(void)
{
	struct frame f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(frames); i++) {
		ctx = frames[i].what;
		build_frame(&frames[i], &f);
		expect_parse(&frames[i], &f, f.b, f.len, true);
	}
	ctx = NULL;
}

/*
 * Every prefix of every frame, each in a buffer of its own exact size: under
 * ASan a read past the end is caught, and no prefix may claim what it lacks.
 */
static void test_rss_parse_truncated(void)
{
	struct frame f;
	unsigned int i;
	u32 len;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(frames); i++) {
		build_frame(&frames[i], &f);
		for (len = 0; len <= f.len; len++) {
			snprintf(ctx_buf, sizeof(ctx_buf), "%s, %u bytes", frames[i].what, len);
			ctx = ctx_buf;
			p = malloc(len ? len : 1);
			if (!EXPECT(p))
				break;
			memcpy(p, f.b, len);
			expect_parse(&frames[i], &f, p, len, false);
			free(p);
		}
	}
	ctx = NULL;
}

/* An endpoint in memory, with real rings: see fx_setup(). */

#define RING_SIZE	(64U << 10)
#define NQ_MAX		4

/* One ring's memory as attach.c maps it: control page, data, data again. */
struct ring_mem {
	u8 *base;
	size_t len;
	struct vmbnet_ring_ctrl *ctrl;
	u8 *data;
};

static struct {
	struct vmbnet_endpoint *ep;
	unsigned int nq;
	struct ring_mem out[NQ_MAX];	/* driver to endpoint */
	struct ring_mem in[NQ_MAX];	/* endpoint to driver */
	struct vmbnet_ring drv_w[NQ_MAX];	/* the driver writing out[] */
	struct vmbnet_ring drv_r[NQ_MAX];	/* the driver reading in[] */
	int kicks[NQ_MAX];		/* read end of the queue's "fd" */
	u32 seq;			/* the driver's last request */
} fx;

static bool ring_mem_map(struct ring_mem *m)
{
	size_t ps = sysconf(_SC_PAGESIZE);
	bool ok;
	int fd;

	m->len = ps + 2 * RING_SIZE;
	m->base = mmap(NULL, m->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!EXPECT(m->base != MAP_FAILED)) {
		m->base = NULL;
		return false;
	}
	fd = memfd_create("vmbnet-unit", MFD_CLOEXEC);
	if (!EXPECT(fd >= 0))
		return false;
	ok = EXPECT(!ftruncate(fd, ps + RING_SIZE)) &&
	     EXPECT(mmap(m->base, ps + RING_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED) &&
	     EXPECT(mmap(m->base + ps + RING_SIZE, RING_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, ps) != MAP_FAILED);
	close(fd);
	m->ctrl = (void *)m->base;
	m->data = m->base + ps;
	return ok;
}

static void fx_teardown(void)
{
	struct vmbnet_endpoint *ep = fx.ep;
	unsigned int i;

	for (i = 0; i < NQ_MAX; i++) {
		if (fx.out[i].base)
			munmap(fx.out[i].base, fx.out[i].len);
		if (fx.in[i].base)
			munmap(fx.in[i].base, fx.in[i].len);
		if (fx.kicks[i] >= 0)
			close(fx.kicks[i]);
	}
	if (!ep)
		return;
	for (i = 0; ep->queues && i < fx.nq; i++) {
		if (ep->queues[i].fd >= 0)
			close(ep->queues[i].fd);
		pthread_mutex_destroy(&ep->queues[i].tx.lock);
	}
	free(ep->queues);
	pthread_mutex_destroy(&ep->ctl_lock);
	free(ep);
	fx.ep = NULL;
}

/*
 * nq queues as vmbnet_attach() leaves them, but over memfd pages: each ring
 * mapped control page, data, data again; the queue's fd a non-blocking pipe
 * (a kick is a 4-byte write, which an eventfd would refuse). The offer is
 * vmbnet_config_init()'s.
 */
static bool fx_setup(unsigned int nq)
{
	struct vmbnet_endpoint *ep;
	struct vmbnet_queue *q;
	unsigned int i;
	void *mem = NULL;
	int p[2];

	memset(&fx, 0, sizeof(fx));
	for (i = 0; i < NQ_MAX; i++)
		fx.kicks[i] = -1;
	fx.nq = nq;
	ep = calloc(1, sizeof(*ep));
	if (!EXPECT(ep))
		return false;
	fx.ep = ep;
	ep->fd = -1;
	snprintf(ep->ifname, sizeof(ep->ifname), "unit0");
	vmbnet_config_init(&ep->cfg);
	ep->cfg.max_queues = nq;
	ep->max_queues = nq;
	ep->num_queues = nq;
	ep->ring_size = RING_SIZE;
	ep->state.link = ep->cfg.link;
	ep->state.speed = ep->cfg.speed;
	ep->state.duplex = ep->cfg.duplex;
	pthread_mutex_init(&ep->ctl_lock, NULL);
	if (!EXPECT(!posix_memalign(&mem, 64, nq * sizeof(*ep->queues))))
		return false;
	ep->queues = mem;
	memset(ep->queues, 0, nq * sizeof(*ep->queues));
	for (i = 0; i < nq; i++) {
		q = &ep->queues[i];
		q->fd = -1;
		q->rx.ep = ep;
		q->rx.index = i;
		q->tx.ep = ep;
		q->tx.index = i;
		pthread_mutex_init(&q->tx.lock, NULL);
	}
	for (i = 0; i < nq; i++) {
		q = &ep->queues[i];
		if (!EXPECT(!pipe2(p, O_NONBLOCK | O_CLOEXEC)))
			return false;
		fx.kicks[i] = p[0];
		q->fd = p[1];
		if (!ring_mem_map(&fx.out[i]) || !ring_mem_map(&fx.in[i]))
			return false;
		vmbnet_ring_init(&q->rx.ring, fx.out[i].ctrl, fx.out[i].data, RING_SIZE);
		vmbnet_ring_init(&q->tx.ring, fx.in[i].ctrl, fx.in[i].data, RING_SIZE);
		vmbnet_ring_init(&fx.drv_w[i], fx.out[i].ctrl, fx.out[i].data, RING_SIZE);
		vmbnet_ring_init(&fx.drv_r[i], fx.in[i].ctrl, fx.in[i].data, RING_SIZE);
		/* Both writers ask for room by pending_send_sz. */
		fx.out[i].ctrl->feature_bits = cpu_to_le32(VMBNET_RING_F_PENDING_SEND_SZ);
		fx.in[i].ctrl->feature_bits = cpu_to_le32(VMBNET_RING_F_PENDING_SEND_SZ);
	}
	vmbnet_state_reset(ep);
	return true;
}

/* The kicks the endpoint gave queue q since last asked. */
static unsigned int kicks(unsigned int q)
{
	unsigned int n = 0;
	u32 k[16];
	ssize_t got;

	while ((got = read(fx.kicks[q], k, sizeof(k))) > 0) {
		EXPECT_EQ(got % 4, 0);
		n += got / 4;
	}
	return n;
}

/* The driver: a message into queue q's outbound ring, claiming len bytes. */
static bool drv_write_raw(unsigned int q, u16 type, u32 len, const void *body, u32 size)
{
	struct vmbnet_ring *r = &fx.drv_w[q];
	struct vmbnet_msg_hdr *mh;
	u32 free;
	int err;

	if (!EXPECT_EQ(vmbnet_ring_free(r, &free), 0))
		return false;
	mh = vmbnet_ring_reserve(r, sizeof(*mh) + size, &err);
	if (!EXPECT(mh))
		return false;
	mh->type = cpu_to_le16(type);
	mh->reserved = 0;
	mh->len = cpu_to_le32(len);
	memcpy(mh + 1, body, size);
	vmbnet_ring_commit(r, sizeof(*mh) + size);
	return true;
}

static bool drv_write(unsigned int q, u16 type, const void *body, u32 len)
{
	return drv_write_raw(q, type, len, body, len);
}

/* The driver's next request, numbered as the driver numbers them. */
static void drv_request(unsigned int q, u16 type, union vmbnet_ctl_body *b, u32 len)
{
	b->hdr.seq = cpu_to_le32(++fx.seq);
	drv_write(q, type, b, len);
}

/* A message the endpoint wrote, as the driver reads it. */
struct drv_msg {
	u16 type;
	u32 len;		/* body bytes its header claims */
	u32 size;		/* payload bytes in the ring, padding included */
	union {
		union vmbnet_ctl_body ctl;
		u8 raw[2048];
	} u;
};

/* The next message on queue q's inbound ring; -ENODATA if there is none. */
static int drv_read(unsigned int q, struct drv_msg *m)
{
	struct vmbnet_ring *r = &fx.drv_r[q];
	struct vmbnet_ring_pkt pkt;
	struct vmbnet_msg_hdr mh;
	int err;

	err = vmbnet_ring_peek(r, &pkt);
	if (err)
		return err;
	memset(m, 0, sizeof(*m));
	if (EXPECT(pkt.len >= sizeof(mh))) {
		memcpy(&mh, pkt.payload, sizeof(mh));
		m->type = le16_to_cpu(mh.type);
		m->len = le32_to_cpu(mh.len);
		m->size = pkt.len;
		memcpy(&m->u, pkt.payload + sizeof(mh),
		       min_u32(pkt.len - sizeof(mh), sizeof(m->u)));
	}
	vmbnet_ring_consume(r, &pkt);
	vmbnet_ring_release(r);
	return 0;
}

/* The endpoint reads queue q as an application does: no frames expected. */
static void ep_drain(unsigned int q)
{
	struct vmbnet_rxq *rxq = &fx.ep->queues[q].rx;
	struct vmbnet_frame f;

	EXPECT_EQ(vmbnet_rx_peek(rxq, &f), -ENODATA);
	EXPECT_EQ(vmbnet_rx_release(rxq), 0);
}

#define NO_ANSWER	0xffffffff

/*
 * A request as the driver makes it: written on queue q, read by the
 * endpoint, answered on queue 0 by one STATUS with the request's seq and
 * type and this status (a positive errno, 0, or NO_ANSWER: none at all).
 */
static void do_request(unsigned int q, u16 type, union vmbnet_ctl_body *b, u32 len,
		       u32 status, int line)
{
	struct drv_msg m;

	drv_request(q, type, b, len);
	ep_drain(q);
	if (status == NO_ANSWER) {
		check_eq(drv_read(0, &m), -ENODATA, line, "no answer");
		return;
	}
	if (!check_eq(drv_read(0, &m), 0, line, "an answer"))
		return;
	check_eq(m.type, VMBNET_MSG_STATUS, line, "answer type");
	check_eq(m.len, sizeof(m.u.ctl.status), line, "answer length");
	check_eq(le32_to_cpu(m.u.ctl.status.hdr.seq), fx.seq, line, "answer seq");
	check_eq(le16_to_cpu(m.u.ctl.status.request), type, line, "answer request");
	check_eq(le32_to_cpu(m.u.ctl.status.status), status, line, "answer status");
	check_eq(drv_read(0, &m), -ENODATA, line, "one answer");
}

#define REQUEST(q, type, b, len, status) \
	do_request(q, VMBNET_MSG_##type, b, len, status, __LINE__)

/* Bodies of requests, in a buffer of their own (one at a time). */
static union vmbnet_ctl_body req;

static union vmbnet_ctl_body *value(u32 v)
{
	memset(&req, 0, sizeof(req));
	req.value.value = cpu_to_le32(v);
	return &req;
}

#define REQUEST_VALUE(type, v, status) \
	REQUEST(0, type, value(v), sizeof(struct vmbnet_ctl_value), status)

static union vmbnet_ctl_body *init_body(void)
{
	memset(&req, 0, sizeof(req));
	req.init.version_min = cpu_to_le32(1);
	req.init.version_max = cpu_to_le32(1);
	req.init.features = cpu_to_le64(~0ULL);
	return &req;
}

static union vmbnet_ctl_body *accept_body(u32 version, u64 features)
{
	memset(&req, 0, sizeof(req));
	req.accept.version = cpu_to_le32(version);
	req.accept.features = cpu_to_le64(features);
	return &req;
}

/* INIT answered by an OFFER, then ACCEPT: as the driver brings a device up. */
static void handshake(u64 features, int line)
{
	struct drv_msg m;

	drv_request(0, VMBNET_MSG_INIT, init_body(), sizeof(req.init));
	ep_drain(0);
	check_eq(drv_read(0, &m), 0, line, "an answer to INIT");
	check_eq(m.type, VMBNET_MSG_OFFER, line, "an OFFER");
	do_request(0, VMBNET_MSG_ACCEPT, accept_body(1, features), sizeof(req.accept), 0,
		   line);
}

#define HANDSHAKE(features)	handshake(features, __LINE__)

/* 3. vmbnet_rss(): the queue and hash of a frame to the device. */

/* With the spec's key, so that the hashes are the published ones. */
static const struct rss_case {
	const char *frame;	/* in frames[] */
	bool rss_set;
	u32 types;		/* with rss_set */
	u32 hash;
	u16 report;
} rss_cases[] = {
	{ "ipv4 tcp", false, 0, 0x51ccc178, VIRTIO_NET_HASH_REPORT_TCPv4 },
	{ "ipv4 udp", false, 0, 0x51ccc178, VIRTIO_NET_HASH_REPORT_UDPv4 },
	{ "ipv4 first fragment", false, 0, 0x323e8fc2, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "ipv6 tcp", false, 0, 0x40207d3d, VIRTIO_NET_HASH_REPORT_TCPv6 },
	{ "ipv6 udp", false, 0, 0x40207d3d, VIRTIO_NET_HASH_REPORT_UDPv6 },
	{ "ipv6 icmpv6", false, 0, 0x2cc18cd5, VIRTIO_NET_HASH_REPORT_IPv6 },
	{ "arp", false, 0, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "ipv4 tcp", true, VMBNET_HASH_ALL, 0x51ccc178, VIRTIO_NET_HASH_REPORT_TCPv4 },
	{ "vlan ipv6 tcp", true, VMBNET_HASH_ALL, 0x40207d3d, VIRTIO_NET_HASH_REPORT_TCPv6 },
	{ "ipv6 fragment", true, VMBNET_HASH_ALL, 0x2cc18cd5, VIRTIO_NET_HASH_REPORT_IPv6 },
	{ "vlan arp", true, VMBNET_HASH_ALL, 0, VIRTIO_NET_HASH_REPORT_NONE },
	/* A type not enabled falls back to the addresses, if those are. */
	{ "ipv4 tcp", true, VMBNET_HASH_IPV4 | VMBNET_HASH_IPV6, 0x323e8fc2,
	  VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "ipv6 tcp", true, VMBNET_HASH_IPV4 | VMBNET_HASH_IPV6, 0x2cc18cd5,
	  VIRTIO_NET_HASH_REPORT_IPv6 },
	{ "ipv4 udp", true, VMBNET_HASH_TCP_IPV4 | VMBNET_HASH_IPV4, 0x323e8fc2,
	  VIRTIO_NET_HASH_REPORT_IPv4 },
	/* ...and to no hash at all, queue 0, if those are not either. */
	{ "ipv4 udp", true, VMBNET_HASH_TCP_IPV4, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "ipv4 first fragment", true, VMBNET_HASH_TCP_IPV4, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "ipv6 tcp", true, VMBNET_HASH_TCP_IPV4 | VMBNET_HASH_IPV4, 0,
	  VIRTIO_NET_HASH_REPORT_NONE },
	{ "ipv6 udp", true, VMBNET_HASH_UDP_IPV6, 0x40207d3d, VIRTIO_NET_HASH_REPORT_UDPv6 },
	{ "ipv4 tcp", true, 0, 0, VIRTIO_NET_HASH_REPORT_NONE },
};

/* Set RSS as a SET_RSS would: hash types, key and table, under the seqlock. */
static void set_rss(bool set, u32 types, const u8 *key)
{
	struct vmbnet_endpoint *ep = fx.ep;
	unsigned int i;

	vmbnet_state_begin(ep);
	ep->state.rss_set = set;
	ep->state.rss_hash_types = types;
	memcpy(ep->state.rss_key, key, VMBNET_RSS_KEY_SIZE);
	vmbnet_rss_set_key(ep, key);
	/* Not a pattern hash & 127 could match by mistake. */
	for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
		ep->state.rss_indir[i] = (i * 7 + i / 5) % fx.nq;
	vmbnet_state_end(ep);
}

static void test_rss_steering(void)
{
	const struct rss_case *c;
	struct vmbnet_rx_hash h;
	struct frame f;
	unsigned int i, want;

	if (!fx_setup(4))
		goto out;
	for (i = 0; i < ARRAY_SIZE(rss_cases); i++) {
		c = &rss_cases[i];
		snprintf(ctx_buf, sizeof(ctx_buf), "%s, rss %s 0x%x", c->frame,
			 c->rss_set ? "set" : "unset", c->types);
		ctx = ctx_buf;
		set_rss(c->rss_set, c->types, ms_key);
		build_frame(frame_spec(c->frame), &f);
		h.value = 0xdead;
		h.report = 0xdead;
		want = c->report == VIRTIO_NET_HASH_REPORT_NONE ? 0 :
		       c->rss_set ? fx.ep->state.rss_indir[c->hash & 127] :
		       c->hash % 4;
		EXPECT_EQ(vmbnet_rss(fx.ep, f.b, f.len, &h), want);
		EXPECT_EQ(h.value, c->hash);
		EXPECT_EQ(h.report, c->report);
		/* The hash is optional. */
		EXPECT_EQ(vmbnet_rss(fx.ep, f.b, f.len, NULL), want);
	}
	ctx = NULL;
out:
	fx_teardown();
}

/* Another key, fewer queues in use: what a later SET_RSS, SET_QUEUES do. */
static void test_rss_steering_state(void)
{
	struct vmbnet_endpoint *ep;
	u8 key[VMBNET_RSS_KEY_SIZE], in[VMBNET_RSS_INPUT_MAX];
	struct vmbnet_rx_hash h;
	struct frame f;
	unsigned int i, q;
	u32 want;

	if (!fx_setup(4))
		goto out;
	ep = fx.ep;
	rng = 42;
	for (i = 0; i < sizeof(key); i++)
		key[i] = rnd();
	set_rss(true, VMBNET_HASH_ALL, key);
	build_frame(frame_spec("ipv6 hop-by-hop, dstopts, routing"), &f);
	vector_input(f.v, in);
	want = vmbnet_toeplitz(key, sizeof(key), in, 36);
	q = vmbnet_rss(ep, f.b, f.len, &h);
	EXPECT_EQ(h.value, want);
	EXPECT_EQ(h.report, VIRTIO_NET_HASH_REPORT_TCPv6);
	EXPECT_EQ(q, ep->state.rss_indir[want & 127]);

	/* An entry past the queues in use (fewer since): queue 0. */
	vmbnet_state_begin(ep);
	ep->state.queues = 2;
	for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
		ep->state.rss_indir[i] = 3;
	vmbnet_state_end(ep);
	EXPECT_EQ(vmbnet_rss(ep, f.b, f.len, &h), 0);
	EXPECT_EQ(h.value, want);

	/* No RSS set: spread over the queues in use, by the spec's key. */
	vmbnet_state_reset(ep);
	vmbnet_state_begin(ep);
	ep->state.queues = 3;
	vmbnet_state_end(ep);
	EXPECT_EQ(vmbnet_rss(ep, f.b, f.len, &h), 0x40207d3d % 3);
	EXPECT_EQ(h.value, 0x40207d3d);

	/* A runt is not hashed. */
	EXPECT_EQ(vmbnet_rss(ep, f.b, 13, &h), 0);
	EXPECT_EQ(h.value, 0);
	EXPECT_EQ(h.report, VIRTIO_NET_HASH_REPORT_NONE);
out:
	fx_teardown();
}

/* 4. The rx filter. */

static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 mc1[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const u8 mc2[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const u8 mc3[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };

static const struct filter_case {
	const char *what;
	bool mac_set;		/* SET_MAC to mac_a taken */
	bool filter_set;
	u32 flags;
	unsigned int mc_count;	/* of mc1, mc2 */
	const u8 *dst;
	bool pass;
} filter_cases[] = {
	{ "nothing set: unicast", false, false, 0, 0, mac_b, true },
	{ "nothing set: multicast", false, false, 0, 0, mc3, true },
	{ "nothing set: broadcast", false, false, 0, 0, bcast, true },
	{ "mac: to it", true, false, 0, 0, mac_a, true },
	{ "mac: to another", true, false, 0, 0, mac_b, false },
	{ "mac: broadcast", true, false, 0, 0, bcast, true },
	{ "promisc: to another", true, true, VMBNET_RX_PROMISC, 0, mac_b, true },
	{ "promisc: multicast", true, true, VMBNET_RX_PROMISC, 0, mc3, true },
	{ "allmulti: multicast", true, true, VMBNET_RX_ALLMULTI, 0, mc3, true },
	{ "allmulti: to another", true, true, VMBNET_RX_ALLMULTI, 0, mac_b, false },
	{ "allmulti: to it", true, true, VMBNET_RX_ALLMULTI, 0, mac_a, true },
	{ "filter: broadcast", true, true, 0, 0, bcast, true },
	{ "filter: empty list", true, true, 0, 0, mc1, false },
	{ "list: first", true, true, 0, 2, mc1, true },
	{ "list: second", true, true, 0, 2, mc2, true },
	{ "list: miss", true, true, 0, 2, mc3, false },
	{ "list: past its count", true, true, 0, 1, mc2, false },
	{ "list: to another", true, true, 0, 2, mac_b, false },
	{ "list: to it", true, true, 0, 2, mac_a, true },
	/* A refused SET_MAC: the address is unknown, unicast goes through. */
	{ "refused mac: unicast", false, true, 0, 1, mac_b, true },
	{ "refused mac: list hit", false, true, 0, 1, mc1, true },
	{ "refused mac: list miss", false, true, 0, 1, mc3, false },
	{ "refused mac: broadcast", false, true, 0, 0, bcast, true },
};

static void test_rx_filter(void)
{
	const struct filter_case *c;
	struct vmbnet_dev_state st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(filter_cases); i++) {
		c = &filter_cases[i];
		ctx = c->what;
		memset(&st, 0, sizeof(st));
		st.mac_set = c->mac_set;
		memcpy(st.mac, mac_a, 6);
		st.rx_filter_set = c->filter_set;
		st.rx_flags = c->flags;
		st.mc_count = c->mc_count;
		/* Both in the table: only mc_count of them count. */
		memcpy(st.mc[0], mc1, 6);
		memcpy(st.mc[1], mc2, 6);
		EXPECT_EQ(vmbnet_rx_filter_match(&st, c->dst), c->pass);
	}
	ctx = NULL;
}

/* vmbnet_rx_filter_pass(): a frame's destination, from the endpoint's state. */
static void test_rx_filter_pass(void)
{
	u8 frame[60] = { 0 };

	if (!fx_setup(1))
		goto out;
	memcpy(frame, mac_b, 6);
	EXPECT(vmbnet_rx_filter_pass(fx.ep, frame, sizeof(frame)));
	vmbnet_state_begin(fx.ep);
	fx.ep->state.mac_set = true;
	memcpy(fx.ep->state.mac, mac_a, 6);
	vmbnet_state_end(fx.ep);
	EXPECT(!vmbnet_rx_filter_pass(fx.ep, frame, sizeof(frame)));
	memcpy(frame, mac_a, 6);
	EXPECT(vmbnet_rx_filter_pass(fx.ep, frame, sizeof(frame)));
	/* Runts are the driver's to count. */
	memcpy(frame, mac_b, 6);
	EXPECT(vmbnet_rx_filter_pass(fx.ep, frame, 5));
out:
	fx_teardown();
}

/* 5. Control: the verdict on a wellformed request, and when one is expected. */

#define OFFERED	(F(MQ) | F(MTU) | F(RSS) | F(CTRL_GUEST_OFFLOADS) | F(GUEST_CSUM) | \
		 F(GUEST_TSO4) | F(HASH_REPORT))
#define OFFL	(F(CTRL_GUEST_OFFLOADS) | F(GUEST_CSUM) | F(GUEST_TSO4))

static const struct verdict_case {
	const char *what;
	u64 agreed;		/* the features accepted */
	u16 type;
	u32 v;			/* version, value or hash types */
	u64 x;			/* ACCEPT: features; SET_RSS: indir[127]; SET_OFFLOADS */
	int want;
} verdict_cases[] = {
	{ "accept", 0, VMBNET_MSG_ACCEPT, 1, F(MQ) | F(RSS), 0 },
	{ "accept all offered", 0, VMBNET_MSG_ACCEPT, 1, OFFERED, 0 },
	{ "accept nothing", 0, VMBNET_MSG_ACCEPT, 1, 0, 0 },
	{ "accept version 2", 0, VMBNET_MSG_ACCEPT, 2, F(MQ), -EINVAL },
	{ "accept version 0", 0, VMBNET_MSG_ACCEPT, 0, F(MQ), -EINVAL },
	{ "accept a feature not offered", 0, VMBNET_MSG_ACCEPT, 1, F(MQ) | F(MAC), -EINVAL },
	{ "mtu at the offer's max", F(MTU), VMBNET_MSG_SET_MTU, 9000, 0, 0 },
	{ "mtu at the offer's min", F(MTU), VMBNET_MSG_SET_MTU, 576, 0, 0 },
	{ "mtu above the offer", F(MTU), VMBNET_MSG_SET_MTU, 9001, 0, -EINVAL },
	{ "mtu below the offer", F(MTU), VMBNET_MSG_SET_MTU, 575, 0, -EINVAL },
	{ "mtu 1500 without F_MTU", 0, VMBNET_MSG_SET_MTU, 1500, 0, 0 },
	{ "mtu 576 without F_MTU", 0, VMBNET_MSG_SET_MTU, 576, 0, 0 },
	{ "mtu 1501 without F_MTU", 0, VMBNET_MSG_SET_MTU, 1501, 0, -EINVAL },
	{ "mtu 9000 without F_MTU", 0, VMBNET_MSG_SET_MTU, 9000, 0, -EINVAL },
	{ "queues: the offer's max", F(MQ), VMBNET_MSG_SET_QUEUES, 4, 0, 0 },
	{ "queues: 1", F(MQ), VMBNET_MSG_SET_QUEUES, 1, 0, 0 },
	{ "queues: above max", F(MQ), VMBNET_MSG_SET_QUEUES, 5, 0, -EINVAL },
	{ "rss", F(RSS), VMBNET_MSG_SET_RSS, VMBNET_HASH_IPV4 | VMBNET_HASH_TCP_IPV4, 3, 0 },
	{ "rss no hash types", F(RSS), VMBNET_MSG_SET_RSS, 0, 3, 0 },
	{ "rss without F_RSS", F(MQ), VMBNET_MSG_SET_RSS, VMBNET_HASH_IPV4, 3, -EOPNOTSUPP },
	{ "rss hash type not offered", F(RSS), VMBNET_MSG_SET_RSS,
	  VMBNET_HASH_IPV4 | VMBNET_HASH_UDP_IPV4, 3, -EINVAL },
	{ "rss indir entry = queues", F(RSS), VMBNET_MSG_SET_RSS, VMBNET_HASH_IPV4, 4, -EINVAL },
	{ "offloads csum, tso4", OFFL, VMBNET_MSG_SET_OFFLOADS, 0,
	  F(GUEST_CSUM) | F(GUEST_TSO4), 0 },
	{ "offloads csum", OFFL, VMBNET_MSG_SET_OFFLOADS, 0, F(GUEST_CSUM), 0 },
	{ "offloads without CTRL_GUEST_OFFLOADS", F(GUEST_CSUM) | F(GUEST_TSO4),
	  VMBNET_MSG_SET_OFFLOADS, 0, F(GUEST_CSUM), -EOPNOTSUPP },
	{ "offloads not agreed", OFFL, VMBNET_MSG_SET_OFFLOADS, 0,
	  F(GUEST_CSUM) | F(GUEST_TSO6), -EINVAL },
	{ "offloads gso without csum", OFFL, VMBNET_MSG_SET_OFFLOADS, 0, F(GUEST_TSO4), -EINVAL },
	{ "offloads csum off", OFFL, VMBNET_MSG_SET_OFFLOADS, 0, 0, -EOPNOTSUPP },
	{ "offloads none, csum never agreed", F(CTRL_GUEST_OFFLOADS),
	  VMBNET_MSG_SET_OFFLOADS, 0, 0, 0 },
	{ "init", OFFERED, VMBNET_MSG_INIT, 0, 0, 0 },
	{ "mac", OFFERED, VMBNET_MSG_SET_MAC, 0, 0, 0 },
	{ "rx filter", OFFERED, VMBNET_MSG_SET_RX_FILTER, 0, 0, 0 },
	{ "state", OFFERED, VMBNET_MSG_SET_STATE, 1, 0, 0 },
	{ "data path", OFFERED, VMBNET_MSG_SET_DATA_PATH, 1, 0, 0 },
};

static void test_ctl_verdict(void)
{
	const struct verdict_case *c;
	struct vmbnet_endpoint *ep;
	union vmbnet_ctl_body b;
	unsigned int i, j;

	if (!fx_setup(4))
		goto out;
	ep = fx.ep;
	ep->cfg.features = OFFERED;
	ep->cfg.mtu_min = 576;
	ep->cfg.mtu_max = 9000;
	ep->cfg.rss_hash_types = VMBNET_HASH_IPV4 | VMBNET_HASH_TCP_IPV4 | VMBNET_HASH_IPV6;
	vmbnet_make_offer(ep, &ep->offer);
	EXPECT_EQ(vmbnet_ctl_check(VMBNET_MSG_OFFER, &ep->offer, sizeof(ep->offer)), 0);
	for (i = 0; i < ARRAY_SIZE(verdict_cases); i++) {
		c = &verdict_cases[i];
		ctx = c->what;
		ep->state.features = c->agreed;
		memset(&b, 0, sizeof(b));
		switch (c->type) {
		case VMBNET_MSG_ACCEPT:
			b.accept.version = cpu_to_le32(c->v);
			b.accept.features = cpu_to_le64(c->x);
			break;
		case VMBNET_MSG_SET_RSS:
			b.rss.hash_types = cpu_to_le32(c->v);
			b.rss.key_size = cpu_to_le16(VMBNET_RSS_KEY_SIZE);
			b.rss.indir_size = cpu_to_le16(VMBNET_RSS_INDIR_SIZE);
			for (j = 0; j < VMBNET_RSS_INDIR_SIZE; j++)
				b.rss.indir[j] = cpu_to_le16(j % 4);
			/* The last entry: every one is looked at. */
			b.rss.indir[VMBNET_RSS_INDIR_SIZE - 1] = cpu_to_le16(c->x);
			break;
		case VMBNET_MSG_SET_OFFLOADS:
			b.offloads.offloads = cpu_to_le64(c->x);
			break;
		default:
			b.value.value = cpu_to_le32(c->v);
		}
		EXPECT_EQ(vmbnet_ctl_verdict(ep, c->type, &b), c->want);
	}
	ctx = NULL;
out:
	fx_teardown();
}

static void test_ctl_expected(void)
{
	static const struct {
		const char *what;
		bool offered, accepted;
		int init, accept, other;	/* for INIT, ACCEPT, the other requests */
	} states[] = {
		{ "fresh", false, false, 0, -EPROTO, -EPROTO },
		{ "offered", true, false, 0, 0, -EPROTO },
		{ "accepted", true, true, 0, 0, 0 },
	};
	/* What only the endpoint sends, or nobody: never expected. */
	static const u16 others[] = {
		VMBNET_MSG_DATA, VMBNET_MSG_DATA_HASH, VMBNET_MSG_OFFER, VMBNET_MSG_STATUS,
		VMBNET_MSG_LINK, 0, VMBNET_MSG_INIT - 1, VMBNET_MSG_SET_OFFLOADS + 1, 0xffff,
	};
	struct vmbnet_endpoint *ep;
	unsigned int s, q, i;
	u16 t;
	int want;

	if (!fx_setup(2))
		goto out;
	ep = fx.ep;
	for (s = 0; s < ARRAY_SIZE(states); s++) {
		ep->state.offered = states[s].offered;
		ep->state.accepted = states[s].accepted;
		for (t = VMBNET_MSG_INIT; t <= VMBNET_MSG_SET_OFFLOADS; t++) {
			snprintf(ctx_buf, sizeof(ctx_buf), "%s, type 0x%x", states[s].what, t);
			ctx = ctx_buf;
			want = t == VMBNET_MSG_INIT ? states[s].init :
			       t == VMBNET_MSG_ACCEPT ? states[s].accept : states[s].other;
			EXPECT_EQ(vmbnet_ctl_expected(ep, 0, t), want);
			/* Control is on queue 0 only. */
			EXPECT_EQ(vmbnet_ctl_expected(ep, 1, t), -EPROTO);
		}
		for (i = 0; i < ARRAY_SIZE(others); i++) {
			snprintf(ctx_buf, sizeof(ctx_buf), "%s, type 0x%x", states[s].what,
				 others[i]);
			ctx = ctx_buf;
			for (q = 0; q < 2; q++)
				EXPECT_EQ(vmbnet_ctl_expected(ep, q, others[i]), -EPROTO);
		}
	}
	ctx = NULL;
out:
	fx_teardown();
}

/* 6. The control protocol, end to end through the rings. */

static void test_ctl_handshake(void)
{
	const u8 mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	u64 offer = F(MQ) | F(MTU) | F(RSS) | F(STATUS) | F(MAC) | F(HASH_REPORT);
	const struct vmbnet_ctl_offer *o;
	struct vmbnet_endpoint *ep;
	struct vmbnet_dev_state st;
	struct drv_msg m;

	if (!fx_setup(2))
		goto out;
	ep = fx.ep;
	ep->cfg.mtu_max = 9000;
	memcpy(ep->cfg.mac, mac, 6);
	EXPECT_EQ(vmbnet_set_offer_features(ep, offer), 0);
	/* Before the OFFER a LINK would be bad input: only recorded. */
	EXPECT_EQ(vmbnet_send_link(ep, true, 10000, VMBNET_DUPLEX_FULL), -EAGAIN);
	EXPECT_EQ(drv_read(0, &m), -ENODATA);
	/* Nothing but INIT before the OFFER. */
	REQUEST_VALUE(SET_MTU, 1500, EPROTO);
	REQUEST(0, ACCEPT, accept_body(1, F(MQ)), sizeof(req.accept), EPROTO);

	drv_request(0, VMBNET_MSG_INIT, init_body(), sizeof(req.init));
	ep_drain(0);
	EXPECT(kicks(0) >= 1);
	if (!EXPECT_EQ(drv_read(0, &m), 0))
		goto out;
	o = &m.u.ctl.offer;
	EXPECT_EQ(m.type, VMBNET_MSG_OFFER);
	EXPECT_EQ(m.len, sizeof(*o));
	/* Good enough for the driver, who checks it with the same code. */
	EXPECT_EQ(vmbnet_ctl_check(VMBNET_MSG_OFFER, o, m.len), 0);
	EXPECT_EQ(le32_to_cpu(o->hdr.seq), fx.seq);
	EXPECT_EQ(le32_to_cpu(o->version_min), VMBNET_PROTO_VERSION_MIN);
	EXPECT_EQ(le32_to_cpu(o->version_max), VMBNET_PROTO_VERSION_MAX);
	EXPECT_EQ(le64_to_cpu(o->features), offer);
	EXPECT(!memcmp(o->mac, mac, 6));
	EXPECT_EQ(le32_to_cpu(o->mtu_min), VMBNET_MTU_MIN);
	EXPECT_EQ(le32_to_cpu(o->mtu_max), 9000);
	EXPECT_EQ(le32_to_cpu(o->max_queues), 2);
	EXPECT_EQ(le32_to_cpu(o->ring_size), RING_SIZE);
	EXPECT_EQ(le16_to_cpu(o->rss_key_size), VMBNET_RSS_KEY_SIZE);
	EXPECT_EQ(le16_to_cpu(o->rss_indir_size), VMBNET_RSS_INDIR_SIZE);
	EXPECT_EQ(le32_to_cpu(o->rss_hash_types), VMBNET_HASH_ALL);
	/* The link as last sent, even before the OFFER. */
	EXPECT_EQ(le32_to_cpu(o->link), 1);
	EXPECT_EQ(le32_to_cpu(o->speed), 10000);
	EXPECT_EQ(o->duplex, VMBNET_DUPLEX_FULL);
	vmbnet_get_state(ep, &st);
	EXPECT(st.offered && !st.accepted);
	EXPECT_EQ(vmbnet_set_offer_features(ep, F(MQ)), -EBUSY);

	/* Offered, not accepted: ACCEPT only, and only of what was offered. */
	REQUEST_VALUE(SET_MTU, 1500, EPROTO);
	REQUEST(0, ACCEPT, accept_body(2, F(MQ)), sizeof(req.accept), EINVAL);
	REQUEST(0, ACCEPT, accept_body(1, F(MQ) | F(CSUM)), sizeof(req.accept), EINVAL);
	vmbnet_get_state(ep, &st);
	EXPECT(!st.accepted);
	REQUEST(0, ACCEPT, accept_body(1, F(MQ) | F(MTU) | F(HASH_REPORT)), sizeof(req.accept),
		0);
	vmbnet_get_state(ep, &st);
	EXPECT(st.accepted);
	EXPECT_EQ(st.version, 1);
	EXPECT_EQ(st.features, F(MQ) | F(MTU) | F(HASH_REPORT));
	EXPECT(ep->flags & VMBNET_FL_HASH);
	EXPECT(!vmbnet_dev_ready(ep));

	/* A LINK now goes out, unsolicited (seq 0). */
	EXPECT_EQ(vmbnet_send_link(ep, false, 1000, VMBNET_DUPLEX_HALF), 0);
	if (EXPECT_EQ(drv_read(0, &m), 0)) {
		EXPECT_EQ(m.type, VMBNET_MSG_LINK);
		EXPECT_EQ(m.len, sizeof(m.u.ctl.link));
		EXPECT_EQ(le32_to_cpu(m.u.ctl.link.hdr.seq), 0);
		EXPECT_EQ(le32_to_cpu(m.u.ctl.link.link), 0);
		EXPECT_EQ(le32_to_cpu(m.u.ctl.link.speed), 1000);
		EXPECT_EQ(m.u.ctl.link.duplex, VMBNET_DUPLEX_HALF);
	}

	/* INIT again starts over: the agreement goes, the settings stay. */
	REQUEST_VALUE(SET_MTU, 9000, 0);
	REQUEST_VALUE(SET_STATE, 1, 0);
	EXPECT(vmbnet_ready(ep));
	drv_request(0, VMBNET_MSG_INIT, init_body(), sizeof(req.init));
	ep_drain(0);
	if (EXPECT_EQ(drv_read(0, &m), 0)) {
		EXPECT_EQ(m.type, VMBNET_MSG_OFFER);
		EXPECT_EQ(le32_to_cpu(m.u.ctl.offer.hdr.seq), fx.seq);
		EXPECT_EQ(le32_to_cpu(m.u.ctl.offer.link), 0);
		EXPECT_EQ(le32_to_cpu(m.u.ctl.offer.speed), 1000);
	}
	vmbnet_get_state(ep, &st);
	EXPECT(st.offered && !st.accepted);
	EXPECT_EQ(st.features, 0);
	EXPECT_EQ(st.mtu, 9000);
	EXPECT(!vmbnet_dev_ready(ep) && !vmbnet_ready(ep));
	EXPECT(!(ep->flags & VMBNET_FL_HASH));
	REQUEST_VALUE(SET_MTU, 1500, EPROTO);
out:
	fx_teardown();
}

/* An endpoint that speaks none of the driver's versions (cfg.refuse_init). */
static void test_ctl_refuse_init(void)
{
	struct vmbnet_dev_state st;

	if (!fx_setup(1))
		goto out;
	fx.ep->cfg.refuse_init = EPROTONOSUPPORT;
	REQUEST(0, INIT, init_body(), sizeof(req.init), EPROTONOSUPPORT);
	vmbnet_get_state(fx.ep, &st);
	EXPECT(!st.offered);
	REQUEST(0, ACCEPT, accept_body(1, 0), sizeof(req.accept), EPROTO);
out:
	fx_teardown();
}

static void test_ctl_settings(void)
{
	static const u8 mac[6] = { 0x02, 0x12, 0x34, 0x56, 0x78, 0x9a };
	static const u8 mcast[6] = { 0x01, 0x12, 0x34, 0x56, 0x78, 0x9a };
	u64 features = F(MQ) | F(MTU) | F(RSS) | F(CTRL_GUEST_OFFLOADS) | F(GUEST_CSUM) |
		       F(GUEST_TSO4) | F(STANDBY);
	struct vmbnet_ctl_rx_filter *rf = &req.rx_filter;
	struct vmbnet_endpoint *ep;
	struct vmbnet_dev_state st;
	u8 in[12], key[VMBNET_RSS_KEY_SIZE];
	unsigned int i;

	if (!fx_setup(2))
		goto out;
	ep = fx.ep;
	ep->cfg.mtu_max = 9000;
	EXPECT_EQ(vmbnet_set_offer_features(ep, features | F(HASH_REPORT)), 0);
	HANDSHAKE(features);
	EXPECT(!(ep->flags & VMBNET_FL_HASH));
	EXPECT_EQ(vmbnet_guest_offloads(ep), F(GUEST_CSUM) | F(GUEST_TSO4));

	REQUEST_VALUE(SET_MTU, 9000, 0);
	REQUEST_VALUE(SET_MTU, 9001, EINVAL);
	REQUEST_VALUE(SET_MTU, 67, EINVAL);
	vmbnet_get_state(ep, &st);
	EXPECT_EQ(st.mtu, 9000);

	memset(&req, 0, sizeof(req));
	memcpy(req.mac.mac, mac, 6);
	REQUEST(0, SET_MAC, &req, sizeof(req.mac), 0);
	memcpy(req.mac.mac, mcast, 6);
	REQUEST(0, SET_MAC, &req, sizeof(req.mac), EINVAL);
	memset(req.mac.mac, 0, 6);
	REQUEST(0, SET_MAC, &req, sizeof(req.mac), EINVAL);
	vmbnet_get_state(ep, &st);
	EXPECT(st.mac_set && !memcmp(st.mac, mac, 6));

	REQUEST_VALUE(SET_QUEUES, 1, 0);
	vmbnet_get_state(ep, &st);
	EXPECT_EQ(st.queues, 1);
	REQUEST_VALUE(SET_QUEUES, 3, EINVAL);
	REQUEST_VALUE(SET_QUEUES, 0, EINVAL);
	REQUEST_VALUE(SET_QUEUES, 2, 0);
	vmbnet_get_state(ep, &st);
	EXPECT_EQ(st.queues, 2);

	rng = 7;
	for (i = 0; i < sizeof(key); i++)
		key[i] = rnd();
	memset(&req, 0, sizeof(req));
	req.rss.hash_types = cpu_to_le32(VMBNET_HASH_IPV4 | VMBNET_HASH_TCP_IPV4);
	req.rss.key_size = cpu_to_le16(VMBNET_RSS_KEY_SIZE);
	req.rss.indir_size = cpu_to_le16(VMBNET_RSS_INDIR_SIZE);
	memcpy(req.rss.key, key, sizeof(key));
	for (i = 0; i < VMBNET_RSS_INDIR_SIZE; i++)
		req.rss.indir[i] = cpu_to_le16(i % 3 == 0);
	REQUEST(0, SET_RSS, &req, sizeof(req.rss), 0);
	vmbnet_get_state(ep, &st);
	EXPECT(st.rss_set);
	EXPECT_EQ(st.rss_hash_types, VMBNET_HASH_IPV4 | VMBNET_HASH_TCP_IPV4);
	EXPECT(!memcmp(st.rss_key, key, sizeof(key)));
	EXPECT_EQ(st.rss_indir[3], 1);
	EXPECT_EQ(st.rss_indir[127], 0);
	/* The table follows the key. */
	for (i = 0; i < sizeof(in); i++)
		in[i] = rnd();
	EXPECT_EQ(vmbnet_rss_table_hash(ep->rss_table, in, sizeof(in)),
		  vmbnet_toeplitz(key, sizeof(key), in, sizeof(in)));
	/* Refused: a queue not in use; a hash type not offered; a bad key size. */
	req.rss.indir[5] = cpu_to_le16(2);
	REQUEST(0, SET_RSS, &req, sizeof(req.rss), EINVAL);
	req.rss.indir[5] = 0;
	req.rss.hash_types = cpu_to_le32(0x40);
	REQUEST(0, SET_RSS, &req, sizeof(req.rss), EINVAL);
	req.rss.hash_types = cpu_to_le32(VMBNET_HASH_IPV4);
	req.rss.key_size = cpu_to_le16(VMBNET_RSS_KEY_SIZE - 1);
	REQUEST(0, SET_RSS, &req, sizeof(req.rss), EINVAL);
	vmbnet_get_state(ep, &st);
	EXPECT_EQ(st.rss_hash_types, VMBNET_HASH_IPV4 | VMBNET_HASH_TCP_IPV4);
	EXPECT_EQ(st.rss_indir[5], 0);

	memset(&req, 0, sizeof(req));
	rf->flags = cpu_to_le32(VMBNET_RX_ALLMULTI);
	rf->mc_count = cpu_to_le32(2);
	memcpy((u8 *)(rf + 1), mc1, 6);
	memcpy((u8 *)(rf + 1) + 8, mc2, 6);
	REQUEST(0, SET_RX_FILTER, &req, sizeof(*rf) + 16, 0);
	vmbnet_get_state(ep, &st);
	EXPECT(st.rx_filter_set);
	EXPECT_EQ(st.rx_flags, VMBNET_RX_ALLMULTI);
	EXPECT_EQ(st.mc_count, 2);
	EXPECT(!memcmp(st.mc[0], mc1, 6) && !memcmp(st.mc[1], mc2, 6));
	/* Two addresses claimed, one there; a unicast one; too many. */
	REQUEST(0, SET_RX_FILTER, &req, sizeof(*rf) + 8, EMSGSIZE);
	memcpy((u8 *)(rf + 1) + 8, mac, 6);
	REQUEST(0, SET_RX_FILTER, &req, sizeof(*rf) + 16, EINVAL);
	rf->mc_count = cpu_to_le32(VMBNET_RX_MC_MAX + 1);
	REQUEST(0, SET_RX_FILTER, &req, sizeof(*rf) + 16, EINVAL);
	vmbnet_get_state(ep, &st);
	EXPECT(!memcmp(st.mc[1], mc2, 6));

	EXPECT(!vmbnet_dev_ready(ep) && !vmbnet_ready(ep));
	REQUEST_VALUE(SET_STATE, 1, 0);
	EXPECT(vmbnet_dev_ready(ep) && vmbnet_ready(ep));
	REQUEST_VALUE(SET_STATE, 0, 0);
	EXPECT(vmbnet_dev_ready(ep) && !vmbnet_ready(ep));
	REQUEST_VALUE(SET_STATE, 2, EINVAL);
	EXPECT(vmbnet_dev_ready(ep) && !vmbnet_ready(ep));

	REQUEST_VALUE(SET_DATA_PATH, 1, 0);
	EXPECT(vmbnet_data_path_vf(ep));
	REQUEST_VALUE(SET_DATA_PATH, 0, 0);
	EXPECT(!vmbnet_data_path_vf(ep));

	memset(&req, 0, sizeof(req));
	req.offloads.offloads = cpu_to_le64(F(GUEST_CSUM));
	REQUEST(0, SET_OFFLOADS, &req, sizeof(req.offloads), 0);
	EXPECT_EQ(vmbnet_guest_offloads(ep), F(GUEST_CSUM));
	req.offloads.offloads = 0;
	REQUEST(0, SET_OFFLOADS, &req, sizeof(req.offloads), EOPNOTSUPP);
	req.offloads.offloads = cpu_to_le64(F(GUEST_CSUM) | F(GUEST_TSO4));
	REQUEST(0, SET_OFFLOADS, &req, sizeof(req.offloads), 0);
	EXPECT_EQ(vmbnet_guest_offloads(ep), F(GUEST_CSUM) | F(GUEST_TSO4));
out:
	fx_teardown();
}

/* Malformed and unexpected messages: answered, counted, without effect. */
static void test_ctl_bad_messages(void)
{
	struct vmbnet_rxq_stats st0, st1;
	struct vmbnet_ring *r;
	struct drv_msg m;
	u8 big[600];
	int err;

	if (!fx_setup(2))
		goto out;
	HANDSHAKE(F(MQ));
	/* Wrong lengths: short, long, longer than any message. */
	REQUEST(0, SET_MTU, value(1400), 12, EMSGSIZE);
	REQUEST(0, SET_MTU, value(1400), 24, EMSGSIZE);
	memset(big, 0, sizeof(big));
	drv_write(0, VMBNET_MSG_SET_MTU, big, sizeof(big));
	ep_drain(0);
	if (EXPECT_EQ(drv_read(0, &m), 0))
		EXPECT_EQ(le32_to_cpu(m.u.ctl.status.status), EMSGSIZE);
	/* A header claiming more than the packet holds: its seq is still echoed. */
	value(1400)->hdr.seq = cpu_to_le32(++fx.seq);
	drv_write_raw(0, VMBNET_MSG_SET_MTU, 64, &req, sizeof(req.value));
	ep_drain(0);
	if (EXPECT_EQ(drv_read(0, &m), 0)) {
		EXPECT_EQ(m.type, VMBNET_MSG_STATUS);
		EXPECT_EQ(le32_to_cpu(m.u.ctl.status.hdr.seq), fx.seq);
		EXPECT_EQ(le32_to_cpu(m.u.ctl.status.status), EMSGSIZE);
	}
	/* Unknown, and what only the endpoint sends. */
	do_request(0, 0x30, value(0), sizeof(req.value), EOPNOTSUPP, __LINE__);
	memset(&req, 0, sizeof(req));
	vmbnet_make_offer(fx.ep, &req.offer);
	REQUEST(0, OFFER, &req, sizeof(req.offer), EPROTO);
	REQUEST(0, LINK, value(0), sizeof(req.link), EPROTO);
	/* A STATUS is never answered, or two confused sides would loop. */
	REQUEST(0, STATUS, value(0), sizeof(req.status), NO_ANSWER);
	/* Control on another queue: refused, answered on queue 0. */
	REQUEST(1, SET_MTU, value(1400), sizeof(req.value), EPROTO);
	EXPECT_EQ(drv_read(1, &m), -ENODATA);
	EXPECT_EQ(fx.ep->state.mtu, 0);

	vmbnet_rxq_stats(&fx.ep->queues[0].rx, &st0);
	vmbnet_rxq_stats(&fx.ep->queues[1].rx, &st1);
	EXPECT_EQ(st0.ctl_bad, 8);
	EXPECT_EQ(st1.ctl_bad, 1);
	EXPECT_EQ(st0.bad + st1.bad, 0);

	/* A packet too short for a message header: skipped, counted. */
	r = &fx.drv_w[0];
	EXPECT(vmbnet_ring_reserve(r, 0, &err));
	vmbnet_ring_commit(r, 0);
	ep_drain(0);
	EXPECT_EQ(drv_read(0, &m), -ENODATA);
	vmbnet_rxq_stats(&fx.ep->queues[0].rx, &st0);
	EXPECT_EQ(st0.bad, 1);

	/* And the protocol goes on. */
	REQUEST_VALUE(SET_MTU, 1400, 0);
	EXPECT_EQ(fx.ep->state.mtu, 1400);
out:
	fx_teardown();
}

/* The application's say: cfg.ctl. */
struct ctl_log {
	unsigned int calls;
	struct vmbnet_ctl_event ev;	/* the last */
	union vmbnet_ctl_body body;
	u32 mtu;			/* the state's, at the time */
};

static int ctl_hook(struct vmbnet_endpoint *ep, const struct vmbnet_ctl_event *ev,
		    void *priv)
{
	struct ctl_log *log = priv;
	struct vmbnet_dev_state st;
	int refuse = 0;		/* a positive errno, as the API has it */

	log->calls++;
	log->ev = *ev;
	log->body = *ev->body;
	vmbnet_get_state(ep, &st);
	log->mtu = st.mtu;
	switch (ev->type) {
	case VMBNET_MSG_INIT:
		refuse = EPERM;		/* ignored */
		break;
	case VMBNET_MSG_SET_MTU:
		if (le32_to_cpu(ev->body->value.value) == 1234)
			refuse = EPERM;
		break;
	case VMBNET_MSG_SET_QUEUES:
		refuse = 5000;		/* not an errno */
		break;
	case VMBNET_MSG_SET_DATA_PATH:
		refuse = VMBNET_CTL_NO_ANSWER;
		break;
	}
	return refuse;
}

static void test_ctl_callback(void)
{
	struct ctl_log log = { 0 };
	struct vmbnet_endpoint *ep;

	if (!fx_setup(2))
		goto out;
	ep = fx.ep;
	ep->cfg.ctl = ctl_hook;
	ep->cfg.priv = &log;
	HANDSHAKE(F(MQ));
	EXPECT_EQ(log.calls, 2);

	REQUEST_VALUE(SET_MTU, 1300, 0);
	EXPECT_EQ(log.ev.type, VMBNET_MSG_SET_MTU);
	EXPECT_EQ(log.ev.len, sizeof(req.value));
	EXPECT_EQ(log.ev.seq, fx.seq);
	EXPECT_EQ(log.ev.queue, 0);
	EXPECT(!log.ev.bad);
	EXPECT_EQ(log.ev.status, 0);
	EXPECT_EQ(le32_to_cpu(log.body.value.value), 1300);
	/* Told before it takes effect. */
	EXPECT_EQ(log.mtu, 0);
	EXPECT_EQ(ep->state.mtu, 1300);

	REQUEST_VALUE(SET_MTU, 1234, EPERM);
	EXPECT_EQ(ep->state.mtu, 1300);
	REQUEST_VALUE(SET_QUEUES, 1, EINVAL);
	EXPECT_EQ(ep->state.queues, 2);
	REQUEST_VALUE(SET_DATA_PATH, 1, NO_ANSWER);
	EXPECT(!vmbnet_data_path_vf(ep));

	/* Told of bad messages too, with the endpoint's status; ignored. */
	REQUEST_VALUE(SET_MTU, 70000, EINVAL);
	EXPECT(log.ev.bad);
	EXPECT_EQ(log.ev.status, EINVAL);
	REQUEST(1, SET_MTU, value(1500), sizeof(req.value), EPROTO);
	EXPECT(log.ev.bad);
	EXPECT_EQ(log.ev.queue, 1);
	EXPECT_EQ(log.ev.status, EPROTO);
	EXPECT_EQ(log.calls, 8);
out:
	fx_teardown();
}

/*
 * Answers wait for room in a full ring, and the frames behind the request
 * still come; the answers go out, in order, once there is room. The driver
 * has one request in flight: a third answer waiting is its fault, dropped.
 */
static void test_ctl_reply_ring_full(void)
{
	struct data_msg {
		struct virtio_net_hdr_v1 hdr;
		u8 frame[60];
	} data;
	struct vmbnet_rxq *rxq;
	struct vmbnet_txq *txq;
	struct vmbnet_frame f;
	struct drv_msg m;
	u8 frame[1000];
	unsigned int n = 0, i;
	u32 seq;
	int err;

	if (!fx_setup(1))
		goto out;
	rxq = &fx.ep->queues[0].rx;
	txq = &fx.ep->queues[0].tx;
	HANDSHAKE(F(MQ));
	/* Full up, to the last packet the size of a STATUS: an empty frame. */
	memset(frame, 0x5a, sizeof(frame));
	while (!(err = vmbnet_tx_send(txq, NULL, NULL, frame, sizeof(frame))))
		n++;
	EXPECT_EQ(err, -ENOSPC);
	EXPECT(n > 30);
	while (!(err = vmbnet_tx_send(txq, NULL, NULL, frame, 0)))
		n++;
	EXPECT_EQ(err, -ENOSPC);
	EXPECT_EQ(vmbnet_ring_pkt_size(sizeof(struct vmbnet_msg_hdr) + sizeof(data.hdr)),
		  vmbnet_ring_pkt_size(sizeof(struct vmbnet_msg_hdr) + sizeof(req.status)));

	seq = fx.seq + 1;
	drv_request(0, VMBNET_MSG_SET_MTU, value(1400), sizeof(req.value));
	drv_request(0, VMBNET_MSG_SET_STATE, value(1), sizeof(req.value));
	drv_request(0, VMBNET_MSG_SET_DATA_PATH, value(1), sizeof(req.value));
	memset(&data, 0, sizeof(data));
	data.hdr.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	for (i = 0; i < sizeof(data.frame); i++)
		data.frame[i] = i;
	drv_write(0, VMBNET_MSG_DATA, &data, sizeof(data));

	if (EXPECT_EQ(vmbnet_rx_peek(rxq, &f), 0)) {
		EXPECT_EQ(f.len, sizeof(data.frame));
		EXPECT_EQ(f.hdr.flags, VIRTIO_NET_HDR_F_DATA_VALID);
		EXPECT(!memcmp(f.data, data.frame, sizeof(data.frame)));
	}
	vmbnet_rx_next(rxq);
	EXPECT_EQ(vmbnet_rx_release(rxq), 0);
	/* Taken effect, answers waiting, the third dropped. */
	EXPECT_EQ(fx.ep->state.mtu, 1400);
	EXPECT(vmbnet_ready(fx.ep) && vmbnet_data_path_vf(fx.ep));
	EXPECT_EQ(rxq->nr_replies, 2);
	EXPECT_EQ(rxq->stats.ctl_bad, 1);

	/* The driver reads the frames: no answer among them. */
	for (i = 0; drv_read(0, &m) == 0; i++)
		EXPECT_EQ(m.type, VMBNET_MSG_DATA);
	EXPECT_EQ(i, n);
	/* The next read of the queue sends them. */
	ep_drain(0);
	EXPECT_EQ(rxq->nr_replies, 0);
	for (i = 0; i < 2; i++) {
		if (!EXPECT_EQ(drv_read(0, &m), 0))
			break;
		EXPECT_EQ(m.type, VMBNET_MSG_STATUS);
		EXPECT_EQ(le32_to_cpu(m.u.ctl.status.hdr.seq), seq + i);
		EXPECT_EQ(le16_to_cpu(m.u.ctl.status.request),
			  i ? VMBNET_MSG_SET_STATE : VMBNET_MSG_SET_MTU);
		EXPECT_EQ(le32_to_cpu(m.u.ctl.status.status), 0);
	}
	EXPECT_EQ(drv_read(0, &m), -ENODATA);
out:
	fx_teardown();
}

/* 7. The state's seqlock: readers never see a write half done. */

struct seq_run {
	struct vmbnet_endpoint *ep;
	int stop;
};

struct seq_reader {
	struct seq_run *run;
	pthread_t thread;
	unsigned long reads, torn, changes;
	int done;
};

/* Enough to have raced: many reads, many writes seen. */
#define SEQ_READS	10000
#define SEQ_CHANGES	10
/* A slow machine (a sanitizer, a loaded CI) takes longer, never fails. */
#define SEQ_DEADLINE_S	60

/* Every field written a value of its own, all from one counter. */
static void seq_write(struct vmbnet_endpoint *ep, u32 n)
{
	struct vmbnet_dev_state *st = &ep->state;

	vmbnet_state_begin(ep);
	st->mtu = n;
	st->queues = n;
	st->rss_hash_types = n;
	memset(st->rss_key, n, sizeof(st->rss_key));
	st->mc_count = n;
	st->speed = n;
	vmbnet_state_end(ep);
}

static void *seq_writer(void *arg)
{
	struct seq_run *run = arg;
	u32 n;

	for (n = 1; !__atomic_load_n(&run->stop, __ATOMIC_RELAXED); n++)
		seq_write(run->ep, n);
	return NULL;
}

static void *seq_reader(void *arg)
{
	struct seq_reader *rd = arg;
	struct vmbnet_dev_state st;
	u32 last = 0, i;
	bool ok;

	while (!__atomic_load_n(&rd->run->stop, __ATOMIC_RELAXED) &&
	       (rd->reads < SEQ_READS || rd->changes < SEQ_CHANGES)) {
		vmbnet_get_state(rd->run->ep, &st);
		rd->reads++;
		ok = st.queues == st.mtu && st.rss_hash_types == st.mtu &&
		     st.mc_count == st.mtu && st.speed == st.mtu && st.mtu >= last;
		for (i = 0; i < sizeof(st.rss_key); i++)
			ok &= st.rss_key[i] == (u8)st.mtu;
		rd->torn += !ok;
		rd->changes += st.mtu != last;
		last = st.mtu;
	}
	__atomic_store_n(&rd->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_state_seqlock(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct seq_reader rd[2];
	unsigned int waited;
	struct seq_run run;
	pthread_t writer;
	unsigned int i;

	if (!fx_setup(1))
		goto out;
	run.ep = fx.ep;
	run.stop = 0;
	seq_write(fx.ep, 0);
	memset(rd, 0, sizeof(rd));
	for (i = 0; i < ARRAY_SIZE(rd); i++) {
		rd[i].run = &run;
		EXPECT(!pthread_create(&rd[i].thread, NULL, seq_reader, &rd[i]));
	}
	EXPECT(!pthread_create(&writer, NULL, seq_writer, &run));
	for (waited = 0; waited < SEQ_DEADLINE_S * 100; waited++) {
		if (__atomic_load_n(&rd[0].done, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&rd[1].done, __ATOMIC_ACQUIRE))
			break;
		nanosleep(&ts, NULL);
	}
	__atomic_store_n(&run.stop, 1, __ATOMIC_RELAXED);
	pthread_join(writer, NULL);
	for (i = 0; i < ARRAY_SIZE(rd); i++) {
		pthread_join(rd[i].thread, NULL);
		printf("#   reader %u: %lu reads, %lu changes seen, %lu torn\n", i,
		       rd[i].reads, rd[i].changes, rd[i].torn);
		EXPECT_EQ(rd[i].torn, 0);
		EXPECT(rd[i].reads >= SEQ_READS);
		EXPECT(rd[i].changes >= SEQ_CHANGES);
	}
out:
	fx_teardown();
}

/* 8. Frames to the driver: reserve, write, commit. */

static const struct virtio_net_hdr_v1 tx_hdr = {
	.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
	.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
	.hdr_len = 54,
	.gso_size = 1448,
	.csum_start = 34,
	.csum_offset = 16,
};

/* The next frame the driver reads: a DATA (DATA_HASH) with these bytes. */
static void expect_frame(bool hashed, const struct virtio_net_hdr_v1 *hdr,
			 const struct vmbnet_rx_hash *hash, const u8 *frame, u32 len,
			 int line)
{
	u32 hlen = hashed ? sizeof(struct virtio_net_hdr_v1_hash) :
		   sizeof(struct virtio_net_hdr_v1);
	struct virtio_net_hdr_v1_hash vh = { 0 };
	struct drv_msg m;

	if (!check_eq(drv_read(0, &m), 0, line, "a frame"))
		return;
	check_eq(m.type, hashed ? VMBNET_MSG_DATA_HASH : VMBNET_MSG_DATA, line, "type");
	check_eq(m.len, hlen + len, line, "length");
	check_eq(m.size, ALIGN(sizeof(struct vmbnet_msg_hdr) + hlen + len, 8), line,
		 "packet size");
	if (hdr)
		vh.hdr = *hdr;
	if (hashed && hash) {
		vh.hash_value = cpu_to_le32(hash->value);
		vh.hash_report = cpu_to_le16(hash->report);
	}
	check(!memcmp(m.u.raw, &vh, hlen), line, "header");
	check(!memcmp(m.u.raw + hlen, frame, len), line, "bytes");
}

static void test_tx_commit(void)
{
	struct vmbnet_rx_hash hash = { 0x12345678, VIRTIO_NET_HASH_REPORT_TCPv4 };
	struct vmbnet_txq *txq;
	u8 frame[200];
	unsigned int i;
	void *buf;
	int hashed;

	if (!fx_setup(1))
		goto out;
	txq = &fx.ep->queues[0].tx;
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = i * 7;
	for (hashed = 0; hashed < 2; hashed++) {
		ctx = hashed ? "DATA_HASH" : "DATA";
		fx.ep->flags = hashed ? VMBNET_FL_HASH : 0;
		/* Reserved for the most, committed with the real length. */
		if (EXPECT_EQ(vmbnet_tx_reserve(txq, sizeof(frame), &buf), 0)) {
			memcpy(buf, frame, 150);
			EXPECT_EQ(vmbnet_tx_commit(txq, &tx_hdr, &hash, 150), 0);
		}
		expect_frame(hashed, &tx_hdr, &hash, frame, 150, __LINE__);
		/* No header, no hash: zeroes. */
		EXPECT_EQ(vmbnet_tx_send(txq, NULL, NULL, frame, 61), 0);
		expect_frame(hashed, NULL, NULL, frame, 61, __LINE__);
		EXPECT_EQ(vmbnet_tx_send(txq, &tx_hdr, NULL, frame, 0), 0);
		expect_frame(hashed, &tx_hdr, NULL, frame, 0, __LINE__);
		EXPECT_EQ(drv_read(0, &(struct drv_msg){ 0 }), -ENODATA);
	}
	ctx = NULL;
out:
	fx_teardown();
}

/* Whether the half's lock was let go: a second reserve would hang. */
static bool txq_unlocked(struct vmbnet_txq *txq)
{
	if (pthread_mutex_trylock(&txq->lock))
		return false;
	pthread_mutex_unlock(&txq->lock);
	return true;
}

static void test_tx_cancel_and_errors(void)
{
	struct vmbnet_txq *txq;
	struct vmbnet_ring ring;
	struct drv_msg m;
	u8 frame[64] = { 1, 2, 3 };
	void *buf;

	if (!fx_setup(1))
		goto out;
	txq = &fx.ep->queues[0].tx;
	EXPECT_EQ(vmbnet_tx_reserve(txq, 100, &buf), 0);
	vmbnet_tx_cancel(txq);
	if (!EXPECT(txq_unlocked(txq)))
		goto out;
	EXPECT_EQ(drv_read(0, &m), -ENODATA);

	/* Longer than reserved: refused, nothing sent. */
	EXPECT_EQ(vmbnet_tx_reserve(txq, 100, &buf), 0);
	EXPECT_EQ(vmbnet_tx_commit(txq, NULL, NULL, 101), -EINVAL);
	if (!EXPECT(txq_unlocked(txq)))
		goto out;
	EXPECT_EQ(drv_read(0, &m), -ENODATA);

	/* Too big for any frame, and for this ring. */
	EXPECT_EQ(vmbnet_tx_reserve(txq, VMBNET_MAX_FRAME_LEN + 1, &buf), -EMSGSIZE);
	EXPECT_EQ(vmbnet_tx_reserve(txq, RING_SIZE - 32, &buf), -EMSGSIZE);
	if (!EXPECT(txq_unlocked(txq)))
		goto out;
	EXPECT_EQ(vmbnet_tx_room(txq, 1, 1500), 0);
	EXPECT_EQ(vmbnet_tx_room(txq, 1, RING_SIZE), -EMSGSIZE);
	EXPECT_EQ(vmbnet_tx_room(txq, 64, 1500), -EMSGSIZE);

	/* The reservation still works after all that. */
	EXPECT_EQ(vmbnet_tx_send(txq, NULL, NULL, frame, sizeof(frame)), 0);
	expect_frame(false, NULL, NULL, frame, sizeof(frame), __LINE__);

	/* Rings unmapped (detached): not connected. */
	ring = txq->ring;
	memset(&txq->ring, 0, sizeof(txq->ring));
	EXPECT_EQ(vmbnet_tx_reserve(txq, 10, &buf), -ENOTCONN);
	EXPECT_EQ(vmbnet_tx_flush(txq), 0);
	if (!EXPECT(txq_unlocked(txq)))
		goto out;
	txq->ring = ring;
out:
	fx_teardown();
}

/* A full ring: -ENOSPC, and the driver asked to say when there is room. */
static void test_tx_full(void)
{
	u32 hlen = sizeof(struct virtio_net_hdr_v1_hash);
	struct vmbnet_ring_ctrl *ctrl;
	struct vmbnet_txq *txq;
	struct drv_msg m;
	u8 frame[1400];
	unsigned int n = 0;
	int err;

	if (!fx_setup(1))
		goto out;
	txq = &fx.ep->queues[0].tx;
	ctrl = fx.in[0].ctrl;
	fx.ep->flags = VMBNET_FL_HASH;
	memset(frame, 0xa5, sizeof(frame));
	while (!(err = vmbnet_tx_send(txq, NULL, NULL, frame, sizeof(frame))))
		n++;
	EXPECT_EQ(err, -ENOSPC);
	EXPECT_EQ(n, (RING_SIZE - 1) /
		  vmbnet_ring_pkt_size(sizeof(struct vmbnet_msg_hdr) + hlen + sizeof(frame)));
	EXPECT_EQ(le32_to_cpu(ctrl->pending_send_sz),
		  vmbnet_ring_pkt_size(sizeof(struct vmbnet_msg_hdr) + hlen + sizeof(frame)));
	EXPECT(txq->want_room);
	if (!EXPECT(txq_unlocked(txq)))
		goto out;
	EXPECT_EQ(vmbnet_tx_room(txq, 1, sizeof(frame)), -ENOSPC);

	/* The driver reads one: room again, and the request withdrawn. */
	EXPECT_EQ(drv_read(0, &m), 0);
	EXPECT_EQ(vmbnet_tx_room(txq, 1, sizeof(frame)), 0);
	EXPECT_EQ(vmbnet_tx_send(txq, NULL, NULL, frame, sizeof(frame)), 0);
	EXPECT_EQ(le32_to_cpu(ctrl->pending_send_sz), 0);
	EXPECT(!txq->want_room);
	while (drv_read(0, &m) == 0)
		n--;
	EXPECT_EQ(n, 0);
out:
	fx_teardown();
}

static void test_tx_sendv(void)
{
	static u8 huge[40000];
	u8 a[14], c[100], d[7], all[121];
	struct iovec iov[] = {
		{ a, sizeof(a) }, { a, 0 }, { c, sizeof(c) }, { d, sizeof(d) },
	};
	struct iovec too_big[] = { { huge, sizeof(huge) }, { huge, sizeof(huge) } };
	struct vmbnet_txq *txq;
	unsigned int i;

	if (!fx_setup(1))
		goto out;
	txq = &fx.ep->queues[0].tx;
	for (i = 0; i < sizeof(all); i++)
		all[i] = i ^ 0x3c;
	memcpy(a, all, sizeof(a));
	memcpy(c, all + sizeof(a), sizeof(c));
	memcpy(d, all + sizeof(a) + sizeof(c), sizeof(d));
	EXPECT_EQ(vmbnet_tx_sendv(txq, &tx_hdr, NULL, iov, ARRAY_SIZE(iov)), 0);
	expect_frame(false, &tx_hdr, NULL, all, sizeof(all), __LINE__);
	EXPECT_EQ(vmbnet_tx_sendv(txq, NULL, NULL, iov, 0), 0);
	expect_frame(false, NULL, NULL, all, 0, __LINE__);
	EXPECT_EQ(vmbnet_tx_sendv(txq, NULL, NULL, too_big, ARRAY_SIZE(too_big)), -EMSGSIZE);
	if (!EXPECT(txq_unlocked(txq)))
		goto out;
	EXPECT_EQ(drv_read(0, &(struct drv_msg){ 0 }), -ENODATA);
out:
	fx_teardown();
}

/*
 * An empty iovec may have no base at all (writev() takes that), and must
 * not reach memcpy(): UBSan's nonnull check. Last, as UBSan aborts.
 */
static void test_tx_sendv_null_iovec(void)
{
	u8 a[14] = { 1, 2, 3, 4 };
	struct iovec iov[] = { { NULL, 0 }, { a, sizeof(a) } };
	struct vmbnet_txq *txq;

	if (!fx_setup(1))
		goto out;
	txq = &fx.ep->queues[0].tx;
	EXPECT_EQ(vmbnet_tx_sendv(txq, NULL, NULL, iov, ARRAY_SIZE(iov)), 0);
	expect_frame(false, NULL, NULL, a, sizeof(a), __LINE__);
out:
	fx_teardown();
}

/* One signal per batch, and none while the driver is draining anyway. */
static void test_tx_flush_kick(void)
{
	struct vmbnet_txq *txq;
	struct drv_msg m;
	u8 frame[60] = { 0 };

	if (!fx_setup(1))
		goto out;
	txq = &fx.ep->queues[0].tx;
	EXPECT_EQ(vmbnet_tx_send(txq, NULL, NULL, frame, sizeof(frame)), 0);
	EXPECT_EQ(vmbnet_tx_send(txq, NULL, NULL, frame, sizeof(frame)), 0);
	EXPECT_EQ(kicks(0), 0);
	EXPECT_EQ(vmbnet_tx_flush(txq), 0);
	EXPECT_EQ(kicks(0), 1);
	EXPECT_EQ(vmbnet_tx_flush(txq), 0);
	EXPECT_EQ(kicks(0), 0);
	/* Into a ring not empty: the driver has yet to see the last batch. */
	EXPECT_EQ(vmbnet_tx_send(txq, NULL, NULL, frame, sizeof(frame)), 0);
	EXPECT_EQ(vmbnet_tx_flush(txq), 0);
	EXPECT_EQ(kicks(0), 0);
	while (drv_read(0, &m) == 0)
		;
	/* Masked: the driver is draining and looks again before it sleeps. */
	fx.in[0].ctrl->interrupt_mask = cpu_to_le32(1);
	EXPECT_EQ(vmbnet_tx_send(txq, NULL, NULL, frame, sizeof(frame)), 0);
	EXPECT_EQ(vmbnet_tx_flush(txq), 0);
	EXPECT_EQ(kicks(0), 0);
out:
	fx_teardown();
}

static const struct test {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "toeplitz_ms_vectors", test_toeplitz_vectors },
	{ "toeplitz_table_random", test_toeplitz_table_random },
	{ "rss_parse", test_rss_parse },
	{ "rss_parse_padding", test_rss_parse_padding },
	{ "rss_parse_truncated", test_rss_parse_truncated },
	{ "rss_steering", test_rss_steering },
	{ "rss_steering_state", test_rss_steering_state },
	{ "rx_filter_match", test_rx_filter },
	{ "rx_filter_pass", test_rx_filter_pass },
	{ "ctl_verdict", test_ctl_verdict },
	{ "ctl_expected", test_ctl_expected },
	{ "ctl_handshake", test_ctl_handshake },
	{ "ctl_refuse_init", test_ctl_refuse_init },
	{ "ctl_settings", test_ctl_settings },
	{ "ctl_bad_messages", test_ctl_bad_messages },
	{ "ctl_callback", test_ctl_callback },
	{ "ctl_reply_ring_full", test_ctl_reply_ring_full },
	{ "state_seqlock", test_state_seqlock },
	{ "tx_commit", test_tx_commit },
	{ "tx_cancel_and_errors", test_tx_cancel_and_errors },
	{ "tx_full", test_tx_full },
	{ "tx_sendv", test_tx_sendv },
	{ "tx_flush_kick", test_tx_flush_kick },
	{ "tx_sendv_null_iovec", test_tx_sendv_null_iovec },
};

static bool selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned int i, n = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * A lock left taken hangs the next call: fail rather than hang, with
	 * room for the seqlock case's deadline on a slow machine.
	 */
	alarm(5 * SEQ_DEADLINE_S);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		fails = 0;
		ctx = NULL;
		tests[i].fn();
		failed += !!fails;
		printf("%s %u %s\n", fails ? "not ok" : "ok", ++n, tests[i].name);
	}
	printf("%u passed, %u failed\n", n - failed, failed);
	return failed ? 1 : 0;
}
