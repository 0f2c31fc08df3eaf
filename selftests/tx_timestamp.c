// SPDX-License-Identifier: GPL-2.0
/*
 * tx_timestamp ADDR PORT: sends one UDP datagram to ADDR:PORT asking for a
 * software transmit timestamp (SOF_TIMESTAMPING_TX_SOFTWARE), which only
 * the driver's skb_tx_timestamp() gives, and waits up to 5 s for it on the
 * socket's error queue. Exit 0 and the stamp printed if it came, 1 if not.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
		    SOF_TIMESTAMPING_OPT_TSONLY;
	struct sockaddr_in to = { .sin_family = AF_INET };
	char ctrl[512], data[64];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctrl, .msg_controllen = sizeof(ctrl),
	};
	struct pollfd pfd;
	struct cmsghdr *cm;
	int fd;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: tx_timestamp IPV4_ADDR PORT\n");
		return 2;
	}
	to.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) ||
	    sendto(fd, "stamp me", 8, 0, (struct sockaddr *)&to, sizeof(to)) != 8) {
		perror("tx_timestamp");
		return 2;
	}
	pfd.fd = fd;
	pfd.events = POLLERR;
	/* The error queue wakes POLLERR; nothing else comes on this socket. */
	if (poll(&pfd, 1, 5000) != 1 || recvmsg(fd, &msg, MSG_ERRQUEUE) < 0) {
		fprintf(stderr, "tx_timestamp: no transmit timestamp: %s\n",
			errno ? strerror(errno) : "none came in 5 s");
		return 1;
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		struct scm_timestamping ts;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SO_TIMESTAMPING)
			continue;
		memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		if (!ts.ts[0].tv_sec && !ts.ts[0].tv_nsec)
			continue;
		printf("software transmit timestamp %lld.%09ld\n",
		       (long long)ts.ts[0].tv_sec, ts.ts[0].tv_nsec);
		return 0;
	}
	fprintf(stderr, "tx_timestamp: the error queue held no software timestamp\n");
	return 1;
}
