/*
 * usernet_test.c - user-mode networking (src/net/usernet.c on lwIP) played
 * from both ends without sockets: the test is the guest, sending frames it
 * builds byte by byte, and the host, a set of callbacks that record what
 * they get and answer. Covers ARP, ICMP echo, the DHCP server, DNS through
 * the host, TCP to any address (SYN held while the host connects, data both
 * ways with flow control, retransmission, FIN, refusal, aborts, the connect
 * timeout), host callbacks that call back in, UDP with fragmented replies,
 * port forwarding, malformed frames, and closing and reopening the stack.
 * Exit status 0 on success; the last output line is "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "net/usernet.h"

#include "check.h"
#include "netframes.h"

#define CHECK(c) EQ(!!(c), 1)
#define G USERNET_GUEST_IP
#define REMOTE USERNET_IP(93, 184, 216, 34)

/* ---- the fake host ---- */

#define MAXOUT 128
static uint8_t outq[MAXOUT][USERNET_FRAME_MAX];
static size_t outlen[MAXOUT];
static int nout, out_overflow;
static uint32_t now;

typedef struct hconn {
    uint32_t id, ip;
    uint16_t port;
    int connects, ready, eof, closed, reset, writable;
    uint8_t data[16384];
    size_t ndata;
} hconn;
static hconn hc[32];
static int nhc, unknown_ids, consume = 1;
static void (*data_hook)(uint32_t id); /* runs inside tcp_data */

static hconn *hnew(uint32_t id)
{
    hconn *h = &hc[nhc++ % 32];
    memset(h, 0, sizeof(*h));
    h->id = id;
    return h;
}

/* The host's record of connection `id`; an id usernet never announced counts as an error. */
static hconn *hget(uint32_t id)
{
    for (int i = 0; i < 32; i++)
        if (hc[i].id == id)
            return &hc[i];
    unknown_ids++;
    static hconn junk;
    return &junk;
}

static uint32_t h_now(void *o)
{
    (void)o;
    return now;
}

static void h_output(void *o, const uint8_t *f, size_t n)
{
    (void)o;
    if (nout == MAXOUT || n > USERNET_FRAME_MAX) {
        out_overflow++;
        return;
    }
    memcpy(outq[nout], f, n);
    outlen[nout++] = n;
}

static void h_connect(void *o, uint32_t id, uint32_t ip, uint16_t port)
{
    (void)o;
    hconn *h = hnew(id);
    h->ip = ip, h->port = port, h->connects = 1;
}

static void h_ready(void *o, uint32_t id)
{
    (void)o;
    hget(id)->ready++;
}

static void h_data(void *o, uint32_t id, const uint8_t *p, size_t n)
{
    (void)o;
    hconn *h = hget(id);
    if (h->ndata + n <= sizeof(h->data))
        memcpy(h->data + h->ndata, p, n);
    h->ndata += n;
    if (data_hook)
        data_hook(id);
    if (consume)
        usernet_tcp_consumed(id, n);
}

static void h_eof(void *o, uint32_t id)
{
    (void)o;
    hget(id)->eof++;
}

static void h_writable(void *o, uint32_t id)
{
    (void)o;
    hget(id)->writable++;
}

static void h_closed(void *o, uint32_t id, int reset)
{
    (void)o;
    hconn *h = hget(id);
    h->closed++;
    h->reset = reset;
}

static uint16_t udp_sport, udp_dport;
static uint32_t udp_ip;
static uint8_t udp_got[64];
static size_t udp_len;

static void h_udp(void *o, uint16_t sport, uint32_t ip, uint16_t dport, const uint8_t *p, size_t n)
{
    (void)o;
    udp_sport = sport, udp_ip = ip, udp_dport = dport;
    udp_len = n;
    memcpy(udp_got, p, n < sizeof(udp_got) ? n : sizeof(udp_got));
}

static uint32_t dns_id;
static int dns_type, dns_queries;
static char dns_name[256];

static void h_dns(void *o, uint32_t id, const char *name, int qtype)
{
    (void)o;
    dns_id = id, dns_type = qtype, dns_queries++;
    snprintf(dns_name, sizeof(dns_name), "%s", name);
}

static const usernet_host host = TEST_HOST;

/* ---- what comes out ---- */

#define TCPH(f) ((f) + 14 + ((f)[14] & 15) * 4)
#define TCPDATA(f) (TCPH(f) + (TCPH(f)[12] >> 4) * 4)

static uint8_t last[USERNET_FRAME_MAX];
static size_t last_len;

/* The one frame out since the last call, checked, or NULL (none or several). */
static uint8_t *take(void)
{
    int n = nout;
    nout = 0;
    if (n != 1) {
        printf("  (%d frames out, expected 1)\n", n);
        return NULL;
    }
    memcpy(last, outq[0], outlen[0]);
    last_len = outlen[0];
    CHECK(frame_ok(last, last_len));
    return last;
}

static uint8_t f[USERNET_FRAME_MAX + 1];

static void send_tcp(uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                     const void *data, size_t n)
{
    usernet_input(f, tcp_frame(f, G, sport, dst, dport, seq, ack, flags, 64240, data, n));
}

static void send_udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, const void *data, size_t n)
{
    usernet_input(f, udp_frame(f, src, sport, dst, dport, data, n));
}

/* ---- the tests ---- */

