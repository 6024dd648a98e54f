/* SPDX-License-Identifier: MIT */
/* pcsc: pcsc-lite calls and their error translation, the cancellable wait for a card, and the
 * recovery from a pcscd restart (reliability-and-law.md A7; mynumber-card.md §5, §6.6). */
#define _GNU_SOURCE /* pipe2 */
#include "card/pcsc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <winscard.h>

#define MAX_READERS 8
#define PNP "\\\\?PnP?\\Notification"
#define RETRY_MS 250 /* between attempts to reach a pcscd that is not (yet) there */

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "pcsc_cancel needs lock-free atomics in a signal handler");

struct pcsc {
	SCARDCONTEXT ctx;
	bool have_ctx;
	SCARDHANDLE card;
	bool connected;
	DWORD proto;                    /* the active protocol: picks the PCI of SCardTransmit */
	char reader[256];
	pthread_mutex_t lock;           /* ctx/have_ctx against the watcher's SCardCancel */
};

/* Cancellation: a flag and a wake-up pipe for the watcher. The pipe lives as long as the
 * process (closing it could let a handler write into a reused descriptor). */
static atomic_int cancel_flag;
static atomic_int cancel_wr = -1;
static int cancel_rd = -1;
static pthread_once_t cancel_once = PTHREAD_ONCE_INIT;

static void cancel_pipe(void)
{
	int fd[2];
	if (pipe2(fd, O_CLOEXEC | O_NONBLOCK) != 0)
		return; /* then the wait still sees the flag between its steps */
	cancel_rd = fd[0];
	atomic_store(&cancel_wr, fd[1]);
}

void pcsc_cancel(void)
{
	int saved = errno;
	atomic_store(&cancel_flag, 1);
	int fd = atomic_load(&cancel_wr);
	if (fd >= 0) {
		ssize_t r = write(fd, "", 1); /* a full pipe is fine: a wake-up is pending */
		(void)r;
	}
	errno = saved;
}

static void cancel_drain(void)
{
	char b[64];
	if (cancel_rd >= 0)
		while (read(cancel_rd, b, sizeof b) > 0)
			;
}

void pcsc_cancel_clear(void)
{
	atomic_store(&cancel_flag, 0);
	cancel_drain();
}

bool pcsc_cancelled(void)
{
	return atomic_load(&cancel_flag) != 0;
}

static enum mdg_status cancelled(struct mdg_err *err)
{
	return mdg_err_set(err, MDG_ERR_CANCELLED, "card reader: interrupted: stopped waiting for"
			   " the card");
}

static const char *why(LONG rc)
{
	switch (rc) {
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
	case SCARD_F_COMM_ERROR: return "the smart card service (pcscd) is not running";
	case SCARD_E_NO_READERS_AVAILABLE:
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE: return "no card reader (is it plugged in?)";
	case SCARD_E_TIMEOUT:
	case SCARD_E_NO_SMARTCARD: return "no card on the reader";
	case SCARD_W_REMOVED_CARD: return "the card was removed";
	case SCARD_W_RESET_CARD: return "the card was reset by another program";
	case SCARD_W_UNPOWERED_CARD:
	case SCARD_W_UNRESPONSIVE_CARD: return "the card does not answer (place it again)";
	case SCARD_E_SHARING_VIOLATION: return "another program is using the card";
	case SCARD_E_NOT_TRANSACTED: return "the card was removed during reading";
	case SCARD_E_INVALID_HANDLE: return "the smart card service (pcscd) was restarted";
	default: return pcsc_stringify_error(rc);
	}
}

static enum mdg_status fail(LONG rc, struct mdg_err *err, const char *what)
{
	return mdg_err_set(err, MDG_ERR_IO, "%s: %s", what, why(rc));
}

/* pcscd went away (killed, restarted, socket-activated and idle): the context is dead. */
static bool service_lost(LONG rc)
{
	return rc == SCARD_E_NO_SERVICE || rc == SCARD_E_SERVICE_STOPPED ||
	       rc == SCARD_E_INVALID_HANDLE || rc == SCARD_F_COMM_ERROR;
}

/* The card went between the reader's report and our connect, or answers nothing yet. */
static bool card_not_ready(LONG rc)
{
	return rc == SCARD_W_REMOVED_CARD || rc == SCARD_E_NO_SMARTCARD ||
	       rc == SCARD_W_UNRESPONSIVE_CARD || rc == SCARD_W_UNPOWERED_CARD ||
	       rc == SCARD_E_NOT_TRANSACTED || rc == SCARD_E_READER_UNAVAILABLE ||
	       rc == SCARD_E_UNKNOWN_READER;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drop_context(struct pcsc *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->have_ctx)
		SCardReleaseContext(p->ctx);
	p->have_ctx = false;
	pthread_mutex_unlock(&p->lock);
}

/* The watcher of one wait: on a cancel request it calls SCardCancel until the wait is over
 * (a cancel that lands just before SCardGetStatusChange starts would otherwise be lost). */
