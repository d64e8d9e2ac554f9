/* Host name lookups on worker threads (cli/net_dns.h). */
#define _GNU_SOURCE /* EAI_NODATA, EAI_ADDRFAMILY, pipe2 */
#include "cli/net_dns.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WORKERS 4 /* lookups running at once: a slow name does not hold up the others */

enum { FREE, QUEUED, RUNNING, DONE };

typedef struct job {
    int state, qtype;
    uint64_t seq; /* order of net_dns_query: the oldest queued job runs first */
    char name[NET_DNS_NAME_MAX + 1];
    net_dns_answer answer;
} job;

struct net_dns {
    pthread_mutex_t lock; /* guards every job's state and seq, stop */
    pthread_cond_t work;  /* a job was queued, or stop */
    pthread_t threads[WORKERS];
    int nthreads, stop;
    int pipe[2]; /* a byte per finished job, from the workers */
    uint64_t seq;
    job jobs[NET_DNS_JOBS];
};

/* getaddrinfo's addresses of `name` in `family` (AF_INET: 4 bytes each,
 * AF_INET6: 16) into out[] (NULL: only look), at most NET_DNS_ADDRS;
 * their count into *n. Returns 0 or getaddrinfo's error. */
static int lookup(const char *name, int family, uint8_t *out, int *n)
{
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM}, *res;
    int e = getaddrinfo(name, NULL, &hints, &res);
    if (e)
        return e;
    *n = 0;
    for (struct addrinfo *ai = res; out && ai && *n < NET_DNS_ADDRS; ai = ai->ai_next, (*n)++) {
        if (family == AF_INET)
            memcpy(out + *n * 4, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, 4);
        else
            memcpy(out + *n * 16, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, 16);
    }
    freeaddrinfo(res);
    return 0;
}

/* The name has no address of the family asked for, or does not exist. */
static int missing(int e) { return e == EAI_NONAME || e == EAI_NODATA || e == EAI_ADDRFAMILY; }

/* Answer job j (as src/js/usernet.mjs: an AAAA query for a name that has
 * only IPv4 addresses is NOERROR with no answers). */
static void resolve(job *j)
{
    net_dns_answer *a = &j->answer;
    int aaaa = j->qtype == 28, n4;
    a->addrlen = aaaa ? 16 : 4;
    a->naddrs = 0;
    int e = lookup(j->name, aaaa ? AF_INET6 : AF_INET, a->addrs, &a->naddrs);
    if (e && missing(e) && aaaa) {
        a->naddrs = 0;
        e = lookup(j->name, AF_INET, NULL, &n4);
    }
    a->rcode = !e ? 0 : missing(e) ? 3 : 2;
}

/* The oldest job in `state`, or NULL. Under d->lock. */
static job *oldest(net_dns *d, int state)
{
    job *best = NULL;
    for (int i = 0; i < NET_DNS_JOBS; i++)
        if (d->jobs[i].state == state && (!best || d->jobs[i].seq < best->seq))
            best = &d->jobs[i];
    return best;
}

static void *worker(void *arg)
{
    net_dns *d = arg;
    pthread_mutex_lock(&d->lock);
    while (!d->stop) {
        job *j = oldest(d, QUEUED);
        if (!j) {
            pthread_cond_wait(&d->work, &d->lock);
            continue;
        }
        j->state = RUNNING;
        pthread_mutex_unlock(&d->lock);
        resolve(j); /* RUNNING: no other thread touches j */
        pthread_mutex_lock(&d->lock);
        j->state = DONE;
        if (write(d->pipe[1], "", 1) < 0) {
            /* full: the main loop is woken already and takes every DONE job */
        }
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

net_dns *net_dns_open(void)
{
    net_dns *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    if (pipe2(d->pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        free(d);
        return NULL;
    }
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->work, NULL);
    while (d->nthreads < WORKERS && pthread_create(&d->threads[d->nthreads], NULL, worker, d) == 0)
        d->nthreads++;
    if (!d->nthreads) {
        net_dns_close(d);
        return NULL;
    }
    return d;
}

void net_dns_close(net_dns *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stop = 1;
    pthread_cond_broadcast(&d->work);
    pthread_mutex_unlock(&d->lock);
    for (int i = 0; i < d->nthreads; i++)
        pthread_join(d->threads[i], NULL);
    close(d->pipe[0]);
    close(d->pipe[1]);
    pthread_cond_destroy(&d->work);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

int net_dns_fd(const net_dns *d) { return d->pipe[0]; }

int net_dns_query(net_dns *d, uint32_t id, uint32_t tag, const uint8_t *name, size_t len, int qtype)
{
    if (len > NET_DNS_NAME_MAX)
        return -1;
    pthread_mutex_lock(&d->lock);
    job *j = oldest(d, FREE);
    if (j) {
        memcpy(j->name, name, len);
        j->name[len] = 0;
        j->qtype = qtype;
        j->answer.id = id;
        j->answer.tag = tag;
        j->seq = d->seq++;
        j->state = QUEUED;
        pthread_cond_signal(&d->work);
    }
    pthread_mutex_unlock(&d->lock);
    return j ? 0 : -1;
}

int net_dns_take(net_dns *d, net_dns_answer *a)
{
    char buf[64];
    while (read(d->pipe[0], buf, sizeof(buf)) > 0) {
    }
    pthread_mutex_lock(&d->lock);
    job *j = oldest(d, DONE);
    if (j) {
        *a = j->answer;
        j->state = FREE;
    }
    pthread_mutex_unlock(&d->lock);
    return j != NULL;
}
