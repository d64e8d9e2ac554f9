/* The native CLI's GDB server (cli/gdb_server.h), over POSIX sockets. */
#define _DEFAULT_SOURCE
#include "cli/gdb_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int gdb_server_open(gdb_server *s, const char *spec, char *err, size_t errlen)
{
    s->listen_fd = s->conn_fd = -1;
    const char *colon = strncmp(spec, "tcp:", 4) == 0 ? strrchr(spec + 4, ':') : NULL;
    char host[64] = "127.0.0.1", *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || *end || port < 1 || port > 65535 || (size_t)(colon - spec - 4) >= sizeof(host)) {
        snprintf(err, errlen, "bad -gdb '%s' (tcp::PORT or tcp:HOST:PORT)", spec);
        return -1;
    }
    if (colon > spec + 4) {
        memcpy(host, spec + 4, (size_t)(colon - spec - 4));
        host[colon - spec - 4] = 0;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        snprintf(err, errlen, "-gdb: '%s' is not an IPv4 address", host);
    } else if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
               bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 1) != 0) {
        snprintf(err, errlen, "-gdb: cannot listen on %s:%ld", host, port);
    } else {
        fcntl(fd, F_SETFL, O_NONBLOCK);
        s->listen_fd = fd;
        return 0;
    }
    if (fd >= 0)
        close(fd);
    return -1;
}

void gdb_server_drop(gdb_server *s, wvm_machine *m)
{
    if (s->conn_fd < 0)
        return;
    close(s->conn_fd);
    s->conn_fd = -1;
    wvm_gdb_detach(m);
}

void gdb_server_pump(gdb_server *s, wvm_machine *m)
{
    if (s->listen_fd < 0)
        return;
    if (s->conn_fd < 0) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        fcntl(fd, F_SETFL, O_NONBLOCK);
        s->conn_fd = fd;
        if (wvm_gdb_attach(m) != 0) {
            gdb_server_drop(s, m);
            return;
        }
    }
    uint8_t buf[4096];
    ssize_t n;
    while ((n = read(s->conn_fd, buf, sizeof(buf))) > 0)
        wvm_gdb_input(m, buf, (size_t)n);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        gdb_server_drop(s, m);
        return;
    }
    size_t len;
    while ((len = wvm_gdb_output(m, buf, sizeof(buf))) > 0) {
        for (size_t off = 0; off < len;) {
            ssize_t w = write(s->conn_fd, buf + off, len - off);
            if (w <= 0) {
                struct pollfd p = {s->conn_fd, POLLOUT, 0};
                if (poll(&p, 1, 1000) <= 0) {
                    gdb_server_drop(s, m);
                    return;
                }
                continue;
            }
            off += (size_t)w;
        }
    }
}

int gdb_server_pollfds(const gdb_server *s, struct pollfd *fds)
{
    if (s->listen_fd < 0)
        return 0;
    fds[0] = (struct pollfd){s->conn_fd >= 0 ? s->conn_fd : s->listen_fd, POLLIN, 0};
    return 1;
}