struct watcher {
	struct pcsc *p;
	int stop[2];                    /* the waiter writes to stop[1] when the wait is over */
	pthread_t thread;
	bool running;
};

static void *watch(void *arg)
{
	struct watcher *w = arg;
	struct pollfd fds[2] = { { .fd = w->stop[0], .events = POLLIN },
				 { .fd = cancel_rd, .events = POLLIN } };
	for (;;) {
		bool c = pcsc_cancelled();
		int r = poll(fds, c ? 1 : 2, c ? 20 : -1);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && fds[0].revents)
			break;
		cancel_drain();
		if (pcsc_cancelled()) {
			pthread_mutex_lock(&w->p->lock);
			if (w->p->have_ctx)
				SCardCancel(w->p->ctx);
			pthread_mutex_unlock(&w->p->lock);
		}
	}
	return NULL;
}

static void watcher_start(struct watcher *w, struct pcsc *p)
{
	w->p = p;
	w->running = false;
	if (cancel_rd < 0 || pipe2(w->stop, O_CLOEXEC) != 0)
		return; /* the wait then sees the flag between its steps */
	w->running = pthread_create(&w->thread, NULL, watch, w) == 0;
	if (!w->running) {
		close(w->stop[0]);
		close(w->stop[1]);
	}
}

static void watcher_stop(struct watcher *w)
{
	if (!w->running)
		return;
	ssize_t r = write(w->stop[1], "", 1);
	(void)r;
	pthread_join(w->thread, NULL);
	close(w->stop[0]);
	close(w->stop[1]);
	w->running = false;
}

/* Sleeps up to ms, waking at once on a cancel request. */
static void nap(int ms)
{
	struct pollfd fd = { .fd = cancel_rd, .events = POLLIN };
	if (pcsc_cancelled())
		return;
	if (cancel_rd >= 0)
		poll(&fd, 1, ms);
	else
		nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000L }, NULL);
}

/* The readers to watch: the configured one (when it exists) or all, and the PnP notification. */
struct watchlist {
	char names[4096];
	SCARD_READERSTATE rs[MAX_READERS + 1];
	DWORD n;                        /* readers in rs, the PnP entry last at rs[n] */
};

static LONG list_readers(struct pcsc *p, const char *reader, struct watchlist *wl)
{
	DWORD len = sizeof wl->names;
	memset(wl->rs, 0, sizeof wl->rs);
	wl->n = 0;
	LONG rc = SCardListReaders(p->ctx, NULL, wl->names, &len);
	if (rc == SCARD_E_NO_READERS_AVAILABLE) {
		wl->names[0] = '\0';
		rc = SCARD_S_SUCCESS;
	}
	if (rc != SCARD_S_SUCCESS)
		return rc;
	for (const char *n = wl->names; *n && wl->n < MAX_READERS; n += strlen(n) + 1) {
		if (reader && strcmp(reader, n) != 0)
			continue;
		wl->rs[wl->n].szReader = n;
		wl->rs[wl->n].dwCurrentState = SCARD_STATE_UNAWARE;
		wl->n++;
	}
	wl->rs[wl->n].szReader = PNP;
	wl->rs[wl->n].dwCurrentState = SCARD_STATE_UNAWARE;
	return SCARD_S_SUCCESS;
}

