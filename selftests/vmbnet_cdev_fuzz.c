// SPDX-License-Identifier: GPL-2.0
/*
 * A fuzzer for /dev/vmbnet, in TAP. Several threads throw random, broken and
 * racing calls at the device and its queue descriptors: ioctls with odd
 * arguments and bad pointers, read/write/poll of odd sizes, mmap of any
 * window with any protection, bytes scribbled into the rings followed by a
 * kick, and closes in every order. This runs as root, then as nobody.
 * Only what the uAPI promises is checked (include/uapi/linux/vmbnet.h and
 * the "/dev/vmbnet" section of vmbnet.rst), plus this: nothing the kernel
 * hands back has bytes it had no business writing, kernel pointers least
 * of all.
 *
 * usage: vmbnet_cdev_fuzz [--seconds N] [--seed N] [--threads N] DEV:QUEUES [DEV2:QUEUES]
 *
 * DEV is a vmbnet device with QUEUES queue pairs that stays for the whole
 * run. DEV2 may be deleted and created again while this runs (cdev_fuzz.sh
 * does this). Root fuzzes for N seconds (default 20) and nobody for N / 2.
 * The same seed replays each thread's choices, but not the races between
 * threads or the kernel's answers.
 *
 * Prints "ok"/"not ok" for the root fuzz, the unprivileged fuzz and the
 * leak checks, without a plan: the caller adds its own cases. Exits 0,
 * 1 or 4 (skip).
 */

#define _GNU_SOURCE
#include <asm/byteorder.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/vmbnet.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define DEV_PATH	"/dev/vmbnet"
#define MAX_THREADS	16
#define MAIN_SLOTS	6	/* /dev/vmbnet descriptors open at a time */
#define QUEUE_SLOTS	16	/* queue descriptors */
#define MAP_SLOTS	12	/* mappings of queue descriptors */
#define SHOWN_MAX	25	/* findings printed per phase; all are counted */
#define NOBODY		65534
#define CANARY		0xa5	/* where the kernel must not write */
#define TAIL		32	/* canary bytes after every buffer */
#define ATTACH_RATE	20	/* well-formed ATTACHes a second: each logs twice */
#define BODY_MAX	2048	/* control message bodies written into rings */
#define NSEC		1000000000ULL

#define F(bit)		(1ULL << VMBNET_F_##bit)
/* Every VMBNET_F_* bit the uAPI defines. */
#define KNOWN_FEATURES	(F(CSUM) | F(GUEST_CSUM) | F(CTRL_GUEST_OFFLOADS) | F(MTU) | \
			 F(MAC) | F(GUEST_TSO4) | F(GUEST_TSO6) | F(HOST_TSO4) | \
			 F(HOST_TSO6) | F(STATUS) | F(MQ) | F(GUEST_USO4) | F(GUEST_USO6) | \
			 F(HOST_USO) | F(HASH_REPORT) | F(RSS) | F(STANDBY) | F(SPEED_DUPLEX))

enum phase { ROOT, UNPRIV, LEAK, PHASES };

/* Shared with the processes the phases run in, so that a crash keeps them. */
struct stats {
	unsigned long calls;	/* on the device, its descriptors and mappings */
	unsigned long errors;	/* of which failed */
	unsigned long faults;	/* of which with EFAULT */
	unsigned long findings;	/* broken promises */
	unsigned long leaks;	/* bytes the kernel should not have written */
	unsigned long shown;
	unsigned long attached;	/* ATTACHes that succeeded */
	unsigned long eperm;	/* ATTACHes refused with EPERM */
	unsigned long queue_fds;
	unsigned long maps;
	unsigned long writes;	/* messages and garbage written into rings */
	unsigned long detached;	/* EIO or ECONNRESET from a queue descriptor */
	unsigned long checked;	/* buffers and pages checked for leaks */
};

struct dev {
	char name[IFNAMSIZ];
	u32 queues;		/* queue pairs it has */
	bool churned;		/* may be deleted and made again meanwhile */
};

struct thread {
	pthread_t tid;
	pid_t ktid;
	int id;
	int blocking;		/* in a call that may sleep: the interrupter pokes it */
	u64 rng;
	u8 *rw;			/* two pages of its own */
	u8 *hole;		/* then a PROT_NONE page */
	u8 *ro;			/* then a read-only page, which it fills now and then */
	const char *op;		/* what it is doing, for reports */
};

enum main_state { UNATTACHED, ATTACHED, UNKNOWN };

struct main_slot {
	int fd;				/* -1: free */
	enum main_state state;		/* as far as we know */
	unsigned int epoch;		/* ATTACHes started on it */
	unsigned int inflight;		/* ... and not returned yet */
	int dev;			/* the device it attached to */
	u32 queues, ring_size;		/* the ATTACH answer */
};

struct queue_slot {
	int fd;
	unsigned int gen;
	u32 ring_size;			/* 0: not known */
	int dead;			/* EIO or ECONNRESET once seen: final */
	bool hup;			/* poll said POLLHUP: detached */
};

enum map_kind { WINDOW, RING2 };

struct map_slot {
	pthread_rwlock_t lock;		/* shared to touch, exclusive to change */
	u8 *addr;			/* NULL: free */
	size_t len;			/* what to munmap */
	size_t touch;			/* what may be touched: asked for, and mapped */
	int prot;
	enum map_kind kind;
	u64 off;			/* WINDOW: where in the file it starts */
	int ring;			/* RING2: 0 outbound, 1 inbound */
	u32 ring_size;			/* 0: layout not known */
	int qslot;			/* the queue descriptor it came from */
	unsigned int qgen;
};

static struct stats *stats;		/* one per phase */
static struct stats *st;		/* the running phase's */
static bool unpriv;			/* we are nobody */
static u64 start_ns, deadline;		/* CLOCK_MONOTONIC */
static size_t page;			/* the kernel's page size */
static u64 seed;
static unsigned int seconds = 20, nthreads = 4;
static struct dev devs[2];
static unsigned int ndevs;
static struct stat dev_stat;		/* /dev/vmbnet, as root saw it */
static int stopping;			/* the workers are done */

static struct thread threads[MAX_THREADS];
static __thread struct thread *self;

/*
 * A call holds its descriptor's use lock shared, a close holds it exclusive:
 * a number closed under a call could go to a new descriptor meanwhile, and
 * the call would hit another file than the one we think. So a call on a
 * descriptor never races its own close; it does race the close of any other
 * (the /dev/vmbnet descriptor under a read of its queue, a queue
 * descriptor under a touch of its mapping...).
 *
 * Lock order: a use lock, vm_lock, a mapping's lock, tab_lock.
 */
static pthread_rwlock_t main_use[MAIN_SLOTS], queue_use[QUEUE_SLOTS];
static pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;	/* mmap and munmap */
static pthread_mutex_t tab_lock = PTHREAD_MUTEX_INITIALIZER;	/* the slots' fields */
static struct main_slot mains[MAIN_SLOTS];
static struct queue_slot queues[QUEUE_SLOTS];
static struct map_slot maps[MAP_SLOTS];

/*
 * nobody cannot open /dev/vmbnet (0600): root opens these for it, and
 * where nobody's open fails it takes a dup of one. Its ATTACH never works
 * and "attached" is for good, so what we know of a file holds for its dups.
 */
#define SPARES		8
static struct main_slot spares[SPARES];
static unsigned int nspares;

/* --- reporting ------------------------------------------------------------ */

static void out(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)	/* a late poke from the interrupter */
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/* A broken promise (leak: bytes the kernel should not have written). */
static __printf(2, 3) void report(bool leak, const char *fmt, ...)
{
	char buf[640];
	va_list ap;
	int len, i;

	__atomic_add_fetch(leak ? &st->leaks : &st->findings, 1, __ATOMIC_RELAXED);
	if (__atomic_add_fetch(&st->shown, 1, __ATOMIC_RELAXED) > SHOWN_MAX)
		return;
	len = snprintf(buf, sizeof(buf), "# %s (thread %d, %s): ", leak ? "LEAK" : "FINDING",
		       self ? self->id : -1, self && self->op ? self->op : "setup");
	va_start(ap, fmt);
	len += vsnprintf(buf + len, sizeof(buf) - len - 1, fmt, ap);
	va_end(ap);
	if (len > (int)sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	/* Names we made up may hold anything: one TAP line, whatever they hold. */
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] < ' ' || (unsigned char)buf[i] > '~')
			buf[i] = '?';
	buf[len++] = '\n';
	out(buf, len);
}

#define finding(...)	report(false, __VA_ARGS__)
#define leak(...)	report(true, __VA_ARGS__)

/* Counts a call on the device or what it gave us; errno stays. */
static long count(long ret)
{
	__atomic_add_fetch(&st->calls, 1, __ATOMIC_RELAXED);
	if (ret < 0) {
		__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
		if (errno == EFAULT)
			__atomic_add_fetch(&st->faults, 1, __ATOMIC_RELAXED);
	}
	return ret;
}

static void bump(unsigned long *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/* Async-signal-safe: a crash says where it happened, then kills us. */
static void append(char *buf, size_t *len, const char *s)
{
	while (*s && *len < 200)
		buf[(*len)++] = *s++;
}

static void append_hex(char *buf, size_t *len, unsigned long v)
{
	char digits[19];
	int i = 18;

	digits[i] = '\0';
	do {
		digits[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v && i > 2);
	digits[--i] = 'x';
	digits[--i] = '0';
	append(buf, len, digits + i);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char buf[256];
	size_t len = 0;

	(void)uc;
	append(buf, &len, sig == SIGBUS ? "# FINDING: SIGBUS" : "# FINDING: SIGSEGV");
	append(buf, &len, " at ");
	append_hex(buf, &len, (unsigned long)si->si_addr);
	append(buf, &len, ", thread ");
	append_hex(buf, &len, self ? self->id : 0xff);
	append(buf, &len, " in ");
	append(buf, &len, self && self->op ? self->op : "setup");
	append(buf, &len, ": only mappings mmap() gave us are touched, within their length\n");
	out(buf, len);
	/* SA_RESETHAND: returning faults again, and the default action kills. */
}

static void on_poke(int sig)
{
	(void)sig;	/* only there to interrupt a sleeping call */
}

/* --- randomness, time ----------------------------------------------------- */

static u64 splitmix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u64 rnd64(struct thread *t)
{
	u64 x = t->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	t->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static u32 rnd(struct thread *t, u32 n)
{
	return n ? (u32)(rnd64(t) >> 32) % n : 0;
}

static bool chance(struct thread *t, u32 one_in)
{
	return !rnd(t, one_in);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/*
 * Nothing we write into a ring or into the kernel's reach has a 0xff byte,
 * so no 8-byte word we leave there looks like a kernel pointer: one that
 * does came from the kernel.
 */
static void sanitize(u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] == 0xff)
			p[i] = 0xfe;
}

static u32 sanitize32(u32 v)
{
	sanitize((u8 *)&v, sizeof(v));
	return v;
}

static void random_bytes(struct thread *t, u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = rnd64(t) >> 56;
	sanitize(p, len);
}

/* --- leak checks ---------------------------------------------------------- */

/*
 * The kernel half of x86-64's address space: direct map, vmalloc, vmemmap,
 * text and modules (0xffff8..., 0xffffffff8...). The top 16 MiB is left out:
 * -1 and small negative numbers are no pointers.
 */
static bool looks_like_kptr(u64 v)
{
	return v >= 0xffff800000000000ULL && v < 0xffffffffff000000ULL;
}

/* The offset of the first aligned word that looks like one, or -1. */
static long find_kptr(const u8 *p, size_t len, u64 *val)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		u64 v = __atomic_load_n((const u64 *)(p + i), __ATOMIC_RELAXED);

		if (looks_like_kptr(v)) {
			*val = v;
			return i;
		}
	}
	return -1;
}

static bool all_are(const u8 *p, size_t len, u8 byte, size_t *where)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte) {
			*where = i;
			return false;
		}
	return true;
}

static bool canary_ok(const u8 *p, size_t len)
{
	size_t where;

	return all_are(p, len, CANARY, &where);
}

