// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* vmbnet: the reference Toeplitz hash, for endpoints (libvmbnet links it)
 * and KUnit; the driver itself never hashes: RSS is the endpoint's job.
 */

#include "protocol.h"

/* The Toeplitz hash of RSS: for each set bit of the input, XOR in the
 * 32 bits of the key that start at that bit position.
 */
u32 vmbnet_toeplitz(const u8 *key, u32 key_len, const u8 *in, u32 len)
{
	u32 hash = 0, window, i, bit;

	if (key_len < 4)
		return 0;
	window = (u32)key[0] << 24 | key[1] << 16 | key[2] << 8 | key[3];
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			if (in[i] & (0x80 >> bit))
				hash ^= window;
			window <<= 1;
			if (i + 4 < key_len && (key[i + 4] & (0x80 >> bit)))
				window |= 1;
		}
	}
	return hash;
}
