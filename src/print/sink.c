/* SPDX-License-Identifier: MIT */
/* sink: file, device, tcp and cups transports with deadlines (poll) and short-write handling. */
#include "print/sink.h"

#include <cups/cups.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Writes everything to a non-blocking fd before the deadline. */
static enum mdg_status write_all(int fd, const unsigned char *p, size_t n, long deadline,
				 bool sock, const char *what, struct mdg_err *err)
{
	while (n > 0) {
		ssize_t w = sock ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return mdg_err_set(err, errno == ENOSPC ? MDG_ERR_FULL : MDG_ERR_IO,
					   "printer %s: %s", what, strerror(errno));
		long left = deadline - now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return mdg_err_set(err, MDG_ERR_IO, "printer %s: not accepting data (out of paper,"
					   " cover open or switched off?)", what);
	}
	return MDG_OK;
}

static enum mdg_status send_fd_path(const char *path, bool file, const void *data, size_t n,
				    long deadline, struct mdg_err *err)
{
	int flags = file ? O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC :
			   O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	int fd = open(path, flags, 0640);
	if (fd < 0)
		return mdg_err_set(err, errno == ENOSPC ? MDG_ERR_FULL : MDG_ERR_IO, "printer %s: %s%s",
				   path, strerror(errno),
				   errno == ENOENT && !file ? " (is the printer plugged in and on?)" : "");
	enum mdg_status rc = write_all(fd, data, n, deadline, false, path, err);
	if (!rc && file && fsync(fd) != 0)
		rc = mdg_err_set(err, MDG_ERR_IO, "printer %s: %s", path, strerror(errno));
	close(fd);
	return rc;
}

static enum mdg_status send_tcp(const char *hostport, const void *data, size_t n, long deadline,
				struct mdg_err *err)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	if (!colon || (size_t)(colon - hostport) >= sizeof host)
		return mdg_err_set(err, MDG_ERR_INVALID, "printer tcp:%s: want HOST:PORT", hostport);
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = '\0';
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	int g = getaddrinfo(host, colon + 1, &hints, &ai);
	if (g != 0)
		return mdg_err_set(err, MDG_ERR_IO, "printer tcp:%s: %s", hostport, gai_strerror(g));
	enum mdg_status rc = MDG_ERR_IO;
	int fd = -1;
	for (struct addrinfo *a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			long left = deadline - now_ms();
			int soerr = 0;
			socklen_t len = sizeof soerr;
			if (left > 0 && poll(&pfd, 1, (int)left) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0) {
				rc = MDG_OK;
				break;
			}
			mdg_err_set(err, MDG_ERR_IO, "printer tcp:%s: %s", hostport,
				    soerr ? strerror(soerr) : "no answer (switched off or unplugged?)");
		} else {
			mdg_err_set(err, MDG_ERR_IO, "printer tcp:%s: %s", hostport, strerror(errno));
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (rc)
		return err && err->code ? err->code : mdg_err_set(err, MDG_ERR_IO, "printer tcp:%s: cannot connect", hostport);
	rc = write_all(fd, data, n, deadline, true, hostport, err);
	if (!rc)
		shutdown(fd, SHUT_WR);
	close(fd);
	return rc;
}

static enum mdg_status send_cups(const char *queue, const void *data, size_t n, const char *title,
				 struct mdg_err *err)
{
	cups_dest_t *dest = cupsGetNamedDest(CUPS_HTTP_DEFAULT, queue, NULL);
	if (!dest)
		return mdg_err_set(err, MDG_ERR_IO, "printer cups:%s: no such queue (or CUPS is not running)",
				   queue);
	const char *state = cupsGetOption("printer-state", dest->num_options, dest->options);
	if (state && strcmp(state, "5") == 0) {
		cupsFreeDests(1, dest);
		return mdg_err_set(err, MDG_ERR_IO, "printer cups:%s: the queue is stopped", queue);
	}
	cupsFreeDests(1, dest);
	int job = cupsCreateJob(CUPS_HTTP_DEFAULT, queue, title, 0, NULL);
	if (job == 0)
		return mdg_err_set(err, MDG_ERR_IO, "printer cups:%s: %s", queue, cupsLastErrorString());
	if (cupsStartDocument(CUPS_HTTP_DEFAULT, queue, job, title, CUPS_FORMAT_RAW, 1) !=
		    HTTP_STATUS_CONTINUE ||
	    cupsWriteRequestData(CUPS_HTTP_DEFAULT, data, n) != HTTP_STATUS_CONTINUE ||
	    cupsFinishDocument(CUPS_HTTP_DEFAULT, queue) != IPP_STATUS_OK) {
		mdg_err_set(err, MDG_ERR_IO, "printer cups:%s: %s", queue, cupsLastErrorString());
		cupsCancelJob(queue, job);
		return MDG_ERR_IO;
	}
	return MDG_OK;
}

enum mdg_status sink_send(const char *spec, const void *data, size_t n, int timeout_ms,
			  const char *title, struct mdg_err *err)
{
	long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 5000);
	if (!spec)
		return mdg_err_set(err, MDG_ERR_INVALID, "no printer configured");
	if (strncmp(spec, "file:", 5) == 0)
		return send_fd_path(spec + 5, true, data, n, deadline, err);
	if (strncmp(spec, "device:", 7) == 0)
		return send_fd_path(spec + 7, false, data, n, deadline, err);
	if (strncmp(spec, "tcp:", 4) == 0)
		return send_tcp(spec + 4, data, n, deadline, err);
	if (strncmp(spec, "cups:", 5) == 0)
		return send_cups(spec + 5, data, n, title ? title : "ticket", err);
	return mdg_err_set(err, MDG_ERR_INVALID,
			   "printer '%s': want file:/PATH, device:/PATH, tcp:HOST:PORT or cups:QUEUE", spec);
}