/* --- pointers we hand the kernel -------------------------------------------- */

enum ptr_kind {
	P_GOOD, P_MISALIGNED, P_NULL, P_HOLE, P_KERNEL, P_NONCANON, P_STRADDLE, P_RDONLY,
	P_KINDS
};

static const char *const ptr_names[] = {
	"good", "misaligned", "NULL", "unmapped", "kernel", "non-canonical",
	"page-straddling", "read-only",
};

static bool good_ptr(enum ptr_kind k)
{
	return k == P_GOOD || k == P_MISALIGNED;
}

/* Mostly good: the kernel must get past the copy to reach what follows. */
static enum ptr_kind pick_kind(struct thread *t, u32 bad_one_in)
{
	if (rnd(t, bad_one_in))
		return chance(t, 8) ? P_MISALIGNED : P_GOOD;
	return P_NULL + rnd(t, P_KINDS - P_NULL);
}

/* Where a buffer of len bytes of that kind is (len <= a page). */
static u8 *ptr_for(struct thread *t, enum ptr_kind k, size_t len)
{
	switch (k) {
	case P_GOOD:
		return t->rw + 64;
	case P_MISALIGNED:
		return t->rw + 64 + 1 + rnd(t, 7);
	case P_NULL:
		return NULL;
	case P_HOLE:
		return t->hole + rnd(t, page - 64);
	case P_KERNEL:
		if (chance(t, 2))
			return (u8 *)0xffffffff81000000UL;
		return (u8 *)(0xffff888000000000UL + ((unsigned long)rnd(t, 1 << 20) << 12));
	case P_NONCANON:
		return chance(t, 2) ? (u8 *)0x0000800000000000UL : (u8 *)0x8000000000000000UL;
	case P_STRADDLE:
		return t->hole - len / 2;
	case P_RDONLY:
	default:
		return t->ro;
	}
}

/* Puts len bytes of src where the kernel will read them, canary after. */
static void place(enum ptr_kind k, u8 *p, const void *src, size_t len)
{
	switch (k) {
	case P_GOOD:
	case P_MISALIGNED:
		memcpy(p, src, len);
		memset(p + len, CANARY, TAIL);
		break;
	case P_STRADDLE:
		memcpy(p, src, len / 2);
		break;
	case P_RDONLY:
		mprotect(p, page, PROT_READ | PROT_WRITE);
		memcpy(p, src, len);
		mprotect(p, page, PROT_READ);
		break;
	default:
		break;
	}
}

/* --- the slots ------------------------------------------------------------ */

/* Some open /dev/vmbnet descriptor, its use lock held shared, and its state. */
static bool main_get(struct thread *t, int *slot, struct main_slot *snap)
{
	int i, k = rnd(t, MAIN_SLOTS);

	for (i = 0; i < MAIN_SLOTS; i++) {
		*slot = (k + i) % MAIN_SLOTS;
		pthread_rwlock_rdlock(&main_use[*slot]);
		pthread_mutex_lock(&tab_lock);
		*snap = mains[*slot];
		pthread_mutex_unlock(&tab_lock);
		if (snap->fd >= 0)
			return true;
		pthread_rwlock_unlock(&main_use[*slot]);
	}
	return false;
}

static void main_release(int slot)
{
	pthread_rwlock_unlock(&main_use[slot]);
}

/* The slot gets fd (or -1); what it held is closed, in no call any more. */
static void main_put(int slot, int fd, enum main_state state, int dev, u32 nq, u32 ring)
{
	struct main_slot *m = &mains[slot];
	int old;

	pthread_rwlock_wrlock(&main_use[slot]);
	pthread_mutex_lock(&tab_lock);
	old = m->fd;
	m->fd = fd;
	m->state = state;
	m->dev = dev;
	m->queues = nq;
	m->ring_size = ring;
	pthread_mutex_unlock(&tab_lock);
	pthread_rwlock_unlock(&main_use[slot]);
	if (old >= 0)
		count(close(old));
}

/* The queue descriptor of slot, if it is still the one of generation gen. */
static bool queue_get(int slot, unsigned int gen, struct queue_slot *snap)
{
	pthread_rwlock_rdlock(&queue_use[slot]);
	pthread_mutex_lock(&tab_lock);
	*snap = queues[slot];
	pthread_mutex_unlock(&tab_lock);
	if (snap->fd >= 0 && snap->gen == gen)
		return true;
	pthread_rwlock_unlock(&queue_use[slot]);
	return false;
}

/* Some open queue descriptor, its use lock held shared. */
static bool queue_get_any(struct thread *t, int *slot, struct queue_slot *snap)
{
	int i, k = rnd(t, QUEUE_SLOTS);

	for (i = 0; i < QUEUE_SLOTS; i++) {
		*slot = (k + i) % QUEUE_SLOTS;
		pthread_rwlock_rdlock(&queue_use[*slot]);
		pthread_mutex_lock(&tab_lock);
		*snap = queues[*slot];
		pthread_mutex_unlock(&tab_lock);
		if (snap->fd >= 0)
			return true;
		pthread_rwlock_unlock(&queue_use[*slot]);
	}
	return false;
}

static void queue_release(int slot)
{
	pthread_rwlock_unlock(&queue_use[slot]);
}

static void queue_put(int slot, int fd, u32 ring)
{
	struct queue_slot *q = &queues[slot];
	int old;

	pthread_rwlock_wrlock(&queue_use[slot]);
	pthread_mutex_lock(&tab_lock);
	old = q->fd;
	q->fd = fd;
	q->gen++;
	q->ring_size = ring;
	q->dead = 0;
	q->hup = false;
	pthread_mutex_unlock(&tab_lock);
	pthread_rwlock_unlock(&queue_use[slot]);
	if (old >= 0)
		count(close(old));
}

/* A detached queue says why, and keeps saying the same. Use lock held. */
static void queue_dead(int slot, int err, const char *what)
{
	struct queue_slot *q = &queues[slot];

	bump(&st->detached);
	pthread_mutex_lock(&tab_lock);
	if (q->dead && q->dead != err)
		finding("%s: %s after %s: a detached queue's reason does not change",
			what, strerror(err), strerror(q->dead));
	q->dead = err;
	pthread_mutex_unlock(&tab_lock);
}

/* A mapping, its lock held shared, or NULL. */
static struct map_slot *map_pick(struct thread *t)
{
	int i, k = rnd(t, MAP_SLOTS);

	for (i = 0; i < MAP_SLOTS; i++) {
		struct map_slot *m = &maps[(k + i) % MAP_SLOTS];

		pthread_rwlock_rdlock(&m->lock);
		if (m->addr)
			return m;
		pthread_rwlock_unlock(&m->lock);
	}
	return NULL;
}

/* Under vm_lock: a free slot, its lock held exclusive, for a new mapping. */
static struct map_slot *map_take(struct thread *t)
{
	struct map_slot *m = &maps[rnd(t, MAP_SLOTS)];

	pthread_rwlock_wrlock(&m->lock);
	if (m->addr)
		count(munmap(m->addr, m->len));
	m->addr = NULL;
	return m;
}

/* --- ring geometry -------------------------------------------------------- */

static u64 part_off(enum vmbnet_mmap_part part, u32 ring)
{
	return vmbnet_mmap_offset(part, ring, page);
}

static bool ring_size_ok(u32 size)
{
	return size >= VMBNET_RING_SIZE_MIN && size <= VMBNET_RING_SIZE_MAX &&
	       !(size & (size - 1));
}

/*
 * A ring's control page and data as a mapping shows them, if it shows them
 * whole and may write them. wrap: the data area is there twice.
 */
static bool ring_view(const struct map_slot *m, int ring, struct vmbnet_ring_ctrl **ctrl,
		      u8 **data, bool *wrap)
{
	u64 start;

	if (!m->ring_size || (m->prot & (PROT_READ | PROT_WRITE)) != (PROT_READ | PROT_WRITE))
		return false;
	if (m->kind == RING2) {
		if (m->ring != ring)
			return false;
		*ctrl = (struct vmbnet_ring_ctrl *)m->addr;
		*wrap = true;
	} else {
		start = part_off(ring ? VMBNET_MMAP_RX_CTRL : VMBNET_MMAP_TX_CTRL, m->ring_size);
		if (m->off > start || m->off + m->touch < start + page + m->ring_size)
			return false;
		*ctrl = (struct vmbnet_ring_ctrl *)(m->addr + (start - m->off));
		*wrap = false;
	}
	*data = (u8 *)*ctrl + page;
	return true;
}

/* --- queue descriptors: read, write, poll ----------------------------------- */

/*
 * read or write of size bytes on the queue descriptor of slot (use lock
 * held), checked against what the uAPI says.
 */
static void queue_rw(struct thread *t, int slot, const struct queue_slot *q, bool wr,
		     size_t size, enum ptr_kind kind)
{
	const char *what = wr ? "write" : "read";
	u8 *p = ptr_for(t, kind, size);
	bool good = good_ptr(kind);
	ssize_t ret;
	u32 v;
	int err;

	if (good)
		memset(p, CANARY, size + TAIL);
	if (!wr)
		__atomic_store_n(&t->blocking, 1, __ATOMIC_SEQ_CST);
	ret = count(wr ? write(q->fd, p, size) : read(q->fd, p, size));
	err = errno;
	__atomic_store_n(&t->blocking, 0, __ATOMIC_SEQ_CST);
	if (ret < 0 && (err == EIO || err == ECONNRESET))
		queue_dead(slot, err, what);

	if (size != sizeof(u32)) {
		/* Any size but 4 is EINVAL; the VFS may find a bad buffer first. */
		if (ret >= 0 || (err != EINVAL && (good || err != EFAULT)))
			finding("%zu-byte %s into a %s buffer: %s, want EINVAL", size, what,
				ptr_names[kind], ret >= 0 ? "it worked" : strerror(err));
		if (!wr && good && !canary_ok(p, size + TAIL))
			leak("a %zu-byte read that failed wrote its buffer", size);
		return;
	}
	if (ret >= 0) {
		if (q->dead || q->hup)
			finding("a 4-byte %s worked on a queue already detached (%s)", what,
				q->dead ? strerror(q->dead) : "POLLHUP");
		if (ret != sizeof(u32))
			finding("a 4-byte %s returned %zd", what, ret);
		if (wr)
			return;	/* the driver never looks at the bytes of a kick */
		if (!good) {
			finding("a 4-byte read into a %s buffer worked", ptr_names[kind]);
			return;
		}
		bump(&st->checked);
		memcpy(&v, p, sizeof(v));
		if (!v)
			finding("read gave a signal count of 0");
		if (!canary_ok(p + sizeof(v), TAIL))
			leak("read wrote more than 4 bytes");
		return;
	}
	/* Documented: EAGAIN without a signal (O_NONBLOCK), EIO or ECONNRESET once detached. */
	if (err == EIO || err == ECONNRESET || (!good && err == EFAULT) ||
	    (!wr && (err == EAGAIN || err == EINTR))) {
		if (q->dead && good && err != q->dead)
			finding("a 4-byte %s on a queue detached with %s: %s", what,
				strerror(q->dead), strerror(err));
		else if (q->hup && good && err != EIO && err != ECONNRESET)
			finding("a 4-byte %s on a queue poll said detached: %s", what,
				strerror(err));
	} else {
		finding("a 4-byte %s into a %s buffer: %s", what, ptr_names[kind], strerror(err));
	}
	if (!wr && good && !canary_ok(p, sizeof(u32) + TAIL))
		leak("a read that failed (%s) wrote its buffer", strerror(err));
}

static const size_t rw_sizes[] = { 0, 1, 3, 4, 4, 4, 4, 5, 8, 4096 };

static void op_read(struct thread *t)
{
	struct queue_slot q;
	int slot;

	if (!queue_get_any(t, &slot, &q))
		return;
	queue_rw(t, slot, &q, false, rw_sizes[rnd(t, ARRAY_SIZE(rw_sizes))], pick_kind(t, 8));
	queue_release(slot);
}

