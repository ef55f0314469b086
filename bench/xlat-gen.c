// The traffic generator of bench/xlat-throughput.sh: UDP datagrams of SIZE payload bytes to DST port 9 for SECONDS,
// 64 per sendmmsg call, non-blocking (a full queue drops and the call is counted as failed). Prints what it sent.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: gen DST SIZE SECONDS\n"); return 2; }
    int size = atoi(argv[2]); double secs = atof(argv[3]);
    struct sockaddr_in6 a6 = {0}; struct sockaddr_in a4 = {0}; int fam; struct sockaddr *sa; socklen_t sl;
    if (inet_pton(AF_INET6, argv[1], &a6.sin6_addr) == 1) { a6.sin6_family = AF_INET6; a6.sin6_port = htons(9); fam = AF_INET6; sa = (void *)&a6; sl = sizeof a6; }
    else if (inet_pton(AF_INET, argv[1], &a4.sin_addr) == 1) { a4.sin_family = AF_INET; a4.sin_port = htons(9); fam = AF_INET; sa = (void *)&a4; sl = sizeof a4; }
    else { fprintf(stderr, "bad address\n"); return 2; }
    int s = socket(fam, SOCK_DGRAM, 0);
    if (s < 0 || connect(s, sa, sl) < 0) { perror("socket"); return 1; }
    enum { B = 64 };
    static char buf[65536]; struct mmsghdr m[B]; struct iovec v[B];
    memset(m, 0, sizeof m);
    for (int i = 0; i < B; i++) { v[i].iov_base = buf; v[i].iov_len = size; m[i].msg_hdr.msg_iov = &v[i]; m[i].msg_hdr.msg_iovlen = 1; }
    struct timespec t0, t; clock_gettime(CLOCK_MONOTONIC, &t0);
    long sent = 0, failed = 0;
    for (;;) {
        int n = sendmmsg(s, m, B, MSG_DONTWAIT);
        if (n > 0) sent += n; else failed++;
        if ((sent & 0xfff) < B) { clock_gettime(CLOCK_MONOTONIC, &t); if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= secs) break; }
    }
    printf("sent %ld failed_calls %ld\n", sent, failed);
    return 0;
}
