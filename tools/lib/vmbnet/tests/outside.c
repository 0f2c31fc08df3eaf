// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A program from outside: built against the installed library with
 * pkg-config alone (install_check.sh). It must see the calls and nothing
 * of the library's insides.
 */
#include <vmbnet.h>

#if defined(READ_ONCE) || defined(WRITE_ONCE) || defined(ALIGN) || \
	defined(__aligned) || defined(__printf) || defined(likely)
#error "a kernel-header stand-in reached the public header"
#endif

/* The kernel's short type names must not leak either. */
typedef int u8, u16, u32, u64;

int main(void)
{
	struct vmbnet_config cfg;
	struct vmbnet_endpoint *ep;
	int err;

	vmbnet_config_init(&cfg);
	cfg.max_queues = 1;
	/* No such device (or no /dev/vmbnet here): an error, not a crash. */
	err = vmbnet_attach(&ep, "no-such-vmbnet", &cfg);
	return err < 0 && !ep ? 0 : 1;
}
