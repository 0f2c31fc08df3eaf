// SPDX-License-Identifier: GPL-2.0
/*
 * bench-xdpgen: 60-byte UDP frames into a device's receive path from user
 * space, as fast as it takes them, for the XDP benchmark (tools/bench/xdp.sh):
 *
 *   bench-xdpgen vmbnet IF SECS   as IF's endpoint (libvmbnet), one queue
 *   bench-xdpgen tap IF SECS      write()s into the existing TAP device IF
 *
 * Prints "frames N secs S pps P": the frames the device took. On vmbnet the
 * frames go in batches of 64, one signal each, and what the device sends
 * back (XDP_TX) is drained.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vmbnet.h"

#define FRAME_LEN	60
#define BATCH		64

static unsigned char frame[FRAME_LEN];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Ethernet broadcast, IPv4 UDP 192.0.2.1:9 -> 192.0.2.2:9, zero payload. */
static void build_frame(void)
{
	static const unsigned char hdr[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
		0, 9, 0, 9, 0, 26, 0, 0,
	};
	unsigned int sum = 0, i;

	memcpy(frame, hdr, sizeof(hdr));
	for (i = 14; i < 34; i += 2)
		sum += frame[i] << 8 | frame[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	frame[24] = ~sum >> 8;
	frame[25] = ~sum & 0xff;
}

/* Reads what the device sent (control answers come through here too). */
static void drain(struct vmbnet_rxq *rxq)
{
	struct vmbnet_frame f;

	while (!vmbnet_rx_peek(rxq, &f))
		vmbnet_rx_next(rxq);
	vmbnet_rx_release(rxq);
}

static int gen_vmbnet(const char *ifname, double *secs, unsigned long *sent)
{
	struct vmbnet_endpoint *ep;
	struct vmbnet_config cfg;
	struct vmbnet_rxq *rxq;
	struct vmbnet_txq *txq;
	double t0, end;
	int err, fd;

	vmbnet_config_init(&cfg);
	cfg.max_queues = 1;
	err = vmbnet_attach(&ep, ifname, &cfg);
	if (err) {
		fprintf(stderr, "bench-xdpgen: attach %s: %s\n", ifname, strerror(-err));
		return -1;
	}
	rxq = vmbnet_rxq(ep, 0);
	txq = vmbnet_txq(ep, 0);
	fd = vmbnet_queue_fd(ep, 0);
	for (t0 = now(); !vmbnet_ready(ep); ) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		drain(rxq);
		if (now() - t0 > 30) {
			fprintf(stderr, "bench-xdpgen: %s: no agreement\n", ifname);
			vmbnet_detach(ep);
			return -1;
		}
		if (poll(&p, 1, 100) > 0)
			vmbnet_wait(ep, 0);
	}

	t0 = now();
	end = t0 + *secs;
	while (now() < end) {
		unsigned int i;

		for (i = 0; i < BATCH; i++) {
			err = vmbnet_tx_send(txq, NULL, NULL, frame, FRAME_LEN);
			if (err)
				break;
			(*sent)++;
		}
		vmbnet_tx_flush(txq);
		drain(rxq);
		if (err == -ENOSPC) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			/* The driver signals when it made room. */
			if (poll(&p, 1, 10) > 0)
				vmbnet_wait(ep, 0);
		} else if (err) {
			fprintf(stderr, "bench-xdpgen: send: %s\n", strerror(-err));
			vmbnet_detach(ep);
			return -1;
		}
	}
	*secs = now() - t0;
	vmbnet_detach(ep);
	return 0;
}

static int gen_tap(const char *ifname, double *secs, unsigned long *sent)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	double t0, end;
	int fd;

	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0) {
		perror("bench-xdpgen: /dev/net/tun");
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		perror("bench-xdpgen: TUNSETIFF");
		return -1;
	}
	t0 = now();
	end = t0 + *secs;
	while (now() < end) {
		unsigned int i;

		for (i = 0; i < BATCH; i++) {
			if (write(fd, frame, FRAME_LEN) != FRAME_LEN) {
				perror("bench-xdpgen: write");
				return -1;
			}
			(*sent)++;
		}
	}
	*secs = now() - t0;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long sent = 0;
	double secs;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: bench-xdpgen vmbnet|tap IF SECS\n");
		return 2;
	}
	secs = atof(argv[3]);
	build_frame();
	if (!strcmp(argv[1], "vmbnet")) {
		err = gen_vmbnet(argv[2], &secs, &sent);
	} else if (!strcmp(argv[1], "tap")) {
		err = gen_tap(argv[2], &secs, &sent);
	} else {
		fprintf(stderr, "bench-xdpgen: unknown device kind %s\n", argv[1]);
		return 2;
	}
	if (err)
		return 1;
	printf("frames %lu secs %.2f pps %.0f\n", sent, secs, sent / secs);
	return 0;
}
