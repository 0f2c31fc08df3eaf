// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet-endpoint: the reference user endpoint for vmbnet devices.
 *
 *   vmbnet-endpoint [options] loopback IF   frames sent come back as received
 *   vmbnet-endpoint [options] pair IF1 IF2  forwards between two devices
 *   vmbnet-endpoint [options] tap IF TAP    bridges a device to a TAP
 *   vmbnet-endpoint [options] null IF       drains and counts
 *   vmbnet-endpoint [options] hostile IF [--seed N] [--count N]  writes garbage
 *
 * IF may be IF@NETNS (a name from `ip netns`). Runs until SIGINT/SIGTERM;
 * SIGUSR1 and SIGUSR2 tell every device its link went down or up. When the
 * kernel detaches a queue (ethtool -G, device deleted) every device is
 * attached again, with the ring size the device has.
 *
 * Options (usage text and vmbnet.rst list them all) make it an endpoint
 * the driver must cope with: --mac MAC offers F_MAC (MAC, and MAC+1 to the
 * second device of a pair); --offer-versions MIN-MAX, --refuse-init and
 * --refuse-accept leave it without an agreement; --rx-delay-us N makes it a
 * slow reader; --break-on-queues corrupts a ring that ethtool -L is about
 * to turn off.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "endpoint.h"

#define OFFLOADS	(F(CSUM) | F(GUEST_CSUM) | F(HOST_TSO4) | F(HOST_TSO6) | \
			 F(GUEST_TSO4) | F(GUEST_TSO6) | F(HOST_USO) | \
			 F(GUEST_USO4) | F(GUEST_USO6))

int ep_stop;
int ep_hup;
static int ep_link_sig;	/* 1: down, 2: up */
bool ep_log;
unsigned int ep_refuse_mtu;
unsigned int ep_ctl_delay_ms;
bool ep_refuse_accept;
bool ep_break_on_queues;
unsigned int ep_rx_delay_us;
uint64_t ep_spin_ns = EP_SPIN_NS;
int (*ep_hostile_answer)(const struct vmbnet_ctl_event *ev);
static uint64_t ep_count;	/* hostile: actions before it stops */

static struct ep_dev ep_devs[EP_MAX_DEVS];
static unsigned int ep_ndevs;
static struct vmbnet_config ep_cfg;		/* the offer, before pair mode's trim */
static struct ep_counters ep_total;
static bool ep_replace;			/* --replace: the first attach only */

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: vmbnet-endpoint [--log] [--no-offload] [--max-queues N] [--mtu-max N]\n"
		"                       [--speed MBPS] [--ring-size BYTES] [--mac MAC]\n"
		"                       [--refuse-mtu ERRNO] [--ctl-delay MS]\n"
		"                       [--offer-versions MIN-MAX] [--refuse-init] [--refuse-accept]\n"
		"                       [--rx-delay-us US] [--break-on-queues] [--replace]\n"
		"                       [--spin-us US]\n"
		"                       [--hash-types MASK]\n"
		"                       MODE ARGS...\n"
		"modes: loopback IF | pair IF1 IF2 | tap IF TAPIF | null IF\n"
		"       hostile IF [--seed N] [--count ACTIONS]\n"
		"IF may be written IF@NETNS to attach inside that network namespace.\n"
		"--mac MAC offers F_MAC with MAC (pair: MAC+1 to IF2).\n"
		"--offer-versions, --refuse-init, --refuse-accept: no agreement is reached.\n"
		"--rx-delay-us US: sleep after each batch read from a ring (not tap).\n"
		"--spin-us US: how long idle rings are looked at before sleeping (50).\n"
		"--break-on-queues: once, corrupt the last queue's inbound ring when\n"
		"  SET_QUEUES asks for fewer queues, kick it, answer 200 ms later.\n"
		"--replace: take the devices from the endpoints they have (else EBUSY).\n"
		"--hash-types MASK: the RSS hash types offered (VMBNET_HASH_*, default 0x3f).\n"
		"--count ACTIONS: hostile, then refuses every request until stopped.\n");
	exit(2);
}

