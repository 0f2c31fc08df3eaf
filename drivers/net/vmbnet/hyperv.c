// SPDX-License-Identifier: GPL-2.0
/* vmbnet_hv: vmbnet devices on Hyper-V/OpenVMM VMBus channels. Like
 * uio_hv_generic, it opens a channel's rings itself and leaves the packets
 * in them to someone else: here the vmbnet core, which speaks the same
 * protocol as with a user endpoint. It binds the vmbnet device class and,
 * through the bus's new_id and driver_override, any other.
 *
 * Confidential (isolated) guests: the VMBus core makes the ring pages
 * visible to the host (set_memory_decrypted) and maps them, twice over,
 * through their shared alias; vmbnet only uses that mapping and checks
 * everything it reads from it, so it adds nothing. The core offers an
 * isolated guest only the device classes it trusts there (a NIC, not a
 * vmbnet class): such a guest binds a NIC-class channel with new_id.
 */

#include <linux/hyperv.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "compat.h"
#include "hv_channel.h"

/* Each ring's data; the core adds a control page to each. A power of two,
 * as vmbnet's rings are; both rings of a channel come in one allocation.
 */
#define VMBNET_HV_RING_SIZE	(512U << 10)
#define VMBNET_HV_RING_ALLOC	(VMBNET_HV_RING_SIZE + PAGE_SIZE)

static_assert(offsetof(struct hv_ring_buffer, feature_bits) ==
	      offsetof(struct vmbnet_ring_ctrl, feature_bits));
static_assert(offsetof(struct hv_ring_buffer, buffer) == PAGE_SIZE);

static const struct hv_vmbus_device_id vmbnet_hv_id_table[] = {
	/* VMBNET_VMBUS_CLASS_ID */
	{ .guid = GUID_INIT(0x999cb72e, 0x98a1, 0x4692, 0xa5, 0x51,
			    0x09, 0xcd, 0xdc, 0xda, 0x8c, 0x0a) },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, vmbnet_hv_id_table);

static void vmbnet_hv_setevent(struct vmbnet_hv_dev *hd, void *chan)
{
	vmbus_setevent(chan);
}

static const struct vmbnet_hv_bus_ops vmbnet_hv_bus_ops = {
	.signal	= vmbnet_hv_setevent,
};

static struct vmbnet_hv_dev *chan_to_hd(struct vmbus_channel *chan)
{
	struct vmbus_channel *primary = chan->primary_channel ?: chan;

	return hv_get_drvdata(primary->device_obj);
}

/* In hard IRQ (HV_CALL_ISR), like netvsc's. */
static void vmbnet_hv_onchannel(void *context)
{
	struct vmbus_channel *chan = context;

	vmbnet_hv_chan_event(chan_to_hd(chan),
			     chan->offermsg.offer.sub_channel_index);
}

static int vmbnet_hv_opened(struct vmbus_channel *chan)
{
	/* The core's rings must be the size the endpoint was made with. */
	if (chan->outbound.ring_datasize != VMBNET_HV_RING_SIZE ||
	    chan->inbound.ring_datasize != VMBNET_HV_RING_SIZE)
		return -EINVAL;
	return vmbnet_hv_chan_opened(chan_to_hd(chan),
				     chan->offermsg.offer.sub_channel_index, chan,
				     chan->outbound.ring_buffer,
				     chan->inbound.ring_buffer);
}

/* A subchannel the host offered after SET_QUEUES (process context). */
static void vmbnet_hv_subchannel(struct vmbus_channel *sc)
{
	struct vmbnet_hv_dev *hd = chan_to_hd(sc);
	int err;

	set_channel_read_mode(sc, HV_CALL_ISR);
	err = vmbus_open(sc, VMBNET_HV_RING_ALLOC, VMBNET_HV_RING_ALLOC, NULL, 0,
			 vmbnet_hv_onchannel, sc);
	if (!err)
		err = vmbnet_hv_opened(sc);
	if (err)
		netdev_warn(hd->dev, "subchannel %u: %pe\n",
			    sc->offermsg.offer.sub_channel_index, ERR_PTR(err));
}

/* The core leaves the device to us: let go of the rings at once, then
 * remove it as uio_hv_generic does.
 */
static void vmbnet_hv_rescinded(struct vmbus_channel *chan)
{
	vmbnet_hv_rescind(chan_to_hd(chan));
	vmbus_device_unregister(chan->device_obj);
}

static int vmbnet_hv_probe(struct hv_device *hdev,
			   const struct hv_vmbus_device_id *id)
{
	struct vmbus_channel *chan = hdev->channel;
	struct vmbnet_hv_dev *hd;
	int err;

	hd = kzalloc(sizeof(*hd), GFP_KERNEL);
	if (!hd)
		return -ENOMEM;
	err = vmbnet_hv_dev_init(hd, &hdev->device, &vmbnet_hv_bus_ops,
				 &hdev->dev_instance, num_online_cpus(),
				 VMBNET_HV_RING_SIZE);
	if (err)
		goto err_free;
	hv_set_drvdata(hdev, hd);

	set_channel_read_mode(chan, HV_CALL_ISR);
	vmbus_set_sc_create_callback(chan, vmbnet_hv_subchannel);
	vmbus_set_chn_rescind_callback(chan, vmbnet_hv_rescinded);
	err = vmbus_alloc_ring(chan, VMBNET_HV_RING_ALLOC, VMBNET_HV_RING_ALLOC);
	if (err)
		goto err_remove;
	err = vmbus_connect_ring(chan, vmbnet_hv_onchannel, chan);
	if (err)
		goto err_free_ring;
	err = vmbnet_hv_opened(chan);
	if (err)
		goto err_close;
	return 0;

err_close:
	vmbus_disconnect_ring(chan);
err_free_ring:
	vmbus_free_ring(chan);
err_remove:
	vmbnet_hv_dev_remove(hd);
err_free:
	hv_set_drvdata(hdev, NULL);
	kfree(hd);
	return err;
}

static void vmbnet_hv_remove_dev(struct hv_device *hdev)
{
	struct vmbnet_hv_dev *hd = hv_get_drvdata(hdev);

	vmbnet_hv_dev_remove(hd);
	/* Closes the subchannels, then the primary, and frees their rings. */
	vmbus_close(hdev->channel);
	kfree(hd);
}

#ifdef VMBNET_HAVE_HV_REMOVE_VOID
static void vmbnet_hv_remove(struct hv_device *hdev)
{
	vmbnet_hv_remove_dev(hdev);
}
#else
static int vmbnet_hv_remove(struct hv_device *hdev)
{
	vmbnet_hv_remove_dev(hdev);
	return 0;
}
#endif

static struct hv_driver vmbnet_hv_driver = {
	.name		= KBUILD_MODNAME,
	.id_table	= vmbnet_hv_id_table,
	.probe		= vmbnet_hv_probe,
	.remove		= vmbnet_hv_remove,
};

static int __init vmbnet_hv_init(void)
{
	return vmbus_driver_register(&vmbnet_hv_driver);
}

static void __exit vmbnet_hv_exit(void)
{
	vmbus_driver_unregister(&vmbnet_hv_driver);
}

module_init(vmbnet_hv_init);
module_exit(vmbnet_hv_exit);

MODULE_DESCRIPTION("vmbnet devices on Hyper-V VMBus channels");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(VMBNET);
