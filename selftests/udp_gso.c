// SPDX-License-Identifier: GPL-2.0
/*
 * UDP GSO (UDP_SEGMENT) across a device pair.
 *   udp_gso send ADDR PORT SENDS SEG NSEG: SENDS sendmsg()s of NSEG
 *	datagrams of SEG bytes each, one GSO unit per call.
 *   udp_gso recv PORT COUNT SEG: waits (10 s at most between two) for
 *	COUNT datagrams of SEG bytes, each with its index and pattern intact.
 * Datagram k carries k in its first 4 bytes, then bytes (k + i) & 0xff.
 */
#include <arpa/inet.h>
#include <linux/types.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif

static void fill(__u8 *p, __u32 k, unsigned int seg)
{
	unsigned int i;

	for (i = 4; i < seg; i++)
		p[i] = (k + i) & 0xff;
	memcpy(p, &k, 4);
}

static int do_send(const char *addr, int port, unsigned int sends,
		   unsigned int seg, unsigned int nseg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	__u8 *buf = malloc(seg * nseg);
	__u32 k = 0;
	unsigned int s, j;
	int fd, v = seg;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!buf || fd < 0 || inet_pton(AF_INET, addr, &to.sin_addr) != 1 ||
	    setsockopt(fd, SOL_UDP, UDP_SEGMENT, &v, sizeof(v))) {
		perror("udp_gso send");
		return 2;
	}
	for (s = 0; s < sends; s++) {
		for (j = 0; j < nseg; j++, k++)
			fill(buf + j * seg, k, seg);
		if (sendto(fd, buf, seg * nseg, 0, (struct sockaddr *)&to,
			   sizeof(to)) != (ssize_t)(seg * nseg)) {
			perror("udp_gso sendto");
			return 1;
		}
		/* Paced a little: the receiver's socket, not the path, is small. */
		usleep(1000);
	}
	return 0;
}

static int do_recv(int port, unsigned int count, unsigned int seg)
{
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(port) };
	__u8 *buf = malloc(65536), *want = malloc(seg);
	unsigned int got = 0, bad = 0;
	int fd, v = 8 << 20;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	/* Past rmem_max (root): all of them fit, however late it reads. */
	if (!buf || !want || fd < 0 ||
	    (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) &&
	     setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v))) ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me))) {
		perror("udp_gso recv");
		return 2;
	}
	printf("listening\n");
	fflush(stdout);
	while (got < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		__u32 k;
		ssize_t n;

		if (poll(&pfd, 1, 10000) != 1)
			break;
		n = recv(fd, buf, 65536, 0);
		if (n < 4)
			break;
		memcpy(&k, buf, 4);
		fill(want, k, seg);
		if (n != seg || memcmp(buf, want, seg))
			bad++;
		got++;
	}
	printf("received %u datagrams, %u bad\n", got, bad);
	return got == count && !bad ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]), atoi(argv[4]),
			       atoi(argv[5]), atoi(argv[6]));
	if (argc == 5 && !strcmp(argv[1], "recv"))
		return do_recv(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: udp_gso send ADDR PORT SENDS SEG NSEG | recv PORT COUNT SEG\n");
	return 2;
}