void ep_log_msg(const char *fmt, ...)
{
	va_list ap;

	if (!ep_log)
		return;
	/* One line at a time: threads log too. */
	flockfile(stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	funlockfile(stdout);
}

void ep_die(const char *fmt, ...)
{
	va_list ap;

	fputs("vmbnet-endpoint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

uint64_t ep_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void ep_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	/* A signal cuts it short, which is what the callers want. */
	nanosleep(&ts, NULL);
}

static void ep_on_signal(int sig)
{
	if (sig == SIGUSR1 || sig == SIGUSR2)
		EP_SET(ep_link_sig, sig == SIGUSR1 ? 1 : 2);
	else
		EP_SET(ep_stop, 1);
}

/* Workers never take the signals: main does, waking from its sleep. */
void ep_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(tid, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		ep_die("pthread_create: %s", strerror(err));
}

/* LINK requests from SIGUSR1/SIGUSR2, sent from here, not the handler. */
void ep_serve_link(void)
{
	int sig = __atomic_exchange_n(&ep_link_sig, 0, __ATOMIC_RELAXED);
	const char *duplex;
	unsigned int i;
	int err;

	/* A device attached again later is offered the link of now. */
	if (sig)
		ep_cfg.link = sig == 2;
	for (i = 0; i < ep_ndevs; i++) {
		struct ep_dev *d = &ep_devs[i];

		if (sig)
			d->link_req = sig == 2;
		if (d->link_req < 0)
			continue;
		err = vmbnet_send_link(d->ep, d->link_req, ep_cfg.speed, ep_cfg.duplex);
		if (err == -ENOSPC)
			continue;	/* queue 0 is full: next time round */
		if (!err) {
			duplex = ep_cfg.duplex == VMBNET_DUPLEX_FULL ? "full" :
				 ep_cfg.duplex == VMBNET_DUPLEX_HALF ? "half" : "unknown";
			ep_log_msg("%s: LINK sent link=%s speed=%u duplex=%s", d->label,
				   d->link_req ? "up" : "down", ep_cfg.speed, duplex);
		}
		/* -EAGAIN: not negotiated yet, the OFFER will say it. */
		d->link_req = -1;
	}
}

/* The main thread while workers run: until the end or a detach. */
/* The main thread's part of a session: what may block, e.g. on RTNL. */
void ep_session_wait(void (*chore)(void))
{
	while (ep_running()) {
		ep_serve_link();
		if (chore)
			chore();
		ep_sleep_ms(20);
	}
}

void ep_add_counters(const struct ep_counters *c)
{
	unsigned int i;

	ep_total.frames += c->frames;
	ep_total.bytes += c->bytes;
	ep_total.dropped += c->dropped;
	ep_total.wakeups += c->wakeups;
	for (i = 0; i < EP_MAX_DEVS; i++)
		ep_total.filtered[i] += c->filtered[i];
	for (i = 0; i < EP_WAKE_BUCKETS; i++)
		ep_total.wake_frames[i] += c->wake_frames[i];
}

/* mac += n, the address read as a 48-bit number. */
static void ep_mac_add(uint8_t *mac, unsigned int n)
{
	int i;

	for (i = 5; i >= 0 && n; i--) {
		n += mac[i];
		mac[i] = n;
		n >>= 8;
	}
}

/* Attach to "IF" or "IF@NETNS", entering the namespace only to attach. */
static int ep_attach(struct ep_dev *d, uint32_t ring_size)
{
	struct vmbnet_config cfg = ep_cfg;
	char name[IFNAMSIZ + 64], path[256];
	int self = -1, ns = -1, err;
	char *at;

	cfg.ring_size = ring_size;
	cfg.replace = ep_replace;
	/* pair: each device its own address, MAC+1 for the second. */
	ep_mac_add(cfg.mac, d->index);
	cfg.ctl = ep_ctl;
	cfg.priv = d;
	snprintf(name, sizeof(name), "%s", d->label);
	at = strchr(name, '@');
	if (at) {
		*at++ = '\0';
		snprintf(path, sizeof(path), "/run/netns/%s", at);
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			ep_die("/proc/self/ns/net: %s", strerror(errno));
		ns = open(path, O_RDONLY | O_CLOEXEC);
		if (ns < 0 || setns(ns, CLONE_NEWNET)) {
			/* The namespace is gone: as good as no device. */
			err = errno == ENOENT ? -ENODEV : -errno;
			goto out;
		}
	}
	err = vmbnet_attach(&d->ep, name, &cfg);
	if (at && setns(self, CLONE_NEWNET))
		ep_die("setns back: %s", strerror(errno));
out:
	if (ns >= 0)
		close(ns);
	if (self >= 0)
		close(self);
	return err;
}

/*
 * Only offloads the device on the other side can take back: B's frames
 * with partial checksums go to A, so B is offered CSUM only if A takes
 * GUEST_CSUM, and so on. The ACCEPT is the offer & what the driver supports.
 */
static uint64_t ep_mirror(uint64_t f)
{
	uint64_t m = 0;

	if (f & F(CSUM))
		m |= F(GUEST_CSUM);
	if (f & F(GUEST_CSUM))
		m |= F(CSUM);
	if (f & F(HOST_TSO4))
		m |= F(GUEST_TSO4);
	if (f & F(GUEST_TSO4))
		m |= F(HOST_TSO4);
	if (f & F(HOST_TSO6))
		m |= F(GUEST_TSO6);
	if (f & F(GUEST_TSO6))
		m |= F(HOST_TSO6);
	if (f & F(HOST_USO))
		m |= F(GUEST_USO4) | F(GUEST_USO6);
	/* UDP GSO of either family may come: the peer must take both. */
	if ((f & (F(GUEST_USO4) | F(GUEST_USO6))) == (F(GUEST_USO4) | F(GUEST_USO6)))
		m |= F(HOST_USO);
	return m;
}

static void ep_pair_offers(struct ep_dev *a, struct ep_dev *b)
{
	uint64_t f = ep_cfg.features;

	/* Before anything reads queue 0: it cannot fail. */
	vmbnet_set_offer_features(a->ep, (f & ~OFFLOADS) |
				  (f & ep_mirror(f & vmbnet_supported(b->ep))));
	vmbnet_set_offer_features(b->ep, (f & ~OFFLOADS) |
				  (f & ep_mirror(f & vmbnet_supported(a->ep))));
}

static void ep_detach_all(void)
{
	unsigned int i, q;

	for (i = 0; i < ep_ndevs; i++) {
		struct vmbnet_endpoint *ep = ep_devs[i].ep;
		struct vmbnet_rxq_stats st;

		for (q = 0; ep && q < vmbnet_num_queues(ep); q++) {
			vmbnet_rxq_stats(vmbnet_rxq(ep, q), &st);
			ep_devs[i].ctl_bad += st.ctl_bad;
		}
		vmbnet_detach(ep);
		ep_devs[i].ep = NULL;
	}
}

/*
 * Attach every device. The first time a failure is fatal; after a detach,
 * retry until it works or SIGINT/SIGTERM, quietly while a device is gone.
 */
static bool ep_attach_all(uint32_t ring_size, bool first)
{
	int err = 0, last = 0;
	unsigned int i;

	for (;;) {
		for (i = 0; i < ep_ndevs; i++) {
			err = ep_attach(&ep_devs[i], ring_size);
			if (err)
				break;
		}
		if (!err)
			break;
		if (first)
			ep_die("attach %s: %s%s", ep_devs[i].label, strerror(-err),
			       err == -EBUSY ? " (it has an endpoint: --replace takes it)" : "");
		/* Another endpoint took the device as we let go: it is theirs. */
		if (err == -EBUSY) {
			fprintf(stderr, "vmbnet-endpoint: %s has another endpoint now; stopping\n",
				ep_devs[i].label);
			EP_SET(ep_stop, 1);
		}
		if (err != -ENODEV && err != last)
			fprintf(stderr, "vmbnet-endpoint: attach %s: %s; retrying\n",
				ep_devs[i].label, strerror(-err));
		last = err;
		while (i--) {
			vmbnet_detach(ep_devs[i].ep);
			ep_devs[i].ep = NULL;
		}
		ep_sleep_ms(err == -ENODEV ? 500 : 100);
		if (EP_FLAG(ep_stop))
			return false;
	}
	/* Ours now: a later attach (after a reset) takes nobody's. */
	ep_replace = false;
	if (ep_ndevs == 2)
		ep_pair_offers(&ep_devs[0], &ep_devs[1]);
	for (i = 0; i < ep_ndevs; i++)
		ep_log_msg("attached %s: %u queues, %u-byte rings, driver features %#llx",
			   ep_devs[i].label, vmbnet_num_queues(ep_devs[i].ep),
			   vmbnet_ring_size(ep_devs[i].ep),
			   (unsigned long long)vmbnet_supported(ep_devs[i].ep));
	return true;
}

static void ep_report(void)
{
	static const char * const buckets[EP_WAKE_BUCKETS] = {
		"0", "1", "2-3", "4-7", "8-15", "16-31", "32-63", "64+",
	};
	char line[256];
	unsigned int i;
	int n;

	ep_log_msg("frames %llu bytes %llu dropped %llu wakeups %llu",
		   (unsigned long long)ep_total.frames,
		   (unsigned long long)ep_total.bytes,
		   (unsigned long long)ep_total.dropped,
		   (unsigned long long)ep_total.wakeups);
	/* Forwarding modes: how much each wake found to do (0: for nothing). */
	for (i = 0, n = 0; i < EP_WAKE_BUCKETS; i++)
		n += snprintf(line + n, sizeof(line) - n, "%s%s %llu", i ? ", " : "",
			      buckets[i], (unsigned long long)ep_total.wake_frames[i]);
	ep_log_msg("frames per wake: %s", line);
	for (i = 0; i < ep_ndevs; i++)
		ep_log_msg("%s: rx filter dropped %llu, bad control messages %llu",
			   ep_devs[i].label,
			   (unsigned long long)ep_total.filtered[i],
			   (unsigned long long)ep_devs[i].ctl_bad);
}

static unsigned long ep_number(const char *opt, const char *s, unsigned long min,
			       unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || v < min || v > max)
		ep_die("--%s: %lu to %lu", opt, min, max);
	return v;
}

/* --mac: a unicast address, not 0, and so is the next (pair mode's). */
static void ep_parse_mac(const char *s, uint8_t *mac)
{
	static const uint8_t zero[6];
	uint8_t next[6];
	char junk;

	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx%c", &mac[0], &mac[1], &mac[2],
		   &mac[3], &mac[4], &mac[5], &junk) != 6)
		ep_die("--mac: six hex bytes, as in 02:00:00:00:00:01");
	memcpy(next, mac, sizeof(next));
	ep_mac_add(next, 1);
	if ((mac[0] | next[0]) & 1 || !memcmp(mac, zero, 6))
		ep_die("--mac: %s or the next address is not unicast, or is 0", s);
}

