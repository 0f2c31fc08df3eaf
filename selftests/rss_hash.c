// SPDX-License-Identifier: GPL-2.0
/*
 * rss_hash KEY SRC DST [SPORT DPORT]: prints, in decimal, the Toeplitz
 * hash RSS computes for a flow with KEY (as `ethtool -x` shows it,
 * xx:xx:...): the two addresses (IPv4 or IPv6), then the ports if given.
 * The hash an endpoint reports with each frame (VMBNET_F_HASH_REPORT).
 */
#include <arpa/inet.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libvmbnet's, the reference the driver's KUnit tests check. */
__u32 vmbnet_toeplitz(const __u8 *key, __u32 key_len, const __u8 *in, __u32 len);

static int addr(const char *s, __u8 *out)
{
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 16;
	return 0;
}

int main(int argc, char **argv)
{
	__u8 key[64], in[36], a[16], b[16];
	unsigned int key_len = 0, byte;
	__u16 port;
	const char *p;
	int n, m;

	if (argc != 4 && argc != 6) {
		fprintf(stderr, "usage: rss_hash KEY SRC DST [SPORT DPORT]\n");
		return 2;
	}
	for (p = argv[1]; *p && key_len < sizeof(key); p += 2) {
		if (sscanf(p, "%2x", &byte) != 1)
			break;
		key[key_len++] = byte;
		if (p[2] == ':')
			p++;
	}
	n = addr(argv[2], a);
	m = addr(argv[3], b);
	if (key_len < 4 || !n || n != m) {
		fprintf(stderr, "rss_hash: bad key or addresses\n");
		return 2;
	}
	memcpy(in, a, n);
	memcpy(in + n, b, n);
	n *= 2;
	if (argc == 6) {
		port = htons(atoi(argv[4]));
		memcpy(in + n, &port, 2);
		port = htons(atoi(argv[5]));
		memcpy(in + n + 2, &port, 2);
		n += 4;
	}
	printf("%u\n", vmbnet_toeplitz(key, key_len, in, n));
	return 0;
}