static void op_write(struct thread *t)
{
	struct queue_slot q;
	int slot;

	if (!queue_get_any(t, &slot, &q))
		return;
	queue_rw(t, slot, &q, true, rw_sizes[rnd(t, ARRAY_SIZE(rw_sizes))], pick_kind(t, 8));
	queue_release(slot);
}

/* Kicks the queue a mapping came from, else any. */
static void kick(struct thread *t, int slot, unsigned int gen)
{
	struct queue_slot q;

	if (!queue_get(slot, gen, &q) && !queue_get_any(t, &slot, &q))
		return;
	queue_rw(t, slot, &q, true, sizeof(u32), P_GOOD);
	queue_release(slot);
}

static void op_poll(struct thread *t)
{
	static const short events[] = {
		POLLIN, POLLIN | POLLOUT, POLLOUT, POLLPRI, 0, POLLIN | POLLRDNORM | POLLWRNORM,
	};
	const short known = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR | POLLHUP;
	struct queue_slot q[4];
	struct pollfd pfd[4];
	int slot[4], n = 0, i, j, ret;

	for (i = 1 + rnd(t, 4); i > 0; i--) {
		if (!queue_get_any(t, &slot[n], &q[n]))
			break;
		for (j = 0; j < n && slot[j] != slot[n]; j++)
			;
		if (j < n) {
			queue_release(slot[n]);
			continue;
		}
		pfd[n].fd = q[n].fd;
		pfd[n].events = events[rnd(t, ARRAY_SIZE(events))];
		n++;
	}
	if (!n)
		return;
	__atomic_store_n(&t->blocking, 1, __ATOMIC_SEQ_CST);
	ret = count(poll(pfd, n, rnd(t, 20)));
	__atomic_store_n(&t->blocking, 0, __ATOMIC_SEQ_CST);
	for (i = 0; ret >= 0 && i < n; i++) {
		short r = pfd[i].revents;

		if (r & ~known)
			finding("poll: revents %#x on an open queue descriptor", r);
		/* Documented: POLLERR | POLLHUP once detached, and from then on. */
		if (!(r & POLLERR) != !(r & POLLHUP))
			finding("poll: revents %#x: POLLERR and POLLHUP come together", r);
		if ((q[i].dead || q[i].hup) && !(r & POLLHUP))
			finding("poll: revents %#x on a detached queue (%s)", r,
				q[i].dead ? strerror(q[i].dead) : "POLLHUP before");
		if (r & POLLHUP) {
			pthread_mutex_lock(&tab_lock);
			queues[slot[i]].hup = true;
			pthread_mutex_unlock(&tab_lock);
		}
	}
	for (i = 0; i < n; i++)
		queue_release(slot[i]);
}

/* Odd ways to read and write a queue: no promise beyond not crashing. */
static void op_queue_misc(struct thread *t)
{
	struct queue_slot q;
	struct iovec iov[2];
	u8 *p = t->rw + 64;
	int slot, fl, fd = -1;

	if (!queue_get_any(t, &slot, &q))
		return;
	iov[0].iov_base = p;
	iov[0].iov_len = chance(t, 2) ? 4 : 1;
	iov[1].iov_base = p + 16;
	iov[1].iov_len = chance(t, 2) ? 4 : 3;
	switch (rnd(t, 7)) {
	case 0:
		count(pread(q.fd, p, 4, rnd(t, 3) ? 0 : rnd64(t) >> 1));
		break;
	case 1:
		count(pwrite(q.fd, p, 4, rnd(t, 64)));
		break;
	case 2:
		__atomic_store_n(&t->blocking, 1, __ATOMIC_SEQ_CST);
		count(readv(q.fd, iov, 2));
		__atomic_store_n(&t->blocking, 0, __ATOMIC_SEQ_CST);
		break;
	case 3:
		count(writev(q.fd, iov, 2));
		break;
	case 4:
		fl = count(fcntl(q.fd, F_GETFL));
		if (fl >= 0)
			count(fcntl(q.fd, F_SETFL, fl ^ O_NONBLOCK));
		break;
	case 5:
		count(lseek(q.fd, rnd(t, 8), rnd(t, 3)));
		break;
	default:
		/* Another descriptor of the same file: closes in yet more orders. */
		fd = count(fcntl(q.fd, F_DUPFD_CLOEXEC, 0));
	}
	queue_release(slot);
	if (fd >= 0)
		queue_put(rnd(t, QUEUE_SLOTS), fd, q.ring_size);
}

static void op_close_queue(struct thread *t)
{
	queue_put(rnd(t, QUEUE_SLOTS), -1, 0);
}

/* --- /dev/vmbnet: ATTACH, QUEUE_FD, VERSION --------------------------------- */

static void op_open(struct thread *t)
{
	static const int modes[] = {
		O_RDWR, O_RDWR, O_RDWR, O_RDONLY, O_WRONLY, O_RDWR | O_NONBLOCK,
	};
	int fd = count(open(DEV_PATH, modes[rnd(t, ARRAY_SIZE(modes))] | O_CLOEXEC));
	struct main_slot *sp;

	if (fd >= 0) {
		main_put(rnd(t, MAIN_SLOTS), fd, UNATTACHED, -1, 0, 0);
	} else if (unpriv && nspares) {
		sp = &spares[rnd(t, nspares)];
		fd = count(fcntl(sp->fd, F_DUPFD_CLOEXEC, 0));
		if (fd >= 0)
			main_put(rnd(t, MAIN_SLOTS), fd, sp->state, sp->dev, sp->queues,
				 sp->ring_size);
	}
}

/* Detaches if attached, whatever its queues and mappings are doing. */
static void op_close_main(struct thread *t)
{
	main_put(rnd(t, MAIN_SLOTS), -1, UNATTACHED, -1, 0, 0);
}

static const struct vmbnet_version version = {
	.major = VMBNET_API_MAJOR, .minor = VMBNET_API_MINOR,
};

static void op_version(struct thread *t)
{
	enum ptr_kind kind = pick_kind(t, 3);
	u8 *p, canary[sizeof(version)];
	struct vmbnet_version got;
	struct main_slot s;
	int slot, err;
	size_t i;
	long ret;

	if (!main_get(t, &slot, &s))
		return;
	p = ptr_for(t, kind, sizeof(got));
	memset(canary, CANARY, sizeof(canary));
	place(kind, p, canary, sizeof(canary));
	ret = count(ioctl(s.fd, VMBNET_IOC_VERSION, p));
	err = errno;
	main_release(slot);
	bump(&st->checked);
	if (good_ptr(kind)) {
		/* "works on any open /dev/vmbnet" */
		if (ret) {
			finding("VERSION: %s", strerror(err));
			return;
		}
		memcpy(&got, p, sizeof(got));
		if (got.major != version.major || got.minor != version.minor)
			leak("VERSION gave %#x.%#x, the header says %u.%u", got.major, got.minor,
			     version.major, version.minor);
		if (!canary_ok(p + sizeof(got), TAIL))
			leak("VERSION wrote past its struct");
		return;
	}
	if (!ret || err != EFAULT)
		finding("VERSION into a %s buffer: %s, want EFAULT", ptr_names[kind],
			ret ? strerror(err) : "it worked");
	/* Before the fault, it can only have written the answer. */
	if (kind == P_STRADDLE)
		for (i = 0; i < sizeof(got) / 2; i++)
			if (p[i] != CANARY && p[i] != ((const u8 *)&version)[i])
				leak("VERSION into a page-straddling buffer: byte %zu is %#x",
				     i, p[i]);
}

/* What the uAPI says ATTACH takes, nothing else. */
static bool attach_well_formed(const struct vmbnet_attach *a)
{
	return !(a->flags & ~VMBNET_ATTACH_REPLACE) && !a->reserved && !a->features &&
	       a->num_queues >= 1 && a->num_queues <= VMBNET_MAX_QUEUES &&
	       (!a->ring_size || ring_size_ok(a->ring_size)) &&
	       memchr(a->ifname, '\0', IFNAMSIZ);
}

