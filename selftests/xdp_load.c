// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_load [-v] [--generic] [--replace] IFNAME OBJ [--devmap TARGET]
 *	    [--cpumap CPU [--qsize N]]
 * xdp_load [-v] [--generic] --cycles N IFNAME OBJ
 *
 * Loads the one XDP program of BPF object OBJ (selftests/xdp/), fills its
 * map where it has one, attaches it to IFNAME of the current netns and
 * exits: the device keeps the program (ip link set dev IFNAME xdp off
 * detaches it). Native mode unless --generic; a program already attached
 * makes it fail unless --replace.
 *
 *   --devmap TARGET  the object's devmap tx_port gets TARGET's ifindex in
 *		      entry 0 (xdp_redirect_map.o)
 *   --cpumap CPU     the object's cpumap cpu_map gets an entry for CPU,
 *		      with a queue of --qsize frames (default 192), and its
 *		      array target_cpu holds CPU (xdp_redirect_cpu.o)
 *   --cycles N	      N times: attach the program, replace it with a
 *		      second copy, detach; as fast as the kernel lets
 *		      (a device's XDP setup against its traffic). The
 *		      device has no program afterwards. Not with
 *		      --devmap or --cpumap.
 *   -v		      libbpf's debug messages too
 *
 * Prints the attached program's id. On failure, exits 1 with what failed,
 * libbpf's messages and the kernel's (extack: "libbpf: Kernel error
 * message: ...") on stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: xdp_load [-v] [--generic] [--replace] IFNAME OBJ [--devmap TARGET]\n"
		"                [--cpumap CPU [--qsize N]]\n"
		"       xdp_load [-v] [--generic] --cycles N IFNAME OBJ\n");
	exit(2);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("xdp_load: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static unsigned int parse_uint(const char *what, const char *s, unsigned int max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max)
		die("%s: '%s' is not a number up to %u", what, s, max);
	return v;
}

static unsigned int ifindex_of(const char *name)
{
	unsigned int i = if_nametoindex(name);

	if (!i)
		die("%s: no such device in this netns: %s", name, strerror(errno));
	return i;
}

static int map_fd(struct bpf_object *obj, const char *name, const char *option)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map)
		die("%s: the object has no map %s", option, name);
	return bpf_map__fd(map);
}

/* A second copy of the object's program, for --cycles to replace the
 * first with.
 */
static int load_copy(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	int err;

	if (!obj)
		die("%s: cannot open: %s", path, strerror(errno));
	err = bpf_object__load(obj);
	if (err)
		die("%s: cannot load a second copy: %s", path, strerror(-err));
	/* The fd stays open, and the program with it, until we exit. */
	return bpf_program__fd(bpf_object__next_program(obj, NULL));
}