static void ep_parse_versions(const char *s)
{
	char junk;

	if (sscanf(s, "%u-%u%c", &ep_cfg.version_min, &ep_cfg.version_max, &junk) != 2 ||
	    !ep_cfg.version_min || ep_cfg.version_min > ep_cfg.version_max)
		ep_die("--offer-versions: MIN-MAX, 1 <= MIN <= MAX");
}

static void ep_config(int argc, char **argv, unsigned long *seed, uint32_t *ring_size)
{
	static const struct option opts[] = {
		{ "log", no_argument, NULL, 'l' },
		{ "no-offload", no_argument, NULL, 'n' },
		{ "max-queues", required_argument, NULL, 'q' },
		{ "mtu-max", required_argument, NULL, 'm' },
		{ "speed", required_argument, NULL, 'S' },
		{ "ring-size", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "refuse-mtu", required_argument, NULL, 'R' },
		{ "ctl-delay", required_argument, NULL, 'D' },
		{ "count", required_argument, NULL, 'c' },
		{ "mac", required_argument, NULL, 'M' },
		{ "offer-versions", required_argument, NULL, 'V' },
		{ "refuse-init", no_argument, NULL, 'I' },
		{ "refuse-accept", no_argument, NULL, 'A' },
		{ "rx-delay-us", required_argument, NULL, 'U' },
		{ "spin-us", required_argument, NULL, 'W' },
		{ "break-on-queues", no_argument, NULL, 'B' },
		{ "replace", no_argument, NULL, 'P' },
		{ "hash-types", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	vmbnet_config_init(&ep_cfg);
	/* STANDBY: a VF data path, which it honours (ep_deliver()). */
	/* Coalescing the driver turns off is undone here (segment.c). */
	ep_cfg.features |= OFFLOADS | F(STANDBY) | F(CTRL_GUEST_OFFLOADS);
	ep_cfg.speed = 10000;
	ep_cfg.duplex = VMBNET_DUPLEX_FULL;
	/* GNU getopt permutes: options may follow the mode's arguments. */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			ep_log = true;
			break;
		case 'n':
			ep_cfg.features &= ~(OFFLOADS | F(HASH_REPORT));
			break;
		case 'q':
			ep_cfg.max_queues = ep_number("max-queues", optarg, 1,
						      VMBNET_MAX_QUEUES);
			break;
		case 'm':
			ep_cfg.mtu_max = ep_number("mtu-max", optarg, VMBNET_MTU_MIN,
						   VMBNET_MTU_MAX);
			break;
		case 'S':
			ep_cfg.speed = ep_number("speed", optarg, 0, VMBNET_SPEED_UNKNOWN);
			break;
		case 'r':
			*ring_size = ep_number("ring-size", optarg, 0, VMBNET_RING_SIZE_MAX);
			break;
		case 's':
			*seed = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			/* Any status the wire carries: the driver must cope. */
			ep_refuse_mtu = ep_number("refuse-mtu", optarg, 1, 4095);
			break;
		case 'D':
			ep_ctl_delay_ms = ep_number("ctl-delay", optarg, 0, 60000);
			break;
		case 'c':
			ep_count = ep_number("count", optarg, 1, ULONG_MAX);
			break;
		case 'M':
			ep_parse_mac(optarg, ep_cfg.mac);
			ep_cfg.features |= F(MAC);
			break;
		case 'V':
			ep_parse_versions(optarg);
			break;
		case 'I':
			/* What an endpoint that speaks none of INIT's versions says. */
			ep_cfg.refuse_init = EPROTONOSUPPORT;
			break;
		case 'A':
			ep_refuse_accept = true;
			break;
		case 'U':
			ep_rx_delay_us = ep_number("rx-delay-us", optarg, 0, 1000000);
			break;
		case 'W':
			ep_spin_ns = 1000ULL * ep_number("spin-us", optarg, 0, 1000000);
			break;
		case 'B':
			ep_break_on_queues = true;
			break;
		case 'P':
			ep_replace = true;
			break;
		case 'H':
			ep_cfg.rss_hash_types = ep_number("hash-types", optarg, 0,
							  VMBNET_HASH_ALL);
			break;
		default:
			bad_usage();
		}
	}
}