/* Well-formed ATTACHes to our devices as root: each one an endpoint, logged. */
static bool attach_token(void)
{
	static unsigned long used;
	unsigned long allowed = 10 + (now_ns() - start_ns) / (NSEC / ATTACH_RATE);
	unsigned long cur = __atomic_load_n(&used, __ATOMIC_RELAXED);

	do {
		if (cur >= allowed)
			return false;
	} while (!__atomic_compare_exchange_n(&used, &cur, cur + 1, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

/* An ifname: ours, another device's, none's or no name. dev: ours, or -1. */
static void pick_name(struct thread *t, char *name, int *dev)
{
	u32 r = rnd(t, 16), len;
	unsigned int i;

	memset(name, 0, IFNAMSIZ);
	if (r < 9) {
		memcpy(name, devs[r < 7 ? 0 : ndevs - 1].name, IFNAMSIZ);
	} else if (r == 9) {
		snprintf(name, IFNAMSIZ, "lo");	/* there, but not a vmbnet device */
	} else if (r == 10) {
		snprintf(name, IFNAMSIZ, "vmbnope0");
	} else if (r == 12) {
		random_bytes(t, (u8 *)name, IFNAMSIZ);	/* no NUL: unterminated */
		for (i = 0; i < IFNAMSIZ; i++)
			name[i] |= 1;
	} else if (r == 13) {
		memcpy(name, devs[0].name, IFNAMSIZ);
		name[rnd(t, strlen(name))] ^= 0x20;	/* a letter's case, or worse */
	} else if (r == 14) {
		random_bytes(t, (u8 *)name, IFNAMSIZ);
		name[rnd(t, IFNAMSIZ)] = '\0';
	}	/* else "" */
	/* Garbage after the NUL, which the kernel must leave alone. */
	len = strnlen(name, IFNAMSIZ);
	if (len < IFNAMSIZ - 1 && chance(t, 4))
		random_bytes(t, (u8 *)name + len + 1, IFNAMSIZ - len - 1);
	*dev = -1;
	for (i = 0; len < IFNAMSIZ && i < ndevs; i++)
		if (!strcmp(name, devs[i].name))
			*dev = i;
}

static void make_attach(struct thread *t, struct vmbnet_attach *a, int *dev)
{
	static const u32 good_rings[] = { 0, 0, 64 << 10, 64 << 10, 128 << 10, 256 << 10 };
	static const u32 bad_rings[] = {
		1, 4096, 32 << 10, 65535, 65537, 100000, 3 << 16, 32 << 20, 1U << 31, 0xffffffff,
	};

	memset(a, 0, sizeof(*a));
	pick_name(t, a->ifname, dev);
	switch (rnd(t, 12)) {
	case 0:
		a->num_queues = 0;
		break;
	case 1:
		a->num_queues = chance(t, 2) ? VMBNET_MAX_QUEUES + 1 : rnd64(t);
		break;
	case 2:
		a->num_queues = VMBNET_MAX_QUEUES;
		break;
	default:
		a->num_queues = 1 + rnd(t, devs[0].queues + 1);
	}
	/*
	 * Rings are memory, kept while a queue descriptor or a mapping holds
	 * them: small ones mostly, big ones only for a single queue.
	 */
	if (chance(t, 10))
		a->ring_size = bad_rings[rnd(t, ARRAY_SIZE(bad_rings))];
	else if (a->num_queues == 1 && chance(t, 8))
		a->ring_size = (1U << 20) << rnd(t, 3);
	else
		a->ring_size = good_rings[rnd(t, ARRAY_SIZE(good_rings))];
	/* Mostly a replace: without, the device's endpoint makes it EBUSY. */
	if (chance(t, 12))
		a->flags = chance(t, 2) ? 1U << rnd(t, 32) : rnd64(t);
	else if (!chance(t, 4))
		a->flags = VMBNET_ATTACH_REPLACE;
	if (chance(t, 12))
		a->reserved = chance(t, 2) ? 1U << rnd(t, 32) : rnd64(t);
	if (chance(t, 12))
		a->features = chance(t, 2) ? 1ULL << rnd(t, 64) : rnd64(t);
	if (!unpriv && *dev >= 0 && attach_well_formed(a) && !attach_token())
		a->ring_size = bad_rings[rnd(t, ARRAY_SIZE(bad_rings))];
}

/* The ATTACH answer at p: what must be there, and nothing that must not. */
static void check_answer(const struct vmbnet_attach *in, const u8 *p, int dev)
{
	struct vmbnet_attach a;
	unsigned int i;
	u32 max;

	memcpy(&a, p, sizeof(a));
	bump(&st->checked);
	for (i = 0; i < IFNAMSIZ; i++)
		if (a.ifname[i] && a.ifname[i] != in->ifname[i]) {
			leak("ATTACH answer: ifname[%u] is %#x, we gave %#x", i,
			     (u8)a.ifname[i], (u8)in->ifname[i]);
			break;
		}
	if (a.flags != in->flags || a.reserved)
		leak("ATTACH answer: flags %#x, reserved %#x: we gave %#x and 0", a.flags,
		     a.reserved, in->flags);
	if (looks_like_kptr(a.features))
		leak("ATTACH answer: features %#llx", (unsigned long long)a.features);
	else if (!a.features || (a.features & ~KNOWN_FEATURES))
		finding("ATTACH answer: features %#llx are not the uAPI's VMBNET_F_* bits",
			(unsigned long long)a.features);
	max = in->num_queues < devs[dev].queues ? in->num_queues : devs[dev].queues;
	if (a.num_queues < 1 || a.num_queues > max)
		finding("ATTACH answer: %u queues, asked for %u of a device with %u",
			a.num_queues, in->num_queues, devs[dev].queues);
	if (in->ring_size ? a.ring_size != in->ring_size : !ring_size_ok(a.ring_size))
		finding("ATTACH answer: ring size %u, asked for %u", a.ring_size, in->ring_size);
	if (!canary_ok(p + sizeof(a), TAIL))
		leak("ATTACH wrote past its struct");
}

/* Documented: EINVAL, ENODEV, EPERM, EBUSY; and ENOMEM, which anything may say. */
static bool attach_errno_ok(int err)
{
	return err == EINVAL || err == ENODEV || err == EPERM || err == EBUSY ||
	       err == ENOMEM;
}

/* The rules for an ATTACH that failed with err on a descriptor in state s. */
static void attach_failed(const struct vmbnet_attach *a, int dev, const struct main_slot *s,
			  bool raced, int err)
{
	if (!attach_errno_ok(err))
		finding("ATTACH: %s", strerror(err));
	/*
	 * Only well-formed requests for our devices have one answer, unless
	 * another ATTACH ran on the descriptor meanwhile. DEV2 may be gone.
	 */
	if (!attach_well_formed(a) || dev < 0 || raced || (err == ENODEV && devs[dev].churned))
		return;
	if (s->state == ATTACHED && err != EBUSY && !(unpriv && err == EPERM))
		finding("a second well-formed ATTACH on one descriptor: %s, want EBUSY",
			strerror(err));
	if (s->state == UNATTACHED && unpriv && err != EPERM)
		finding("a well-formed ATTACH to %s without CAP_NET_ADMIN: %s, want EPERM",
			devs[dev].name, strerror(err));
	/* Without REPLACE, a device that has an endpoint is busy. */
	if (s->state == UNATTACHED && !unpriv && err != ENOMEM &&
	    !(err == EBUSY && !(a->flags & VMBNET_ATTACH_REPLACE)))
		finding("a well-formed ATTACH to %s as root: %s", devs[dev].name, strerror(err));
}

static void op_attach(struct thread *t)
{
	enum ptr_kind kind = pick_kind(t, 10);
	struct vmbnet_attach a, ans;
	bool raced, twice;
	struct main_slot s;
	struct main_slot *m;
	int slot, dev, err;
	long ret;
	u8 *p;

	make_attach(t, &a, &dev);
	p = ptr_for(t, kind, sizeof(a));
	place(kind, p, &a, sizeof(a));
	if (!main_get(t, &slot, &s))
		return;
	m = &mains[slot];
	/* Other ATTACHes on the same descriptor meanwhile change what to expect. */
	pthread_mutex_lock(&tab_lock);
	s = *m;
	m->inflight++;
	m->epoch++;
	pthread_mutex_unlock(&tab_lock);

	ret = count(ioctl(s.fd, VMBNET_IOC_ATTACH, p));
	err = errno;

	if (!ret && good_ptr(kind))
		memcpy(&ans, p, sizeof(ans));
	pthread_mutex_lock(&tab_lock);
	m->inflight--;
	raced = s.inflight || m->epoch != s.epoch + 1;
	twice = !ret && m->state == ATTACHED;
	if (!ret && good_ptr(kind)) {
		m->state = ATTACHED;
		m->dev = dev;
		m->queues = ans.num_queues;
		m->ring_size = ans.ring_size;
	} else if (err == EFAULT && kind == P_RDONLY && m->state != ATTACHED) {
		/* It read the request, may have attached, and could not answer. */
		m->state = UNKNOWN;
	}
	pthread_mutex_unlock(&tab_lock);
	main_release(slot);

	if (!ret)
		bump(&st->attached);
	else if (err == EPERM)
		bump(&st->eperm);
	if (twice)
		finding("two ATTACHes on one descriptor worked: one per open");
	if (unpriv && !ret)
		finding("ATTACH worked without CAP_NET_ADMIN");
	switch (kind) {
	case P_GOOD:
	case P_MISALIGNED:
		break;
	case P_RDONLY:
		if (!ret)
			finding("ATTACH with a read-only buffer worked: where is the answer?");
		else if (!attach_errno_ok(err) && err != EFAULT)
			finding("ATTACH with a read-only buffer: %s", strerror(err));
		return;
	default:
		if (!ret || err != EFAULT)
			finding("ATTACH from a %s pointer: %s, want EFAULT", ptr_names[kind],
				ret ? strerror(err) : "it worked");
		return;
	}
	if (!ret && (!attach_well_formed(&a) || dev < 0))
		finding("ATTACH '%.*s' flags %#x reserved %#x features %#llx, %u of %u B worked",
			IFNAMSIZ, a.ifname, a.flags, a.reserved,
			(unsigned long long)a.features, a.num_queues, a.ring_size);
	else if (!ret)
		check_answer(&a, p, dev);
	if (!ret)
		return;
	attach_failed(&a, dev, &s, raced, err);
	bump(&st->checked);
	if (memcmp(p, &a, sizeof(a)) || !canary_ok(p + sizeof(a), TAIL))
		leak("an ATTACH that failed (%s) wrote its buffer", strerror(err));
}

/* DETACH: 0 once for an attached descriptor, else ENOTCONN; the descriptor
 * attaches no more either way.
 */
static void op_detach(struct thread *t)
{
	struct main_slot s;
	bool raced;
	int slot, err;
	long ret;

	if (!main_get(t, &slot, &s))
		return;
	ret = count(ioctl(s.fd, VMBNET_IOC_DETACH, chance(t, 2) ? rnd64(t) : 0));
	err = errno;
	pthread_mutex_lock(&tab_lock);
	raced = s.inflight || mains[slot].epoch != s.epoch;
	pthread_mutex_unlock(&tab_lock);
	main_release(slot);
	bump(&st->checked);
	if (ret && err != ENOTCONN)
		finding("DETACH: %s, want 0 or ENOTCONN", strerror(err));
	else if (!ret && s.state == UNATTACHED && !raced)
		finding("DETACH of a descriptor that never attached worked");
}

static unsigned long pick_index(struct thread *t, const struct main_slot *s)
{
	static const unsigned long odd[] = {
		VMBNET_MAX_QUEUES - 1, VMBNET_MAX_QUEUES, 1UL << 31, 1UL << 32, ~0UL, ~0UL >> 1,
	};

	if (s->state == ATTACHED && rnd(t, 4))
		return rnd(t, s->queues);
	switch (rnd(t, 3)) {
	case 0:
		return s->queues + rnd(t, 2);
	case 1:
		return rnd(t, 8);
	default:
		return odd[rnd(t, ARRAY_SIZE(odd))];
	}
}

static void op_queue_fd(struct thread *t)
{
	struct main_slot s, now;
	unsigned long idx;
	bool stable, ok;
	int slot, err;
	long fd;

	if (!main_get(t, &slot, &s))
		return;
	idx = pick_index(t, &s);
	fd = count(ioctl(s.fd, VMBNET_IOC_QUEUE_FD, idx));
	err = errno;
	pthread_mutex_lock(&tab_lock);
	now = mains[slot];
	pthread_mutex_unlock(&tab_lock);
	main_release(slot);
	/* No ATTACH ran on the descriptor meanwhile: its state is what we saw. */
	stable = now.epoch == s.epoch && !s.inflight && !now.inflight;
	if (fd >= 0) {
		bump(&st->queue_fds);
		if (chance(t, 2))
			count(fcntl(fd, F_SETFL, O_NONBLOCK));
		queue_put(rnd(t, QUEUE_SLOTS), fd, stable && s.state == ATTACHED ? s.ring_size : 0);
	}
	if (!stable)
		return;
	/* Documented: EINVAL before the attach or past num_queues, EIO once detached. */
	switch (s.state) {
	case UNATTACHED:
		ok = fd < 0 && err == EINVAL;
		break;
	case ATTACHED:
		if (idx >= s.queues)
			ok = fd < 0 && (err == EINVAL || err == EIO);
		else
			ok = fd >= 0 || err == EIO || err == ENOMEM || err == EMFILE ||
			     err == ENFILE;
		break;
	default:
		ok = fd >= 0 ? idx < VMBNET_MAX_QUEUES :
		     err == EINVAL || err == EIO || err == ENOMEM || err == EMFILE ||
		     err == ENFILE;
	}
	if (!ok)
		finding("QUEUE_FD %#lx on a descriptor %s: %s", idx,
			s.state == UNATTACHED ? "never attached" :
			s.state == ATTACHED ? "attached" : "maybe attached",
			fd >= 0 ? "it worked" : strerror(err));
}

/* Commands but the three: never a success, never a byte written. */
static void op_bad_ioctl(struct thread *t)
{
	/* The VFS's own (FIONBIO, FIGETBSZ, FIFREEZE...) are not the driver's. */
	static const u8 vfs_magics[] = { 0x00, 0x15, 'T', 'X', 'f', 0x94 };
	enum ptr_kind kind = pick_kind(t, 4);
	bool on_main = rnd(t, 4);
	unsigned int cmd, i;
	struct main_slot s;
	struct queue_slot q;
	u8 *p, buf[64];
	long ret, at;
	int slot;
	u64 v;

	if (on_main ? !main_get(t, &slot, &s) : !queue_get_any(t, &slot, &q))
		return;
	if (chance(t, 3)) {
		cmd = rnd64(t);
		for (i = 0; i < ARRAY_SIZE(vfs_magics); i++)
			if (_IOC_TYPE(cmd) == vfs_magics[i])
				cmd ^= 0xeeU << _IOC_TYPESHIFT;
	} else {
		/* Ours, with the wrong number, direction or size. */
		i = chance(t, 2) ? rnd(t, 64) : sizeof(struct vmbnet_attach) - 1 + rnd(t, 3);
		cmd = _IOC(rnd(t, 4), VMBNET_IOC_MAGIC, chance(t, 2) ? rnd(t, 4) : rnd(t, 256), i);
	}
	if (on_main && (cmd == VMBNET_IOC_VERSION || cmd == VMBNET_IOC_ATTACH ||
			cmd == VMBNET_IOC_QUEUE_FD || cmd == VMBNET_IOC_DETACH))
		cmd += 0x10 << _IOC_NRSHIFT;
	p = ptr_for(t, kind, sizeof(buf));
	memset(buf, CANARY, sizeof(buf));
	place(kind, p, buf, sizeof(buf));
	ret = count(ioctl(on_main ? s.fd : q.fd, cmd,
			  good_ptr(kind) || chance(t, 2) ? (unsigned long)p : rnd64(t)));
	if (on_main)
		main_release(slot);
	else
		queue_release(slot);
	if (!ret && _IOC_TYPE(cmd) == VMBNET_IOC_MAGIC)
		finding("ioctl %#x on a %s descriptor worked: there is no such command", cmd,
			on_main ? "/dev/vmbnet" : "queue");
	if (!good_ptr(kind))
		return;
	bump(&st->checked);
	if (ret && !canary_ok(p, sizeof(buf) + TAIL))
		leak("ioctl %#x failed and wrote its buffer", cmd);
	at = find_kptr(p, sizeof(buf), &v);
	if (!ret && at >= 0)
		leak("ioctl %#x gave %#llx at byte %ld", cmd, (unsigned long long)v, at);
}

/* /dev/vmbnet has no read, write or mmap: no promise beyond not crashing. */
static void op_main_misc(struct thread *t)
{
	struct main_slot s;
	u8 *p = t->rw + 64;
	long ret, at;
	int slot, fl;
	void *m;
	u64 v;

	if (!main_get(t, &slot, &s))
		return;
	switch (rnd(t, 5)) {
	case 0:
		memset(p, 0, 4096);
		ret = count(read(s.fd, p, rw_sizes[rnd(t, ARRAY_SIZE(rw_sizes))]));
		at = ret > 0 ? find_kptr(p, ret, &v) : -1;
		if (at >= 0)
			leak("read of /dev/vmbnet gave %#llx", (unsigned long long)v);
		break;
	case 1:
		count(write(s.fd, p, rw_sizes[rnd(t, ARRAY_SIZE(rw_sizes))]));
		break;
	case 2:
		pthread_mutex_lock(&vm_lock);
		m = mmap(NULL, page, PROT_READ, chance(t, 2) ? MAP_SHARED : MAP_PRIVATE, s.fd, 0);
		count(m == MAP_FAILED ? -1 : 0);
		if (m != MAP_FAILED)
			munmap(m, page);
		pthread_mutex_unlock(&vm_lock);
		break;
	case 3:
		count(poll(&(struct pollfd){ .fd = s.fd, .events = POLLIN | POLLOUT }, 1, 0));
		break;
	default:
		fl = count(fcntl(s.fd, F_GETFL));
		if (fl >= 0)
			count(fcntl(s.fd, F_SETFL, fl ^ O_NONBLOCK));
	}
	main_release(slot);
}

/* --- mappings ------------------------------------------------------------- */

static u64 round_pages(u64 len)
{
	return (len + page - 1) & ~(u64)(page - 1);
}

/* A page-aligned window of len bytes (rounded up) at off is inside end bytes. */
static bool inside(u64 off, u64 len, u64 end)
{
	return !(off % page) && off <= end && len <= end - off && round_pages(len) <= end - off;
}

/* Under vm_lock: a new mapping goes into a slot. */
static void map_keep(struct thread *t, u8 *p, size_t len, int prot, enum map_kind kind,
		     u64 off, int ring, u32 ring_size, int qslot, unsigned int qgen)
{
	struct map_slot *m = map_take(t);

	bump(&st->maps);
	m->addr = p;
	m->len = len;
	m->touch = len;
	m->prot = prot;
	m->kind = kind;
	m->off = off;
	m->ring = ring;
	m->ring_size = ring_size;
	m->qslot = qslot;
	m->qgen = qgen;
	pthread_rwlock_unlock(&m->lock);
}

static void op_mmap(struct thread *t)
{
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE,
		PROT_READ, PROT_READ, PROT_WRITE, PROT_NONE, PROT_READ | PROT_EXEC,
	};
	static const int extras[] = {
		MAP_POPULATE, MAP_NORESERVE, MAP_LOCKED, MAP_HUGETLB, MAP_ANONYMOUS,
	};
	struct queue_slot q;
	int slot, prot, flags, err;
	bool plain, known, past;
	u64 end, off, len;
	u8 *p;

	if (!queue_get_any(t, &slot, &q))
		return;
	end = q.ring_size ? part_off(VMBNET_MMAP_END, q.ring_size) : 64 * (u64)page;
	switch (rnd(t, 6)) {
	case 0:
		off = 0;
		break;
	case 1:
		off = part_off(rnd(t, VMBNET_MMAP_END + 1), q.ring_size ?: VMBNET_RING_SIZE_MIN);
		break;
	case 2:
		off = (u64)rnd(t, end / page + 2) * page;
		break;
	case 3:
		off = (u64)rnd(t, end / page) * page + 1 + rnd(t, page - 1);
		break;
	case 4:
		off = end - page;
		break;
	default:
		off = chance(t, 2) ? 1ULL << 40 : ~0ULL << 20;
	}
	switch (rnd(t, 6)) {
	case 0:
		len = page;
		break;
	case 1:
		len = off < end ? end - off : page;
		break;
	case 2:
		len = (u64)(1 + rnd(t, end / page)) * page;
		break;
	case 3:
		len = 1 + rnd(t, 3 * page);	/* the kernel rounds it up to pages */
		break;
	case 4:
		len = off < end ? end - off + page : 0;
		break;
	default:
		len = chance(t, 2) ? 1ULL << 40 : 0;
	}
	prot = prots[rnd(t, ARRAY_SIZE(prots))];
	flags = rnd(t, 8) ? MAP_SHARED : chance(t, 2) ? MAP_PRIVATE : MAP_SHARED_VALIDATE;
	if (chance(t, 8))
		flags |= extras[rnd(t, ARRAY_SIZE(extras))];
	/* An anonymous mapping ignores the descriptor: keep it small. */
	if ((flags & MAP_ANONYMOUS) && len > 16 * (u64)page)
		len = page;

	/* Documented: the file is END bytes, and any page-aligned window of it maps. */
	known = q.ring_size && !(flags & MAP_ANONYMOUS);
	past = known && !inside(off, len, end);
	pthread_mutex_lock(&vm_lock);
	p = mmap(NULL, len, prot, flags, q.fd, off);
	err = errno;
	count(p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED && past)
		munmap(p, len);	/* what the driver has not mapped, we do not touch */
	else if (p != MAP_FAILED)
		map_keep(t, p, len, prot, WINDOW, off, 0, known ? q.ring_size : 0, slot, q.gen);
	pthread_mutex_unlock(&vm_lock);
	queue_release(slot);
	if (!known)
		return;
	if (p != MAP_FAILED) {
		if ((flags & MAP_TYPE) == MAP_PRIVATE)
			finding("a private mapping of a queue worked: the uAPI maps MAP_SHARED");
		if (past)
			finding("mmap of %#llx bytes at %#llx worked: the file is %#llx bytes",
				(unsigned long long)len, (unsigned long long)off,
				(unsigned long long)end);
		return;
	}
	plain = len && inside(off, len, end) && !(prot & ~(PROT_READ | PROT_WRITE)) &&
		(flags == MAP_SHARED || flags == MAP_SHARED_VALIDATE);
	if (plain && err != ENOMEM && err != EAGAIN)
		finding("mmap of %#llx bytes at %#llx of a %#llx-byte file: %s",
			(unsigned long long)len, (unsigned long long)off,
			(unsigned long long)end, strerror(err));
}

/* A ring's data twice back to back behind its control page, as documented. */
static void op_mmap_ring2(struct thread *t)
{
	int slot, ring = rnd(t, 2), err = 0;
	struct queue_slot q;
	size_t total, size;
	u8 *res, *a, *b;

	if (!queue_get_any(t, &slot, &q))
		return;
	if (!q.ring_size) {
		queue_release(slot);
		return;
	}
	size = q.ring_size;
	total = page + 2 * size;
	pthread_mutex_lock(&vm_lock);
	/* Our own address space: MAP_FIXED goes nowhere else. */
	res = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	a = res == MAP_FAILED ? res :
	    mmap(res, page + size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, q.fd,
		 part_off(ring ? VMBNET_MMAP_RX_CTRL : VMBNET_MMAP_TX_CTRL, size));
	if (a == MAP_FAILED)
		err = errno;
	b = a == MAP_FAILED ? a :
	    mmap(res + page + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, q.fd,
		 part_off(ring ? VMBNET_MMAP_RX_DATA : VMBNET_MMAP_TX_DATA, size));
	if (a != MAP_FAILED && b == MAP_FAILED)
		err = errno;
	if (res != MAP_FAILED)
		count(b == MAP_FAILED ? -1 : 0);
	if (b != MAP_FAILED)
		map_keep(t, res, total, PROT_READ | PROT_WRITE, RING2, 0, ring, size, slot,
			 q.gen);
	else if (res != MAP_FAILED)
		munmap(res, total);
	pthread_mutex_unlock(&vm_lock);
	queue_release(slot);
	if (res != MAP_FAILED && b == MAP_FAILED && err != ENOMEM && err != EAGAIN)
		finding("mapping the %s ring with its data twice: %s",
			ring ? "inbound" : "outbound", strerror(err));
}

static void describe(const struct map_slot *m, size_t at, char *buf, size_t len)
{
	if (m->kind == RING2)
		snprintf(buf, len, "%s ring view + %#zx", m->ring ? "inbound" : "outbound", at);
	else
		snprintf(buf, len, "file offset %#llx", (unsigned long long)(m->off + at));
}

/*
 * Each page of a mapping is there (the driver maps them all at once): read
 * it, write it, and look for kernel pointers.
 */
static void op_touch(struct thread *t)
{
	struct map_slot *m = map_pick(t);
	size_t o, from, len;
	char where[64];
	long at;
	u64 v;

	if (!m)
		return;
	for (o = 0; o < m->touch; o += page) {
		if (m->prot & PROT_READ)
			(void)__atomic_load_n(m->addr + o, __ATOMIC_RELAXED);
		if (m->prot & PROT_WRITE)
			__atomic_fetch_or(m->addr + o, 0, __ATOMIC_RELAXED);
	}
	if ((m->prot & PROT_READ) && chance(t, 3)) {
		/* A MiB at most: TCG is slow. */
		len = m->touch & ~7UL;
		from = 0;
		if (len > (1UL << 20)) {
			from = (size_t)rnd(t, (len - (1UL << 20)) / page) * page;
			len = 1UL << 20;
		}
		bump(&st->checked);
		at = find_kptr(m->addr + from, len, &v);
		if (at >= 0) {
			describe(m, from + at, where, sizeof(where));
			leak("%#llx in a mapping, at %s", (unsigned long long)v, where);
		}
	}
	pthread_rwlock_unlock(&m->lock);
}

static u32 odd_index(struct thread *t, u32 size)
{
	static const u32 odd[] = { 4, 7, 0x80000000, 0x7ffffff8, 0xfffffff8 };

	switch (rnd(t, 6)) {
	case 0:
		return 0;
	case 1:
		return size - 8;
	case 2:
		return size + 8 * rnd(t, 2);
	case 3:
		return rnd(t, size) & ~7U;
	case 4:
		return sanitize32(odd[rnd(t, ARRAY_SIZE(odd))]);
	default:
		return sanitize32(rnd64(t));
	}
}

/* Garbage into a writable mapping, control fields or anywhere; then a kick. */
static void op_scribble(struct thread *t)
{
	struct map_slot *m = map_pick(t);
	struct vmbnet_ring_ctrl *ctrl;
	unsigned int qgen;
	u8 junk[64], *data;
	size_t at, n;
	int qslot;
	bool wrap;
	u32 v;

	if (!m)
		return;
	if (!(m->prot & PROT_WRITE)) {
		pthread_rwlock_unlock(&m->lock);
		return;
	}
	if (rnd(t, 3) && ring_view(m, rnd(t, 2), &ctrl, &data, &wrap)) {
		v = __cpu_to_le32(odd_index(t, m->ring_size));
		switch (rnd(t, 5)) {
		case 0:
			__atomic_store_n(&ctrl->write_index, v, __ATOMIC_RELEASE);
			break;
		case 1:
			__atomic_store_n(&ctrl->read_index, v, __ATOMIC_RELEASE);
			break;
		case 2:
			ctrl->interrupt_mask = rnd(t, 3) ? __cpu_to_le32(rnd(t, 2)) : v;
			break;
		case 3:
			ctrl->pending_send_sz = v;
			break;
		default:
			ctrl->feature_bits = __cpu_to_le32(sanitize32(rnd64(t)));
		}
	} else {
		n = 1 + rnd(t, sizeof(junk));
		if (n > m->touch)
			n = m->touch;
		at = rnd(t, m->touch - n + 1);
		random_bytes(t, junk, n);
		memcpy(m->addr + at, junk, n);
	}
	bump(&st->writes);
	qslot = m->qslot;
	qgen = m->qgen;
	pthread_rwlock_unlock(&m->lock);
	kick(t, qslot, qgen);
}

/*
 * A packet for the driver at write index wr: mostly well-formed, of any
 * message type, but never an OFFER it could take (seq 0 answers no INIT):
 * that would start a negotiation, and requests that hold RTNL for 5 s.
 */
static size_t make_message(struct thread *t, u8 *buf, u32 wr)
{
	static const u16 types[] = {
		VMBNET_MSG_DATA, VMBNET_MSG_INIT, VMBNET_MSG_ACCEPT, VMBNET_MSG_SET_MTU,
		VMBNET_MSG_SET_STATE, VMBNET_MSG_OFFER, VMBNET_MSG_STATUS, VMBNET_MSG_STATUS,
		VMBNET_MSG_LINK, VMBNET_MSG_LINK, 0x1234,
	};
	static const u32 bodies[] = {
		sizeof(struct vmbnet_ctl_offer), sizeof(struct vmbnet_ctl_status),
		sizeof(struct vmbnet_ctl_link), sizeof(struct vmbnet_ctl_hdr), 0,
	};
	u16 type = types[rnd(t, ARRAY_SIZE(types))];
	struct vmbnet_pkt_desc desc;
	struct vmbnet_msg_hdr mh;
	u32 body, payload, total;
	__le64 trailer;

	if (chance(t, 3))
		body = rnd(t, chance(t, 4) ? BODY_MAX : 80);
	else
		body = bodies[rnd(t, ARRAY_SIZE(bodies))];
	payload = (sizeof(mh) + body + 7) & ~7U;
	total = sizeof(desc) + payload + VMBNET_PKT_TRAILER_SIZE;

	desc.type = __cpu_to_le16(rnd(t, 10) ? VMBNET_PKT_DATA_INBAND : rnd(t, 16));
	desc.offset8 = __cpu_to_le16(rnd(t, 10) ? sizeof(desc) / 8 : rnd(t, 8));
	desc.len8 = __cpu_to_le16(rnd(t, 10) ? (sizeof(desc) + payload) / 8 : rnd(t, 300));
	desc.flags = __cpu_to_le16(rnd(t, 10) ? 0 : rnd(t, 0xfe));
	desc.trans_id = 0;
	mh.type = __cpu_to_le16(type);
	mh.reserved = 0;
	mh.len = __cpu_to_le32(rnd(t, 10) ? body : rnd(t, BODY_MAX + 16));
	memcpy(buf, &desc, sizeof(desc));
	memcpy(buf + sizeof(desc), &mh, sizeof(mh));
	random_bytes(t, buf + sizeof(desc) + sizeof(mh), payload - sizeof(mh));
	if (type == VMBNET_MSG_OFFER)
		memset(buf + sizeof(desc) + sizeof(mh), 0, sizeof(__le32));
	sanitize(buf, sizeof(desc) + sizeof(mh));
	/* Below 16 MiB, so no 0xffff in its top bytes. */
	trailer = __cpu_to_le64((u64)wr << 32);
	memcpy(buf + sizeof(desc) + payload, &trailer, sizeof(trailer));
	return total;
}

/*
 * As an endpoint would, more or less: a message into an inbound ring, or
 * what the driver wrote in an outbound one consumed; then a kick.
 */
static void op_ring_io(struct thread *t)
{
	static u8 bufs[MAX_THREADS][BODY_MAX + 64];
	struct map_slot *m = map_pick(t);
	u8 *data, *buf = bufs[t->id];
	struct vmbnet_ring_ctrl *ctrl;
	unsigned int qgen;
	u32 size, wr;
	size_t len;
	int qslot;
	bool wrap;

	if (!m)
		return;
	if (chance(t, 3) && ring_view(m, 0, &ctrl, &data, &wrap)) {
		wr = __atomic_load_n(&ctrl->write_index, __ATOMIC_ACQUIRE);
		if (!rnd(t, 8))
			wr = __cpu_to_le32(odd_index(t, m->ring_size));
		__atomic_store_n(&ctrl->read_index, wr, __ATOMIC_RELEASE);
	} else if (ring_view(m, 1, &ctrl, &data, &wrap)) {
		size = m->ring_size;
		wr = __le32_to_cpu(__atomic_load_n(&ctrl->write_index, __ATOMIC_RELAXED));
		wr &= (size - 1) & ~7U;
		len = make_message(t, buf, wr);
		/* Without the data's second view, what would wrap is cut short. */
		memcpy(data + wr, buf, wrap || wr + len <= size ? len : size - wr);
		wr = rnd(t, 10) ? (wr + len) & (size - 1) : odd_index(t, size);
		__atomic_store_n(&ctrl->write_index, __cpu_to_le32(wr), __ATOMIC_RELEASE);
	} else {
		pthread_rwlock_unlock(&m->lock);
		return;
	}
	bump(&st->writes);
	qslot = m->qslot;
	qgen = m->qgen;
	pthread_rwlock_unlock(&m->lock);
	kick(t, qslot, qgen);
}

/*
 * munmap, mprotect, mremap, madvise. No MADV_DONTNEED and the like: a page
 * the driver mapped once and we dropped would rightly fault afterwards.
 */
static void op_map_change(struct thread *t)
{
	static const int prots[] = {
		PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE, PROT_READ | PROT_EXEC,
	};
	static const int advice[] = {
		MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTDUMP,
		MADV_DODUMP, MADV_DONTFORK, MADV_DOFORK, MADV_HUGEPAGE, MADV_NOHUGEPAGE,
	};
	struct map_slot *m = &maps[rnd(t, MAP_SLOTS)];
	size_t len;
	u64 end;
	int prot;
	u8 *p;

	pthread_mutex_lock(&vm_lock);
	pthread_rwlock_wrlock(&m->lock);
	if (!m->addr)
		goto out;
	switch (rnd(t, 6)) {
	case 0:
	case 1:
		count(munmap(m->addr, m->len));
		m->addr = NULL;
		break;
	case 2:
		prot = prots[rnd(t, ARRAY_SIZE(prots))];
		if (!count(mprotect(m->addr, m->len, prot)))
			m->prot = prot;
		break;
	case 3:
		if (m->kind != WINDOW)
			break;
		/* Smaller; or larger, which VM_DONTEXPAND refuses. */
		len = chance(t, 2) ? m->len + page : round_pages(m->len / 2);
		if (!len)
			break;
		p = mremap(m->addr, m->len, len, chance(t, 2) ? MREMAP_MAYMOVE : 0);
		count(p == MAP_FAILED ? -1 : 0);
		if (p == MAP_FAILED)
			break;
		end = m->ring_size ? part_off(VMBNET_MMAP_END, m->ring_size) : 0;
		if (len > m->len && end && !inside(m->off, len, end))
			finding("mremap grew a mapping past the end of the file, to %#llx",
				(unsigned long long)(m->off + len));
		m->addr = p;
		m->len = len;
		if (m->touch > len)
			m->touch = len;
		break;
	default:
		count(madvise(m->addr, m->len, advice[rnd(t, ARRAY_SIZE(advice))]));
	}
out:
	pthread_rwlock_unlock(&m->lock);
	pthread_mutex_unlock(&vm_lock);
}

/* --- the threads ---------------------------------------------------------- */

struct op {
	void (*fn)(struct thread *t);
	const char *name;
	unsigned int weight;
};

static const struct op ops[] = {
	{ op_open, "open", 4 },
	{ op_close_main, "close /dev/vmbnet", 3 },
	{ op_version, "VERSION", 3 },
	{ op_attach, "ATTACH", 10 },
	{ op_detach, "DETACH", 2 },
	{ op_queue_fd, "QUEUE_FD", 10 },
	{ op_close_queue, "close queue", 5 },
	{ op_read, "read", 10 },
	{ op_write, "write", 10 },
	{ op_poll, "poll", 6 },
	{ op_queue_misc, "queue misc", 3 },
	{ op_mmap, "mmap", 8 },
	{ op_mmap_ring2, "mmap twice", 3 },
	{ op_touch, "touch", 8 },
	{ op_scribble, "scribble", 6 },
	{ op_ring_io, "ring io", 8 },
	{ op_map_change, "munmap/mprotect/mremap", 6 },
	{ op_bad_ioctl, "other ioctl", 5 },
	{ op_main_misc, "/dev/vmbnet misc", 3 },
};

static void *worker(void *arg)
{
	struct thread *t = arg;
	unsigned int i, total = 0, r;

	self = t;
	t->ktid = gettid();
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	while (now_ns() < deadline) {
		r = rnd(t, total);
		for (i = 0; r >= ops[i].weight; i++)
			r -= ops[i].weight;
		t->op = ops[i].name;
		ops[i].fn(t);
	}
	t->op = "done";
	return NULL;
}

/* Wakes workers asleep in read() or poll(): SIGUSR1 has no SA_RESTART. */
static void *interrupter(void *arg)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	unsigned int i;

	(void)arg;
	while (!__atomic_load_n(&stopping, __ATOMIC_SEQ_CST)) {
		for (i = 0; i < nthreads; i++)
			if (__atomic_load_n(&threads[i].blocking, __ATOMIC_SEQ_CST) &&
			    threads[i].ktid)
				syscall(SYS_tgkill, getpid(), threads[i].ktid, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_poke;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Runs the workers for secs seconds, then closes and unmaps everything. */
static int fuzz(enum phase ph, unsigned int secs)
{
	size_t per = 4 * page;
	pthread_t irq;
	unsigned int i;
	u8 *mem;

	mem = mmap(NULL, per * nthreads, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	for (i = 0; i < nthreads; i++) {
		struct thread *t = &threads[i];

		t->id = i;
		t->rng = splitmix(seed ^ ((u64)ph << 56) ^ i) | 1;
		t->rw = mem + i * per;
		t->hole = t->rw + 2 * page;
		t->ro = t->rw + 3 * page;
		mprotect(t->hole, page, PROT_NONE);
		mprotect(t->ro, page, PROT_READ);
	}
	start_ns = now_ns();
	deadline = start_ns + secs * NSEC;
	if (pthread_create(&irq, NULL, interrupter, NULL))
		return 2;
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i].tid, NULL, worker, &threads[i]))
			return 2;
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i].tid, NULL);
	__atomic_store_n(&stopping, 1, __ATOMIC_SEQ_CST);
	pthread_join(irq, NULL);

	/* The rest goes in a random order too: mappings, queues, endpoints. */
	self = &threads[0];
	self->op = "cleanup";
	for (i = 0; i < MAP_SLOTS + QUEUE_SLOTS + MAIN_SLOTS; i++) {
		u32 k = rnd(self, 3), j = rnd(self, MAP_SLOTS + QUEUE_SLOTS + MAIN_SLOTS);

		if (k == 0 && maps[j % MAP_SLOTS].addr) {
			count(munmap(maps[j % MAP_SLOTS].addr, maps[j % MAP_SLOTS].len));
			maps[j % MAP_SLOTS].addr = NULL;
		} else if (k == 1) {
			queue_put(j % QUEUE_SLOTS, -1, 0);
		} else {
			main_put(j % MAIN_SLOTS, -1, UNATTACHED, -1, 0, 0);
		}
	}
	for (i = 0; i < MAP_SLOTS; i++)
		if (maps[i].addr)
			count(munmap(maps[i].addr, maps[i].len));
	for (i = 0; i < QUEUE_SLOTS; i++)
		queue_put(i, -1, 0);
	for (i = 0; i < MAIN_SLOTS; i++)
		main_put(i, -1, UNATTACHED, -1, 0, 0);
	for (i = 0; i < nspares; i++)
		count(close(spares[i].fd));
	return st->findings || st->leaks;
}