static void test_init(void)
{
    printf("init: gratuitous ARP, one usernet at a time\n");
    uint8_t *r = take();
    CHECK(r && rd16(r + 12) == 0x0806 && rd32(r + 28) == USERNET_HOST_IP && rd32(r + 38) == USERNET_HOST_IP);
    EQ(usernet_init(&host, NET_MAC), -1);
    usernet_stats st;
    usernet_get_stats(&st);
    EQ(st.tcp_pcbs, 0);
}

static void test_arp(void)
{
    printf("ARP: who-has 10.0.2.2 and 10.0.2.3 answered, 10.0.2.99 not\n");
    for (uint32_t tip = USERNET_HOST_IP; tip <= USERNET_DNS_IP; tip++) {
        usernet_input(f, arp_frame(f, G, tip));
        uint8_t *r = take();
        CHECK(r && rd16(r + 20) == 2 && !memcmp(r + 22, NET_MAC, 6) && rd32(r + 28) == tip &&
              !memcmp(r, GUEST_MAC, 6) && rd32(r + 38) == G);
    }
    usernet_input(f, arp_frame(f, G, USERNET_IP(10, 0, 2, 99)));
    EQ(nout, 0);
}

static void test_icmp(void)
{
    printf("ICMP: echo to 10.0.2.2 answered, to 8.8.8.8 not\n");
    uint8_t ping[16] = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g', '!', '!', '!', '!'};
    wr16(ping + 2, inet_fold(inet_sum(ping, 16, 0)));
    usernet_input(f, ipv4_frame(f, G, USERNET_HOST_IP, 1, ping, 16));
    uint8_t *r = take();
    CHECK(r && r[34] == 0 && rd32(r + 26) == USERNET_HOST_IP && rd32(r + 30) == G && !memcmp(r + 42, "ping!!!!", 8));
    usernet_input(f, ipv4_frame(f, G, USERNET_IP(8, 8, 8, 8), 1, ping, 16));
    EQ(nout, 0);
}

/* The value of DHCP option `code` in the reply at `b` (the BOOTP message), or ~0. */
static uint32_t dhcp_option(const uint8_t *b, size_t n, uint8_t code)
{
    for (size_t i = 240; i + 1 < n && b[i] != 255; i += 2 + b[i + 1])
        if (b[i] == code)
            return b[i + 1] == 1 ? b[i + 2] : rd32(b + i + 2);
    return ~0u;
}

static const uint8_t *dhcp_exchange(uint8_t type, uint32_t requested, uint32_t ciaddr)
{
    uint8_t m[300] = {1, 1, 6, 0};
    wr32(m + 4, 0xabcd0000u + type); /* xid */
    wr32(m + 12, ciaddr);
    memcpy(m + 28, GUEST_MAC, 6);
    wr32(m + 236, 0x63825363);
    uint8_t *o = m + 240;
    *o++ = 53, *o++ = 1, *o++ = type;
    if (requested) {
        *o++ = 50, *o++ = 4;
        wr32(o, requested);
        o += 4;
    }
    *o++ = 255;
    send_udp(ciaddr, 68, ciaddr ? USERNET_HOST_IP : 0xffffffffu, 67, m, sizeof(m));
    if (!nout)
        return NULL;
    uint8_t *r = take();
    if (!r || rd16(r + 36) != 68 || rd32(r + 30) != 0xffffffffu || rd32(r + 26) != USERNET_HOST_IP ||
        rd32(r + 42 + 4) != 0xabcd0000u + type || r[42] != 2)
        return NULL;
    return r + 42;
}

static void test_dhcp(void)
{
    printf("DHCP: DISCOVER -> OFFER, REQUEST -> ACK, other address -> NAK, INFORM -> ACK\n");
    size_t n = 300;
    const uint8_t *b = dhcp_exchange(1, 0, 0);
    CHECK(b && rd32(b + 16) == G && dhcp_option(b, n, 53) == 2 && dhcp_option(b, n, 54) == USERNET_HOST_IP &&
          dhcp_option(b, n, 1) == USERNET_NETMASK && dhcp_option(b, n, 3) == USERNET_HOST_IP &&
          dhcp_option(b, n, 6) == USERNET_DNS_IP && dhcp_option(b, n, 51) == USERNET_LEASE_S);
    b = dhcp_exchange(3, G, 0);
    CHECK(b && rd32(b + 16) == G && dhcp_option(b, n, 53) == 5);
    b = dhcp_exchange(3, USERNET_IP(10, 0, 2, 77), 0);
    CHECK(b && rd32(b + 16) == 0 && dhcp_option(b, n, 53) == 6 && dhcp_option(b, n, 3) == ~0u);
    b = dhcp_exchange(8, 0, G);
    CHECK(b && rd32(b + 16) == 0 && rd32(b + 12) == G && dhcp_option(b, n, 53) == 5 && dhcp_option(b, n, 51) == ~0u);
    b = dhcp_exchange(7, 0, G); /* DHCPRELEASE: no answer */
    CHECK(!b);
}

/* A DNS query for `name` (dotted; labels copied as they are) of type `qtype`. */
static void send_dns(uint16_t qid, const char *name, uint16_t qtype)
{
    uint8_t q[300] = {0};
    size_t n = 12;
    wr16(q, qid);
    q[2] = 1; /* RD */
    wr16(q + 4, 1);
    for (const char *s = name; *s;) {
        size_t l = strcspn(s, ".");
        q[n++] = (uint8_t)l;
        memcpy(q + n, s, l);
        n += l;
        s += l + (s[l] == '.');
    }
    q[n++] = 0;
    wr16(q + n, qtype);
    wr16(q + n + 2, 1);
    send_udp(G, 5353, USERNET_DNS_IP, 53, q, n + 4);
}

