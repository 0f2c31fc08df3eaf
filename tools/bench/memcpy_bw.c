// SPDX-License-Identifier: GPL-2.0
/*
 * bench-memcpy: memcpy bandwidth on one CPU, the ceiling of any path that
 * copies each byte.
 *
 *   bench-memcpy [-t SECONDS] [-m MIB] [CHUNK...]
 *
 * For each CHUNK size (bytes; default 1500 and 65536) copies CHUNK-byte
 * blocks from one MIB-MiB buffer (default 16, the size of sixteen default
 * vmbnet rings) to another, block after block, wrapping around, for
 * SECONDS (default 1), and prints
 *	"memcpy CHUNK bytes: X GB/s (Y Gbit/s)"
 * counting bytes copied (each read once and written once). Then, for the
 * kernel's copies (copy_from_user, copy_to_user), writes 64 KiB blocks of
 * the first buffer into a pipe and reads them back into the second, for
 * SECONDS, and prints
 *	"kernel copy (pipe, 64 KiB): X GB/s (Y Gbit/s)"
 * counting each byte twice (it is copied in and out), system calls
 * included.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void run(uint8_t *src, uint8_t *dst, size_t size, size_t chunk, double secs)
{
	uint64_t t0 = now_ns(), t, bytes = 0, deadline = t0 + secs * 1e9;
	size_t off = 0, i;

	do {
		/* Check the clock every 64 blocks, not after each. */
		for (i = 0; i < 64; i++) {
			memcpy(dst + off, src + off, chunk);
			off += chunk;
			if (off + chunk > size)
				off = 0;
		}
		bytes += 64 * chunk;
		/* Keep the copies from being optimised away. */
		__asm__ volatile("" : : "r"(dst) : "memory");
		t = now_ns();
	} while (t < deadline);
	printf("memcpy %zu bytes: %.2f GB/s (%.2f Gbit/s)\n", chunk,
	       bytes / (double)(t - t0), bytes * 8 / (double)(t - t0));
}

static int run_pipe(uint8_t *src, uint8_t *dst, size_t size, double secs)
{
	const size_t chunk = 65536;
	uint64_t t0 = now_ns(), t, bytes = 0, deadline = t0 + secs * 1e9;
	size_t off = 0;
	int p[2];

	if (pipe(p) || fcntl(p[1], F_SETPIPE_SZ, 1 << 20) < 0) {
		perror("bench-memcpy: pipe");
		return 1;
	}
	do {
		if (write(p[1], src + off, chunk) != (ssize_t)chunk ||
		    read(p[0], dst + off, chunk) != (ssize_t)chunk) {
			perror("bench-memcpy: pipe write/read");
			return 1;
		}
		off += chunk;
		if (off + chunk > size)
			off = 0;
		bytes += 2 * chunk;
		t = now_ns();
	} while (t < deadline);
	printf("kernel copy (pipe, 64 KiB): %.2f GB/s (%.2f Gbit/s)\n",
	       bytes / (double)(t - t0), bytes * 8 / (double)(t - t0));
	close(p[0]);
	close(p[1]);
	return 0;
}

int main(int argc, char **argv)
{
	size_t mib = 16, size, chunk;
	double secs = 1;
	uint8_t *src, *dst;
	int c, i;

	while ((c = getopt(argc, argv, "t:m:")) != -1) {
		switch (c) {
		case 't':
			secs = strtod(optarg, NULL);
			break;
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: bench-memcpy [-t SECONDS] [-m MIB] [CHUNK...]\n");
			return 2;
		}
	}
	size = mib << 20;
	src = aligned_alloc(4096, size);
	dst = aligned_alloc(4096, size);
	if (!src || !dst || secs <= 0) {
		fprintf(stderr, "bench-memcpy: bad size or time\n");
		return 1;
	}
	/* Touch every page so that no fault is timed. */
	memset(src, 1, size);
	memset(dst, 2, size);
	if (optind == argc) {
		run(src, dst, size, 1500, secs);
		run(src, dst, size, 65536, secs);
	}
	for (i = optind; i < argc; i++) {
		chunk = strtoul(argv[i], NULL, 0);
		if (!chunk || chunk > size) {
			fprintf(stderr, "bench-memcpy: bad chunk %s\n", argv[i]);
			return 2;
		}
		run(src, dst, size, chunk, secs);
	}
	return run_pipe(src, dst, size, secs);
}
