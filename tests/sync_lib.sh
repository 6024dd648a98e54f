# SPDX-License-Identifier: MIT
# What the sync tests share (source after lib.sh and pg.sh): a site config pointing at the test's
# central server, a morning of queue activity through the real CLI, help sessions written with
# SQL (their commands come with issue 7), and row-by-row dumps of a table on both sides.

# sync_site DIR ID [BATCH_ROWS]: a site like make_site's, with its own id and the sync section.
sync_site() {
	local dir=$1 id=$2 batch=${3:-100}
	mkdir -p "$dir"
	cat >"$dir/site.yaml" <<YAML
site: {id: $id, name: {ja: $id 支所, en: $id branch}, timezone: Asia/Tokyo}
store: {path: $dir/site.db, key_file: $dir/site.key}
languages: [ja, ja@easy, en]
queue: {priority_interleave: 2, noshow_after_recalls: 1}
services:
  - {letter: A, name: {ja: 証明書, en: Certificates}, target_wait_min: 10, counters: [1, 4]}
  - {letter: B, name: {ja: 住民異動, en: Moving}, target_wait_min: 20, counters: [1, 2]}
  - {letter: C, name: {ja: マイナンバーカード, en: My Number card}, target_wait_min: 30, counters: [3, 4]}
counters: [{number: 1, services: [A, B]}, {number: 2}, {number: 3}, {number: 4, services: [C, A]}]
sync: {central: "$CENTRAL", batch_rows: $batch}
YAML
	MADOGUCHI_NOW=2027-03-15T08:00:00+09:00 MADOGUCHI_CONFIG=$dir/site.yaml "$MADOGUCHI" db init >/dev/null
}

# at HH:MM: the fake clock for the next commands (business date 2027-03-15, after the real one).
at() { export MADOGUCHI_NOW=2027-03-15T$1:00+09:00; }

# morning DIR N [HOUR]: N tickets over services A, B, C (some with priority), then calls (a
# call finishes the counter's previous ticket), a recall and no-show, a transfer, a walk-out and
# a void with an awkward reason (a tab, a backslash, Japanese).
morning() {
	local dir=$1 n=$2 h=${3:-09} svc num
	export MADOGUCHI_CONFIG=$dir/site.yaml
	local M=$MADOGUCHI
	for ((i = 1; i <= n; i++)); do
		svc=$(printf '%s' ABC | cut -c $(( i % 3 + 1 )))
		at "$h:$(printf '%02d' $(( i * 40 / n )))"
		if (( i % 7 == 0 )); then
			"$M" ticket issue --service "$svc" --priority elderly >/dev/null
		else
			"$M" ticket issue --service "$svc" --lang en >/dev/null
		fi
	done
	for ((k = 0; k < n / 2; k++)); do
		at "$h:$(printf '%02d' $(( 41 + k * 15 / n )))"
		"$M" queue call --counter $(( k % 4 + 1 )) --staff "s0$(( k % 4 + 1 ))" >/dev/null || true
	done
	at "$h:58"
	num=$("$M" queue call --counter 2 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket"]["number"])')
	"$M" queue recall --ticket "$num" >/dev/null
	"$M" queue noshow --ticket "$num" >/dev/null
	at "$h:59"
	"$M" ticket void --ticket "$(issue C)" --reason $'紙詰まり\tbackslash \\ end' >/dev/null
	"$M" queue transfer --ticket "$(issue B)" --service C >/dev/null
	"$M" queue cancel --ticket "$(issue A)" >/dev/null
}

# issue LETTER: issues a ticket, prints its number.
issue() {
	"$MADOGUCHI" ticket issue --service "$1" --json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket"]["number"])'
}

# help_session DIR: one help session row (its seq after every other), with a note that must
# never reach central, or with an id, the session's end: a new seq, as every change of a row
# gives.
help_session() {
	local db=$1/site.db id=${2:-}
	if [ -z "$id" ]; then
		sqlite3 "$db" "INSERT INTO help_sessions(seq, bizdate, counter, staff, started_ms, topics,
			channel, age_band, skill_before, note)
			VALUES((SELECT coalesce(max(seq), 0) + 1 FROM help_sessions), '2027-03-15', 2, 's07',
			1805072400000, 'pin_reset,mynaportal', 'counter', '70-79', 2, 'SITE-NOTE-比嘉さん')"
	else
		sqlite3 "$db" "UPDATE help_sessions SET ended_ms = started_ms + 900000, skill_after = 4,
			outcome = 'resolved', follow_up = 1,
			seq = (SELECT max(seq) + 1 FROM help_sessions) WHERE id = $id"
	fi
}

