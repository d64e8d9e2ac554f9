/* User-mode networking on a machine (core/netuser.c): wvm_net_user's rules
 * (a network device first, one machine per process, freed by wvm_destroy),
 * guest frames becoming host events (wvm_net_take_event) with their data,
 * and the wvm_net_* answers doing nothing on a machine without it. Guest
 * frames are fed to the stack as virtio-net's transmit queue would. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/machine.h"
#include "netframes.h"

static wvm_machine *machine_with_net(int user)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    wvm_machine *m = wvm_create(WVM_ARCH_RISCV64, 16, 1, WVM_BIOS_NONE);
    EQ(wvm_add_net(m, mac), 0);
    if (user)
        EQ(wvm_net_user(m), 0);
    return m;
}

/* Send a guest frame through the device's transmit callback. */
static void guest_sends(wvm_machine *m, const uint8_t *f, size_t n) { EQ(m->net.tx(m->net.opaque, f, n), 0); }

int main(void)
{
    static uint8_t data[WVM_NET_EVENT_DATA_MAX], f[1514];
    wvm_net_event ev;

    wvm_machine *bare = wvm_create(WVM_ARCH_RISCV64, 16, 1, WVM_BIOS_NONE);
    EQ(wvm_net_user(bare), -1); /* no network device */
    EQ(strstr(wvm_last_error(), "network device") != NULL, 1);
    EQ(wvm_net_tcp_forward(bare, 80), 0);
    EQ(wvm_net_take_event(bare, &ev, data, sizeof(data)), 0);
    wvm_net_tcp_connected(bare, 1, 1); /* no-ops */
    EQ(wvm_net_tcp_send(bare, 1, data, 10), 0);

    wvm_machine *a = machine_with_net(1), *b = machine_with_net(0);
    EQ(wvm_net_user(b), -1); /* one per process */
    EQ(strstr(wvm_last_error(), "another machine") != NULL, 1);

    /* A guest SYN to 192.0.2.7:8080 asks the host to connect. */
    size_t n = tcp_frame(f, USERNET_GUEST_IP, 40000, USERNET_IP(192, 0, 2, 7), 8080, 1000, 0, TH_SYN, 65535, NULL, 0);
    guest_sends(a, f, n);
    EQ(wvm_net_take_event(a, &ev, data, 100), 0); /* too little room: nothing taken */
    EQ(wvm_net_take_event(a, &ev, data, sizeof(data)), 1);
    EQ(ev.type, WVM_NET_TCP_CONNECT);
    EQ(ev.ip, USERNET_IP(192, 0, 2, 7));
    EQ(ev.port, 8080);
    EQ(ev.len, 0);
    EQ(ev.id != 0, 1);
    wvm_net_tcp_connected(a, ev.id, 0); /* refused: the guest gets a reset */

    /* A datagram to 192.0.2.9:5000 carries its bytes and source port. */
    n = udp_frame(f, USERNET_GUEST_IP, 33333, USERNET_IP(192, 0, 2, 9), 5000, "datagram", 8);
    guest_sends(a, f, n);
    EQ(wvm_net_take_event(a, &ev, data, sizeof(data)), 1);
    EQ(ev.type, WVM_NET_UDP_SEND);
    EQ(ev.ip, USERNET_IP(192, 0, 2, 9));
    EQ(ev.port, 5000);
    EQ(ev.arg, 33333);
    EQ(ev.len == 8 && !memcmp(data, "datagram", 8), 1);

    /* A DNS query for example.org (RFC 1035 4.1) asks the host to resolve it. */
    static const uint8_t query[] = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
                                    3, 'o', 'r', 'g', 0, 0, 1, 0, 1};
    n = udp_frame(f, USERNET_GUEST_IP, 40001, USERNET_DNS_IP, 53, query, sizeof(query));
    guest_sends(a, f, n);
    EQ(wvm_net_take_event(a, &ev, data, sizeof(data)), 1);
    EQ(ev.type, WVM_NET_DNS_QUERY);
    EQ(ev.arg, 1); /* A */
    EQ(ev.len == 11 && !memcmp(data, "example.org", 11), 1);
    EQ(wvm_net_take_event(a, &ev, data, sizeof(data)), 0); /* nothing else */

    /* Events left untaken are freed with the machine; another may start then. */
    guest_sends(a, f, n);
    wvm_destroy(a);
    EQ(wvm_net_user(b), 0);
    wvm_destroy(b);
    wvm_destroy(bare);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
