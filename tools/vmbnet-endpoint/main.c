// SPDX-License-Identifier: GPL-2.0
/*
 * vmbnet-endpoint: the reference user endpoint for vmbnet devices.
 *
 *   vmbnet-endpoint [options] loopback IF   frames sent come back as received
 *   vmbnet-endpoint [options] pair IF1 IF2  forwards between two devices
 *   vmbnet-endpoint [options] tap IF TAP    bridges a device to a TAP
 *   vmbnet-endpoint [options] null IF       drains and counts
 *   vmbnet-endpoint [options] hostile IF [--seed N]  writes garbage
 *
 * IF may be IF@NETNS (a name from `ip netns`). Runs until killed.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "endpoint.h"

#define F(bit)	(1ULL << VMBNET_F_##bit)

volatile sig_atomic_t ep_stop;
bool ep_log;

static void usage(void)
{
	fprintf(stderr,
		"usage: vmbnet-endpoint [--log] [--no-offload] [--max-queues N] [--ring-size BYTES]\n"
		"                       MODE ARGS...\n"
		"modes: loopback IF | pair IF1 IF2 | tap IF TAPIF | null IF | hostile IF [--seed N]\n"
		"IF may be written IF@NETNS to attach inside that network namespace.\n");
	exit(2);
}

void ep_log_msg(const char *fmt, ...)
{
	va_list ap;

	if (!ep_log)
		return;
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
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

/* Attach to "IF" or "IF@NETNS", entering the namespace only to attach. */
int ep_attach(struct vmbnet_endpoint *ep, const char *spec, uint64_t features,
	      unsigned int queues, uint32_t ring_size)
{
	char name[IFNAMSIZ + 64], path[256];
	int self = -1, ns = -1, err;
	char *at;

	snprintf(name, sizeof(name), "%s", spec);
	at = strchr(name, '@');
	if (at) {
		*at++ = '\0';
		snprintf(path, sizeof(path), "/run/netns/%s", at);
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		ns = open(path, O_RDONLY | O_CLOEXEC);
		if (self < 0 || ns < 0)
			ep_die("%s: %s", ns < 0 ? path : "/proc/self/ns/net",
			       strerror(errno));
		if (setns(ns, CLONE_NEWNET))
			ep_die("setns %s: %s", path, strerror(errno));
	}
	err = vmbnet_attach(ep, name, features, queues, ring_size);
	if (at) {
		if (setns(self, CLONE_NEWNET))
			ep_die("setns back: %s", strerror(errno));
		close(self);
		close(ns);
	}
	if (err)
		ep_die("attach %s: %s", spec, strerror(-err));
	ep_log_msg("attached %s: %u queues, %u-byte rings, features %#llx",
		   spec, ep->num_queues, ep->ring_size,
		   (unsigned long long)ep->features);
	return 0;
}

/* Move what src's device sent into dst's device, up to a batch. */
static unsigned int ep_flow_run(struct ep_flow *fl)
{
	struct vmbnet_frame f;
	unsigned int n = 0;

	while (n < EP_BATCH && vmbnet_recv(fl->src, &f) == 0) {
		if (fl->dst) {
			if (!vmbnet_can_send(fl->dst, f.len)) {
				/* Leave it in place; ask to be told about room. */
				vmbnet_want_room(fl->dst, f.len);
				if (!vmbnet_can_send(fl->dst, f.len))
					break;
				vmbnet_want_room(fl->dst, 0);
			}
			if (vmbnet_send(fl->dst, &f.hdr, f.data, f.len)) {
				fl->ctr->dropped++;
				vmbnet_recv_next(fl->src);
				continue;
			}
		}
		fl->ctr->frames++;
		fl->ctr->bytes += f.len;
		vmbnet_recv_next(fl->src);
		n++;
	}
	/* One release and one flush per batch: at most a kick each. */
	vmbnet_release(fl->src);
	if (fl->dst)
		vmbnet_flush(fl->dst);
	return n;
}

static void ep_sleep(struct ep_thread *t)
{
	struct pollfd pfd[2 * VMBNET_MAX_QUEUES];
	unsigned int i;

	for (i = 0; i < t->nqueues; i++)
		if (vmbnet_rearm(t->queues[i]))
			return;
	for (i = 0; i < t->nqueues; i++) {
		pfd[i].fd = t->queues[i]->fd;
		pfd[i].events = POLLIN;
	}
	if (poll(pfd, t->nqueues, 200) <= 0)
		return;
	for (i = 0; i < t->nqueues; i++) {
		if (pfd[i].revents & (POLLERR | POLLHUP)) {
			fprintf(stderr, "vmbnet-endpoint: queue detached by the kernel\n");
			ep_stop = 1;
			return;
		}
		if (pfd[i].revents & POLLIN) {
			vmbnet_wait(t->queues[i]);
			t->ctr.wakeups++;
		}
	}
}

/* One thread: drain every flow it owns, flush once, spin, then sleep. */
void *ep_forward_thread(void *arg)
{
	struct ep_thread *t = arg;
	uint64_t idle_since = 0;
	unsigned int i, moved;

	while (!ep_stop) {
		moved = 0;
		for (i = 0; i < t->nflows; i++)
			moved += ep_flow_run(&t->flows[i]);
		if (moved) {
			idle_since = 0;
			continue;
		}
		if (!idle_since)
			idle_since = ep_now_ns();
		if (ep_now_ns() - idle_since < EP_SPIN_NS)
			continue;
		ep_sleep(t);
		idle_since = 0;
	}
	return NULL;
}

static void ep_on_signal(int sig)
{
	(void)sig;
	ep_stop = 1;
}

