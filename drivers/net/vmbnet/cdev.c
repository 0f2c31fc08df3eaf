// SPDX-License-Identifier: GPL-2.0
/* vmbnet: /dev/vmbnet, through which a user-space process becomes the
 * endpoint of a vmbnet device. The process attaches with an ioctl, then
 * serves each queue through a descriptor of its own, uio-style: mmap the
 * two rings, write 4 bytes to kick the driver, read 4 bytes (or poll) to
 * wait for the driver's signal. Closing /dev/vmbnet detaches.
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <net/net_namespace.h>
#include <uapi/linux/vmbnet.h>

#include "cdev.h"
#include "compat.h"
#include "transport.h"

struct vmbnet_user_queue {
	struct vmbnet_ring_mem tx;	/* outbound: the driver writes */
	struct vmbnet_ring_mem rx;	/* inbound: the endpoint writes */
	atomic_t signals;
	wait_queue_head_t wait;
};

struct vmbnet_user_ep {
	struct vmbnet_endpoint ep;
	struct kref ref;
	struct mutex lock;		/* attach and QUEUE_FD */
	bool attached;			/* ever: one attach per open */
	int gone;			/* detached: what queue fds fail with */
	struct pid *pid;		/* the process that attached */
	struct vmbnet_user_queue *uqs;
};

/* One open queue descriptor. */
struct vmbnet_queue_file {
	struct vmbnet_user_ep *uep;
	struct vmbnet_user_queue *uq;
	unsigned int qid;
	u32 seen;			/* signals already read */
};

/* Pages user space still maps stay until it unmaps them. */
static void vmbnet_user_rings_free(struct vmbnet_user_ep *uep)
{
	unsigned int i;

	if (uep->uqs) {
		for (i = 0; i < uep->ep.num_queues; i++) {
			vmbnet_ring_mem_free(&uep->uqs[i].tx);
			vmbnet_ring_mem_free(&uep->uqs[i].rx);
		}
		kvfree(uep->uqs);
	}
	kfree(uep->ep.queues);
	uep->uqs = NULL;
	uep->ep.queues = NULL;
	uep->ep.num_queues = 0;
	uep->ep.max_queues = 0;
}

static void vmbnet_user_ep_free(struct kref *ref)
{
	struct vmbnet_user_ep *uep = container_of(ref, struct vmbnet_user_ep, ref);

	vmbnet_user_rings_free(uep);
	put_pid(uep->pid);
	kfree(uep);
}

static void vmbnet_user_signal(struct vmbnet_endpoint *ep, unsigned int qid)
{
	struct vmbnet_user_ep *uep = container_of(ep, struct vmbnet_user_ep, ep);
	struct vmbnet_user_queue *uq = &uep->uqs[qid];

	atomic_inc(&uq->signals);
	wake_up_interruptible_poll(&uq->wait, EPOLLIN | EPOLLRDNORM);
}

/* ECONNRESET asks the endpoint to attach again; EIO says it was replaced
 * or its device was deleted.
 */
static void vmbnet_user_detached(struct vmbnet_endpoint *ep, bool restart)
{
	struct vmbnet_user_ep *uep = container_of(ep, struct vmbnet_user_ep, ep);
	unsigned int i;

	WRITE_ONCE(uep->gone, restart ? -ECONNRESET : -EIO);
	for (i = 0; i < ep->num_queues; i++)
		wake_up_interruptible_poll(&uep->uqs[i].wait, EPOLLERR | EPOLLHUP);
}

/* In the pid namespace of whoever reads it. */
static int vmbnet_user_describe(struct vmbnet_endpoint *ep, char *buf,
				size_t size)
{
	struct vmbnet_user_ep *uep = container_of(ep, struct vmbnet_user_ep, ep);

	return scnprintf(buf, size, "pid=%d", pid_vnr(uep->pid));
}

static const struct vmbnet_endpoint_ops vmbnet_user_ops = {
	.name		= "user",
	.signal		= vmbnet_user_signal,
	.detached	= vmbnet_user_detached,
	.describe	= vmbnet_user_describe,
};