/* --- the phases ----------------------------------------------------------- */

/* A descriptor root attached to devs[dev], or -1 (DEV2 may be away). */
static int attach_fd(int dev, u32 nq, u32 ring, struct vmbnet_attach *a)
{
	int fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);

	memset(a, 0, sizeof(*a));
	memcpy(a->ifname, devs[dev].name, IFNAMSIZ);
	a->num_queues = nq;
	a->ring_size = ring;
	a->flags = VMBNET_ATTACH_REPLACE;
	if (fd < 0 || !ioctl(fd, VMBNET_IOC_ATTACH, a))
		return fd;
	if (errno != ENODEV || !devs[dev].churned)
		finding("ATTACH %s, %u queues of %u bytes: %s", devs[dev].name, nq, ring,
			strerror(errno));
	close(fd);
	return -1;
}

static int root_phase(void)
{
	return fuzz(ROOT, seconds);
}

static unsigned long long status_field(const char *name)
{
	unsigned long long v = ~0ULL;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)))
			v = strtoull(line + strlen(name), NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/* nobody in a user namespace of its own has every capability, in there only. */
static void userns_attach(int fd)
{
	struct vmbnet_attach a = { .num_queues = 1 };
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		memcpy(a.ifname, devs[0].name, IFNAMSIZ);
		if (unshare(CLONE_NEWUSER))
			_exit(4);
		if (!count(ioctl(fd, VMBNET_IOC_ATTACH, &a)))
			finding("ATTACH from nobody's own user namespace worked");
		else if (errno != EPERM)
			finding("ATTACH from nobody's own user namespace: %s, want EPERM",
				strerror(errno));
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		finding("the user namespace child did not exit normally");
	else if (WEXITSTATUS(status) == 4)
		printf("# no user namespace for nobody: ATTACH from one not tried\n");
	fflush(stdout);
}

/*
 * As nobody, without a capability. The device is 0600, so nobody fuzzes the
 * descriptors root opened for it: some fresh, one attached with its queues
 * and a mapping. ATTACH checks CAP_NET_ADMIN on the caller, not the opener.
 */
static int unpriv_phase(void)
{
	struct vmbnet_attach a;
	bool may_open;
	int i, fd;
	void *p;
	u32 end;

	self = &threads[0];
	self->op = "unprivileged setup";
	for (i = 0; i < 3; i++)
		main_put(i, open(DEV_PATH, O_RDWR | O_CLOEXEC), UNATTACHED, -1, 0, 0);
	/* Spares: fresh ones, one replaced endpoint, one of each device's. */
	for (i = 0; i < SPARES - 3; i++) {
		spares[nspares].fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
		spares[nspares].state = UNATTACHED;
		nspares += spares[nspares].fd >= 0;
	}
	for (i = 0; i < 3; i++) {
		spares[nspares].fd = attach_fd(i % ndevs, 2, 64 << 10, &a);
		spares[nspares].state = ATTACHED;
		spares[nspares].dev = i % ndevs;
		spares[nspares].queues = a.num_queues;
		spares[nspares].ring_size = a.ring_size;
		nspares += spares[nspares].fd >= 0;
	}
	fd = attach_fd(0, 2, 64 << 10, &a);
	if (fd >= 0) {
		main_put(3, fd, ATTACHED, 0, a.num_queues, a.ring_size);
		for (i = 0; i < (int)a.num_queues; i++)
			queue_put(i, ioctl(fd, VMBNET_IOC_QUEUE_FD, i), a.ring_size);
		end = part_off(VMBNET_MMAP_END, a.ring_size);
		p = mmap(NULL, end, PROT_READ | PROT_WRITE, MAP_SHARED, queues[0].fd, 0);
		if (p != MAP_FAILED) {
			maps[0].addr = p;
			maps[0].len = end;
			maps[0].touch = end;
			maps[0].prot = PROT_READ | PROT_WRITE;
			maps[0].kind = WINDOW;
			maps[0].off = 0;
			maps[0].ring_size = a.ring_size;
			maps[0].qslot = 0;
			maps[0].qgen = queues[0].gen;
		}
	}

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		printf("# cannot become nobody: %s\n", strerror(errno));
		return 4;
	}
	if (getuid() != NOBODY || geteuid() != NOBODY || getgid() != NOBODY ||
	    getgroups(0, NULL) || status_field("CapEff:") || status_field("CapPrm:")) {
		printf("# still privileged after dropping to nobody: CapEff %llx\n",
		       status_field("CapEff:"));
		return 4;
	}
	unpriv = true;
	self->op = "unprivileged open";

	/* The mode says whether nobody may open it. */
	may_open = (dev_stat.st_mode & 0006) == 0006 ||
		   (dev_stat.st_gid == NOBODY && (dev_stat.st_mode & 0060) == 0060) ||
		   (dev_stat.st_uid == NOBODY && (dev_stat.st_mode & 0600) == 0600);
	fd = count(open(DEV_PATH, O_RDWR | O_CLOEXEC));
	printf("# %s is %04o %u:%u: open as nobody %s%s\n", DEV_PATH,
	       dev_stat.st_mode & 07777, dev_stat.st_uid, dev_stat.st_gid,
	       fd >= 0 ? "works" : strerror(errno),
	       fd >= 0 ? "" : ", as the mode says: fuzzing what root opened");
	fflush(stdout);
	if (fd >= 0 && !may_open)
		finding("nobody opened %s, mode %04o", DEV_PATH, dev_stat.st_mode & 07777);
	else if (fd < 0 && (may_open || (errno != EACCES && errno != EPERM)))
		finding("open %s as nobody: %s", DEV_PATH, strerror(errno));
	if (fd >= 0)
		main_put(4, fd, UNATTACHED, -1, 0, 0);
	if (mains[0].fd >= 0)
		userns_attach(mains[0].fd);
	return fuzz(UNPRIV, seconds / 2 ?: 1);
}

