/* SPDX-License-Identifier: MIT */
/* outbox: the store's side of the nightly sync. Every syncable table (core/synctab.h) carries a
 * seq that only grows, given in the same transaction as the row: the rows after a seq are what
 * the central server has not got yet. This reads them in batches and keeps a local copy of the
 * central high-water mark, written only after the central server committed (the central value is
 * the truth; the local one is for display and for a future purge). */
#ifndef MDG_STORE_OUTBOX_H
#define MDG_STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/synctab.h"

struct store;

/* Fills b with up to max_rows rows of tab whose seq is above after, in ascending seq (one short
 * read transaction). An empty batch means nothing is left. Errors: MDG_ERR_NOMEM and the store
 * errors (MDG_ERR_BUSY, MDG_ERR_IO, ...). */
enum mdg_status outbox_fetch(struct store *st, const struct synctab *tab, int64_t after,
			     size_t max_rows, struct syncbatch *b, struct mdg_err *err);

/* How many rows of tab lie above after, and the highest seq of tab (0 when empty). */
enum mdg_status outbox_pending(struct store *st, const struct synctab *tab, int64_t after,
			       int64_t *rows, int64_t *max_seq, struct mdg_err *err);

/* The local copy of the central high-water mark of tab (0 before the first sync). */
enum mdg_status outbox_acked_get(struct store *st, const struct synctab *tab, int64_t *seq,
				 struct mdg_err *err);

/* Records seq as committed centrally. Call only after the central COMMIT returned. Its own
 * BEGIN IMMEDIATE; MDG_ERR_BUSY and the other store errors. */
enum mdg_status outbox_acked_set(struct store *st, const struct synctab *tab, int64_t seq,
				 struct mdg_err *err);

/* Checks that the store has every column of tab (its latest migration matches the descriptor).
 * MDG_ERR_VERSION naming the first missing column. */
enum mdg_status outbox_check_columns(struct store *st, const struct synctab *tab,
				     struct mdg_err *err);

#endif
