/* User-mode networking's host side over POSIX sockets (cli/net_posix.h).
 * Flow control as usernet.h asks: guest bytes (TCP_DATA) are reported
 * consumed only once the host socket took them; host bytes the stack did
 * not take wait in the connection, and its socket is not read until
 * TCP_WRITABLE. */
#define _GNU_SOURCE /* strerrorname_np, accept4, SOCK_NONBLOCK */
#include "cli/net_posix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli/net_dns.h"

#define UDP_IDLE_MS 60000 /* a guest port's host UDP socket closes after this long without a datagram out */
#define DNS_TTL_S 60      /* how long the guest may keep an answer */
#define UDP_BURST 64      /* datagrams taken from one socket per pump */
#define NET_ADDR USERNET_IP(10, 0, 2, 0) /* the virtual network, 10.0.2.0/24 */

typedef struct conn {
    uint32_t id; /* usernet's connection id; 0: the slot is free */
    int fd;
    uint8_t connecting; /* the host connect() has not completed */
    uint8_t host_eof;   /* the host socket read EOF */
    uint8_t shut;       /* wvm_net_tcp_shutdown was called */
    uint8_t guest_eof;  /* TCP_EOF came: shutdown(SHUT_WR) once `out` is written (then cleared) */
    uint8_t *in;        /* host bytes the guest's stack did not take yet (the socket is not read meanwhile) */
    size_t in_off, in_len;
    uint8_t *out; /* guest bytes the host socket did not take yet */
    size_t out_off, out_len, out_cap;
} conn;

typedef struct udp_sock {
    int fd; /* -1: the slot is free */
    uint16_t guest_port;
    uint64_t last_ms; /* when a datagram last went out */
} udp_sock;

typedef struct listener {
    int fd;
    uint16_t guest_port;
} listener;

/* Pollfd tags: which object a pollfd is (listener, connection, UDP socket, resolver). */
enum { TAG_CONN = CLI_MAX_HOSTFWD, TAG_UDP = TAG_CONN + USERNET_MAX_CONNS, TAG_DNS = TAG_UDP + NET_MAX_UDP };

