// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* vmbnet-lwip's services, on lwIP's raw TCP API: echo (7) and HTTP (80). */

#include <stdlib.h>
#include <string.h>
#include <lwip/tcp.h>

#include "vmbnetif.h"

/* Echo: what came in and is not sent back yet, so that a fast sender is
 * held by lwIP's window (tcp_recved only once echoed), not dropped.
 */
struct echo {
	struct pbuf *q;
	bool closing;
};

/* Our state goes: lwIP calls none of ours for pcb any more. */
static void forget(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
}

static void echo_free(struct tcp_pcb *pcb, struct echo *e)
{
	forget(pcb);
	if (e->q)
		pbuf_free(e->q);
	free(e);
}

static void echo_send(struct tcp_pcb *pcb, struct echo *e)
{
	while (e->q && e->q->len <= tcp_sndbuf(pcb)) {
		struct pbuf *p = e->q;
		u16_t len = p->len;

		if (tcp_write(pcb, p->payload, len, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		e->q = p->next;
		if (e->q)
			pbuf_ref(e->q);
		pbuf_free(p);
		tcp_recved(pcb, len);
		ctr.echo_bytes += len;
	}
	tcp_output(pcb);
	if (!e->q && e->closing) {
		echo_free(pcb, e);
		tcp_close(pcb);
	}
}

static err_t echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct echo *e = arg;

	if (!p || err != ERR_OK) {
		if (p)
			pbuf_free(p);
		e->closing = true;
	} else if (e->q) {
		pbuf_cat(e->q, p);
	} else {
		e->q = p;
	}
	echo_send(pcb, e);
	return ERR_OK;
}

static err_t echo_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)len;
	echo_send(pcb, arg);
	return ERR_OK;
}

/* The connection is gone (reset): lwIP freed the pcb. */
static void echo_err(void *arg, err_t err)
{
	struct echo *e = arg;

	(void)err;
	if (e->q)
		pbuf_free(e->q);
	free(e);
}

static err_t echo_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct echo *e;

	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ERR_MEM;
	ctr.accepted++;
	tcp_arg(pcb, e);
	tcp_recv(pcb, echo_recv);
	tcp_sent(pcb, echo_sent);
	tcp_err(pcb, echo_err);
	return ERR_OK;
}

/*
 * HTTP: any request gets the one page. The client closes first, once it
 * has the Content-Length: the side that closes first keeps TIME_WAIT, and
 * lwIP's would refuse a client reusing the port (a SYN in TIME_WAIT).
 */
static const char http_page[] =
	"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 28\r\n"
	"\r\nhello from lwIP on vmbnet!\r\n";

/* tcp_poll's unit is the slow timer's 500 ms: a silent client goes after 10 s. */
#define HTTP_IDLE_POLLS	20

static err_t http_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	bool *answered = arg;

	if (!p || err != ERR_OK) {
		if (p)
			pbuf_free(p);
		free(answered);
		forget(pcb);
		tcp_close(pcb);
		return ERR_OK;
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	/* The first bytes of the request are enough to answer it. */
	if (!*answered) {
		*answered = true;
		tcp_write(pcb, http_page, sizeof(http_page) - 1, 0);
		tcp_output(pcb);
		ctr.http_requests++;
	}
	return ERR_OK;
}

static err_t http_idle(void *arg, struct tcp_pcb *pcb)
{
	free(arg);
	forget(pcb);
	tcp_abort(pcb);
	return ERR_ABRT;
}

static void http_err(void *arg, err_t err)
{
	(void)err;
	free(arg);
}

static err_t http_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	bool *answered;

	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	answered = calloc(1, sizeof(*answered));
	if (!answered)
		return ERR_MEM;
	ctr.accepted++;
	tcp_arg(pcb, answered);
	tcp_recv(pcb, http_recv);
	tcp_err(pcb, http_err);
	tcp_poll(pcb, http_idle, HTTP_IDLE_POLLS);
	return ERR_OK;
}

static void listen_on(u16_t port, tcp_accept_fn accept)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);

	if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK)
		abort();
	pcb = tcp_listen_with_backlog(pcb, 64);
	if (!pcb)
		abort();
	tcp_accept(pcb, accept);
}

void services_start(void)
{
	listen_on(7, echo_accept);
	listen_on(80, http_accept);
}
