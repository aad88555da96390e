/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What netconsole-rs needs from C that the kernel crate's bindings lack: netpoll, and the
 * module's own helpers (rust-bindings/helpers.c) for static inlines, macros and parameters.
 * Bindgen runs on this file at build time (see Kbuild).
 */
#ifndef NC_BINDINGS_H
#define NC_BINDINGS_H

#include <linux/netpoll.h>
#include <linux/configfs.h>
#include <linux/console.h>
#include <linux/kmsg_dump.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

/* Module parameters, defined in helpers.c. */
#define NC_MAX_PARAM_LENGTH 256
extern char nc_param_netconsole[NC_MAX_PARAM_LENGTH];
#define NC_CONSOLE_MODE_LEN 8
extern char nc_param_console_mode[NC_CONSOLE_MODE_LEN];

bool nc_oops_only(void);
bool nc_console_is_registered(struct console *con);
bool nc_kconfig_extended_log(void);
bool nc_kconfig_prepend_release(void);
bool nc_oops_in_progress(void);
const char *nc_uts_release(void);

unsigned long nc_spin_lock_irqsave(spinlock_t *lock);
void nc_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
bool nc_spin_trylock_irqsave_bounded(spinlock_t *lock, unsigned long *flags);

void nc_configfs_subsystem_init(struct configfs_subsystem *subsys, const char *name,
				const struct config_item_type *type);
void nc_configfs_add_default_group(struct config_group *new_group, struct config_group *group);
u64 nc_now_ns(void);
unsigned int nc_this_cpu(void);
void nc_current_comm(char *buf);

/*
 * A netpoll and the work item that refills its skb pool. netpoll_setup() fills np.skb_pool
 * with 32 skbs of 1502 bytes (Ethernet + IPv4 + UDP + 1460) before the device can see the
 * netpoll (with GFP_ATOMIC: nc_netpoll_fill_pool() tops it up), and a failed setup purges it;
 * in 6.12 only netpoll_send_udp() uses it, which this module never calls. So it serves as
 * the target's fallback pool, rather than a second one: taken from when an atomic allocation
 * fails, refilled by @refill, flushed by nc_netpoll_flush_pool() before netpoll is released.
 */
struct nc_netpoll {
	struct netpoll np;
	struct work_struct refill;
};

void nc_netpoll_init(struct nc_netpoll *ncp);
void nc_netpoll_flush_pool(struct nc_netpoll *ncp);
void nc_netpoll_fill_pool(struct nc_netpoll *ncp);
unsigned int nc_netpoll_pool_len(struct nc_netpoll *ncp);
struct sk_buff *nc_netpoll_alloc_frame(struct nc_netpoll *ncp, unsigned int frame_len,
				       unsigned char **frame, bool *from_pool);

struct net_device *nc_netdev_notifier_info_to_dev(void *info);
const char *nc_netdev_name(struct net_device *dev);
const unsigned char *nc_netdev_addr(struct net_device *dev);
bool nc_netpoll_dev_is(struct netpoll *np, struct net_device *dev);
bool nc_netpoll_rtnl_publish(struct netpoll *np, void (*publish)(void *), void *data);
struct workqueue_struct *nc_alloc_resume_wq(void);
bool nc_current_net_is_init(void);
bool nc_netdev_net_is_init(struct net_device *dev);

bool nc_netpoll_dev_running(struct netpoll *np);
const unsigned char *nc_netpoll_dev_addr(struct netpoll *np);
void nc_netpoll_dev_name(struct netpoll *np, char *buf);
void nc_skb_free(struct sk_buff *skb);
bool nc_netpoll_send_frame(struct netpoll *np, struct sk_buff *skb, bool ipv6);

#endif /* NC_BINDINGS_H */