struct net_posix {
    wvm_machine *m; /* NULL: none attached */
    uint32_t gen;   /* bumped per machine: lookups of an earlier one are not answered */
    int busy;       /* net_posix_pump's result */
    int nlis;
    listener lis[CLI_MAX_HOSTFWD];
    conn conns[USERNET_MAX_CONNS];
    udp_sock udp[NET_MAX_UDP];
    net_dns *dns; /* started at the first query */
    uint8_t buf[WVM_NET_EVENT_DATA_MAX]; /* an event's data; a socket read */
};

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static int again(void) { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

static conn *find(net_posix *net, uint32_t id)
{
    for (int i = 0; id && i < USERNET_MAX_CONNS; i++)
        if (net->conns[i].id == id)
            return &net->conns[i];
    return NULL;
}

/* A new connection `id` on socket `fd` (TCP_NODELAY, as Node's), or NULL
 * with `fd` closed when no slot is free. */
static conn *conn_new(net_posix *net, uint32_t id, int fd)
{
    conn *c = NULL;
    for (int i = 0; !c && i < USERNET_MAX_CONNS; i++)
        if (!net->conns[i].id)
            c = &net->conns[i];
    if (!c) {
        close(fd);
        return NULL;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    *c = (conn){.id = id, .fd = fd};
    return c;
}

/* Close c's socket (with a reset: SO_LINGER 0) and free the slot. */
static void conn_free(conn *c, int reset)
{
    struct linger l = {1, 0};
    if (reset)
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    close(c->fd);
    free(c->in);
    free(c->out);
    *c = (conn){0};
}

/* The host socket failed: the guest gets a reset (a refusal if it was connecting). */
static void conn_fail(net_posix *net, conn *c)
{
    if (c->connecting)
        wvm_net_tcp_connected(net->m, c->id, 0);
    else
        wvm_net_tcp_abort(net->m, c->id);
    conn_free(c, 0);
}

/* Write what the guest sent to the host socket, reporting each part taken;
 * then pass the guest's FIN on. May free c. */
static void conn_write(net_posix *net, conn *c)
{
    while (!c->connecting && c->out_off < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (w < 0 && again())
            return;
        if (w < 0) {
            conn_fail(net, c);
            return;
        }
        c->out_off += (size_t)w;
        wvm_net_tcp_consumed(net->m, c->id, (size_t)w);
    }
    if (!c->connecting && c->guest_eof && c->out_off == c->out_len) {
        shutdown(c->fd, SHUT_WR);
        c->guest_eof = 0;
    }
}

/* Queue `len` bytes from the guest for c's socket. Returns 0, or -1 out of memory. */
static int conn_queue(conn *c, const uint8_t *data, size_t len)
{
    if (c->out_off) { /* keep the unwritten part at the start */
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
    }
    if (c->out_len + len > c->out_cap) {
        uint8_t *p = realloc(c->out, c->out_len + len);
        if (!p)
            return -1;
        c->out = p;
        c->out_cap = c->out_len + len;
    }
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    return 0;
}

/* Hand the guest what waits from the host side, as much as its stack takes;
 * its FIN after the last byte once the host socket ended. */
static void conn_flush(net_posix *net, conn *c)
{
    if (c->in) {
        c->in_off += wvm_net_tcp_send(net->m, c->id, c->in + c->in_off, c->in_len - c->in_off);
        if (c->in_off < c->in_len)
            return;
        free(c->in);
        c->in = NULL;
    }
    if (c->host_eof && !c->shut) {
        c->shut = 1;
        wvm_net_tcp_shutdown(net->m, c->id);
    }
}

/* Read the host socket into the guest's connection. May free c. */
static void conn_read(net_posix *net, conn *c)
{
    ssize_t r = recv(c->fd, net->buf, sizeof(net->buf), 0);
    if (r < 0 && !again())
        conn_fail(net, c);
    if (r < 0)
        return;
    if (r == 0)
        c->host_eof = 1;
    size_t took = r ? wvm_net_tcp_send(net->m, c->id, net->buf, (size_t)r) : 0;
    if (took < (size_t)r) {
        if (!(c->in = malloc((size_t)r - took))) {
            conn_fail(net, c);
            return;
        }
        memcpy(c->in, net->buf + took, (size_t)r - took);
        c->in_off = 0;
        c->in_len = (size_t)r - took;
    }
    conn_flush(net, c);
}

/* The guest connects to ip:port (TCP_CONNECT): 10.0.2.2 is the host's
 * loopback, the rest of 10.0.2.0/24 refuses, other addresses are used as
 * they are. */
static void tcp_connect(net_posix *net, uint32_t id, uint32_t ip, uint16_t port)
{
    int fd = -1;
    if (ip == USERNET_HOST_IP || ip >> 8 != NET_ADDR >> 8)
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    conn *c = fd >= 0 ? conn_new(net, id, fd) : NULL;
    if (!c) {
        wvm_net_tcp_connected(net->m, id, 0);
        return;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(ip == USERNET_HOST_IP ? INADDR_LOOPBACK : ip);
    c->connecting = 1;
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
        c->connecting = 0;
        wvm_net_tcp_connected(net->m, id, 1);
    } else if (errno != EINPROGRESS) {
        conn_fail(net, c);
    }
}

/* c's nonblocking connect() completed (poll said so): tell the guest how. */
static void conn_connected(net_posix *net, conn *c)
{
    int e = 0;
    socklen_t len = sizeof(e);
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0 || e) {
        conn_fail(net, c);
        return;
    }
    c->connecting = 0;
    wvm_net_tcp_connected(net->m, c->id, 1);
    conn_write(net, c);
}

/* The host UDP socket of guest port `gport`: its own, a new one, or the
 * least recently used one's slot. NULL if the host has no socket. */
static udp_sock *udp_for(net_posix *net, uint16_t gport)
{
    udp_sock *lru = &net->udp[0];
    for (int i = 0; i < NET_MAX_UDP; i++) {
        udp_sock *u = &net->udp[i];
        if (u->fd >= 0 && u->guest_port == gport)
            return u;
        if (lru->fd >= 0 && (u->fd < 0 || u->last_ms < lru->last_ms))
            lru = u;
    }
    if (lru->fd >= 0)
        close(lru->fd);
    *lru = (udp_sock){socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), gport, 0};
    return lru->fd >= 0 ? lru : NULL;
}

/* A datagram from guest port `gport` to ip:port (UDP_SEND). */
static void udp_send(net_posix *net, uint16_t gport, uint32_t ip, uint16_t port, const uint8_t *data, size_t len)
{
    if (ip != USERNET_HOST_IP && ip >> 8 == NET_ADDR >> 8)
        return; /* no such host */
    udp_sock *u = udp_for(net, gport);
    if (!u)
        return;
    u->last_ms = now_ms();
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(ip == USERNET_HOST_IP ? INADDR_LOOPBACK : ip);
    sendto(u->fd, data, len, 0, (struct sockaddr *)&a, sizeof(a)); /* a failure is a datagram lost */
}