/* --- the leak phase: fresh rings, byte by byte ----------------------------- */

static void check_version(void)
{
	static const struct vmbnet_version want = {
		.major = VMBNET_API_MAJOR, .minor = VMBNET_API_MINOR,
	};
	u8 *mem, *p;
	int fd, off;
	size_t i;

	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || mem == MAP_FAILED) {
		finding("open %s: %s", DEV_PATH, strerror(errno));
		return;
	}
	mprotect(mem + page, page, PROT_NONE);
	for (off = 0; off < 4; off++) {
		p = mem + 64 + off;
		memset(p, CANARY, sizeof(want) + TAIL);
		bump(&st->checked);
		if (count(ioctl(fd, VMBNET_IOC_VERSION, p)))
			finding("VERSION: %s", strerror(errno));
		else if (memcmp(p, &want, sizeof(want)) || !canary_ok(p + sizeof(want), TAIL))
			leak("VERSION at offset %d: not exactly %u.%u and nothing else", off,
			     want.major, want.minor);
	}
	/* Half in a page, half past it: a fault, and only answer bytes before it. */
	p = mem + page - sizeof(want) / 2;
	memset(p, CANARY, sizeof(want) / 2);
	if (!count(ioctl(fd, VMBNET_IOC_VERSION, p)) || errno != EFAULT)
		finding("VERSION across the end of a mapping: %s, want EFAULT", strerror(errno));
	for (i = 0; i < sizeof(want) / 2; i++)
		if (p[i] != CANARY && p[i] != ((const u8 *)&want)[i])
			leak("VERSION across the end of a mapping wrote %#x at byte %zu", p[i], i);
	munmap(mem, 2 * page);
	close(fd);
}

