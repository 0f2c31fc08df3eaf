// SPDX-License-Identifier: GPL-2.0
/*
 * rxhash_count IFNAME HASH: counts the frames IFNAME receives whose
 * skb->hash is HASH, as a classic BPF filter on a packet socket reads it
 * (SKF_AD_RXHASH: the hash as the driver set it, never computed for the
 * filter). Says "listening" once it counts; on SIGTERM or SIGINT it prints
 * the count and exits 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

/* Only interrupts recv() below (no SA_RESTART): that ends the count. */
static void stop(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_RXHASH),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = 4, .filter = code };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct sigaction sa = { .sa_handler = stop };
	unsigned long count = 0;
	char buf[128];
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: rxhash_count IFNAME HASH\n");
		return 2;
	}
	code[1].k = strtoul(argv[2], NULL, 0);
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(argv[1]);
	/* Protocol 0: nothing comes before the filter and the bind. */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (!sll.sll_ifindex || fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("rxhash_count");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("listening\n");
	fflush(stdout);
	while (recv(fd, buf, sizeof(buf), 0) >= 0)
		count++;
	if (errno != EINTR) {
		perror("rxhash_count: recv");
		return 1;
	}
	printf("%lu\n", count);
	return 0;
}
