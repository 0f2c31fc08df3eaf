// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side's TCP client for lwip.sh and the bench: talks to a
 * netstack's echo and HTTP services, checks every byte, says how fast.
 *
 *   tcp_client echo ADDR PORT BYTES    one connection, BYTES there and back
 *   tcp_client conns ADDR PORT N       N connections at once, a message each
 *   tcp_client http ADDR PORT N        N GETs one after another
 *
 * Each prints one line and exits 0 if everything came back right, 1 if not.
 * Every wait has a deadline (30 s without progress): a stall fails.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STALL_MS	30000

static struct sockaddr_in peer;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_peer(int flags)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&peer, sizeof(peer)) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned char pattern(size_t i)
{
	return (i * 7 + i / 251) & 0xff;
}

/* Send and receive at once: the echo holds the sender back by its window. */
static int run_echo(size_t total)
{
	size_t sent = 0, got = 0, i;
	unsigned char buf[65536];
	struct pollfd pfd;
	double t0 = now_s();
	ssize_t n;
	int fd = connect_peer(SOCK_NONBLOCK);

	if (fd < 0) {
		perror("connect");
		return 1;
	}
	pfd.fd = fd;
	while (got < total) {
		pfd.events = POLLIN | (sent < total ? POLLOUT : 0);
		if (poll(&pfd, 1, STALL_MS) <= 0) {
			printf("echo: stalled at %zu sent, %zu back\n", sent, got);
			return 1;
		}
		if (pfd.revents & POLLOUT) {
			size_t len = total - sent < sizeof(buf) ? total - sent : sizeof(buf);

			for (i = 0; i < len; i++)
				buf[i] = pattern(sent + i);
			n = send(fd, buf, len, MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN) {
				perror("send");
				return 1;
			}
			if (n > 0)
				sent += n;
		}
		if (pfd.revents & (POLLIN | POLLERR | POLLHUP)) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n <= 0 && !(n < 0 && errno == EAGAIN)) {
				printf("echo: connection ended after %zu of %zu bytes back\n",
				       got, total);
				return 1;
			}
			for (i = 0; n > 0 && i < (size_t)n; i++)
				if (buf[i] != pattern(got + i)) {
					printf("echo: byte %zu differs\n", got + i);
					return 1;
				}
			if (n > 0)
				got += n;
		}
	}
	close(fd);
	printf("echo: %zu bytes there and back, identical, in %.3f s: %.1f Mbit/s\n",
	       total, now_s() - t0, total * 8 / (now_s() - t0) / 1e6);
	return 0;
}

/* n connections open at once, each a message there and back. */
static int run_conns(int n)
{
	int *fds = calloc(n, sizeof(*fds)), *done = calloc(n, sizeof(*done));
	struct pollfd *pfd = calloc(n, sizeof(*pfd));
	char (*back)[64] = calloc(n, sizeof(*back));
	char msg[64];
	int i, left = n, sent = 0;

	if (!fds || !done || !pfd || !back)
		return 1;
	for (i = 0; i < n; i++) {
		fds[i] = connect_peer(0);
		if (fds[i] < 0) {
			printf("conns: connection %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		snprintf(msg, sizeof(msg), "connection %d of %d", i, n);
		if (send(fds[i], msg, sizeof(msg), MSG_NOSIGNAL) != sizeof(msg))
			return 1;
		sent++;
	}
	while (left) {
		int m = 0;

		for (i = 0; i < n; i++)
			if (done[i] < (int)sizeof(msg)) {
				pfd[m].fd = fds[i];
				pfd[m++].events = POLLIN;
			}
		if (poll(pfd, m, STALL_MS) <= 0) {
			printf("conns: %d of %d answers missing\n", left, n);
			return 1;
		}
		for (i = 0; i < n; i++) {
			ssize_t r;

			if (done[i] >= (int)sizeof(msg))
				continue;
			r = recv(fds[i], back[i] + done[i], sizeof(msg) - done[i], MSG_DONTWAIT);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r <= 0) {
				printf("conns: connection %d ended early\n", i);
				return 1;
			}
			done[i] += r;
			if (done[i] == (int)sizeof(msg))
				left--;
		}
	}
	/* What came back is each connection's own message. */
	for (i = 0; i < n; i++) {
		snprintf(msg, sizeof(msg), "connection %d of %d", i, n);
		if (memcmp(back[i], msg, sizeof(msg))) {
			printf("conns: connection %d got another's message\n", i);
			return 1;
		}
		close(fds[i]);
	}
	printf("conns: %d connections at once, %d messages echoed\n", n, sent);
	return 0;
}

/* The response's length: its headers and Content-Length, once all came. */
static size_t http_length(const char *buf)
{
	const char *end = strstr(buf, "\r\n\r\n"), *cl = strstr(buf, "Content-Length: ");

	if (!end || !cl || cl > end)
		return 0;
	return end + 4 - buf + strtoul(cl + 16, NULL, 10);
}

/* One GET, read to its Content-Length; the client closes first. */
static int http_get(void)
{
	static const char req[] = "GET / HTTP/1.0\r\nHost: lwip\r\n\r\n";
	char buf[1024];
	size_t got = 0, want = 0;
	ssize_t n;
	int fd = connect_peer(0);
	struct timeval tv = { .tv_sec = STALL_MS / 1000 };

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != sizeof(req) - 1) {
		close(fd);
		return -1;
	}
	while ((!want || got < want) && got < sizeof(buf) - 1) {
		n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n <= 0)
			break;
		got += n;
		buf[got] = '\0';
		want = http_length(buf);
	}
	close(fd);
	buf[got] = '\0';
	return want && got == want && strstr(buf, "200 OK") &&
	       strstr(buf, "\r\n\r\nhello from lwIP") ? 0 : -1;
}

static int run_http(int n)
{
	double t0 = now_s();
	int i;

	for (i = 0; i < n; i++)
		if (http_get()) {
			printf("http: request %d failed\n", i);
			return 1;
		}
	printf("http: %d requests in %.3f s: %.1f requests/s\n", n, now_s() - t0,
	       n / (now_s() - t0));
	return 0;
}

int main(int argc, char **argv)
{
	long n;

	if (argc != 5 || inet_pton(AF_INET, argv[2], &peer.sin_addr) != 1) {
		fprintf(stderr, "usage: tcp_client echo|conns|http ADDR PORT N\n");
		return 2;
	}
	peer.sin_family = AF_INET;
	peer.sin_port = htons(atoi(argv[3]));
	n = atol(argv[4]);
	if (!strcmp(argv[1], "echo"))
		return run_echo(n);
	if (!strcmp(argv[1], "conns"))
		return run_conns(n);
	if (!strcmp(argv[1], "http"))
		return run_http(n);
	return 2;
}
