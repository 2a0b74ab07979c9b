/* SPDX-License-Identifier: BSD-3-Clause */
/* Types shared by lib/tcp and its callers (lib/load, app, tests); the
 * segment types the wire and the stack exchange are lib/net's (tcp-wire.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "tcp-wire.h"

enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
	TCP_STATE_COUNT,
};

enum tcp_close_reason {
	TCP_CLOSE_NORMAL,      /* FIN exchange completed */
	TCP_CLOSE_RESET,       /* the peer sent RST */
	TCP_CLOSE_REFUSED,     /* RST in answer to our SYN */
	TCP_CLOSE_TIMEOUT,     /* retransmission retries exhausted */
	TCP_CLOSE_SYN_TIMEOUT, /* SYN retries exhausted */
	TCP_CLOSE_ABORTED,     /* tcp_abort() by the application */
	TCP_CLOSE_REASON_COUNT,
};

enum tcp_time_wait_policy {
	TCP_TW_2MSL,  /* honour TIME_WAIT for 2 * msl_us */
	TCP_TW_RESET, /* close with RST instead of entering TIME_WAIT (frees the port at once) */
	/* Linux's tcp_tw_reuse: a connection that closed first with timestamps on
	 * holds TIME_WAIT tw_reuse_us (1 s), then its port may carry a new
	 * connection, whose larger TSvals let PAWS (ours and the peer's) tell
	 * its segments from the old one's (RFC 6191). Without timestamps, 2MSL. */
	TCP_TW_REUSE,
};

struct tcp_params {
	uint32_t max_conns;      /* connection table capacity */
	uint32_t local_addr;     /* host order */
	uint16_t n_local_addrs;  /* client: local_addr .. local_addr + n - 1; 0 = 1 */
	/* IPv6: the stack also takes IPv6 segments (a server answers both
	 * families), and its client connections are IPv6 ones from
	 * local_ip6 .. local_ip6 + n_local_addrs - 1 (the low 32 bits count).
	 * Off, the stack is IPv4 only and keeps no IPv6 address anywhere. */
	bool ip6;
	struct net_ip6 local_ip6;
	uint16_t port_min;       /* local port range [port_min, port_max] */
	uint16_t port_max;
	uint16_t port_step;      /* use every port_step-th port (flow steering); 0 = 1 */
	uint16_t port_offset;    /* first port = port_min + port_offset */
	uint16_t mss;            /* our MSS (MTU - 40) */
	uint32_t rcv_wnd;        /* bytes advertised */
	uint8_t wscale;          /* our window scale shift */
	uint32_t rto_init_us;    /* initial RTO, RFC 6298: 1 s */
	uint32_t rto_min_us;     /* Linux uses 200 ms */
	uint32_t rto_max_us;     /* 60 s at most */
	uint8_t max_retries;     /* data retransmissions before giving up */
	uint8_t syn_retries;     /* SYN retransmissions before giving up */
	uint32_t delack_us;      /* delayed ACK timeout; 0 = ACK every segment */
	uint32_t msl_us;         /* TIME_WAIT lasts 2 * msl_us */
	enum tcp_time_wait_policy tw_policy;
	uint32_t tw_reuse_us;    /* TCP_TW_REUSE: TIME_WAIT held this long (1 s) */
	uint32_t ooo_max_segs;   /* out-of-order queue bound (segments per stack) */
	uint32_t ooo_max_per_conn; /* and per connection, so one cannot take the pool; 0 = no cap */
	uint32_t tick_us;        /* timing wheel granularity */
	/* RFC 6528 ISN: a keyed hash (SipHash) of the 4-tuple plus a 4 us clock.
	 * A random key per run keeps runs out of each other's sequence space;
	 * the same key and clock give the same ISN (tests). */
	uint8_t isn_key[16];
	/* The free queue starts at this (address, port) slot (mod the table
	 * size): a random value per run and worker, so consecutive runs do not
	 * start on the same ports. Ports then rotate oldest-freed first. */
	uint32_t first_slot;
	/* RFC 7323 timestamps, offered in our SYN and used when the peer agrees.
	 * TSval = now / 1000 + ts_offset_ms: a millisecond clock. The run sets the
	 * offset from the host's boot time (tcp_params_host_clock), so values grow
	 * across runs and a server's TIME_WAIT accepts a reused 4-tuple (RFC 6191). */
	bool timestamps;
	uint32_t ts_offset_ms;
	/* RFC 2018 receiver side: SACK-permitted offered, and SACK blocks from the
	 * out-of-order queue in our ACKs, so a sender under loss resends only the
	 * holes. (No sender scoreboard: our sends are small requests.) */
	bool sack;
	/* RFC 8985 tail loss probe: when the tail of a flight is not acked for
	 * 2 SRTT (plus tlp_ack_delay_us when one segment is in flight: the peer
	 * may be delaying its ACK), send one probe, if that comes before the RTO */
	bool tlp;
	uint32_t tlp_ack_delay_us;
	/* server role (tcp_listen) */
	uint32_t max_half_open;  /* SYN_RCVD connections at most; 0 = table capacity */
	uint8_t synack_retries;  /* SYN-ACK retransmissions before a half-open one is dropped */
	/* RFC 5961 7: challenge ACKs sent per second at most, per stack; 0 = no limit */
	uint32_t challenge_acks_per_s;
};