static void check_zero(const u8 *p, size_t len, const char *what)
{
	size_t where;

	bump(&st->checked);
	if (!all_are(p, len, 0, &where))
		leak("%s: byte %#zx is %#x in a fresh ring", what, where, p[where]);
}

static void check_ctrl(const struct vmbnet_ring_ctrl *c, u32 size, const char *what)
{
	u32 wr = __le32_to_cpu(c->write_index), rd = __le32_to_cpu(c->read_index);
	char name[64];
	long at;
	u64 v;

	snprintf(name, sizeof(name), "%s control page, reserved1", what);
	check_zero((const u8 *)c->reserved1, sizeof(c->reserved1), name);
	snprintf(name, sizeof(name), "%s control page, reserved2", what);
	check_zero(c->reserved2, sizeof(c->reserved2), name);
	at = find_kptr((const u8 *)c, page, &v);
	if (at >= 0)
		leak("%s control page: %#llx at %#lx", what, (unsigned long long)v, at);
	/* Documented: indices are byte offsets into the data, 8-byte aligned. */
	if (wr >= size || rd >= size || (wr & 7) || (rd & 7))
		finding("%s ring: write index %#x, read index %#x in a ring of %#x", what,
			wr, rd, size);
}

/* Documented: the driver's INIT waits in queue 0, with the features ATTACH gave. */
static void check_init(const struct vmbnet_msg_hdr *mh, const u8 *body, u64 features)
{
	struct vmbnet_ctl_init in;

	memcpy(&in, body, sizeof(in));
	if (__le16_to_cpu(mh->type) != VMBNET_MSG_INIT ||
	    __le32_to_cpu(mh->len) != sizeof(in))
		finding("queue 0's first message: type %#x, %u bytes: want INIT",
			__le16_to_cpu(mh->type), __le32_to_cpu(mh->len));
	else if (!in.hdr.seq || in.hdr.reserved ||
		 __le32_to_cpu(in.version_min) < VMBNET_PROTO_VERSION_MIN ||
		 __le32_to_cpu(in.version_min) > __le32_to_cpu(in.version_max) ||
		 __le64_to_cpu(in.features) != features)
		finding("INIT: seq %u, reserved %#x, versions %u-%u, features %#llx, not %#llx",
			__le32_to_cpu(in.hdr.seq), __le32_to_cpu(in.hdr.reserved),
			__le32_to_cpu(in.version_min), __le32_to_cpu(in.version_max),
			(unsigned long long)__le64_to_cpu(in.features),
			(unsigned long long)features);
}

/* The driver's packets in a fresh outbound ring: laid out as documented, zero-padded. */
static void check_outbound(const u8 *data, u32 size, u32 wr, bool init, u64 features)
{
	struct vmbnet_pkt_desc d;
	struct vmbnet_msg_hdr mh;
	u32 pos = 0, off, len, n = 0;
	u64 trailer;
	char what[64];

	while (pos < wr) {
		if (wr - pos < sizeof(d) + sizeof(mh) + VMBNET_PKT_TRAILER_SIZE) {
			finding("outbound ring: %u stray bytes at %#x", wr - pos, pos);
			return;
		}
		memcpy(&d, data + pos, sizeof(d));
		off = __le16_to_cpu(d.offset8) * 8;
		len = __le16_to_cpu(d.len8) * 8;
		if (__le16_to_cpu(d.type) != VMBNET_PKT_DATA_INBAND || off < sizeof(d) ||
		    off + sizeof(mh) > len || pos + len + VMBNET_PKT_TRAILER_SIZE > wr) {
			finding("outbound ring: bad packet at %#x (type %u, offset8 %u, len8 %u)",
				pos, __le16_to_cpu(d.type), off / 8, len / 8);
			return;
		}
		if (looks_like_kptr(__le64_to_cpu(d.trans_id)))
			leak("outbound ring: trans_id %#llx at %#x",
			     (unsigned long long)__le64_to_cpu(d.trans_id), pos);
		snprintf(what, sizeof(what), "outbound packet at %#x, before its payload", pos);
		check_zero(data + pos + sizeof(d), off - sizeof(d), what);
		memcpy(&mh, data + pos + off, sizeof(mh));
		if (mh.reserved || ((sizeof(mh) + __le32_to_cpu(mh.len) + 7) & ~7UL) != len - off) {
			leak("outbound packet at %#x: message header reserved %#x, len %u in %u",
			     pos, __le16_to_cpu(mh.reserved), __le32_to_cpu(mh.len), len - off);
			return;
		}
		snprintf(what, sizeof(what), "outbound packet at %#x, padding", pos);
		check_zero(data + pos + off + sizeof(mh) + __le32_to_cpu(mh.len),
			   len - off - sizeof(mh) - __le32_to_cpu(mh.len), what);
		memcpy(&trailer, data + pos + len, sizeof(trailer));
		if (__le64_to_cpu(trailer) != (u64)pos << 32)
			finding("outbound packet at %#x: trailer %#llx", pos,
				(unsigned long long)__le64_to_cpu(trailer));
		if (init && !n)
			check_init(&mh, data + pos + off + sizeof(mh), features);
		n++;
		pos += len + VMBNET_PKT_TRAILER_SIZE;
	}
	if (init && !n)
		finding("no INIT waits in queue 0's outbound ring after ATTACH");
	check_zero(data + wr, size - wr, "outbound data past the write index");
}

