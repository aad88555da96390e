// SPDX-License-Identifier: GPL-2.0
/*
 * nc_bench_recv: the receiver of netconsole-rs's benchmark. Receives UDP datagrams on a port
 * (in the receiving network namespace) with the kernel's receive time stamp (SO_TIMESTAMPNS,
 * CLOCK_REALTIME: the clock the generator writes into each record) and appends one fixed-size
 * record per datagram to a file:
 *
 *	u64 receive time (ns), u32 datagram length, 116 bytes: the datagram's start, zero padded
 *
 * It writes the port to READY once bound. Once the file STOP exists (the sender is done), it
 * exits when no datagram came for IDLE_MS; also after MAX_S seconds in all, or on SIGTERM.
 * (Not on idleness alone: a guest whose CPUs the host stalls would see false idle periods.)
 *
 * Usage: nc_bench_recv PORT OUT READY STOP IDLE_MS MAX_S
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define HEAD 116

struct rec {
	uint64_t rx_ns;
	uint32_t len;
	char head[HEAD];
} __attribute__((packed));

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static char bufs[BATCH][65536];
	static char ctl[BATCH][256];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int one = 1, rcvbuf = 64 << 20, fd, i, n;
	uint64_t idle_ns, deadline, last = 0, total = 0, stopping = 0;
	FILE *out, *ready;

	if (argc != 7) {
		fprintf(stderr, "usage: %s PORT OUT READY STOP IDLE_MS MAX_S\n", argv[0]);
		return 2;
	}
	addr.sin_port = htons(atoi(argv[1]));
	idle_ns = strtoull(argv[5], NULL, 10) * 1000000ull;
	deadline = now_ns() + strtoull(argv[6], NULL, 10) * 1000000000ull;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("nc_bench_recv: socket");
		return 1;
	}
	/* Root may exceed rmem_max: a receiver that falls behind loses nothing it can hold. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	ready = fopen(argv[3], "w");
	if (!ready || fprintf(ready, "%s\n", argv[1]) < 0 || fclose(ready)) {
		perror(argv[3]);
		return 1;
	}

	while (!stop) {
		uint64_t t = now_ns();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (!stopping && access(argv[4], F_OK) == 0)
			stopping = t;
		if (t >= deadline || (stopping && t - (last > stopping ? last : stopping) >= idle_ns))
			break;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = ctl[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			perror("recvmmsg");
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct rec r = { 0 };
			struct cmsghdr *c;
			uint32_t len = msgs[i].msg_len;

			for (c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c;
			     c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
				if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
					struct timespec ts;

					memcpy(&ts, CMSG_DATA(c), sizeof(ts));
					r.rx_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
				}
			}
			r.len = len;
			memcpy(r.head, bufs[i], len < HEAD ? len : HEAD);
			if (fwrite(&r, sizeof(r), 1, out) != 1) {
				perror(argv[2]);
				return 1;
			}
		}
		total += n;
		last = now_ns();
	}
	if (fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	fprintf(stderr, "nc_bench_recv: %llu datagrams\n", (unsigned long long)total);
	return 0;
}