/* Counters; a counter for every drop reason and every retransmission. */
struct tcp_stats {
	uint64_t rx_segs, tx_segs, rx_bytes, tx_bytes;
	uint64_t conn_attempts, conn_established, conn_closed;
	uint64_t conn_reset_rx, conn_refused, conn_timeout, conn_syn_timeout, conn_aborted;
	uint64_t rst_tx;
	uint64_t retrans_rto, retrans_fast, retrans_syn, retrans_bytes;
	uint64_t dup_acks, persist_probes, delayed_acks;
	uint64_t ooo_queued, ooo_drop_full;
	uint64_t drop_no_conn, drop_bad_seq, drop_bad_ack, drop_dup_data, drop_bad_flags;
	uint64_t tx_fail;
	/* RFC 793/5961 checks, out-of-order queue, RTT, FIN_WAIT_2 and TIME_WAIT (docs/tcp.md) */
	uint64_t drop_bad_rst;    /* RST ignored: outside the window, or no good ACK in SYN_SENT */
	uint64_t drop_after_fin;  /* payload after the peer's FIN */
	uint64_t ooo_drop_dup;    /* out-of-order segment already queued */
	uint64_t ooo_delivered;   /* queued segments later delivered in order */
	uint64_t rtt_samples;     /* RTT measurements taken (Karn-filtered) */
	uint64_t challenge_acks;  /* ACKs sent for a SYN in a synchronized state */
	uint64_t fin_wait_2_timeout; /* FIN_WAIT_2 idle timeouts (reason TIMEOUT) */
	uint64_t time_wait_entered, time_wait_reset; /* 2MSL entered / RST instead */
	uint64_t time_wait_reused; /* connections on a port whose TIME_WAIT was cut short
				    * (TCP_TW_REUSE), opened before its 2MSL ended */
	/* server role (see docs/tcp.md) */
	uint64_t syn_rx;           /* SYNs that opened a half-open (SYN_RCVD) connection */
	uint64_t conn_accepted;    /* passive handshakes completed (also in conn_established) */
	uint64_t syn_drop_backlog; /* SYNs dropped: max_half_open reached */
	uint64_t syn_drop_full;    /* SYNs dropped: no free table entry */
	uint64_t retrans_synack;   /* SYN-ACKs sent again (timer, or a duplicate SYN) */
	uint64_t synack_timeout;   /* half-open connections dropped after synack_retries */
	uint64_t half_open_reset;  /* half-open connections ended by the peer's RST */
	uint64_t syn_tw_reuse;     /* SYNs that ended a TIME_WAIT of the same 4-tuple */
	uint64_t drop_paws;        /* segments with an older timestamp (RFC 7323 PAWS) */
	uint64_t challenge_acks_limited; /* challenge ACKs not sent: over challenge_acks_per_s */
	uint64_t ooo_drop_conn;    /* out-of-order segments dropped: ooo_max_per_conn reached */
	uint64_t sack_acks;        /* ACKs sent with SACK blocks */
	uint64_t syn_again;        /* SYNs sent again at once after resetting the peer's old state */
	uint64_t tlp_probes;       /* tail loss probes sent (RFC 8985) */
};

/* Snapshot of one connection, for tests, traces and telemetry. */
struct tcp_conn_info {
	enum tcp_state state;
	uint32_t snd_una, snd_nxt, snd_max, rcv_nxt;
	uint32_t snd_wnd;      /* peer window, scaled */
	uint32_t cwnd, ssthresh;
	uint32_t srtt_us, rttvar_us, rto_us; /* srtt 0 = no sample yet */
	uint16_t mss;          /* effective send MSS */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t retries, dupacks;
	bool in_recovery, persist, fin_queued;
	bool timestamps, sack;  /* negotiated with the peer (RFC 7323, RFC 2018) */
	uint64_t acked;        /* send-stream bytes acknowledged */
	uint64_t queued;       /* send-stream bytes queued by tcp_send (total) */
	uint32_t ooo_segs;     /* segments waiting in the out-of-order queue */
};
