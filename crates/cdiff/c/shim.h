/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's headers for the C functions build.rs copies out of Linux 6.12
 * (in4_pton, in6_pton, mac_pton, kstrtou16, netpoll_parse_ip_addr, netpoll_parse_options) to
 * compile in user space, unchanged. Compiled with -funsigned-char, as the kernel is.
 */
#ifndef NC_CDIFF_SHIM_H
#define NC_CDIFF_SHIM_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef int16_t s16;
typedef uint64_t u64;
typedef uint32_t __u32;
typedef uint32_t __be32;

#define noinline __attribute__((noinline))
#define unlikely(x) __builtin_expect(!!(x), 0)
#define likely(x) __builtin_expect(!!(x), 1)
#define EXPORT_SYMBOL(sym)
#define IS_ENABLED(option) 1 /* only CONFIG_IPV6 is asked: the test kernel has it */

#define ETH_ALEN 6
#define IFNAMSIZ 16
#define MAC_ADDR_STR_LEN (3 * ETH_ALEN - 1)

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline void eth_broadcast_addr(u8 *addr)
{
	memset(addr, 0xff, ETH_ALEN);
}

/* lib/string.c strscpy: copy up to size - 1 bytes, always NUL-terminate, -E2BIG if cut. */
static inline long strscpy(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size);

	if (size == 0)
		return -E2BIG;
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return (long)len;
}

struct in_addr_k {
	__be32 s_addr;
};

struct in6_addr_k {
	u8 s6_addr[16];
};

/* include/linux/netpoll.h */
union inet_addr {
	__u32 all[4];
	__be32 ip;
	__be32 ip6[4];
	struct in_addr_k in;
	struct in6_addr_k in6;
};

struct nc_target;

/* The fields of struct netpoll that netpoll_parse_options touches, plus the harness's. */
struct netpoll {
	const char *name;
	char dev_name[IFNAMSIZ];
	u8 dev_mac[ETH_ALEN];
	union inet_addr local_ip, remote_ip;
	bool ipv6;
	u16 local_port, remote_port;
	u8 remote_mac[ETH_ALEN];
	/* Harness only: where np_info's messages go. */
	struct nc_target *nc;
};

/* np_info() records its messages in the harness's result (see glue.c). */
static void nc_np_info(struct netpoll *np, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define np_info(np, fmt, ...) nc_np_info(np, fmt, ##__VA_ARGS__)

/* Prints with %pI4/%pI6c/%pM, which user space printf lacks; the harness reads the fields. */
static inline void netpoll_print_options(struct netpoll *np)
{
	(void)np;
}

#endif