static int vmbnet_user_rings_alloc(struct vmbnet_user_ep *uep, unsigned int n,
				   u32 size)
{
	unsigned int i;
	int err;

	uep->uqs = kvcalloc(n, sizeof(*uep->uqs), GFP_KERNEL_ACCOUNT);
	uep->ep.queues = kcalloc(n, sizeof(*uep->ep.queues), GFP_KERNEL_ACCOUNT);
	if (!uep->uqs || !uep->ep.queues)
		return -ENOMEM;
	/* From here the free path releases whatever exists. */
	uep->ep.num_queues = n;
	uep->ep.max_queues = n;
	uep->ep.ring_size = size;

	for (i = 0; i < n; i++) {
		struct vmbnet_user_queue *uq = &uep->uqs[i];
		struct vmbnet_endpoint_queue *eq = &uep->ep.queues[i];
		struct vmbnet_ring_ctrl *ctrl;

		init_waitqueue_head(&uq->wait);
		err = vmbnet_ring_mem_alloc(&uq->tx, size);
		if (!err)
			err = vmbnet_ring_mem_alloc(&uq->rx, size);
		if (err)
			return err;
		ctrl = uq->tx.ctrl;
		/* We, the writer here, set pending_send_sz when blocked. */
		ctrl->feature_bits = cpu_to_le32(VMBNET_RING_F_PENDING_SEND_SZ);
		eq->tx_ctrl = ctrl;
		eq->tx_data = uq->tx.data;
		eq->rx_ctrl = uq->rx.ctrl;
		eq->rx_data = uq->rx.data;
	}
	return 0;
}

static int vmbnet_user_attach(struct vmbnet_user_ep *uep,
			      struct vmbnet_attach __user *uarg)
{
	struct vmbnet_attach arg;
	struct net_device *dev;
	unsigned int n;
	int err;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if ((arg.flags & ~VMBNET_ATTACH_REPLACE) || arg.reserved || arg.features ||
	    strnlen(arg.ifname, IFNAMSIZ) == IFNAMSIZ ||
	    arg.num_queues < 1 || arg.num_queues > VMBNET_MAX_QUEUES)
		return -EINVAL;

	mutex_lock(&uep->lock);
	if (uep->attached) {
		err = -EBUSY;
		goto out_unlock;
	}

	dev = vmbnet_dev_get_by_name(current->nsproxy->net_ns, arg.ifname);
	if (!dev) {
		err = -ENODEV;
		goto out_unlock;
	}
	if (!ns_capable(dev_net(dev)->user_ns, CAP_NET_ADMIN)) {
		err = -EPERM;
		goto out_put;
	}
	n = min(arg.num_queues, vmbnet_dev_max_queues(dev));
	/* 0: the size ethtool -G chose for the device. */
	if (!arg.ring_size)
		arg.ring_size = vmbnet_dev_ring_size(dev);

	/* Fails with EINVAL for a ring size that is not one. */
	err = vmbnet_user_rings_alloc(uep, n, arg.ring_size);
	if (err) {
		vmbnet_user_rings_free(uep);
		goto out_put;
	}
	uep->ep.ops = &vmbnet_user_ops;
	uep->pid = get_pid(task_tgid(current));

	rtnl_lock();
	err = vmbnet_attach(dev, &uep->ep, arg.flags & VMBNET_ATTACH_REPLACE);
	if (!err) {
		arg.features = vmbnet_supported_features();
		arg.num_queues = n;
		uep->attached = true;
	}
	rtnl_unlock();
	if (err) {
		/* The descriptor may try again: nothing of this one stays. */
		put_pid(uep->pid);
		uep->pid = NULL;
		vmbnet_user_rings_free(uep);
		goto out_put;
	}

	dev_put(dev);
	mutex_unlock(&uep->lock);
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;

out_put:
	dev_put(dev);
out_unlock:
	mutex_unlock(&uep->lock);
	return err;
}

static ssize_t vmbnet_queue_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct vmbnet_queue_file *qf = file->private_data;
	struct vmbnet_user_queue *uq = qf->uq;
	u32 signals;
	int err;

	if (count != sizeof(u32))
		return -EINVAL;
	for (;;) {
		err = READ_ONCE(qf->uep->gone);
		if (err)
			return err;
		signals = atomic_read(&uq->signals);
		if (signals != qf->seen)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(uq->wait,
					       atomic_read(&uq->signals) != qf->seen ||
					       READ_ONCE(qf->uep->gone));
		if (err)
			return err;
	}
	qf->seen = signals;
	if (put_user(signals, (u32 __user *)buf))
		return -EFAULT;
	return sizeof(u32);
}

static ssize_t vmbnet_queue_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct vmbnet_queue_file *qf = file->private_data;
	int err;

	if (count != sizeof(u32))
		return -EINVAL;
	err = READ_ONCE(qf->uep->gone);
	if (err)
		return err;
	vmbnet_kick(&qf->uep->ep, qf->qid);
	return sizeof(u32);
}

static __poll_t vmbnet_queue_poll(struct file *file, poll_table *wait)
{
	struct vmbnet_queue_file *qf = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &qf->uq->wait, wait);
	if (READ_ONCE(qf->uep->gone))
		return EPOLLERR | EPOLLHUP;
	if (atomic_read(&qf->uq->signals) != qf->seen)
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/* The file is the outbound ring then the inbound one, each its control page
 * then its data; any page-aligned window of it may be mapped, so user space
 * can map each data area a second time behind the first.
 */
