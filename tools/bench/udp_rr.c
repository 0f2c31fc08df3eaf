// SPDX-License-Identifier: GPL-2.0
/*
 * bench-udprr: UDP request/response latency, one request in flight.
 *
 *   bench-udprr -s [-p PORT]
 *	echoes every datagram back to its sender, until killed
 *   bench-udprr -c ADDR [-p PORT] [-n COUNT] [-l BYTES] [-w WARMUP] [-t SECS]
 *	sends WARMUP then COUNT datagrams of BYTES bytes one at a time (or
 *	fewer, if SECS seconds are up first), waits for each echo (1 s at
 *	most, then counts it lost), timing each round trip with
 *	CLOCK_MONOTONIC, and prints
 *	"n N lost L p50_us X p99_us Y min_us Z max_us W"
 *	(round trips of the datagrams that came back, warm-up excluded;
 *	nearest-rank percentiles). Exits 1 if more than a tenth were lost.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_LEN	1472

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-udprr: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void serve(int fd)
{
	char buf[65536];
	struct sockaddr_storage peer;
	socklen_t plen;
	ssize_t n;

	for (;;) {
		plen = sizeof(peer);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("recvfrom");
		}
		if (sendto(fd, buf, n, 0, (struct sockaddr *)&peer, plen) < 0 &&
		    errno != EAGAIN && errno != ENOBUFS && errno != ECONNREFUSED)
			die("sendto");
	}
}

/* Nearest-rank percentile of sorted v[0..n). */
static double pct_us(const uint64_t *v, unsigned int n, unsigned int p)
{
	unsigned int rank = (n * p + 99) / 100;

	return v[rank ? rank - 1 : 0] / 1000.0;
}

static int client(int fd, unsigned int count, unsigned int len, unsigned int warmup,
		  double secs)
{
	struct timeval tv = { .tv_sec = 1 };
	unsigned int i, got = 0, lost = 0;
	char req[MAX_LEN], resp[MAX_LEN];
	uint64_t *rtt, t0, deadline = 0;
	uint32_t seq;
	ssize_t n;

	rtt = calloc(count, sizeof(*rtt));
	if (!rtt)
		die("calloc");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO");
	memset(req, 0x5a, len);
	for (i = 0; i < warmup + count; i++) {
		if (i == warmup && secs > 0)
			deadline = now_ns() + secs * 1e9;
		if (deadline && now_ns() > deadline)
			break;
		seq = i;
		memcpy(req, &seq, sizeof(seq));
		t0 = now_ns();
		if (send(fd, req, len, 0) != (ssize_t)len)
			die("send");
		/* Skip stale echoes of requests given up on. */
		do {
			n = recv(fd, resp, sizeof(resp), 0);
		} while (n >= (ssize_t)sizeof(seq) && memcmp(resp, &seq, sizeof(seq)));
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED)
				die("recv");
			if (i >= warmup)
				lost++;
			continue;
		}
		if (i >= warmup)
			rtt[got++] = now_ns() - t0;
	}
	if (!got) {
		printf("n 0 lost %u\n", lost);
		return 1;
	}
	qsort(rtt, got, sizeof(*rtt), cmp_u64);
	printf("n %u lost %u p50_us %.1f p99_us %.1f min_us %.1f max_us %.1f\n",
	       got, lost, pct_us(rtt, got, 50), pct_us(rtt, got, 99),
	       rtt[0] / 1000.0, rtt[got - 1] / 1000.0);
	free(rtt);
	return lost * 10 > got + lost;
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: bench-udprr -s [-p PORT]\n"
		"       bench-udprr -c ADDR [-p PORT] [-n COUNT] [-l BYTES] [-w WARMUP] [-t SECS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int count = 2000, len = 64, warmup = 100, port = 7777;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *addr = NULL;
	int server = 0, c, fd;
	double secs = 0;

	while ((c = getopt(argc, argv, "sc:p:n:l:w:t:")) != -1) {
		switch (c) {
		case 's':
			server = 1;
			break;
		case 'c':
			addr = optarg;
			break;
		case 'p':
			port = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			len = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			warmup = strtoul(optarg, NULL, 0);
			break;
		case 't':
			secs = strtod(optarg, NULL);
			break;
		default:
			bad_usage();
		}
	}
	if (server == !!addr || !count || len < sizeof(uint32_t) || len > MAX_LEN ||
	    !port || port > 65535)
		bad_usage();

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	sa.sin_port = htons(port);
	if (server) {
		sa.sin_addr.s_addr = htonl(INADDR_ANY);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
			die("bind");
		serve(fd);	/* until killed */
		return 0;
	}
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "bench-udprr: %s: not an IPv4 address\n", addr);
		return 2;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	return client(fd, count, len, warmup, secs);
}
