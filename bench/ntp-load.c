// NTP request-capacity load client: keeps WINDOW client (mode 3) requests in flight against HOST:PORT
// for SECONDS and counts valid server (mode 4) replies, like dnsperf does for DNS. Lost requests are
// replaced after 50 ms of silence so the window never drains.
//   build: gcc -O2 -o ntp-load bench/ntp-load.c     run: ./ntp-load HOST PORT SECONDS [WINDOW=64]
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s HOST PORT SECONDS [WINDOW]\n", argv[0]); return 2; }
  int window = argc > 4 ? atoi(argv[4]) : 64;
  double seconds = atof(argv[3]);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
  inet_pton(AF_INET, argv[1], &to.sin_addr);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  connect(fd, (struct sockaddr *)&to, sizeof to);
  struct timeval tv = { .tv_sec = 0, .tv_usec = 50000 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  unsigned char req[48] = { 0x23 }, buf[512]; // LI 0, VN 4, mode 3
  long sent = 0, replies = 0, bad = 0;
  for (int i = 0; i < window; i++) { send(fd, req, 48, 0); sent++; }
  double start = now(), end = start + seconds;
  while (now() < end) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) { for (int i = 0; i < window; i++) { send(fd, req, 48, 0); sent++; } continue; } // refill
    if (n >= 48 && (buf[0] & 7) == 4 && buf[1] != 0) replies++; else bad++;
    send(fd, req, 48, 0);
    sent++;
  }
  double took = now() - start;
  printf("sent %ld replies %ld bad %ld seconds %.2f replies_per_second %.0f\n", sent, replies, bad, took, replies / took);
  return 0;
}