static void cycles(unsigned int ifindex, const char *ifname, int fd1, int fd2,
		   __u32 flags, unsigned int n)
{
	__u32 mode = flags & XDP_FLAGS_MODES;
	unsigned int i;
	int err;

	for (i = 1; i <= n; i++) {
		err = bpf_xdp_attach(ifindex, fd1, flags, NULL);
		if (err)
			die("%s: cycle %u: cannot attach: %s", ifname, i, strerror(-err));
		err = bpf_xdp_attach(ifindex, fd2, mode, NULL);
		if (err)
			die("%s: cycle %u: cannot replace: %s", ifname, i, strerror(-err));
		err = bpf_xdp_detach(ifindex, mode, NULL);
		if (err)
			die("%s: cycle %u: cannot detach: %s", ifname, i, strerror(-err));
	}
	printf("%s: attached, replaced and detached %u times\n", ifname, n);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "generic", no_argument, NULL, 'g' },
		{ "replace", no_argument, NULL, 'r' },
		{ "devmap", required_argument, NULL, 'd' },
		{ "cpumap", required_argument, NULL, 'c' },
		{ "qsize", required_argument, NULL, 'q' },
		{ "cycles", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const char *ifname, *path, *devmap = NULL, *mode = "native";
	__u32 flags = XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST;
	struct bpf_cpumap_val cpu_val = { .qsize = 192 };
	struct bpf_object *obj;
	struct bpf_program *prog;
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	unsigned int ifindex, target = 0;
	unsigned int n_cycles = 0;
	int prog_fd, err, c, cpu = -1;
	__u32 key, id = 0;

	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			flags = (flags & ~XDP_FLAGS_MODES) | XDP_FLAGS_SKB_MODE;
			mode = "generic";
			break;
		case 'r':
			flags &= ~XDP_FLAGS_UPDATE_IF_NOEXIST;
			break;
		case 'd':
			devmap = optarg;
			break;
		case 'c':
			cpu = parse_uint("--cpumap", optarg, cpus > 0 ? cpus - 1 : 0);
			break;
		case 'q':
			cpu_val.qsize = parse_uint("--qsize", optarg, 16384);
			break;
		case 'n':
			n_cycles = parse_uint("--cycles", optarg, 100000);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			bad_usage();
		}
	}
	if (argc - optind != 2 || (n_cycles && (devmap || cpu >= 0)))
		bad_usage();
	ifname = argv[optind];
	path = argv[optind + 1];
	ifindex = ifindex_of(ifname);
	if (devmap)
		target = ifindex_of(devmap);
	libbpf_set_print(print_libbpf);

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		die("%s: cannot open: %s", path, strerror(errno));
	prog = bpf_object__next_program(obj, NULL);
	if (!prog || bpf_object__next_program(obj, prog))
		die("%s: not one program", path);
	if (bpf_program__type(prog) != BPF_PROG_TYPE_XDP)
		die("%s: %s is no XDP program", path, bpf_program__name(prog));
	err = bpf_object__load(obj);
	if (err)
		die("%s: cannot load: %s", path, strerror(-err));
	prog_fd = bpf_program__fd(prog);

	key = 0;
	if (devmap) {
		if (bpf_map_update_elem(map_fd(obj, "tx_port", "--devmap"), &key, &target, 0))
			die("--devmap %s: cannot fill tx_port: %s", devmap, strerror(errno));
	} else if (bpf_object__find_map_by_name(obj, "tx_port")) {
		die("%s: its devmap tx_port needs --devmap", path);
	}
	if (cpu >= 0) {
		key = cpu;
		if (bpf_map_update_elem(map_fd(obj, "cpu_map", "--cpumap"), &key, &cpu_val, 0))
			die("--cpumap %d: cannot fill cpu_map: %s", cpu, strerror(errno));
		key = 0;
		if (bpf_map_update_elem(map_fd(obj, "target_cpu", "--cpumap"), &key, &cpu, 0))
			die("--cpumap %d: cannot fill target_cpu: %s", cpu, strerror(errno));
	} else if (bpf_object__find_map_by_name(obj, "cpu_map")) {
		die("%s: its cpumap cpu_map needs --cpumap", path);
	}

	if (n_cycles) {
		cycles(ifindex, ifname, prog_fd, load_copy(path), flags, n_cycles);
		return 0;
	}
	err = bpf_xdp_attach(ifindex, prog_fd, flags, NULL);
	if (err)
		die("%s: cannot attach %s in %s mode: %s%s", ifname,
		    bpf_program__name(prog), mode, strerror(-err),
		    err == -EBUSY ? " (a program is attached already: --replace)" : "");
	err = bpf_xdp_query_id(ifindex, flags & XDP_FLAGS_MODES, &id);
	if (err || !id)
		die("%s: attached, yet no %s program is: %s", ifname, mode,
		    err ? strerror(-err) : "id 0");
	printf("%s: %s attached in %s mode, prog id %u\n", ifname,
	       bpf_program__name(prog), mode, id);
	/* The device holds the program: it outlives the object and us. */
	bpf_object__close(obj);
	return 0;
}