enum mdg_status pcsc_open(const char *reader, int wait_ms, struct pcsc **out, struct mdg_err *err)
{
	*out = NULL;
	pthread_once(&cancel_once, cancel_pipe);
	struct pcsc *p = calloc(1, sizeof *p);
	struct watchlist *wl = calloc(1, sizeof *wl);
	if (!p || !wl) {
		free(p);
		free(wl);
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	}
	pthread_mutex_init(&p->lock, NULL);
	struct watcher w = { 0 };
	if (wait_ms > 0)
		watcher_start(&w, p);
	long long deadline = now_ms() + (wait_ms > 0 ? wait_ms : 0);
	LONG last = SCARD_E_TIMEOUT;    /* what to report when the time is up */
	const char *about = "card reader";
	enum mdg_status st = MDG_OK;
	for (;;) {
		long long left = deadline - now_ms();
		if (pcsc_cancelled()) {
			st = cancelled(err);
			break;
		}
		if (!p->have_ctx) {
			SCARDCONTEXT ctx;
			LONG rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
			if (rc != SCARD_S_SUCCESS) {
				last = rc;
				if (left <= 0 || !service_lost(rc)) {
					st = fail(rc, err, "card reader");
					break;
				}
				nap(left < RETRY_MS ? (int)left : RETRY_MS);
				continue;
			}
			pthread_mutex_lock(&p->lock);
			p->ctx = ctx;
			p->have_ctx = true;
			pthread_mutex_unlock(&p->lock);
		}
		LONG rc = list_readers(p, reader, wl);
		if (rc == SCARD_S_SUCCESS && wl->n == 0)
			last = SCARD_E_NO_READERS_AVAILABLE;
		/* Look now (UNAWARE answers at once), then sleep until something changes. */
		DWORD timeout = 0;
		while (rc == SCARD_S_SUCCESS) {
			rc = SCardGetStatusChange(p->ctx, timeout, wl->rs, wl->n + 1);
			if (rc == SCARD_E_TIMEOUT && timeout == 0)
				rc = SCARD_S_SUCCESS; /* nothing to report yet */
			if (rc != SCARD_S_SUCCESS)
				break;
			if (timeout > 0 && (wl->rs[wl->n].dwEventState & SCARD_STATE_CHANGED))
				break; /* a reader came or went: list them again */
			for (DWORD i = 0; i < wl->n; i++) {
				DWORD ev = wl->rs[i].dwEventState;
				wl->rs[i].dwCurrentState = ev & ~(DWORD)SCARD_STATE_CHANGED;
				if (!(ev & SCARD_STATE_PRESENT))
					continue;
				if (ev & SCARD_STATE_MUTE) {
					last = SCARD_W_UNRESPONSIVE_CARD;
					continue;
				}
				snprintf(p->reader, sizeof p->reader, "%s", wl->rs[i].szReader);
				LONG c = SCardConnect(p->ctx, p->reader, SCARD_SHARE_EXCLUSIVE,
						      SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, &p->card, &p->proto);
				if (c == SCARD_S_SUCCESS) {
					p->connected = true;
					goto out;
				}
				last = c;
				about = p->reader;
				if (!card_not_ready(c)) {
					st = fail(c, err, p->reader);
					goto out;
				}
			}
			left = deadline - now_ms();
			if (left <= 0 || pcsc_cancelled())
				break;
			wl->rs[wl->n].dwCurrentState = wl->rs[wl->n].dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
			timeout = (DWORD)left;
		}
		if (rc == SCARD_E_CANCELLED || pcsc_cancelled()) {
			st = cancelled(err);
			break;
		}
		if (service_lost(rc)) {
			last = rc;
			drop_context(p); /* a fresh context after pcscd comes back */
		} else if (rc == SCARD_E_UNKNOWN_READER || rc == SCARD_E_READER_UNAVAILABLE) {
			last = rc; /* the reader went: list again */
		} else if (rc != SCARD_S_SUCCESS && rc != SCARD_E_TIMEOUT) {
			st = fail(rc, err, "card reader");
			break;
		}
		if (deadline - now_ms() <= 0) {
			if (last == SCARD_E_NO_READERS_AVAILABLE && reader)
				st = mdg_err_set(err, MDG_ERR_IO, "card reader '%s' not found", reader);
			else
				st = fail(last, err, about);
			break;
		}
		if (rc != SCARD_S_SUCCESS && rc != SCARD_E_TIMEOUT)
			nap(RETRY_MS); /* let pcscd (or the reader) settle */
	}
out:
	watcher_stop(&w);
	free(wl);
	if (!st && !p->connected)
		st = fail(last, err, about);
	if (st) {
		pcsc_close(&p);
		return st;
	}
	*out = p;
	return MDG_OK;
}

void pcsc_close(struct pcsc **pp)
{
	if (!pp || !*pp)
		return;
	struct pcsc *p = *pp;
	if (p->connected)
		SCardDisconnect(p->card, SCARD_UNPOWER_CARD); /* no verified PIN outlives us */
	if (p->have_ctx)
		SCardReleaseContext(p->ctx);
	pthread_mutex_destroy(&p->lock);
	free(p);
	*pp = NULL;
}

const char *pcsc_reader(const struct pcsc *p)
{
	return p->reader;
}

static enum mdg_status transmit(void *ctx, const uint8_t *cmd, size_t n, uint8_t *resp,
				size_t *resp_n, struct mdg_err *err)
{
	struct pcsc *p = ctx;
	if (pcsc_cancelled())
		return mdg_err_set(err, MDG_ERR_CANCELLED, "card: interrupted");
	DWORD rn = (DWORD)*resp_n;
	const SCARD_IO_REQUEST *pci = p->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
	LONG rc = SCardTransmit(p->card, pci, cmd, (DWORD)n, NULL, resp, &rn);
	if (rc == SCARD_W_RESET_CARD) {
		/* Another program reset the card: whatever was verified is gone. Take the handle
		 * back as it is (LEAVE_CARD) so that the session can end cleanly or start over;
		 * the command is not resent, least of all a VERIFY. */
		DWORD proto;
		if (SCardReconnect(p->card, SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0,
				   SCARD_LEAVE_CARD, &proto) == SCARD_S_SUCCESS)
			p->proto = proto;
		return mdg_err_set(err, MDG_ERR_IO, "card: the card was reset by another program, so"
				   " what was verified is gone; nothing was resent (start again)");
	}
	if (rc != SCARD_S_SUCCESS)
		return fail(rc, err, "card");
	*resp_n = rn; /* under two bytes is refused by mynacard_transmit */
	return MDG_OK;
}

const struct apdu_transport_ops pcsc_transport = { .transmit = transmit };
