// SPDX-License-Identifier: GPL-2.0
/*
 * C helpers of netconsole-rs: module parameters (a C macro builds them) and thin wrappers for
 * static inline functions and macros that Rust cannot call. No netconsole logic lives here.
 */
#include <linux/configfs.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/printk.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include "bindings.h"

char nc_param_netconsole[NC_MAX_PARAM_LENGTH];
module_param_string(netconsole, nc_param_netconsole, NC_MAX_PARAM_LENGTH, 0);
MODULE_PARM_DESC(netconsole,
		 " netconsole=[src-port]@[src-ip]/[dev],[tgt-port]@<tgt-ip>/[tgt-macaddr]");

char nc_param_console_mode[NC_CONSOLE_MODE_LEN] = "legacy";
module_param_string(console_mode, nc_param_console_mode, NC_CONSOLE_MODE_LEN, 0444);
MODULE_PARM_DESC(console_mode,
		 " legacy (default) or nbcon: the kind of console printk hands messages to");

static bool oops_only;
module_param(oops_only, bool, 0600);
MODULE_PARM_DESC(oops_only, "Only log out kernel oops.");

bool nc_oops_only(void)
{
	return READ_ONCE(oops_only);
}

bool nc_console_is_registered(struct console *con)
{
	return console_is_registered(con);
}

/*
 * The defaults the kernel's configuration asks of netconsole targets (the C module's Kconfig
 * options; false when the kernel was built without it).
 */
bool nc_kconfig_extended_log(void)
{
	return IS_ENABLED(CONFIG_NETCONSOLE_EXTENDED_LOG);
}

bool nc_kconfig_prepend_release(void)
{
	return IS_ENABLED(CONFIG_NETCONSOLE_PREPEND_RELEASE);
}

bool nc_oops_in_progress(void)
{
	return READ_ONCE(oops_in_progress) != 0;
}

const char *nc_uts_release(void)
{
	return init_utsname()->release;
}

void nc_configfs_subsystem_init(struct configfs_subsystem *subsys, const char *name,
				const struct config_item_type *type)
{
	config_group_init_type_name(&subsys->su_group, name, type);
	mutex_init(&subsys->su_mutex);
}

void nc_configfs_add_default_group(struct config_group *new_group, struct config_group *group)
{
	configfs_add_default_group(new_group, group);
}

/* A clock for rate limiting that any context may read, NMI included. */
u64 nc_now_ns(void)
{
	return ktime_get_mono_fast_ns();
}

unsigned int nc_this_cpu(void)
{
	return raw_smp_processor_id();
}

/* The current task's comm, NUL-terminated, into a TASK_COMM_LEN buffer. */
void nc_current_comm(char *buf)
{
	strscpy(buf, current->comm, TASK_COMM_LEN);
}

unsigned long nc_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void nc_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

/*
 * Try to take @lock with interrupts off for about 2 ms (nbcon's own spin-wait limit for a
 * console handover). For write_atomic(): an emergency or a panic may have interrupted the
 * holder of @lock on this very CPU, and must then give up rather than deadlock.
 */
bool nc_spin_trylock_irqsave_bounded(spinlock_t *lock, unsigned long *flags)
{
	unsigned long f;
	unsigned int i;

	for (i = 0; i < 2000; i++) {
		if (spin_trylock_irqsave(lock, f)) {
			*flags = f;
			return true;
		}
		udelay(1);
	}
	return false;
}

struct net_device *nc_netdev_notifier_info_to_dev(void *info)
{
	return netdev_notifier_info_to_dev(info);
}

const char *nc_netdev_name(struct net_device *dev)
{
	return dev->name;
}

const unsigned char *nc_netdev_addr(struct net_device *dev)
{
	return dev->addr_len == ETH_ALEN ? dev->dev_addr : NULL;
}

bool nc_netpoll_dev_is(struct netpoll *np, struct net_device *dev)
{
	return np->dev == dev;
}

/*
 * Calls @publish(@data) with RTNL held if @np's device is still registered, so that a target
 * is published before, or not at all after, the NETDEV_UNREGISTER of its device (netdev
 * notifiers run under RTNL). False if the device is going away.
 */
bool nc_netpoll_rtnl_publish(struct netpoll *np, void (*publish)(void *), void *data)
{
	bool registered;

	rtnl_lock();
	/*
	 * Also refuse a device that was enslaved or moved to another namespace meanwhile: the
	 * notifier would not see those events for a target it cannot see yet either.
	 */
	registered = np->dev && np->dev->reg_state == NETREG_REGISTERED &&
		     !netdev_master_upper_dev_get(np->dev) &&
		     net_eq(dev_net(np->dev), current->nsproxy->net_ns);
	if (registered)
		publish(data);
	rtnl_unlock();
	return registered;
}

/*
 * Resumes run on a kworker, whose namespace is the initial one: only targets enabled there
 * resume, and only on a device there.
 */
bool nc_current_net_is_init(void)
{
	return net_eq(current->nsproxy->net_ns, &init_net);
}

bool nc_netdev_net_is_init(struct net_device *dev)
{
	return net_eq(dev_net(dev), &init_net);
}

/* The dedicated workqueue of target resumes (setup sleeps and needs interrupts on). */
struct workqueue_struct *nc_alloc_resume_wq(void)
{
	return alloc_workqueue("netconsole_resume", WQ_UNBOUND, 0);
}

bool nc_netpoll_dev_running(struct netpoll *np)
{
	return np->dev && netif_running(np->dev);
}

const unsigned char *nc_netpoll_dev_addr(struct netpoll *np)
{
	return np->dev ? np->dev->dev_addr : NULL;
}