static void ep_own(struct ep_thread *t, struct vmbnet_queue *q)
{
	unsigned int i;

	for (i = 0; i < t->nqueues; i++)
		if (t->queues[i] == q)
			return;
	t->queues[t->nqueues++] = q;
}

/*
 * Flows of one direction: src queue i feeds dst queue i mod (dst's count),
 * in the thread numbered after the dst queue, so every ring has a single
 * writer. nthreads must not exceed either side's queue count.
 */
static void ep_add_flows(struct ep_thread *threads, unsigned int nthreads,
			 struct vmbnet_endpoint *src, struct vmbnet_endpoint *dst)
{
	unsigned int i;

	for (i = 0; i < src->num_queues; i++) {
		unsigned int d = dst ? i % dst->num_queues : i;
		struct ep_thread *t = &threads[d % nthreads];
		struct ep_flow *fl = &t->flows[t->nflows++];

		fl->src = &src->queues[i];
		fl->dst = dst ? &dst->queues[d] : NULL;
		fl->ctr = &t->ctr;
		/* Woken for frames on src and for room on dst. */
		ep_own(t, fl->src);
		if (fl->dst)
			ep_own(t, fl->dst);
	}
}

static uint64_t mirror(uint64_t f)
{
	uint64_t m = f & ~(F(CSUM) | F(GUEST_CSUM) | F(HOST_TSO4) | F(HOST_TSO6) |
			   F(GUEST_TSO4) | F(GUEST_TSO6) | F(HOST_USO) |
			   F(GUEST_USO4) | F(GUEST_USO6));

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
	if (f & (F(GUEST_USO4) | F(GUEST_USO6)))
		m |= F(HOST_USO);
	return m;
}

static void ep_report(struct ep_thread *threads, unsigned int n)
{
	struct ep_counters sum = { 0 };
	unsigned int i;

	for (i = 0; i < n; i++) {
		sum.frames += threads[i].ctr.frames;
		sum.bytes += threads[i].ctr.bytes;
		sum.dropped += threads[i].ctr.dropped;
		sum.wakeups += threads[i].ctr.wakeups;
	}
	ep_log_msg("frames %llu bytes %llu dropped %llu wakeups %llu",
		   (unsigned long long)sum.frames, (unsigned long long)sum.bytes,
		   (unsigned long long)sum.dropped, (unsigned long long)sum.wakeups);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", no_argument, NULL, 'l' },
		{ "no-offload", no_argument, NULL, 'n' },
		{ "max-queues", required_argument, NULL, 'q' },
		{ "ring-size", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t features = F(CSUM) | F(GUEST_CSUM) | F(HOST_TSO4) | F(HOST_TSO6) |
			    F(GUEST_TSO4) | F(GUEST_TSO6) | F(HOST_USO) |
			    F(GUEST_USO4) | F(GUEST_USO6) | F(MQ);
	struct ep_thread threads[VMBNET_MAX_QUEUES];
	struct vmbnet_endpoint a, b, *pb = NULL;
	unsigned int queues = VMBNET_MAX_QUEUES, nthreads, i;
	unsigned long seed = 1;
	pthread_t tids[VMBNET_MAX_QUEUES];
	uint32_t ring_size = 0;
	const char *mode;
	int c;

	/* GNU getopt permutes: options may follow the mode's arguments. */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			ep_log = true;
			break;
		case 'n':
			features = F(MQ);
			break;
		case 'q':
			queues = strtoul(optarg, NULL, 0);
			if (queues < 1 || queues > VMBNET_MAX_QUEUES)
				ep_die("--max-queues: 1 to %d", VMBNET_MAX_QUEUES);
			break;
		case 'r':
			ring_size = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	mode = argv[optind++];
	signal(SIGINT, ep_on_signal);
	signal(SIGTERM, ep_on_signal);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(mode, "hostile")) {
		if (optind >= argc)
			usage();
		ep_attach(&a, argv[optind], features, queues, ring_size);
		return ep_run_hostile(&a, seed);
	}
	if (!strcmp(mode, "tap")) {
		if (optind + 1 >= argc)
			usage();
		ep_attach(&a, argv[optind], features, queues, ring_size);
		return ep_run_tap(&a, argv[optind + 1]);
	}

	memset(threads, 0, sizeof(threads));
	if (!strcmp(mode, "pair")) {
		uint64_t fa;

		if (optind + 1 >= argc)
			usage();
		ep_attach(&a, argv[optind], features, queues, ring_size);
		/* B may only be offered what A can take, and the other way round. */
		ep_attach(&b, argv[optind + 1], features & mirror(a.features),
			  queues, ring_size);
		fa = features & mirror(b.features);
		if (fa != a.features) {
			vmbnet_detach(&a);
			ep_attach(&a, argv[optind], fa, queues, ring_size);
		}
		pb = &b;
		nthreads = a.num_queues < b.num_queues ? a.num_queues : b.num_queues;
		ep_add_flows(threads, nthreads, &a, &b);
		ep_add_flows(threads, nthreads, &b, &a);
	} else if (!strcmp(mode, "loopback") || !strcmp(mode, "null")) {
		bool loop = !strcmp(mode, "loopback");

		if (optind >= argc)
			usage();
		ep_attach(&a, argv[optind], features, queues, ring_size);
		nthreads = a.num_queues;
		ep_add_flows(threads, nthreads, &a, loop ? &a : NULL);
	} else {
		usage();
	}

	for (i = 0; i < nthreads; i++)
		if (pthread_create(&tids[i], NULL, ep_forward_thread, &threads[i]))
			ep_die("pthread_create: %s", strerror(errno));
	for (i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	ep_report(threads, nthreads);
	vmbnet_detach(&a);
	if (pb)
		vmbnet_detach(pb);
	return 0;
}
