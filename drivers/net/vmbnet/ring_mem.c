// SPDX-License-Identifier: GPL-2.0
/* vmbnet: memory for rings the driver allocates itself (the user endpoint;
 * VMBus channels bring their own). Zeroed pages, so nothing of the kernel's
 * reaches the peer, mapped as the control page then the data area twice,
 * so a packet that wraps is contiguous.
 */

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/module.h>

#include "vmbnet.h"

int vmbnet_ring_mem_alloc(struct vmbnet_ring_mem *m, u32 size)
{
	unsigned int data_pages = size >> PAGE_SHIFT;
	struct page **map;
	unsigned int i, j;

	if (!vmbnet_ring_size_valid(size))
		return -EINVAL;

	m->npages = 1 + data_pages;
	m->pages = kvcalloc(m->npages, sizeof(*m->pages), GFP_KERNEL);
	if (!m->pages)
		return -ENOMEM;
	for (i = 0; i < m->npages; i++) {
		m->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!m->pages[i])
			goto err_free_pages;
	}

	map = kvmalloc_array(1 + 2 * data_pages, sizeof(*map), GFP_KERNEL);
	if (!map)
		goto err_free_pages;
	map[0] = m->pages[0];
	for (j = 0; j < data_pages; j++) {
		map[1 + j] = m->pages[1 + j];
		map[1 + data_pages + j] = m->pages[1 + j];
	}
	m->vaddr = vmap(map, 1 + 2 * data_pages, VM_MAP, PAGE_KERNEL);
	kvfree(map);
	if (!m->vaddr)
		goto err_free_pages;
	m->ctrl = m->vaddr;
	m->data = m->vaddr + PAGE_SIZE;
	m->size = size;
	return 0;

err_free_pages:
	while (i--)
		__free_page(m->pages[i]);
	kvfree(m->pages);
	m->pages = NULL;
	return -ENOMEM;
}
EXPORT_SYMBOL_NS_GPL(vmbnet_ring_mem_alloc, VMBNET);

/* Pages still mapped by user space live on until it unmaps them. */
void vmbnet_ring_mem_free(struct vmbnet_ring_mem *m)
{
	unsigned int i;

	if (!m->pages)
		return;
	vunmap(m->vaddr);
	for (i = 0; i < m->npages; i++)
		__free_page(m->pages[i]);
	kvfree(m->pages);
	m->pages = NULL;
}
EXPORT_SYMBOL_NS_GPL(vmbnet_ring_mem_free, VMBNET);
