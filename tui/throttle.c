/*
 * The demo's throttle (throttle.h): one thread polling a listening socket
 * and its links, each a client's connection paired with one to the
 * registry; reads spend from a token bucket and stop while it is empty.
 */
#include "config.h"

#include "throttle.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

#define MAX_LINKS	64
#define BUF_SIZE	16384
#define WANT_MAX	160	/* "GET /v2/REPO/blobs/sha256:HEX" */

struct half {
	char	b[BUF_SIZE];
	size_t	len;
};

struct link {
	int		cfd, ufd;
	struct half	up, down;	/* client to registry, and back */
	int		up_eof;		/* the registry hung up: flush, close */
	char		tail[WANT_MAX];	/* the client's last bytes */
	size_t		ntail;
	int		spoil;		/* flip the next answer's first body byte */
	int		seen;		/* how much of its head's end went by */
};

struct throttle {
	int		 lfd, port, upstream;
	int		 stop[2];
	double		 rate, tokens, t_fill;
	char		 want[WANT_MAX];	/* the staged request; "" none */
	size_t		 nwant;
	struct link	*link[MAX_LINKS];
	size_t		 turn;		/* who reads first, in turns */
	pthread_t	 th;
	int		 running;	/* th was started */
};

static void
loopback(struct sockaddr_in *sa, int port)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa->sin_port = htons((uint16_t)port);
}

/* The budget grows with time, up to a tenth of a second's worth. */
static void
refill(struct throttle *t)
{
	double	now = tm_now(), cap = t->rate / 10 + BUF_SIZE;

	t->tokens += (now - t->t_fill) * t->rate;
	if (t->tokens > cap)
		t->tokens = cap;
	t->t_fill = now;
}

static void
drop(struct throttle *t, size_t i)
{
	close(t->link[i]->cfd);
	close(t->link[i]->ufd);
	free(t->link[i]);
	t->link[i] = NULL;
}

/* A new client, and its own connection to the registry. */
static void
admit(struct throttle *t)
{
	struct sockaddr_in	 sa;
	struct link		*l = NULL;
	size_t			 i;
	int			 cfd, ufd;

	if ((cfd = accept4(t->lfd, NULL, NULL, SOCK_CLOEXEC |
	    SOCK_NONBLOCK)) == -1)
		return;
	for (i = 0; i < MAX_LINKS && t->link[i] != NULL; i++)
		;
	loopback(&sa, t->upstream);
	ufd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (i == MAX_LINKS || ufd == -1 ||
	    connect(ufd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    fcntl(ufd, F_SETFL, O_NONBLOCK) == -1 ||
	    (l = calloc(1, sizeof *l)) == NULL) {
		close(cfd);
		if (ufd != -1)
			close(ufd);
		return;
	}
	l->cfd = cfd;
	l->ufd = ufd;
	t->link[i] = l;
}

/*
 * Is the staged request in what the client just sent?  Searched together
 * with the end of what came before, so a line split over two reads is
 * seen too.  Once seen, the staging is over.
 */
static void
watch(struct throttle *t, struct link *l, const char *p, size_t n)
{
	char	buf[2 * WANT_MAX];
	size_t	k = n < WANT_MAX ? n : WANT_MAX, have;

	memcpy(buf, l->tail, l->ntail);
	memcpy(buf + l->ntail, p, k);
	have = l->ntail + k;
	if (memmem(buf, have, t->want, t->nwant) != NULL ||
	    memmem(p, n, t->want, t->nwant) != NULL) {
		t->nwant = 0;
		l->spoil = 1;
		l->seen = 0;
	}
	/* Keep the last WANT_MAX - 1 bytes seen; with a short read buf
	 * holds the old tail and all of p. */
	if (n >= WANT_MAX - 1) {
		l->ntail = WANT_MAX - 1;
		memcpy(l->tail, p + n - l->ntail, l->ntail);
	} else {
		l->ntail = have < WANT_MAX - 1 ? have : WANT_MAX - 1;
		memcpy(l->tail, buf + have - l->ntail, l->ntail);
	}
}

/* Flip the first byte after the answer's head ("\r\n\r\n"). */
static void
spoil(struct link *l, char *p, size_t n)
{
	static const char	end[] = "\r\n\r\n";
	size_t			i;

	for (i = 0; i < n && l->spoil; i++) {
		if (l->seen == 4) {
			p[i] ^= 0x5a;
			l->spoil = 0;
		} else
			l->seen = p[i] == end[l->seen] ? l->seen + 1 :
			    p[i] == '\r';
	}
}

/* Read what fd has into h: 1 read (or nothing yet), 0 end, -1 error. */
static int
pull(struct throttle *t, struct link *l, int fd, struct half *h)
{
	ssize_t	n;

	/* Spent by the links served before this one: wait for the next. */
	if (t->tokens <= 0)
		return 1;
	if ((n = recv(fd, h->b + h->len, BUF_SIZE - h->len, 0)) == -1)
		return errno == EAGAIN || errno == EINTR ? 1 : -1;
	if (n == 0)
		return 0;
	t->tokens -= (double)n;
	if (fd == l->cfd && t->nwant > 0)
		watch(t, l, h->b + h->len, (size_t)n);
	else if (fd == l->ufd && l->spoil)
		spoil(l, h->b + h->len, (size_t)n);
	h->len += (size_t)n;
	return 1;
}

/* Write what h holds to fd: 0, or -1 when the peer is gone. */
static int
push(int fd, struct half *h)
{
	ssize_t	n = send(fd, h->b, h->len, MSG_NOSIGNAL);

	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	memmove(h->b, h->b + n, h->len - (size_t)n);
	h->len -= (size_t)n;
	return 0;
}

/* One link, with what poll saw on its client's and its registry's socket. */
static void
serve(struct throttle *t, size_t i, short crev, short urev)
{
	struct link	*l = t->link[i];
	int		 ok = !(crev & (POLLERR | POLLHUP | POLLNVAL)) ||
	    (crev & POLLIN);

	if (ok && (crev & POLLIN))
		ok = pull(t, l, l->cfd, &l->up) > 0;
	if (ok && (urev & POLLIN)) {
		if ((ok = pull(t, l, l->ufd, &l->down)) == 0)
			l->up_eof = ok = 1;
		else
			ok = ok > 0;
	} else if (urev & (POLLERR | POLLHUP | POLLNVAL))
		l->up_eof = 1;
	if (ok && (urev & POLLOUT) && !l->up_eof)
		ok = push(l->ufd, &l->up) == 0;
	if (ok && (crev & POLLOUT))
		ok = push(l->cfd, &l->down) == 0;
	if (!ok || (l->up_eof && l->down.len == 0))
		drop(t, i);
}

static void
want(struct pollfd *p, int fd, short events)
{
	/* Nothing to wait for: left out, or a hang-up would spin the loop. */
	p->fd = events != 0 ? fd : -1;
	p->events = events;
	p->revents = 0;
}

/* The poll set: the stop pipe, the listener, then two per link. */
static int
gather(struct throttle *t, struct pollfd *pf, int *at)
{
	struct link	*l;
	size_t		 i, used = 0;
	int		 n = 2, rd = t->tokens > 0;

	want(&pf[0], t->stop[0], POLLIN);
	for (i = 0; i < MAX_LINKS; i++) {
		at[i] = -1;
		if ((l = t->link[i]) == NULL)
			continue;
		used++;
		at[i] = n;
		want(&pf[n++], l->cfd, (short)((rd && l->up.len < BUF_SIZE &&
		    !l->up_eof ? POLLIN : 0) | (l->down.len > 0 ? POLLOUT : 0)));
		want(&pf[n++], l->ufd, (short)((rd && l->down.len < BUF_SIZE &&
		    !l->up_eof ? POLLIN : 0) | (l->up.len > 0 ? POLLOUT : 0)));
	}
	want(&pf[1], t->lfd, used < MAX_LINKS ? POLLIN : 0);
	return n;
}

static void *
relay(void *arg)
{
	struct throttle	*t = arg;
	struct pollfd	 pf[2 + 2 * MAX_LINKS];
	int		 at[MAX_LINKS], n, ms;
	sigset_t	 all;
	size_t		 k, i;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		refill(t);
		n = gather(t, pf, at);
		/* Out of budget: sleep until it is back above nothing. */
		ms = t->tokens > 0 ? -1 : (int)(-t->tokens / t->rate * 1000) + 1;
		if (poll(pf, (nfds_t)n, ms) == -1 && errno != EINTR)
			break;
		if (pf[0].revents != 0)
			break;
		if (pf[1].revents & POLLIN)
			admit(t);
		/* Whoever read first last time reads last now. */
		for (k = 0, t->turn++; k < MAX_LINKS; k++) {
			i = (t->turn + k) % MAX_LINKS;
			if (at[i] >= 0 && t->link[i] != NULL)
				serve(t, i, pf[at[i]].revents,
				    pf[at[i] + 1].revents);
		}
	}
	return NULL;
}

