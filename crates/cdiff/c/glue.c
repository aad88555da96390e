/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Harness entry points around the copied kernel functions (included at the end of the
 * generated translation unit, after them). Everything the Rust tests call is nc_c_*.
 */
#include <stdlib.h>

#define NC_TEXT 4096

struct nc_target {
	int extended, release;
	unsigned short local_port, remote_port;
	unsigned char local_ip[16], remote_ip[16];
	int ipv6;
	char dev_name[IFNAMSIZ];
	unsigned char dev_mac[ETH_ALEN], remote_mac[ETH_ALEN];
	/* Parse failure: byte offset of the text C printed in the input, and that text. */
	long fail_offset;
	char fail_text[NC_TEXT];
	int whitespace_warning;
	/* Where the option string started (to turn np_info's pointer into an offset). */
	const char *base;
	long base_offset;
};

static void nc_np_info(struct netpoll *np, const char *fmt, ...)
{
	struct nc_target *t = np->nc;
	va_list ap;

	va_start(ap, fmt);
	if (strcmp(fmt, "couldn't parse config at '%s'!\n") == 0) {
		const char *cur = va_arg(ap, const char *);

		t->fail_offset = t->base_offset + (cur - t->base);
		snprintf(t->fail_text, sizeof(t->fail_text), "%s", cur);
	} else if (strcmp(fmt, "warning: whitespace is not allowed\n") == 0) {
		t->whitespace_warning++;
	} else {
		/* A message the harness does not know: make the test notice. */
		t->whitespace_warning = -1000;
	}
	va_end(ap);
}

int nc_c_in4_pton(const char *src, int srclen, unsigned char *dst, long *end)
{
	const char *e = NULL;
	int ret = in4_pton(src, srclen, dst, -1, &e);

	*end = e - src;
	return ret;
}

int nc_c_in6_pton(const char *src, int srclen, unsigned char *dst, long *end)
{
	const char *e = NULL;
	int ret = in6_pton(src, srclen, dst, -1, &e);

	*end = e - src;
	return ret;
}

int nc_c_mac_pton(const char *s, unsigned char *mac)
{
	return mac_pton(s, mac);
}

int nc_c_kstrtou16(const char *s, unsigned short *res)
{
	return kstrtou16(s, 10, res);
}

int nc_c_parse_ip_addr(const char *s, unsigned char *addr)
{
	union inet_addr a;
	int ret;

	memset(&a, 0, sizeof(a));
	ret = netpoll_parse_ip_addr(s, &a);
	memcpy(addr, a.in6.s6_addr, 16);
	return ret;
}

/*
 * alloc_param_target (drivers/net/netconsole.c) up to netpoll_setup, on a target from
 * alloc_and_init: the `+`/`r` prefix, then netpoll_parse_options on a writable copy.
 * Returns 0, -1 for a parse failure, -2 for "release needs extended".
 */
int nc_c_parse_target(const char *in, int extended_default, struct nc_target *t)
{
	struct netpoll np;
	char *copy, *cfg;
	int err;

	memset(t, 0, sizeof(*t));
	memset(&np, 0, sizeof(np));
	t->fail_offset = -1;
	t->extended = extended_default;
	np.name = "netconsole";
	strscpy(np.dev_name, "eth0", IFNAMSIZ);
	np.local_port = 6665;
	np.remote_port = 6666;
	eth_broadcast_addr(np.remote_mac);
	np.nc = t;

	copy = strdup(in);
	if (!copy)
		abort();
	cfg = copy;
	if (*cfg == '+') {
		t->extended = 1;
		cfg++;
	}
	if (*cfg == 'r') {
		if (!t->extended) {
			free(copy);
			return -2;
		}
		t->release = 1;
		cfg++;
	}
	t->base = cfg;
	t->base_offset = cfg - copy;
	err = netpoll_parse_options(&np, cfg);
	t->base = NULL;
	free(copy);

	t->local_port = np.local_port;
	t->remote_port = np.remote_port;
	memcpy(t->local_ip, np.local_ip.in6.s6_addr, 16);
	memcpy(t->remote_ip, np.remote_ip.in6.s6_addr, 16);
	t->ipv6 = np.ipv6;
	memcpy(t->dev_name, np.dev_name, IFNAMSIZ);
	memcpy(t->dev_mac, np.dev_mac, ETH_ALEN);
	memcpy(t->remote_mac, np.remote_mac, ETH_ALEN);
	return err ? -1 : 0;
}

unsigned long nc_c_target_size(void)
{
	return sizeof(struct nc_target);
}
