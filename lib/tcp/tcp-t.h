/* SPDX-License-Identifier: BSD-3-Clause */
/* Types shared by lib/tcp and its callers (lib/load, app, tests); the
 * segment types the wire and the stack exchange are lib/net's (tcp-wire.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "counter-table.h"
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

/* Counters: one for every drop reason and every retransmission. The list
 * makes struct tcp_stats, tcp_stats_add_diff() and tcp_stats_table. */
#define TCP_STATS(X) \
	X(rx_segs, "rx_segs", "TCP segments received") \
	X(tx_segs, "tx_segs", "TCP segments sent") \
	X(rx_bytes, "rx_bytes", "payload bytes delivered in order") \
	X(tx_bytes, "tx_bytes", "TCP payload bytes sent, retransmissions included") \
	X(conn_attempts, "conn_attempts", "active opens (SYNs sent first)") \
	X(conn_established, "conn_established", "connections that reached ESTABLISHED") \
	X(conn_closed, "conn_closed", "connections ended, any reason") \
	X(conn_reset_rx, "rst_rx", "connections ended by the peer's RST") \
	X(conn_refused, "conn_refused", "active opens answered by RST") \
	X(conn_timeout, "conn_timeout", "connections ended by a timeout") \
	X(conn_syn_timeout, "conn_syn_timeout", "active opens that got no SYN-ACK in time") \
	X(conn_aborted, "conn_aborted", "connections aborted by the local side") \
	X(rst_tx, "rst_tx", "RSTs sent") \
	X(retrans_rto, "retrans_rto", "segments sent again on a retransmission timeout") \
	X(retrans_fast, "retrans_fast", "fast and NewReno retransmissions") \
	X(retrans_syn, "retrans_syn", "SYNs sent again") \
	X(retrans_bytes, "retrans_bytes", "payload bytes sent again") \
	X(dup_acks, "dup_acks", "duplicate ACKs received") \
	X(persist_probes, "persist_probes", "zero-window probes sent") \
	X(delayed_acks, "delayed_acks", "ACKs sent by the delayed-ACK timer") \
	X(ooo_queued, "ooo_queued", "out-of-order segments queued") \
	X(ooo_drop_full, "ooo_drop_full", "out-of-order segments dropped: pool full") \
	X(drop_no_conn, "drop_no_conn", "segments for no connection") \
	X(drop_bad_seq, "drop_bad_seq", "segments outside the receive window") \
	X(drop_bad_ack, "drop_bad_ack", "segments with an unacceptable ACK number") \
	X(drop_dup_data, "drop_dup_data", "segments carrying only data already received") \
	X(drop_bad_flags, "drop_bad_flags", "segments whose flags the state does not take") \
	X(tx_fail, "tx_fail", "segments the port did not take") \
	X(drop_bad_rst, "drop_bad_rst", "RSTs ignored: outside the window, or no good ACK in SYN_SENT") \
	X(drop_after_fin, "drop_after_fin", "payload after the peer's FIN") \
	X(ooo_drop_dup, "ooo_drop_dup", "out-of-order segments already queued") \
	X(ooo_delivered, "ooo_delivered", "queued segments later delivered in order") \
	X(rtt_samples, "rtt_samples", "RTT measurements taken (Karn-filtered)") \
	X(challenge_acks, "challenge_acks", "challenge ACKs sent (RFC 5961)") \
	X(fin_wait_2_timeout, "fin_wait_2_timeout", "FIN_WAIT_2 idle timeouts") \
	X(time_wait_entered, "time_wait_entered", "connections that entered TIME_WAIT") \
	X(time_wait_reset, "time_wait_reset", "TIME_WAITs skipped (time_wait: reset)") \
	X(time_wait_reused, "time_wait_reused", "ports reused before their TIME_WAIT ended (tw_reuse)") \
	X(syn_rx, "syn_rx", "SYNs that opened a half-open (SYN_RCVD) connection") \
	X(conn_accepted, "conn_accepted", "passive handshakes completed") \
	X(syn_drop_backlog, "syn_drop_backlog", "SYNs dropped: max_half_open reached") \
	X(syn_drop_full, "syn_drop_full", "SYNs dropped: no free table entry") \
	X(retrans_synack, "retrans_synack", "SYN-ACKs sent again") \
	X(synack_timeout, "synack_timeout", "half-open connections dropped after synack_retries") \
	X(half_open_reset, "half_open_reset", "half-open connections ended by the peer's RST") \
	X(syn_tw_reuse, "syn_tw_reuse", "SYNs that ended a TIME_WAIT of the same 4-tuple") \
	X(drop_paws, "drop_paws", "segments with an older timestamp (RFC 7323 PAWS)") \
	X(challenge_acks_limited, "challenge_acks_limited", "challenge ACKs not sent: over the rate limit") \
	X(ooo_drop_conn, "ooo_drop_conn", "out-of-order segments dropped: per-connection cap") \
	X(sack_acks, "sack_acks", "ACKs sent with SACK blocks") \
	X(syn_again, "syn_again", "SYNs sent again at once after resetting the peer's old state") \
	X(tlp_probes, "tlp_probes", "tail loss probes sent (RFC 8985)")

struct tcp_stats {
	TCP_STATS(COUNTER_TABLE_MEMBER)
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