/* The devices the mode names: its first one or two arguments. */
static void ep_add_devs(int argc, char **argv, unsigned int n)
{
	unsigned int i;

	if (optind + (int)n > argc)
		bad_usage();
	for (i = 0; i < n; i++) {
		ep_devs[i].label = argv[optind + i];
		ep_devs[i].index = i;
		ep_devs[i].link_req = -1;
	}
	ep_ndevs = n;
	if (n == 2) {
		ep_devs[0].peer = &ep_devs[1];
		ep_devs[1].peer = &ep_devs[0];
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = ep_on_signal };	/* no SA_RESTART */
	const char *mode, *tapname = NULL;
	enum ep_mode fwd = EP_PAIR;
	unsigned long seed = 1;
	uint32_t ring_size = 0;
	bool first, hostile = false;

	ep_config(argc, argv, &seed, &ring_size);
	if (optind >= argc)
		bad_usage();
	mode = argv[optind++];
	if (!strcmp(mode, "pair")) {
		ep_add_devs(argc, argv, 2);
	} else if (!strcmp(mode, "tap")) {
		ep_add_devs(argc, argv, 1);
		if (optind + 1 >= argc)
			bad_usage();
		tapname = argv[optind + 1];
	} else if (!strcmp(mode, "loopback") || !strcmp(mode, "null")) {
		ep_add_devs(argc, argv, 1);
		fwd = !strcmp(mode, "null") ? EP_NULL : EP_LOOPBACK;
	} else if (!strcmp(mode, "hostile")) {
		ep_add_devs(argc, argv, 1);
		hostile = true;
	} else {
		bad_usage();
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (first = true; !EP_FLAG(ep_stop) && ep_attach_all(ring_size, first); first = false) {
		if (tapname)
			ep_run_tap(&ep_devs[0], tapname);
		else if (hostile)
			ep_run_hostile(&ep_devs[0], seed, ep_count);
		else
			ep_run_forward(ep_devs, ep_ndevs, fwd);
		ep_detach_all();
		if (EP_FLAG(ep_stop)) {
			if (EP_FLAG(ep_hup))
				fputs("vmbnet-endpoint: device taken over or deleted; stopping\n",
				      stderr);
			break;
		}
		fputs("vmbnet-endpoint: a queue was detached by the kernel; re-attaching\n",
		      stderr);
		EP_SET(ep_hup, 0);
		ep_sleep_ms(100);
		/* The device's own ring size now: ethtool -G may have set it. */
		ring_size = 0;
	}
	if (tapname)
		ep_close_tap();
	ep_report();
	return 0;
}