/* Replies on u's socket for the guest: those from 127.0.0.1 come from 10.0.2.2. */
static void udp_read(net_posix *net, udp_sock *u)
{
    for (int i = 0; i < UDP_BURST; i++) {
        struct sockaddr_in a;
        socklen_t alen = sizeof(a);
        ssize_t r = recvfrom(u->fd, net->buf, sizeof(net->buf), 0, (struct sockaddr *)&a, &alen);
        if (r < 0 && errno == ECONNREFUSED)
            continue; /* an ICMP port unreachable for an earlier datagram */
        if (r < 0)
            return;
        uint32_t from = ntohl(a.sin_addr.s_addr);
        wvm_net_udp_recv(net->m, from == INADDR_LOOPBACK ? USERNET_HOST_IP : from, ntohs(a.sin_port), u->guest_port,
                         net->buf, (size_t)r);
    }
}

/* A DNS query (DNS_QUERY) to the host's resolver; SERVFAIL if it cannot take it. */
static void dns_query(net_posix *net, uint32_t id, const uint8_t *name, size_t len, int qtype)
{
    if (!net->dns)
        net->dns = net_dns_open();
    if (!net->dns || net_dns_query(net->dns, id, net->gen, name, len, qtype) != 0)
        wvm_net_dns_answer(net->m, id, 2, NULL, 0, 4, 0);
}

/* Answer the lookups that finished, for this machine. */
static void dns_answers(net_posix *net)
{
    net_dns_answer a;
    while (net_dns_take(net->dns, &a))
        if (a.tag == net->gen && net->m)
            wvm_net_dns_answer(net->m, a.id, a.rcode, a.addrs, a.naddrs, a.addrlen, DNS_TTL_S);
}

static void on_event(net_posix *net, const wvm_net_event *ev, const uint8_t *data)
{
    conn *c = ev->type == WVM_NET_TCP_CONNECT ? NULL : find(net, ev->id);
    switch (ev->type) {
    case WVM_NET_TCP_CONNECT:
        tcp_connect(net, ev->id, ev->ip, (uint16_t)ev->port);
        break;
    case WVM_NET_TCP_DATA:
        if (c && conn_queue(c, data, ev->len) != 0)
            conn_fail(net, c);
        else if (c)
            conn_write(net, c);
        break;
    case WVM_NET_TCP_EOF:
        if (c) {
            c->guest_eof = 1;
            conn_write(net, c);
        }
        break;
    case WVM_NET_TCP_WRITABLE:
        if (c)
            conn_flush(net, c);
        break;
    case WVM_NET_TCP_CLOSED:
        if (c)
            conn_free(c, ev->arg != 0);
        break;
    case WVM_NET_UDP_SEND:
        udp_send(net, (uint16_t)ev->arg, ev->ip, (uint16_t)ev->port, data, ev->len);
        break;
    case WVM_NET_DNS_QUERY:
        dns_query(net, ev->id, data, ev->len, (int)ev->arg);
        break;
    default: /* WVM_NET_TCP_READY: a forwarded connection needs nothing more */
        break;
    }
}

