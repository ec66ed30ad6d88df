/*
 * LD_PRELOAD shim for test servers that cannot choose their listening address (Orthanc 1.10 binds
 * 0.0.0.0): a bind() to the wildcard address binds to the loopback address instead.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  static int (*real_bind)(int, const struct sockaddr *, socklen_t);
  if (!real_bind) real_bind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
  if (addr && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
    struct sockaddr_in local;
    memcpy(&local, addr, sizeof local);
    if (local.sin_addr.s_addr == htonl(INADDR_ANY)) local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return real_bind(fd, (const struct sockaddr *)&local, sizeof local);
  }
  if (addr && addr->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
    struct sockaddr_in6 local;
    memcpy(&local, addr, sizeof local);
    if (memcmp(&local.sin6_addr, &in6addr_any, sizeof in6addr_any) == 0) local.sin6_addr = in6addr_loopback;
    return real_bind(fd, (const struct sockaddr *)&local, sizeof local);
  }
  return real_bind(fd, addr, len);
}