# The columns the sync sends, per table, as the site store and the central server print them.
declare -A SYNC_COLS=(
	[tickets]="id, seq, bizdate, service, number, queue, priority, lang, state, print_state, counter, staff, recalls, issued_ms, queue_ms, called_ms, served_ms, ended_ms, outcome"
	[ticket_events]="seq, ticket_id, bizdate, at_ms, type, service, counter, staff, detail"
	[help_sessions]="id, seq, bizdate, counter, staff, ticket_id, started_ms, ended_ms, topics, channel, age_band, skill_before, skill_after, outcome, follow_up"
	[audit]="seq, at_ms, actor, action, target, detail, prev_hash, hash"
)
SYNC_TABLES="tickets ticket_events help_sessions audit"

local_rows() { # DIR TABLE
	local cols=${SYNC_COLS[$2]}
	cols=${cols//prev_hash/"'\\x' || lower(hex(prev_hash))"}
	cols=${cols//, hash/", '\\x' || lower(hex(hash))"}
	sqlite3 "$1/site.db" "SELECT $cols FROM $2 ORDER BY seq"
}

central_rows() { # SITE TABLE
	pq "SELECT ${SYNC_COLS[$2]} FROM madoguchi.$2 WHERE site = '$1' ORDER BY seq"
}

# same_rows DIR SITE: every synced table holds the same rows on both sides, none twice.
same_rows() {
	local t
	for t in $SYNC_TABLES; do
		local_rows "$1" "$t" >"$WORK/local.$t"
		central_rows "$2" "$t" >"$WORK/central.$t"
		diff "$WORK/local.$t" "$WORK/central.$t" >"$WORK/diff.$t" ||
			fail "$2 $t differs between the store and central: $(head -c 600 "$WORK/diff.$t")"
	done
	local dups
	dups=$(pq "SELECT (SELECT count(*) - count(DISTINCT seq) FROM madoguchi.ticket_events WHERE site = '$2')
		+ (SELECT count(*) - count(DISTINCT seq) FROM madoguchi.audit WHERE site = '$2')
		+ (SELECT count(*) - count(DISTINCT id) FROM madoguchi.tickets WHERE site = '$2')")
	[ "$dups" = 0 ] || fail "$2: $dups duplicate rows centrally"
}

# marks_honest DIR SITE: the site's local copy of each mark never exceeds the central mark, and
# each central mark covers exactly the rows committed with it.
marks_honest() {
	local t acked mark
	for t in $SYNC_TABLES; do
		acked=$(sqlite3 "$1/site.db" "SELECT coalesce((SELECT value FROM meta WHERE key = 'sync.acked.$t'), 0)")
		mark=$(pq "SELECT coalesce((SELECT last_seq FROM madoguchi.sync_state WHERE site = '$2' AND tbl = '$t'), 0)")
		[ "$acked" -le "$mark" ] || fail "$2 $t: the site noted seq $acked as synced, central committed $mark"
	done
	for t in ticket_events audit; do
		mark=$(pq "SELECT coalesce((SELECT last_seq FROM madoguchi.sync_state WHERE site = '$2' AND tbl = '$t'), 0)")
		local have want
		have=$(pq "SELECT count(*) FROM madoguchi.$t WHERE site = '$2'")
		want=$(sqlite3 "$1/site.db" "SELECT count(*) FROM $t WHERE seq <= $mark")
		[ "$have" = "$want" ] || fail "$2 $t: central mark $mark, but $have rows centrally for $want at the site"
	done
}
