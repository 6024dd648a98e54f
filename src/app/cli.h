/* SPDX-License-Identifier: MIT */
/* cli: the subcommand table and its option parser. Every command is a const entry with its
 * options declared as data; the dispatcher parses them, answers --help, and hands the handler
 * a parsed call. Handlers return a process exit code (see core/status.h). */
#ifndef MDG_APP_CLI_H
#define MDG_APP_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#define CLI_MAX_OPTS 16
#define CLI_MAX_ARGS 16

/* One option of a command. Options "config", "json" and "help" are common to all commands. */
struct cli_opt {
	const char *name;   /* long name without "--" */
	const char *arg;    /* metavariable ("LETTER") when it takes a value; NULL for a flag */
	const char *help;
	bool required;      /* the dispatcher refuses the call without it */
};

/* A parsed invocation; all strings are borrowed from argv. */
struct cli_call {
	const struct cli_cmd *cmd;
	const char *config_path;      /* --config, else $MADOGUCHI_CONFIG, else the system path */
	bool json;                    /* --json */
	const char *names[CLI_MAX_OPTS];
	const char *values[CLI_MAX_OPTS]; /* "" for a flag that was given */
	size_t n_opts;
	char *args[CLI_MAX_ARGS];     /* positional arguments */
	size_t n_args;
};

struct cli_cmd {
	const char *group;            /* "ticket" */
	const char *name;             /* "issue", or NULL for a one-word command */
	const char *args;             /* positional synopsis ("FILE"), or NULL */
	const char *summary;          /* one line */
	int min_args, max_args;       /* positional argument count bounds */
	int (*run)(const struct cli_call *call);
	struct cli_opt opts[CLI_MAX_OPTS];
};

/* The value of option name, "" for a given flag, or NULL when absent. */
const char *cli_get(const struct cli_call *call, const char *name);

/* True when option name was given. */
bool cli_has(const struct cli_call *call, const char *name);

/* Parses an integer option in [lo, hi]; returns MDG_OK (and *out) or MDG_ERR_USAGE with a message.
 * An absent option leaves *out unchanged and returns MDG_OK. */
enum mdg_status cli_get_int(const struct cli_call *call, const char *name, long lo, long hi,
			    long *out, struct mdg_err *err);

/* Reports err on stderr as "madoguchi: message" (or as JSON on stdout with --json) and returns
 * its exit code. */
int cli_fail(const struct cli_call *call, const struct mdg_err *err);

/* cli_fail with another exit code (128 + the signal that stopped a command). */
int cli_fail_exit(const struct cli_call *call, const struct mdg_err *err, int code);

/* Runs the command line (argv[0] is the program). Returns the exit code. */
int cli_main(int argc, char **argv);

/* The command tables, one per file of src/app (cmd_*.c), each ending with an entry whose group
 * is NULL. */
extern const struct cli_cmd cmd_config_table[];
extern const struct cli_cmd cmd_db_table[];
extern const struct cli_cmd cmd_ticket_table[];
extern const struct cli_cmd cmd_queue_table[];
extern const struct cli_cmd cmd_report_table[];
extern const struct cli_cmd cmd_keys_table[];
extern const struct cli_cmd cmd_card_table[];
extern const struct cli_cmd cmd_form_table[];
extern const struct cli_cmd cmd_form_purge_table[];
extern const struct cli_cmd cmd_kiosk_table[];
extern const struct cli_cmd cmd_sync_table[];
extern const struct cli_cmd cmd_sessions_table[];
extern const struct cli_cmd cmd_counter_table[];
extern const struct cli_cmd cmd_staff_table[];
extern const struct cli_cmd cmd_audit_table[];

#endif