/* Host connections to a hostfwd port become connections from 10.0.2.2 to the guest's port. */
static void accept_all(net_posix *net, const listener *l)
{
    int fd;
    while ((fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        uint32_t id = net->m ? wvm_net_tcp_forward(net->m, l->guest_port) : 0;
        if (!id) {
            close(fd); /* no machine, or no room for another connection */
            continue;
        }
        net->busy = 1;
        if (!conn_new(net, id, fd))
            wvm_net_tcp_abort(net->m, id);
    }
}

/* Append a pollfd for `fd` (and its tag, if tags is not NULL) unless `max` are there. */
static void add_pollfd(struct pollfd *fds, uint16_t *tags, int *n, int max, int fd, int events, int tag)
{
    if (*n == max)
        return;
    fds[*n] = (struct pollfd){fd, (short)events, 0};
    if (tags)
        tags[*n] = (uint16_t)tag;
    (*n)++;
}

/* Fill fds (and tags, if not NULL) with what waits for the host's sockets. */
static int fill(net_posix *net, struct pollfd *fds, uint16_t *tags, int max)
{
    int n = 0;
    for (int i = 0; i < net->nlis; i++)
        add_pollfd(fds, tags, &n, max, net->lis[i].fd, POLLIN, i);
    for (int i = 0; net->m && i < USERNET_MAX_CONNS; i++) {
        const conn *c = &net->conns[i];
        int ev = c->connecting ? POLLOUT : (c->in || c->host_eof ? 0 : POLLIN) | (c->out_off < c->out_len ? POLLOUT : 0);
        if (c->id && ev)
            add_pollfd(fds, tags, &n, max, c->fd, ev, TAG_CONN + i);
    }
    for (int i = 0; net->m && i < NET_MAX_UDP; i++)
        if (net->udp[i].fd >= 0)
            add_pollfd(fds, tags, &n, max, net->udp[i].fd, POLLIN, TAG_UDP + i);
    if (net->dns)
        add_pollfd(fds, tags, &n, max, net_dns_fd(net->dns), POLLIN, TAG_DNS);
    return n;
}

/* Act on what poll reported. Listeners come first: the connections they
 * add take free slots, which have no pollfds here. */
static void service(net_posix *net, const struct pollfd *fds, const uint16_t *tags, int n)
{
    for (int i = 0; i < n; i++) {
        short re = fds[i].revents;
        if (!re)
            continue;
        if (tags[i] < TAG_CONN) {
            accept_all(net, &net->lis[tags[i]]);
            continue;
        }
        net->busy = 1;
        if (tags[i] >= TAG_DNS) {
            dns_answers(net);
        } else if (tags[i] >= TAG_UDP) {
            udp_read(net, &net->udp[tags[i] - TAG_UDP]);
        } else {
            conn *c = &net->conns[tags[i] - TAG_CONN];
            uint32_t id = c->id;
            if (c->connecting) {
                conn_connected(net, c);
                continue;
            }
            if (c->out_off < c->out_len && (re & (POLLOUT | POLLERR | POLLHUP)))
                conn_write(net, c);
            if (c->id == id && !c->in && !c->host_eof && (re & (POLLIN | POLLERR | POLLHUP)))
                conn_read(net, c);
        }
    }
}

/* Serve the machine's queued events. */
static void drain(net_posix *net)
{
    wvm_net_event ev;
    while (net->m && wvm_net_take_event(net->m, &ev, net->buf, sizeof(net->buf))) {
        net->busy = 1;
        on_event(net, &ev, net->buf);
    }
}

int net_posix_pump(net_posix *net)
{
    struct pollfd fds[NET_POSIX_POLLFDS];
    uint16_t tags[NET_POSIX_POLLFDS];
    net->busy = 0;
    drain(net);
    int n = fill(net, fds, tags, NET_POSIX_POLLFDS);
    if (poll(fds, (nfds_t)n, 0) > 0)
        service(net, fds, tags, n);
    drain(net);
    uint64_t now = now_ms();
    for (int i = 0; i < NET_MAX_UDP; i++) {
        udp_sock *u = &net->udp[i];
        if (u->fd >= 0 && now - u->last_ms >= UDP_IDLE_MS) {
            close(u->fd);
            u->fd = -1;
        }
    }
    return net->busy;
}

int net_posix_pollfds(net_posix *net, struct pollfd *fds, int max) { return fill(net, fds, NULL, max); }

void net_posix_attach(net_posix *net, wvm_machine *m) { net->m = m; }

void net_posix_detach(net_posix *net)
{
    for (int i = 0; i < USERNET_MAX_CONNS; i++)
        if (net->conns[i].id)
            conn_free(&net->conns[i], 1);
    for (int i = 0; i < NET_MAX_UDP; i++) {
        if (net->udp[i].fd >= 0)
            close(net->udp[i].fd);
        net->udp[i].fd = -1;
    }
    net->m = NULL;
    net->gen++;
}

/* Listen on rule r's address and port (SO_REUSEADDR, as Node's servers).
 * Returns the socket, or -1 with the reason in err. */
static int listen_on(cli_hostfwd *r, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    const char *why = "ENOTFOUND";
    int fd = -1, one = 1;
    if (getaddrinfo(r->addr, NULL, &hints, &res) == 0) {
        struct sockaddr_in a = *(struct sockaddr_in *)(void *)res->ai_addr;
        socklen_t alen = sizeof(a);
        freeaddrinfo(res);
        a.sin_port = htons(r->host_port);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
            bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, SOMAXCONN) == 0 &&
            getsockname(fd, (struct sockaddr *)&a, &alen) == 0) {
            r->host_port = ntohs(a.sin_port);
            return fd;
        }
        why = strerrorname_np(errno);
        if (fd >= 0)
            close(fd);
    }
    snprintf(err, errlen, "hostfwd: cannot listen on %s:%u (%s)", r->addr, r->host_port, why ? why : "error");
    return -1;
}

net_posix *net_posix_open(cli_hostfwd *rules, int n, char *err, size_t errlen)
{
    net_posix *net = calloc(1, sizeof(*net));
    if (!net) {
        snprintf(err, errlen, "out of memory for user networking");
        return NULL;
    }
    for (int i = 0; i < NET_MAX_UDP; i++)
        net->udp[i].fd = -1;
    for (int i = 0; i < n && i < CLI_MAX_HOSTFWD; i++) {
        net->lis[i].guest_port = rules[i].guest_port;
        if ((net->lis[i].fd = listen_on(&rules[i], err, errlen)) < 0) {
            net_posix_close(net);
            return NULL;
        }
        net->nlis++;
    }
    return net;
}

void net_posix_close(net_posix *net)
{
    if (!net)
        return;
    net_posix_detach(net);
    for (int i = 0; i < net->nlis; i++)
        close(net->lis[i].fd);
    net_dns_close(net->dns);
    free(net);
}