/* Documented: each data area maps twice back to back; the views are one. */
static void check_double(int qfd, u32 size)
{
	size_t total = page + 2 * (size_t)size;
	u8 *res, *a, *b, *d;
	int ring;

	for (ring = 0; ring < 2; ring++) {
		res = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (res == MAP_FAILED)
			return;
		a = mmap(res, page + size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, qfd,
			 part_off(ring ? VMBNET_MMAP_RX_CTRL : VMBNET_MMAP_TX_CTRL, size));
		b = a == MAP_FAILED ? a :
		    mmap(res + page + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 qfd, part_off(ring ? VMBNET_MMAP_RX_DATA : VMBNET_MMAP_TX_DATA, size));
		count(b == MAP_FAILED ? -1 : 0);
		d = res + page;
		if (b == MAP_FAILED) {
			finding("mapping %s data twice: %s", ring ? "inbound" : "outbound",
				strerror(errno));
		} else if (memcmp(d, d + size, 64) ||
			   memcmp(d + size - 64, d + 2 * size - 64, 64)) {
			finding("%s data mapped twice: the two views differ",
				ring ? "inbound" : "outbound");
		} else if (ring) {
			/* The inbound ring is empty (write index 0): its bytes are ours. */
			d[size + 8] = 0x5a;
			d[16] = 0x3c;
			if (d[8] != 0x5a || d[size + 16] != 0x3c)
				finding("inbound data mapped twice: the views are not one");
			d[8] = 0;
			d[16] = 0;
		}
		munmap(res, total);
	}
}

static void check_rings(int fd, unsigned int q, const struct vmbnet_attach *a)
{
	u32 size = a->ring_size;
	size_t end = part_off(VMBNET_MMAP_END, size);
	const struct vmbnet_ring_ctrl *tx, *rx;
	int qfd = count(ioctl(fd, VMBNET_IOC_QUEUE_FD, q));
	u8 *m;

	if (qfd < 0) {
		finding("QUEUE_FD %u: %s", q, strerror(errno));
		return;
	}
	bump(&st->queue_fds);
	bump(&st->maps);
	m = mmap(NULL, end, PROT_READ | PROT_WRITE, MAP_SHARED, qfd, 0);
	count(m == MAP_FAILED ? -1 : 0);
	if (m == MAP_FAILED) {
		finding("mmap of queue %u's %#zx bytes: %s", q, end, strerror(errno));
		close(qfd);
		return;
	}
	tx = (const void *)(m + part_off(VMBNET_MMAP_TX_CTRL, size));
	rx = (const void *)(m + part_off(VMBNET_MMAP_RX_CTRL, size));
	check_ctrl(tx, size, "outbound");
	check_ctrl(rx, size, "inbound");
	check_outbound(m + part_off(VMBNET_MMAP_TX_DATA, size), size,
		       __le32_to_cpu(tx->write_index) % size, !q, a->features);
	check_zero(m + part_off(VMBNET_MMAP_RX_DATA, size), size, "inbound data");
	if (!q)
		check_double(qfd, size);
	munmap(m, end);
	close(qfd);
}

/* Fresh endpoints, every byte the kernel shows them checked. */
static int leak_phase(void)
{
	static const u32 rings[][2] = {
		{ 0, 64 << 10 }, { 1, 0 }, { 1, VMBNET_RING_SIZE_MAX },
	};
	struct vmbnet_attach a;
	unsigned int i, q;
	u8 buf[sizeof(a) + TAIL];
	int fd;

	self = &threads[0];
	self->op = "VERSION";
	check_version();
	for (i = 0; i < ARRAY_SIZE(rings); i++) {
		self->op = "fresh rings";
		fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			finding("open %s: %s", DEV_PATH, strerror(errno));
			break;
		}
		memset(&a, 0, sizeof(a));
		memcpy(a.ifname, devs[0].name, IFNAMSIZ);
		a.num_queues = rings[i][0] ?: devs[0].queues;
		a.ring_size = rings[i][1];
		a.flags = VMBNET_ATTACH_REPLACE;
		memcpy(buf, &a, sizeof(a));
		memset(buf + sizeof(a), CANARY, TAIL);
		if (count(ioctl(fd, VMBNET_IOC_ATTACH, buf))) {
			finding("ATTACH %s, %u queues, ring size %u: %s", devs[0].name,
				a.num_queues, a.ring_size, strerror(errno));
			close(fd);
			continue;
		}
		bump(&st->attached);
		check_answer(&a, buf, 0);
		memcpy(&a, buf, sizeof(a));
		for (q = 0; q < a.num_queues; q++)
			check_rings(fd, q, &a);
		close(fd);
	}
	return st->findings || st->leaks;
}

/* --- main ----------------------------------------------------------------- */

enum { RUN_OK, RUN_SKIP, RUN_CRASH, RUN_HUNG };

/* Has pid exited within the time? */
static bool reaped(pid_t pid, int *status, u64 end)
{
	pid_t got;

	while (!(got = waitpid(pid, status, WNOHANG)) && now_ns() < end)
		usleep(100000);
	return got == pid;
}

/* Runs fn in a process of its own, so that a crash or a hang is a result too. */
static int run(enum phase ph, int (*fn)(void), unsigned int budget, char *why, size_t len)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	st = &stats[ph];
	pid = fork();
	if (!pid) {
		status = fn();
		fflush(stdout);
		_exit(status);
	}
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return RUN_CRASH;
	}
	if (!reaped(pid, &status, now_ns() + (budget + 120) * NSEC)) {
		kill(pid, SIGKILL);
		reaped(pid, &status, now_ns() + 10 * NSEC);
		snprintf(why, len, "still running 2 minutes past its time: blocked in the kernel?");
		return RUN_HUNG;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		return RUN_CRASH;
	}
	if (WEXITSTATUS(status) == 4)
		return RUN_SKIP;
	if (WEXITSTATUS(status) > 1) {
		snprintf(why, len, "exited with status %d", WEXITSTATUS(status));
		return RUN_CRASH;
	}
	return RUN_OK;
}

static int tap_n, tap_failed, tap_passed;

static void tap(bool ok, const char *name, const char *why)
{
	printf("%sok %d %s%s%s\n", ok ? "" : "not ", ++tap_n, name, why && *why ? ": " : "",
	       why ? why : "");
	fflush(stdout);
	tap_failed += !ok;
	tap_passed += ok;
}

static void summary(const char *name, const struct stats *s)
{
	printf("# %s: %lu calls, %lu failed (%lu EFAULT), %lu findings, %lu leaks\n",
	       name, s->calls, s->errors, s->faults, s->findings, s->leaks);
	printf("# %s: %lu ATTACH worked, %lu EPERM; %lu queue descriptors, %lu mappings\n",
	       name, s->attached, s->eperm, s->queue_fds, s->maps);
	printf("# %s: %lu ring writes, %lu detached seen, %lu buffers checked\n",
	       name, s->writes, s->detached, s->checked);
}

static void fuzz_result(const char *name, enum phase ph, unsigned int budget, int (*fn)(void))
{
	char why[160] = "";
	int r = run(ph, fn, budget, why, sizeof(why));

	summary(name, &stats[ph]);
	if (r == RUN_SKIP) {
		printf("ok %d %s # SKIP see above\n", ++tap_n, name);
		fflush(stdout);
		return;
	}
	if (r == RUN_OK && stats[ph].findings)
		snprintf(why, sizeof(why), "%lu findings", stats[ph].findings);
	tap(r == RUN_OK && !stats[ph].findings, name, why);
}

static void print_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--seconds N] [--seed N] [--threads N] DEV:Q [DEV2:Q]\n",
		prog);
	exit(2);
}

static void parse_dev(const char *prog, const char *arg, struct dev *d)
{
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : 0;

	if (!colon || !len || len >= IFNAMSIZ || atoi(colon + 1) < 1 ||
	    atoi(colon + 1) > VMBNET_MAX_QUEUES)
		print_usage(prog);
	memcpy(d->name, arg, len);
	d->name[len] = '\0';
	d->queues = atoi(colon + 1);
}

int main(int argc, char **argv)
{
	char why[160];
	unsigned long leaks;
	bool seeded = false;
	int i;

	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (i + 1 >= argc) {
			print_usage(argv[0]);
		} else if (!strcmp(argv[i], "--seconds")) {
			seconds = strtoul(argv[i + 1], NULL, 0);
		} else if (!strcmp(argv[i], "--seed")) {
			seed = strtoull(argv[i + 1], NULL, 0);
			seeded = true;
		} else if (!strcmp(argv[i], "--threads")) {
			nthreads = strtoul(argv[i + 1], NULL, 0);
		} else {
			print_usage(argv[0]);
		}
	}
	if (argc - i < 1 || argc - i > 2 || !seconds || !nthreads || nthreads > MAX_THREADS)
		print_usage(argv[0]);
	for (; i < argc; i++)
		parse_dev(argv[0], argv[i], &devs[ndevs++]);
	if (ndevs == 1)
		devs[1] = devs[0];
	else
		devs[1].churned = true;
	if (!seeded)
		seed = splitmix(now_ns() ^ ((u64)getpid() << 32));
	page = sysconf(_SC_PAGESIZE);

	stats = mmap(NULL, PHASES * sizeof(*stats), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stats == MAP_FAILED)
		return 2;
	st = &stats[ROOT];
	for (i = 0; i < MAIN_SLOTS; i++) {
		mains[i].fd = -1;
		pthread_rwlock_init(&main_use[i], NULL);
	}
	for (i = 0; i < QUEUE_SLOTS; i++) {
		queues[i].fd = -1;
		pthread_rwlock_init(&queue_use[i], NULL);
	}
	for (i = 0; i < MAP_SLOTS; i++)
		pthread_rwlock_init(&maps[i].lock, NULL);
	signals_init();

	/* The caller printed the TAP header. */
	printf("# seed %llu: replay with --seed %llu --seconds %u --threads %u; %s (%u queues)",
	       (unsigned long long)seed, (unsigned long long)seed, seconds, nthreads,
	       devs[0].name, devs[0].queues);
	if (ndevs > 1)
		printf(", %s (%u queues, may come and go)", devs[1].name, devs[1].queues);
	printf("\n");
	if (stat(DEV_PATH, &dev_stat) || geteuid()) {
		printf("# %s: %s\n", DEV_PATH, geteuid() ? "must run as root" : strerror(errno));
		printf("ok 1 root fuzz # SKIP\nok 2 unprivileged fuzz # SKIP\n");
		printf("ok 3 leak checks # SKIP\n");
		return 4;
	}

	fuzz_result("root fuzz", ROOT, seconds, root_phase);
	fuzz_result("unprivileged fuzz", UNPRIV, seconds / 2 ?: 1, unpriv_phase);

	why[0] = '\0';
	i = run(LEAK, leak_phase, 60, why, sizeof(why));
	summary("fresh rings", &stats[LEAK]);
	leaks = stats[ROOT].leaks + stats[UNPRIV].leaks + stats[LEAK].leaks;
	if (i == RUN_OK && (leaks || stats[LEAK].findings))
		snprintf(why, sizeof(why), "%lu leaks, %lu findings", leaks, stats[LEAK].findings);
	printf("# leak checks: %lu buffers, answers and ring pages checked\n",
	       stats[ROOT].checked + stats[UNPRIV].checked + stats[LEAK].checked);
	tap((i == RUN_OK || i == RUN_SKIP) && !leaks && !stats[LEAK].findings, "leak checks",
	    why);
	if (tap_failed)
		return 1;
	return tap_passed ? 0 : 4;
}