static int vmbnet_queue_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vmbnet_queue_file *qf = file->private_data;
	struct vmbnet_user_queue *uq = qf->uq;
	unsigned long npages = vma_pages(vma), i;
	unsigned long per_ring = uq->tx.npages;
	unsigned long addr = vma->vm_start;
	struct page *page;
	int err;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff >= 2 * per_ring || npages > 2 * per_ring - vma->vm_pgoff)
		return -EINVAL;
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);

	for (i = vma->vm_pgoff; i < vma->vm_pgoff + npages; i++) {
		page = i < per_ring ? uq->tx.pages[i] : uq->rx.pages[i - per_ring];
		err = vm_insert_page(vma, addr, page);
		if (err)
			return err;
		addr += PAGE_SIZE;
	}
	return 0;
}

static int vmbnet_queue_release(struct inode *inode, struct file *file)
{
	struct vmbnet_queue_file *qf = file->private_data;

	kref_put(&qf->uep->ref, vmbnet_user_ep_free);
	kfree(qf);
	return 0;
}

static const struct file_operations vmbnet_queue_fops = {
	.owner		= THIS_MODULE,
	.read		= vmbnet_queue_read,
	.write		= vmbnet_queue_write,
	.poll		= vmbnet_queue_poll,
	.mmap		= vmbnet_queue_mmap,
	.release	= vmbnet_queue_release,
	.llseek		= noop_llseek,
};

static int vmbnet_user_queue_fd(struct vmbnet_user_ep *uep, unsigned long qid)
{
	struct vmbnet_queue_file *qf;
	int fd;

	mutex_lock(&uep->lock);
	if (!uep->attached || READ_ONCE(uep->gone)) {
		fd = uep->attached ? -EIO : -EINVAL;
		goto out;
	}
	if (qid >= uep->ep.num_queues) {
		fd = -EINVAL;
		goto out;
	}
	qf = kzalloc(sizeof(*qf), GFP_KERNEL_ACCOUNT);
	if (!qf) {
		fd = -ENOMEM;
		goto out;
	}
	qf->uep = uep;
	qf->uq = &uep->uqs[qid];
	qf->qid = qid;
	kref_get(&uep->ref);
	fd = anon_inode_getfd("[vmbnet-queue]", &vmbnet_queue_fops, qf,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		kref_put(&uep->ref, vmbnet_user_ep_free);
		kfree(qf);
	}
out:
	mutex_unlock(&uep->lock);
	return fd;
}

static int vmbnet_cdev_open(struct inode *inode, struct file *file)
{
	struct vmbnet_user_ep *uep = kzalloc(sizeof(*uep), GFP_KERNEL_ACCOUNT);

	if (!uep)
		return -ENOMEM;
	kref_init(&uep->ref);
	mutex_init(&uep->lock);
	file->private_data = uep;
	return nonseekable_open(inode, file);
}

/* The endpoint goes, the descriptor stays (and attaches no more). */
static int vmbnet_user_detach(struct vmbnet_user_ep *uep)
{
	int err = 0;

	mutex_lock(&uep->lock);
	if (uep->attached && !READ_ONCE(uep->gone))
		vmbnet_detach(&uep->ep);
	else
		err = -ENOTCONN;
	mutex_unlock(&uep->lock);
	return err;
}

static int vmbnet_cdev_release(struct inode *inode, struct file *file)
{
	struct vmbnet_user_ep *uep = file->private_data;

	if (uep->attached)
		vmbnet_detach(&uep->ep);
	kref_put(&uep->ref, vmbnet_user_ep_free);
	return 0;
}

static long vmbnet_cdev_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct vmbnet_user_ep *uep = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case VMBNET_IOC_VERSION: {
		struct vmbnet_version ver = {
			.major = VMBNET_API_MAJOR,
			.minor = VMBNET_API_MINOR,
		};

		return copy_to_user(argp, &ver, sizeof(ver)) ? -EFAULT : 0;
	}
	case VMBNET_IOC_ATTACH:
		return vmbnet_user_attach(uep, argp);
	case VMBNET_IOC_QUEUE_FD:
		return vmbnet_user_queue_fd(uep, arg);
	case VMBNET_IOC_DETACH:
		return vmbnet_user_detach(uep);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmbnet_cdev_fops = {
	.owner		= THIS_MODULE,
	.open		= vmbnet_cdev_open,
	.release	= vmbnet_cdev_release,
	.unlocked_ioctl	= vmbnet_cdev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice vmbnet_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= KBUILD_MODNAME,
	.fops	= &vmbnet_cdev_fops,
	.mode	= 0600,
};

int vmbnet_cdev_init(void)
{
	int err = misc_register(&vmbnet_miscdev);

	if (err)
		pr_err("cannot register /dev/%s: %d\n", KBUILD_MODNAME, err);
	return err;
}

void vmbnet_cdev_exit(void)
{
	misc_deregister(&vmbnet_miscdev);
}
