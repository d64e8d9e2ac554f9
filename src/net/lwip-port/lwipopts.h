/* lwIP 2.1 options of wvm's user-mode networking (src/net/usernet.c): no OS
 * (NO_SYS, raw API only), IPv4 over Ethernet with ARP, ICMP echo, UDP and TCP.
 * lwIP's own defaults are in lwip/opt.h; what is set here is what differs. */
#ifndef WVM_LWIPOPTS_H
#define WVM_LWIPOPTS_H

/* No OS, no threads: usernet's calls (from the machine's run loop) are the only
 * way in; sys_check_timeouts() runs from usernet_poll(), sys_now() is usernet's. */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_TIMERS 1

/* What the stack does. The DHCP server and the DNS answers are usernet's (lwIP
 * has a DHCP client and a DNS client only). */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1 /* one raw pcb takes all UDP: any port, after reassembly */
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_SINGLE_NETIF 1
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_STATS 0
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_CHECKSUM_ON_COPY 1
#define LWIP_NETIF_TX_SINGLE_PBUF 1 /* every frame handed to the device is one buffer */
#define ETH_PAD_SIZE 0
#define ARP_QUEUEING 1
#define ARP_TABLE_SIZE 4 /* the guest, and whatever else answers on the wire */
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_REASS_MAX_PBUFS 64
/* A DHCPDISCOVER comes from 0.0.0.0: let UDP to port 67 through ip4_input's
 * source address check. */
#define LWIP_IP_ACCEPT_UDP_PORT(port) ((port) == PP_NTOHS(67))

/* Memory: one fixed heap and fixed pools (static arrays, about 2.2 MiB in all),
 * so a hostile guest cannot make the stack take more: past them, frames and
 * connections are refused and the guest retransmits. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8
#define MEM_SIZE (2 * 1024 * 1024)
#define MEMP_NUM_PBUF 256
#define MEMP_NUM_UDP_PCB 4
#define MEMP_NUM_TCP_PCB 256 /* connections at once, TIME_WAIT ones included */
#define MEMP_NUM_TCP_PCB_LISTEN 2
#define MEMP_NUM_TCP_SEG 2048
#define MEMP_NUM_REASSDATA 8
#define MEMP_NUM_FRAG_PBUF 64
#define MEMP_NUM_ARP_QUEUE 64
#define PBUF_POOL_SIZE 0 /* frames in are PBUF_RAM copies */

/* TCP: the link to the guest is lossless and has no delay; the windows bound
 * how much each connection holds in each direction. */
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2
/* Guest -> host bytes held per connection; 126 KiB, not 128, so that tcp.c's
 * LWIP_MIN(TCP_WND / 2, pcb->mss) stays within a u16 (clang warns otherwise). */
#define TCP_WND (126 * 1024)
#define TCP_SND_BUF (64 * 1024) /* host -> guest bytes held per connection */
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
/* Out-of-order data kept per connection: with 64 KiB, uploads over a link
 * losing 1% of frames crawled (0.3-0.6 MiB/s against 50-59 MiB/s). */
#define TCP_OOSEQ_MAX_BYTES TCP_WND
#define TCP_OOSEQ_MAX_PBUFS 256
#define TCP_LISTEN_BACKLOG 0
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_TCP_PCB_NUM_EXT_ARGS 1 /* passive_open: usernet sees each pcb at SYN time */
#define TCP_OVERSIZE TCP_MSS

#endif