static int
listen_any(struct throttle *t, struct tm_err *err)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof sa;

	loopback(&sa, 0);
	if ((t->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1 ||
	    bind(t->lfd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    listen(t->lfd, 64) == -1 ||
	    getsockname(t->lfd, (struct sockaddr *)&sa, &len) == -1)
		return tm_err_set(err, TM_CAT_IO, "the demo's throttle cannot "
		    "listen on 127.0.0.1: %s", strerror(errno));
	t->port = ntohs(sa.sin_port);
	return 0;
}

struct throttle *
throttle_start(int upstream, double rate, const char *spoil, struct tm_err *err)
{
	struct throttle	*t;
	int		 rc;

	if ((t = calloc(1, sizeof *t)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	t->lfd = t->stop[0] = t->stop[1] = -1;
	t->upstream = upstream;
	t->rate = rate;
	t->t_fill = tm_now();
	if (spoil != NULL)
		t->nwant = (size_t)snprintf(t->want, sizeof t->want,
		    "GET /v2/%s", spoil);
	if (t->nwant >= sizeof t->want)
		t->nwant = 0;
	rc = listen_any(t, err);
	if (rc == 0 && pipe2(t->stop, O_CLOEXEC) == -1)
		rc = tm_err_set(err, TM_CAT_IO, "the demo's throttle: %s",
		    strerror(errno));
	if (rc == 0 && (rc = pthread_create(&t->th, NULL, relay, t)) != 0)
		rc = tm_err_set(err, TM_CAT_IO, "the demo's throttle: %s",
		    strerror(rc));
	if (rc != 0) {
		throttle_stop(t);
		return NULL;
	}
	t->running = 1;
	return t;
}

int
throttle_port(const struct throttle *t)
{
	return t->port;
}

void
throttle_stop(struct throttle *t)
{
	size_t	i;

	if (t == NULL)
		return;
	/* The pipe's end closed is the thread's signal to stop. */
	if (t->stop[1] != -1)
		close(t->stop[1]);
	if (t->running)
		pthread_join(t->th, NULL);
	for (i = 0; i < MAX_LINKS; i++)
		if (t->link[i] != NULL)
			drop(t, i);
	if (t->stop[0] != -1)
		close(t->stop[0]);
	if (t->lfd != -1)
		close(t->lfd);
	free(t);
}