static void test_dns(void)
{
    printf("DNS: A and AAAA through the host, other types, odd names, timeout\n");
    int before = dns_queries;
    send_dns(0x4242, "example.com", 1);
    CHECK(nout == 0 && dns_queries == before + 1 && !strcmp(dns_name, "example.com") && dns_type == 1);
    const uint8_t a4[8] = {93, 184, 216, 34, 1, 2, 3, 4};
    usernet_dns_answer(dns_id, 0, a4, 2, 4, 60);
    uint8_t *r = take();
    size_t qend = 42 + 12 + 13 + 4; /* header, name (13 bytes), type, class */
    CHECK(r && rd32(r + 26) == USERNET_DNS_IP && rd16(r + 34) == 53 && rd16(r + 36) == 5353 && rd16(r + 42) == 0x4242 &&
          rd16(r + 44) == 0x8180 && rd16(r + 46) == 1 && rd16(r + 48) == 2 && rd16(qend + r) == 0xc00c &&
          rd32(r + qend + 6) == 60 && !memcmp(r + qend + 12, a4, 4) && !memcmp(r + qend + 28, a4 + 4, 4));
    usernet_dns_answer(dns_id, 0, a4, 1, 4, 60); /* answered already: nothing */
    EQ(nout, 0);

    send_dns(7, "example.com", 28);
    const uint8_t a6[16] = {0x26, 0x06, 0x28, 0, 0x02, 0x20, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x01};
    CHECK(dns_type == 28);
    usernet_dns_answer(dns_id, 0, a4, 1, 4, 60); /* an IPv4 address for AAAA: left out */
    r = take();
    CHECK(r && rd16(r + 42) == 7 && rd16(r + 48) == 0);
    send_dns(8, "example.com", 28);
    usernet_dns_answer(dns_id, 0, a6, 1, 16, 300);
    r = take();
    CHECK(r && rd16(r + 48) == 1 && rd16(r + qend + 2) == 28 && rd16(r + qend + 10) == 16 &&
          !memcmp(r + qend + 12, a6, 16));
    send_dns(9, "nowhere.invalid", 1);
    usernet_dns_answer(dns_id, 3, NULL, 0, 0, 0);
    r = take();
    CHECK(r && (rd16(r + 44) & 15) == 3 && rd16(r + 48) == 0);

    before = dns_queries;
    send_dns(10, "example.com", 15); /* MX: answered at once, no data */
    r = take();
    CHECK(r && dns_queries == before && rd16(r + 42) == 10 && (rd16(r + 44) & 15) == 0 && rd16(r + 48) == 0);
    uint8_t odd[] = {0, 11, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', '.', 'b', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
    send_udp(G, 5353, USERNET_DNS_IP, 53, odd, sizeof(odd));
    r = take();
    CHECK(r && dns_queries == before && rd16(r + 42) == 11 && (rd16(r + 44) & 15) == 5); /* REFUSED */
    uint8_t ptr[] = {0, 12, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}; /* a pointer in a question */
    send_udp(G, 5353, USERNET_DNS_IP, 53, ptr, sizeof(ptr));
    CHECK(nout == 0 && dns_queries == before);

    send_dns(13, "slow.example", 1);
    usernet_stats st;
    usernet_get_stats(&st);
    EQ(st.dns_pending, 1);
    CHECK(usernet_next_poll_ms() <= 1000);
    for (int i = 0; i < 12 && !nout; i++) {
        now += 1000;
        usernet_poll();
    }
    r = take();
    CHECK(r && rd16(r + 42) == 13 && (rd16(r + 44) & 15) == 2); /* SERVFAIL after USERNET_DNS_TIMEOUT_MS */
    usernet_get_stats(&st);
    EQ(st.dns_pending, 0);
}

/* Open a connection from guest port `sport` to REMOTE:80 through the host:
 * SYN, the host connects, SYN-ACK, ACK. Returns the host's record (NULL,
 * counted as a failure, if any step went wrong); *iss_out is the stack's
 * initial sequence number. */
static hconn *tcp_open_steps(uint16_t sport, uint32_t iss, uint32_t *iss_out)
{
    send_tcp(REMOTE, sport, 80, iss, 0, TH_SYN, NULL, 0);
    hconn *h = &hc[(nhc - 1) % 32];
    if (nout || !h->connects || h->ip != REMOTE || h->port != 80)
        return NULL;
    usernet_tcp_connected(h->id, 1);
    uint8_t *r = take();
    if (!r || rd32(r + 26) != REMOTE || rd16(TCPH(r)) != 80 || TCPH(r)[13] != (TH_SYN | TH_ACK) ||
        rd32(TCPH(r) + 8) != iss + 1)
        return NULL;
    *iss_out = rd32(TCPH(r) + 4);
    send_tcp(REMOTE, sport, 80, iss + 1, *iss_out + 1, TH_ACK, NULL, 0);
    return nout ? NULL : h;
}

static hconn *tcp_open(uint16_t sport, uint32_t iss, uint32_t *iss_out)
{
    hconn *h = tcp_open_steps(sport, iss, iss_out);
    CHECK(h != NULL);
    return h;
}

/* A connection opened for a test: the host's record, the guest's port, the
 * guest's next sequence number and the stack's initial one. */
typedef struct tconn {
    hconn *h;
    uint16_t port;
    uint32_t seq, iss;
} tconn;

/* Print `what`, open a connection from guest port `port` and run `test` on it. */
static void with_conn(const char *what, uint16_t port, void (*test)(const tconn *t))
{
    printf("%s\n", what);
    tconn t = {NULL, port, (uint32_t)port * 10 + 1, 0};
    t.h = tcp_open(port, t.seq - 1, &t.iss);
    if (t.h)
        test(&t);
}

static void test_tcp(void)
{
    printf("TCP: SYN held, connect, data both ways, retransmission, FIN both ways\n");
    uint32_t iss = 1000, s;
    send_tcp(REMOTE, 40000, 80, iss, 0, TH_SYN, NULL, 0);
    hconn *h = &hc[(nhc - 1) % 32];
    CHECK(nout == 0 && h->connects && h->ip == REMOTE && h->port == 80);
    int conns = nhc;
    send_tcp(REMOTE, 40000, 80, iss, 0, TH_SYN, NULL, 0); /* retransmitted: no second connect */
    CHECK(nout == 0 && nhc == conns);
    usernet_stats st;
    usernet_get_stats(&st);
    EQ(st.tcp_pending, 1);
    usernet_tcp_connected(h->id, 1);
    uint8_t *r = take();
    CHECK(r && rd32(r + 26) == REMOTE && rd16(TCPH(r)) == 80 && TCPH(r)[13] == (TH_SYN | TH_ACK) &&
          rd32(TCPH(r) + 8) == iss + 1);
    s = r ? rd32(TCPH(r) + 4) : 0;
    send_tcp(REMOTE, 40000, 80, iss + 1, s + 1, TH_ACK, NULL, 0);
    usernet_get_stats(&st);
    CHECK(st.tcp_open == 1 && st.tcp_pending == 0 && st.tcp_pcbs == 1);

    const char *req = "GET / HTTP/1.0\r\nHost: example.com\r\n\r\n";
    uint32_t rl = (uint32_t)strlen(req);
    send_tcp(REMOTE, 40000, 80, iss + 1, s + 1, TH_ACK | TH_PSH, req, rl);
    CHECK(h->ndata == rl && !memcmp(h->data, req, rl));
    for (int i = 0; i < 2; i++) { /* the delayed ACK */
        now += 250;
        usernet_poll();
    }
    r = take();
    CHECK(r && TCPH(r)[13] == TH_ACK && rd32(TCPH(r) + 8) == iss + 1 + rl);
    const char *resp = "HTTP/1.0 200 OK\r\n\r\nhello";
    uint32_t sl = (uint32_t)strlen(resp);
    EQ(usernet_tcp_send(h->id, (const uint8_t *)resp, sl), sl);
    r = take();
    CHECK(r && !memcmp(TCPDATA(r), resp, sl) && rd32(TCPH(r) + 4) == s + 1);

    printf("TCP: no ACK from the guest -> retransmission\n");
    for (int i = 0; i < 40 && !nout; i++) {
        now += 250;
        usernet_poll();
    }
    r = take();
    CHECK(r && !memcmp(TCPDATA(r), resp, sl) && rd32(TCPH(r) + 4) == s + 1);
    send_tcp(REMOTE, 40000, 80, iss + 1 + rl, s + 1 + sl, TH_ACK, NULL, 0);

    usernet_tcp_shutdown(h->id);
    r = take();
    CHECK(r && (TCPH(r)[13] & TH_FIN) && rd32(TCPH(r) + 4) == s + 1 + sl);
    EQ(usernet_tcp_send(h->id, (const uint8_t *)"late", 4), 0); /* after shutdown */
    send_tcp(REMOTE, 40000, 80, iss + 1 + rl, s + 2 + sl, TH_ACK | TH_FIN, NULL, 0);
    r = take();
    CHECK(h->eof == 1 && h->closed == 1 && h->reset == 0 && r && TCPH(r)[13] == TH_ACK &&
          rd32(TCPH(r) + 8) == iss + 2 + rl);
    usernet_get_stats(&st);
    CHECK(st.tcp_open == 0 && st.tcp_pcbs == 1); /* TIME_WAIT */
    uint32_t dead = h->id;
    EQ(usernet_tcp_send(dead, (const uint8_t *)"x", 1), 0);
    usernet_tcp_abort(dead);
    usernet_tcp_consumed(dead, 1);
    EQ(nout, 0);

    printf("TCP: the same ports again while lwIP holds the old connection in TIME-WAIT\n");
    h = tcp_open(40000, 90000, &s);
    CHECK(!h || h->id != dead);
    usernet_get_stats(&st);
    CHECK(st.tcp_open == 1 && st.tcp_pcbs == 1);
    if (h)
        usernet_tcp_abort(h->id);
    nout = 0;

    printf("TCP: guest FIN first, then the host's\n");
    h = tcp_open(40010, 7000, &s);
    if (h) {
        send_tcp(REMOTE, 40010, 80, 7001, s + 1, TH_ACK | TH_FIN, NULL, 0);
        r = take();
        CHECK(h->eof == 1 && !h->closed && r && rd32(TCPH(r) + 8) == 7002);
        EQ(usernet_tcp_send(h->id, (const uint8_t *)"bye", 3), 3); /* half-closed: the host still sends */
        r = take();
        CHECK(r && !memcmp(TCPDATA(r), "bye", 3));
        usernet_tcp_shutdown(h->id);
        CHECK(h->closed == 1 && h->reset == 0);
        r = take();
        CHECK(r && (TCPH(r)[13] & TH_FIN));
        send_tcp(REMOTE, 40010, 80, 7002, s + 5, TH_ACK, NULL, 0);
        EQ(nout, 0);
    }
}

static void test_tcp_refused(void)
{
    printf("TCP: the host cannot connect -> RST; connect timeout -> RST and tcp_closed\n");
    send_tcp(REMOTE, 40001, 81, 5000, 0, TH_SYN, NULL, 0);
    hconn *h = &hc[(nhc - 1) % 32];
    usernet_tcp_connected(h->id, 0);
    uint8_t *r = take();
    CHECK(r && (TCPH(r)[13] & (TH_RST | TH_ACK)) == (TH_RST | TH_ACK) && rd32(TCPH(r) + 8) == 5001 &&
          rd32(r + 26) == REMOTE && rd16(TCPH(r)) == 81);
    EQ(h->closed, 0); /* the host ended it itself */
    usernet_tcp_connected(h->id, 1); /* dead id */
    EQ(nout, 0);

    send_tcp(REMOTE, 40002, 82, 6000, 0, TH_SYN, NULL, 0);
    h = &hc[(nhc - 1) % 32];
    for (int i = 0; i < 130 && !nout; i++) {
        now += 1000;
        usernet_poll();
    }
    r = take();
    CHECK(r && (TCPH(r)[13] & TH_RST) && rd32(TCPH(r) + 8) == 6001 && h->closed == 1 && h->reset == 1);

    printf("TCP: bad checksum on a SYN -> dropped, no connect\n");
    int conns = nhc;
    size_t n = tcp_frame(f, G, 40003, REMOTE, 80, 1, 0, TH_SYN, 64240, NULL, 0);
    f[14 + 20 + 16] ^= 1;
    usernet_input(f, n);
    CHECK(nout == 0 && nhc == conns);
    printf("TCP: ACK for no connection -> RST from lwIP\n");
    send_tcp(REMOTE, 40004, 80, 1, 12345, TH_ACK, NULL, 0);
    r = take();
    CHECK(r && (TCPH(r)[13] & TH_RST) && rd32(TCPH(r) + 4) == 12345);
}

/* A guest segment to REMOTE:80 with `olen` (a multiple of 4) bytes of TCP options. */
static void send_tcp_opts(uint16_t sport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const uint8_t *opt,
                          size_t olen)
{
    uint8_t t[60] = {0};
    wr16(t, sport);
    wr16(t + 2, 80);
    wr32(t + 4, seq);
    wr32(t + 8, ack);
    t[12] = (uint8_t)((20 + olen) / 4 << 4), t[13] = flags;
    wr16(t + 14, wnd);
    if (olen)
        memcpy(t + 20, opt, olen);
    wr16(t + 16, inet_fold(inet_sum(t, 20 + olen, inet_pseudo(G, REMOTE, 6, 20 + olen))));
    usernet_input(f, ipv4_frame(f, G, REMOTE, 6, t, 20 + olen));
}

/* A guest SYN with an MSS of 1460 and window scale `shift` (RFC 7323 2.2). */
static void send_syn_scaled(uint16_t sport, uint32_t seq, uint8_t shift)
{
    const uint8_t opt[8] = {2, 4, 1460 >> 8, 1460 & 255, 1, 3, 3, shift}; /* MSS, NOP, window scale */
    send_tcp_opts(sport, seq, 0, TH_SYN, 65535, opt, sizeof(opt));
}

static void test_tcp_early_fin(void)
{
    printf("TCP: the host's data and FIN before the guest's handshake ACK, a zero window, then a scaled one of "
           "64 KiB (lwIP 2.1.3's congestion window after SYN_RCVD)\n");
    static const char msg[] = "hello, and goodbye";
    uint32_t n = sizeof(msg) - 1, iss = 3000;
    send_syn_scaled(40040, iss, 14);
    hconn *h = &hc[(nhc - 1) % 32];
    usernet_tcp_connected(h->id, 1);
    uint8_t *r = take();
    CHECK(r && TCPH(r)[13] == (TH_SYN | TH_ACK));
    uint32_t s = r ? rd32(TCPH(r) + 4) : 0;
    EQ(usernet_tcp_send(h->id, (const uint8_t *)msg, n), n);
    usernet_tcp_shutdown(h->id);
    EQ(nout, 0); /* nothing before the handshake */
    usernet_input(f, tcp_frame(f, G, 40040, REMOTE, 80, iss + 1, s + 1, TH_ACK, 0, NULL, 0)); /* window 0 */
    for (int i = 0; i < 8; i++) { /* the persist timer: probes */
        now += 250;
        usernet_poll();
    }
    nout = 0;
    usernet_input(f, tcp_frame(f, G, 40040, REMOTE, 80, iss + 1, s + 1, TH_ACK, 4, NULL, 0)); /* 4 << 14 */
    for (int i = 0; i < 40; i++) { /* lwIP would assert here ("Can't split segment into length 0") */
        now += 250;
        usernet_poll();
    }
    int data = 0, fin = 0;
    for (int i = 0; i < nout; i++) {
        uint8_t *o = outq[i];
        uint32_t dl = rd16(o + 16) - 20 - (TCPH(o)[12] >> 4) * 4u;
        data |= rd32(TCPH(o) + 4) == s + 1 && dl == n && !memcmp(TCPDATA(o), msg, n);
        fin |= (TCPH(o)[13] & TH_FIN) && rd32(TCPH(o) + 4) + dl == s + 1 + n;
    }
    CHECK(data && fin);
    usernet_tcp_abort(h->id);
    nout = 0;
}

static void test_tcp_flow(const tconn *t)
{
    hconn *h = t->h;
    uint32_t s = t->iss;
    /* Guest -> host, the host not consuming: the window shrinks, then reopens. */
    static uint8_t blob[100000];
    for (size_t i = 0; i < sizeof(blob); i++)
        blob[i] = (uint8_t)(i * 7);
    consume = 0;
    uint32_t seq = t->seq;
    for (int i = 0; i < 6; i++, seq += 1460)
        send_tcp(REMOTE, t->port, 80, seq, s + 1, TH_ACK, blob + (seq - t->seq), 1460);
    now += 500;
    usernet_poll();
    CHECK(nout >= 1);
    uint8_t *r = nout ? outq[nout - 1] : NULL;
    uint32_t wnd = r ? (uint32_t)rd16(TCPH(r) + 14) : 0; /* (no window scaling: the SYN had no option) */
    CHECK(r && rd32(TCPH(r) + 8) == seq && wnd < 65535 - 6 * 1460 + 1460);
    nout = 0;
    CHECK(h->ndata == 6 * 1460 && !memcmp(h->data, blob, 6 * 1460));
    usernet_tcp_consumed(h->id, 6 * 1460 + 1); /* more than it got: ignored */
    EQ(nout, 0);
    usernet_tcp_consumed(h->id, 6 * 1460);
    r = take(); /* the window update */
    CHECK(r && rd16(TCPH(r) + 14) > wnd);
    consume = 1;

    /* Host -> guest: 100000 bytes offered, the send buffer takes 64 KiB; the
     * guest's ACKs make room and tcp_writable asks for more. */
    size_t took = usernet_tcp_send(h->id, blob, sizeof(blob));
    CHECK(took > 0 && took <= 65536);
    size_t got = 0;
    int rounds = 0;
    while (got < sizeof(blob) && rounds++ < 200) {
        for (int i = 0; i < nout; i++) {
            uint8_t *o = outq[i];
            size_t dl = rd16(o + 16) - 20 - (TCPH(o)[12] >> 4) * 4;
            if (rd32(TCPH(o) + 4) == s + 1 + got && !memcmp(TCPDATA(o), blob + got, dl))
                got += dl;
        }
        nout = 0;
        send_tcp(REMOTE, t->port, 80, seq, s + 1 + (uint32_t)got, TH_ACK, NULL, 0);
        if (h->writable && took < sizeof(blob)) {
            h->writable = 0;
            took += usernet_tcp_send(h->id, blob + took, sizeof(blob) - took);
        }
        now += 10;
        usernet_poll();
    }
    CHECK(got == sizeof(blob) && took == sizeof(blob));
    usernet_tcp_abort(h->id);
    r = take();
    CHECK(r && (TCPH(r)[13] & TH_RST) && h->closed == 0);
}

static void test_late_mss(const tconn *t)
{
    hconn *h = t->h;
    uint32_t s = t->iss;
    static const uint8_t mss64[4] = {2, 4, 0, 64};
    static uint8_t blob[1460];
    memset(blob, 'm', sizeof(blob));
    send_tcp(REMOTE, t->port, 80, t->seq, s + 1, TH_ACK | TH_PSH, "z", 1);
    send_tcp_opts(t->port, t->seq + 1, s + 1, TH_ACK, 100, NULL, 0); /* a window of 100 bytes */
    now += 250;
    usernet_poll(); /* the delayed ACK of "z" */
    nout = 0;
    EQ(usernet_tcp_send(h->id, blob, sizeof(blob)), sizeof(blob));
    EQ(nout, 0); /* the segment does not fit: the persist timer runs */
    send_tcp_opts(t->port, t->seq + 1, s + 1, TH_ACK, 100, mss64, sizeof(mss64));
    for (int i = 0; i < 40 && !nout; i++) { /* lwIP would assert here ("split <= mss") */
        now += 250;
        usernet_poll();
    }
    uint8_t *r = take(); /* the segment's head, split to the window */
    CHECK(r && rd32(TCPH(r) + 4) == s + 1 && rd16(r + 16) == 20 + 20 + 100 && TCPDATA(r)[0] == 'm');
    usernet_tcp_abort(h->id);
    nout = 0;
}

static void test_zero_window(const tconn *t)
{
    hconn *h = t->h;
    uint32_t s = t->iss;
    send_tcp(REMOTE, t->port, 80, t->seq, s + 1, TH_ACK | TH_PSH, "z", 1);
    usernet_input(f, tcp_frame(f, G, t->port, REMOTE, 80, t->seq + 1, s + 1, TH_ACK, 0, NULL, 0)); /* window 0 */
    now += 250;
    usernet_poll(); /* the delayed ACK of "z" */
    nout = 0;
    EQ(usernet_tcp_send(h->id, (const uint8_t *)"!", 1), 1);
    EQ(nout, 0); /* no room: the persist timer runs */
    for (int i = 0; i < 40 && !nout; i++) {
        now += 250;
        usernet_poll();
    }
    uint8_t *r = take(); /* the probe: the byte itself */
    CHECK(r && rd32(TCPH(r) + 4) == s + 1 && rd16(r + 16) == 20 + 20 + 1 && TCPDATA(r)[0] == '!');
    send_tcp(REMOTE, t->port, 80, t->seq + 1, s + 2, TH_ACK, NULL, 0); /* the window opened: the byte is taken */
    for (int i = 0; i < 40; i++) { /* lwIP would assert here ("persist ticking with empty send buffer") */
        now += 250;
        usernet_poll();
    }
    EQ(nout, 0);
    EQ(usernet_tcp_send(h->id, (const uint8_t *)"ok", 2), 2);
    r = take();
    CHECK(r && rd32(TCPH(r) + 4) == s + 2 && !memcmp(TCPDATA(r), "ok", 2));
    usernet_tcp_abort(h->id);
    nout = 0;
}

/* Re-entrancy: host calls from inside callbacks. */
static uint32_t pending_id, abort_id;
static int hook_input_ok;

static void hook(uint32_t id)
{
    usernet_stats a, b;
    usernet_get_stats(&a);
    usernet_input(f, arp_frame(f, G, USERNET_HOST_IP)); /* ignored in a callback */
    usernet_close();                                    /* ignored in a callback */
    usernet_get_stats(&b);
    hook_input_ok = a.frames_in == b.frames_in && b.tcp_open == a.tcp_open;
    if (pending_id) {
        usernet_tcp_connected(pending_id, 1); /* the SYN is fed after the frame */
        pending_id = 0;
    }
    if (id == abort_id)
        usernet_tcp_abort(id);
}

static void test_reentry(const tconn *t)
{
    hconn *b = t->h;
    uint32_t s = t->iss;
    send_tcp(REMOTE, 40031, 443, 900, 0, TH_SYN, NULL, 0);
    hconn *a = &hc[(nhc - 1) % 32];
    CHECK(a->connects && a->port == 443 && nout == 0);
    pending_id = a->id;
    data_hook = hook;
    send_tcp(REMOTE, t->port, 80, t->seq, s + 1, TH_ACK | TH_PSH, "ping", 4);
    data_hook = NULL;
    CHECK(hook_input_ok && b->ndata == 4 && pending_id == 0);
    int synack = 0;
    for (int i = 0; i < nout; i++)
        synack |= rd16(TCPH(outq[i])) == 443 && TCPH(outq[i])[13] == (TH_SYN | TH_ACK) &&
                  rd32(TCPH(outq[i]) + 8) == 901;
    CHECK(synack);
    nout = 0;

    abort_id = b->id;
    data_hook = hook;
    send_tcp(REMOTE, t->port, 80, t->seq + 4, s + 1, TH_ACK | TH_PSH, "more", 4);
    data_hook = NULL;
    int rst = 0;
    for (int i = 0; i < nout; i++)
        rst |= rd16(TCPH(outq[i]) + 2) == t->port && (TCPH(outq[i])[13] & TH_RST);
    CHECK(rst && b->closed == 0);
    nout = 0;
    usernet_tcp_abort(a->id);
    nout = 0;
}

static void test_udp(void)
{
    printf("UDP: to the host and back, a reply in IP fragments\n");
    send_udp(G, 7777, USERNET_IP(1, 2, 3, 4), 9999, "hi there", 8);
    CHECK(udp_sport == 7777 && udp_ip == USERNET_IP(1, 2, 3, 4) && udp_dport == 9999 && udp_len == 8 &&
          !memcmp(udp_got, "hi there", 8));
    usernet_udp_recv(USERNET_IP(1, 2, 3, 4), 9999, 7777, (const uint8_t *)"pong", 4);
    uint8_t *r = take();
    CHECK(r && rd32(r + 26) == USERNET_IP(1, 2, 3, 4) && rd16(r + 34) == 9999 && rd16(r + 36) == 7777 &&
          rd32(r + 30) == G && !memcmp(r + 42, "pong", 4));
    static uint8_t big[65508];
    for (size_t i = 0; i < 4000; i++)
        big[i] = (uint8_t)i;
    usernet_udp_recv(USERNET_IP(1, 2, 3, 4), 9999, 7777, big, 4000);
    size_t total = 0;
    int ok = nout == 3;
    for (int i = 0; i < nout; i++) {
        ok &= frame_ok(outq[i], outlen[i]) && rd16(outq[i] + 14 + 4) == rd16(outq[0] + 14 + 4);
        total += rd16(outq[i] + 16) - 20u;
    }
    CHECK(ok && total == 8 + 4000);
    nout = 0;
    usernet_udp_recv(USERNET_IP(1, 2, 3, 4), 9999, 7777, big, 65508); /* too large: dropped */
    EQ(nout, 0);
    udp_len = 0;
    send_udp(G, 68, 0xffffffffu, 9999, "bc", 2); /* broadcast other than DHCP: dropped */
    EQ(udp_len, 0);
}

static void test_forward(void)
{
    printf("hostfwd: host -> guest port 8080, accepted; port 8081 refused\n");
    uint32_t id = usernet_tcp_forward(8080);
    hnew(id);
    uint8_t *r = take();
    CHECK(id && r && rd32(r + 26) == USERNET_HOST_IP && rd32(r + 30) == G && rd16(TCPH(r) + 2) == 8080 &&
          TCPH(r)[13] == TH_SYN);
    if (r) {
        uint16_t sp = rd16(TCPH(r));
        uint32_t s = rd32(TCPH(r) + 4);
        EQ(usernet_tcp_send(id, (const uint8_t *)"early", 5), 5); /* waits for the handshake */
        EQ(nout, 0);
        usernet_input(f, tcp_frame(f, G, 8080, USERNET_HOST_IP, sp, 7000, s + 1, TH_SYN | TH_ACK, 64240, NULL, 0));
        CHECK(hget(id)->ready == 1 && nout >= 1);
        int data = 0;
        for (int i = 0; i < nout; i++)
            data |= rd32(TCPH(outq[i]) + 8) == 7001 && !memcmp(TCPDATA(outq[i]), "early", 5);
        CHECK(data);
        nout = 0;
        usernet_input(f, tcp_frame(f, G, 8080, USERNET_HOST_IP, sp, 7001, s + 6, TH_ACK | TH_PSH, 64240, "hi", 2));
        CHECK(hget(id)->ndata == 2 && !memcmp(hget(id)->data, "hi", 2));
        nout = 0;
        usernet_tcp_abort(id);
        nout = 0;
    }
    id = usernet_tcp_forward(8081);
    hnew(id);
    r = take();
    if (r) {
        uint16_t sp = rd16(TCPH(r));
        uint32_t s = rd32(TCPH(r) + 4);
        usernet_input(f, tcp_frame(f, G, 8081, USERNET_HOST_IP, sp, 0, s + 1, TH_RST | TH_ACK, 0, NULL, 0));
    }
    CHECK(r && hget(id)->closed == 1 && hget(id)->reset == 1 && hget(id)->ready == 0);
    EQ(usernet_tcp_forward(0), 0);
}

static void test_bad_frames(void)
{
    printf("malformed frames: dropped and counted\n");
    usernet_stats a, b;
    usernet_get_stats(&a);
    uint8_t junk[64] = {0};
    usernet_input(junk, 10);                           /* shorter than an Ethernet header */
    usernet_input(f, USERNET_FRAME_MAX + 1);           /* too long */
    eth_hdr(junk, NET_MAC, 0x86dd);                    /* IPv6 */
    usernet_input(junk, 60);
    size_t n = udp_frame(f, G, 1, REMOTE, 2, "x", 1);
    f[14] = 0x65; /* IP version 6 */
    usernet_input(f, n);
    n = udp_frame(f, G, 1, REMOTE, 2, "x", 1);
    wr16(f + 16, 200); /* total length past the frame */
    usernet_input(f, n);
    n = ipv4_frame(f, G, USERNET_IP(224, 0, 0, 1), 17, junk, 20); /* multicast */
    usernet_input(f, n);
    usernet_input(NULL, 60);
    usernet_get_stats(&b);
    CHECK(nout == 0 && b.frames_bad == a.frames_bad + 6 && b.frames_in == a.frames_in + 6);
}

static void test_close_reopen(void)
{
    printf("close with connections open, reopen, old ids dead\n");
    uint32_t s;
    hconn *h = tcp_open(40040, 50, &s);
    send_tcp(REMOTE, 40041, 80, 60, 0, TH_SYN, NULL, 0); /* one pending too */
    send_dns(99, "pending.example", 1);
    uint32_t old = h ? h->id : 0;
    nout = 0;
    int closed = h ? h->closed : 0;
    usernet_close();
    usernet_close(); /* twice: no-op */
    usernet_stats st;
    usernet_get_stats(&st);
    CHECK(nout == 0 && st.tcp_open == 0 && st.frames_in == 0 && (!h || h->closed == closed));
    usernet_input(f, arp_frame(f, G, USERNET_HOST_IP)); /* closed: nothing */
    EQ(usernet_tcp_forward(80), 0);
    usernet_poll();
    EQ(nout, 0);

    usernet_host bad = host;
    bad.tcp_eof = NULL;
    EQ(usernet_init(&bad, NET_MAC), -1);
    now += 123456789; /* a new clock */
    EQ(usernet_init(&host, NET_MAC), 0);
    CHECK(take() != NULL); /* gratuitous ARP */
    usernet_get_stats(&st);
    CHECK(st.tcp_pcbs == 0 && st.tcp_pending == 0 && st.dns_pending == 0);
    EQ(usernet_tcp_send(old, (const uint8_t *)"x", 1), 0);
    usernet_input(f, arp_frame(f, G, USERNET_HOST_IP));
    CHECK(take() != NULL);
    h = tcp_open(40040, 50, &s);
    CHECK(!h || h->id != old);
    if (h) {
        EQ(usernet_tcp_send(h->id, (const uint8_t *)"again", 5), 5);
        uint8_t *r = take();
        CHECK(r && !memcmp(TCPDATA(r), "again", 5));
    }
    for (int i = 0; i < 40 && !nout; i++) { /* the timers run on the new clock */
        now += 250;
        usernet_poll();
    }
    CHECK(nout >= 1); /* the unacknowledged "again" again */
    nout = 0;
}

int main(void)
{
    if (usernet_init(&host, NET_MAC) != 0) {
        printf("usernet_init failed\n");
        return 1;
    }
    test_init();
    test_arp();
    test_icmp();
    test_dhcp();
    test_dns();
    test_tcp();
    test_tcp_refused();
    test_tcp_early_fin();
    with_conn("TCP: flow control both ways", 40020, test_tcp_flow);
    with_conn("TCP: zero window, a 1-byte probe the guest acknowledges (lwIP 2.1.3's persist timer)", 40025,
              test_zero_window);
    with_conn("TCP: an MSS option after the SYN is not taken (lwIP 2.1.3 would, then fail its persist split)", 40027,
              test_late_mss);
    with_conn("callbacks: input and close ignored inside, connect answered inside, abort inside", 40030,
              test_reentry);
    test_udp();
    test_forward();
    test_bad_frames();
    test_close_reopen();
    usernet_close();
    EQ(unknown_ids, 0);
    EQ(out_overflow, 0);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