/*
 * The name of @np's device into @buf (IFNAMSIZ bytes, NUL-terminated). Callable with
 * spinlocks held: bounded copy, no RTNL, so a concurrent rename may show half renamed.
 */
void nc_netpoll_dev_name(struct netpoll *np, char *buf)
{
	buf[0] = '\0';
	if (np->dev)
		strscpy(buf, np->dev->name, IFNAMSIZ);
}

/* netpoll's own pool size and skb size (MAX_SKBS, MAX_SKB_SIZE in net/core/netpoll.c). */
#define NC_POOL_SKBS 32
#define NC_POOL_SKB_SIZE (ETH_HLEN + sizeof(struct iphdr) + sizeof(struct udphdr) + 1460)

static void nc_netpoll_refill(struct work_struct *work)
{
	struct nc_netpoll *ncp = container_of(work, struct nc_netpoll, refill);
	struct sk_buff_head *pool = &ncp->np.skb_pool;
	struct sk_buff *skb;

	/* Allocate outside the pool's lock; the lock is only taken to link each skb. */
	while (skb_queue_len_lockless(pool) < NC_POOL_SKBS) {
		skb = alloc_skb(NC_POOL_SKB_SIZE, GFP_KERNEL | __GFP_NOWARN);
		if (!skb)
			break;
		skb_queue_tail(pool, skb);
	}
}

void nc_netpoll_init(struct nc_netpoll *ncp)
{
	INIT_WORK(&ncp->refill, nc_netpoll_refill);
}

/*
 * Right after netpoll_setup(), before the target is published: tops the pool up to its 32 skbs
 * with a sleeping allocation, since netpoll filled it with GFP_ATOMIC and may have got fewer.
 * May sleep.
 */
void nc_netpoll_fill_pool(struct nc_netpoll *ncp)
{
	might_sleep();
	nc_netpoll_refill(&ncp->refill);
}

/* The number of skbs in the pool now (a snapshot; any context). */
unsigned int nc_netpoll_pool_len(struct nc_netpoll *ncp)
{
	return skb_queue_len_lockless(&ncp->np.skb_pool);
}

/*
 * Flushes the pool once the write path can no longer reach @ncp: the refill work is cancelled
 * (none runs or starts afterwards) and the queue purged. netpoll's own cleanup purges it too,
 * except when it finds no npinfo on the device; this does not depend on that. May sleep.
 */
void nc_netpoll_flush_pool(struct nc_netpoll *ncp)
{
	cancel_work_sync(&ncp->refill);
	skb_queue_purge(&ncp->np.skb_pool);
}

/* An skb of @size bytes: a normal atomic allocation, else one of the pool if it fits. */
static struct sk_buff *nc_netpoll_get_skb(struct nc_netpoll *ncp, unsigned int size,
					  bool *from_pool)
{
	struct sk_buff *skb;

	skb = alloc_skb(size, GFP_ATOMIC | __GFP_NOWARN);
	if (skb)
		return skb;
	skb = skb_dequeue(&ncp->np.skb_pool);
	if (!skb)
		return NULL;
	if (skb_tailroom(skb) < size) {
		skb_queue_head(&ncp->np.skb_pool, skb);
		return NULL;
	}
	*from_pool = true;
	if (!in_nmi())
		schedule_work(&ncp->refill);
	return skb;
}

/* As netpoll's find_skb(): polls before giving up, at most this many tries in all. */
#define NC_ALLOC_TRIES 10

/*
 * An skb for one Ethernet frame of @frame_len bytes on @ncp's device, with the device's
 * headroom in front (so the IP header is 16-byte aligned, as netpoll_send_udp() leaves it)
 * and its tailroom behind. *@frame points at the frame's first byte. A normal atomic
 * allocation first; if it fails, an skb of the pool when the frame fits (*@from_pool), and
 * the pool's refill is scheduled (not from NMI). If both fail, polls the device (which also
 * frees this CPU's completed skbs, as netpoll's find_skb() does before every send) and tries
 * again, a bounded number of times (not in NMI). Never sleeps; interrupts are off.
 */
struct sk_buff *nc_netpoll_alloc_frame(struct nc_netpoll *ncp, unsigned int frame_len,
				       unsigned char **frame, bool *from_pool)
{
	struct net_device *dev = ncp->np.dev;
	unsigned int headroom = LL_RESERVED_SPACE(dev) - ETH_HLEN;
	unsigned int size = headroom + frame_len + dev->needed_tailroom;
	struct sk_buff *skb;
	int tries = 1;

	*from_pool = false;
	while (!(skb = nc_netpoll_get_skb(ncp, size, from_pool))) {
		if (tries++ >= NC_ALLOC_TRIES || in_nmi())
			return NULL;
		netpoll_poll_dev(dev);
	}
	skb_reserve(skb, headroom);
	*frame = skb_put(skb, frame_len);
	return skb;
}

void nc_skb_free(struct sk_buff *skb)
{
	dev_kfree_skb_any(skb);
}

/*
 * Set the header offsets of a frame built by the module and hand it to netpoll, which owns the
 * skb from here on. True if the device took it (or netpoll queued it for later).
 */
bool nc_netpoll_send_frame(struct netpoll *np, struct sk_buff *skb, bool ipv6)
{
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, ETH_HLEN + (ipv6 ? sizeof(struct ipv6hdr) :
							  sizeof(struct iphdr)));
	skb->protocol = htons(ipv6 ? ETH_P_IPV6 : ETH_P_IP);
	skb->dev = np->dev;
	return netpoll_send_skb(np, skb) == NETDEV_TX_OK;
}
