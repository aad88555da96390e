// SPDX-License-Identifier: GPL-2.0
/*
 * udp_blast: the link ceiling of netconsole-rs's benchmark. Sends UDP datagrams of SIZE bytes
 * to ADDR:PORT from userspace as fast as sendmmsg() goes, for SECONDS, and prints
 * "sent=N elapsed_ns=T". What arrives is counted by the receiver.
 *
 * Usage: udp_blast ADDR PORT SIZE SECONDS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 32

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	uint64_t start, end, sent = 0;
	size_t size;
	int fd, i, n;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
		fprintf(stderr, "usage: %s ADDR PORT SIZE SECONDS\n", argv[0]);
		return 2;
	}
	addr.sin_port = htons(atoi(argv[2]));
	size = strtoul(argv[3], NULL, 10);
	if (size > sizeof(buf))
		size = sizeof(buf);
	memset(buf, 'u', size);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("udp_blast: socket");
		return 1;
	}
	iov.iov_base = buf;
	iov.iov_len = size;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now_ns();
	end = start + strtoull(argv[4], NULL, 10) * 1000000000ull;
	while (now_ns() < end) {
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;
			perror("sendmmsg");
			return 1;
		}
		sent += n;
	}
	printf("sent=%llu elapsed_ns=%llu\n", (unsigned long long)sent,
	       (unsigned long long)(now_ns() - start));
	return 0;
}
