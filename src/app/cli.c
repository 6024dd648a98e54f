/* SPDX-License-Identifier: MIT */
/* cli: dispatch over the command tables, a declarative option parser, --help everywhere, and
 * the one place where an error becomes a message and an exit code. */
#include "app/cli.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/i18n.h"
#include "core/json.h"

static const struct cli_cmd *const tables[] = {
	cmd_config_table, cmd_db_table, cmd_keys_table, cmd_ticket_table, cmd_queue_table,
	cmd_report_table, cmd_card_table, cmd_form_table, cmd_kiosk_table, cmd_sync_table,
	cmd_form_purge_table, cmd_sessions_table, cmd_counter_table, cmd_staff_table,
	cmd_audit_table,
};

static const struct cli_opt common_opts[] = {
	{ "config", "FILE", "site config (default: $MADOGUCHI_CONFIG, else " MDG_DEFAULT_CONFIG ")" },
	{ "json", NULL, "machine-readable output" },
	{ "help", NULL, "show this help" },
};

const char *cli_get(const struct cli_call *call, const char *name)
{
	for (size_t i = 0; i < call->n_opts; i++)
		if (strcmp(call->names[i], name) == 0)
			return call->values[i];
	return NULL;
}

bool cli_has(const struct cli_call *call, const char *name)
{
	return cli_get(call, name) != NULL;
}

enum mdg_status cli_get_int(const struct cli_call *call, const char *name, long lo, long hi,
			    long *out, struct mdg_err *err)
{
	const char *v = cli_get(call, name);
	if (!v)
		return MDG_OK;
	char *end;
	long x = strtol(v, &end, 10);
	if (!*v || *end || x < lo || x > hi)
		return mdg_err_set(err, MDG_ERR_USAGE, "--%s wants a whole number from %ld to %ld, not '%s'",
				   name, lo, hi, v);
	*out = x;
	return MDG_OK;
}

int cli_fail(const struct cli_call *call, const struct mdg_err *err)
{
	return cli_fail_exit(call, err, mdg_status_exit(err->code));
}

int cli_fail_exit(const struct cli_call *call, const struct mdg_err *err, int code)
{
	if (call && call->json) {
		struct json_writer j;
		json_begin(&j, stdout);
		json_obj_begin(&j, NULL);
		json_bool(&j, "ok", false);
		json_str(&j, "error", mdg_status_str(err->code));
		json_str(&j, "message", err->msg);
		json_int(&j, "exit", code);
		json_obj_end(&j);
		json_end(&j);
	}
	fprintf(stderr, "madoguchi: %s\n", err->msg[0] ? err->msg : mdg_status_str(err->code));
	return code;
}

static void print_opt(FILE *f, const struct cli_opt *o)
{
	char left[48];
	snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	fprintf(f, "  %-26s %s%s\n", left, o->help, o->required ? " (required)" : "");
}

static void command_help(FILE *f, const struct cli_cmd *c)
{
	fprintf(f, "usage: madoguchi %s%s%s [options]%s%s\n\n%s\n\noptions:\n", c->group,
		c->name ? " " : "", c->name ? c->name : "", c->args ? " " : "", c->args ? c->args : "",
		c->summary);
	for (size_t i = 0; i < CLI_MAX_OPTS && c->opts[i].name; i++)
		print_opt(f, &c->opts[i]);
	for (size_t i = 0; i < sizeof common_opts / sizeof common_opts[0]; i++)
		print_opt(f, &common_opts[i]);
}

static void global_help(FILE *f)
{
	fprintf(f, "usage: madoguchi COMMAND [SUBCOMMAND] [options]\n\n"
		   "madoguchi (窓口) runs the service counters of a municipal office: queue tickets,\n"
		   "counters, the calling board and wait-time reports.\n\ncommands:\n");
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct cli_cmd *c = tables[t]; c->group; c++) {
			char left[40];
			snprintf(left, sizeof left, "%s%s%s", c->group, c->name ? " " : "",
				 c->name ? c->name : "");
			fprintf(f, "  %-22s %s\n", left, c->summary);
		}
	fprintf(f, "\n'madoguchi COMMAND [SUBCOMMAND] --help' shows the options of one command.\n"
		   "exit codes: 0 ok, 1 operational failure, 2 bad input, 3 refused in the current\n"
		   "state (or nothing waiting), 4 database busy, 5 wrong staff id or PIN, locked, or\n"
		   "not allowed for the role.\n");
}

static void setup_i18n(void)
{
	setlocale(LC_ALL, "");
	const char *dir = getenv("MADOGUCHI_LOCALEDIR");
	if (dir && *dir && i18n_bind(dir) == 0)
		return;
	struct stat st;
	if (stat(MDG_LOCALEDIR "/ja/LC_MESSAGES/" MDG_TEXTDOMAIN ".mo", &st) == 0 &&
	    i18n_bind(MDG_LOCALEDIR) == 0)
		return;
	/* Not installed: a run from the build tree finds the catalogs compiled there. */
	i18n_bind(MDG_BUILD_LOCALEDIR);
}

static int parse_opts(const struct cli_cmd *c, int argc, char **argv, struct cli_call *call)
{
	bool no_more = false;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (no_more || a[0] != '-' || a[1] == '\0' || (a[1] != '-' && a[1] != 'h')) {
			if (call->n_args == CLI_MAX_ARGS) {
				fprintf(stderr, "madoguchi: too many arguments\n");
				return 2;
			}
			call->args[call->n_args++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			no_more = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			command_help(stdout, c);
			return 0;
		}
		char name[48];
		const char *eq = strchr(a + 2, '=');
		size_t nlen = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		if (nlen >= sizeof name)
			nlen = sizeof name - 1;
		memcpy(name, a + 2, nlen);
		name[nlen] = '\0';
		const struct cli_opt *o = NULL;
		for (size_t k = 0; k < CLI_MAX_OPTS && c->opts[k].name; k++)
			if (strcmp(c->opts[k].name, name) == 0)
				o = &c->opts[k];
		for (size_t k = 0; !o && k < sizeof common_opts / sizeof common_opts[0]; k++)
			if (strcmp(common_opts[k].name, name) == 0)
				o = &common_opts[k];
		if (!o) {
			fprintf(stderr, "madoguchi: unknown option --%s (see --help)\n", name);
			return 2;
		}
		const char *value = "";
		if (o->arg) {
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else {
				fprintf(stderr, "madoguchi: --%s needs a value (%s)\n", o->name, o->arg);
				return 2;
			}
		} else if (eq) {
			fprintf(stderr, "madoguchi: --%s takes no value\n", o->name);
			return 2;
		}
		if (strcmp(o->name, "config") == 0) {
			call->config_path = value;
		} else if (strcmp(o->name, "json") == 0) {
			call->json = true;
		} else {
			if (call->n_opts == CLI_MAX_OPTS) {
				fprintf(stderr, "madoguchi: too many options\n");
				return 2;
			}
			call->names[call->n_opts] = o->name;
			call->values[call->n_opts] = value;
			call->n_opts++;
		}
	}
	for (size_t k = 0; k < CLI_MAX_OPTS && c->opts[k].name; k++)
		if (c->opts[k].required && !cli_has(call, c->opts[k].name)) {
			fprintf(stderr, "madoguchi: --%s is required (see --help)\n", c->opts[k].name);
			return 2;
		}
	if ((int)call->n_args < c->min_args || (int)call->n_args > c->max_args) {
		fprintf(stderr, "madoguchi: wrong number of arguments\n");
		command_help(stderr, c);
		return 2;
	}
	return -1; /* parsed; go on */
}

int cli_main(int argc, char **argv)
{
	setup_i18n();
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		global_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("madoguchi %s\n", MDG_VERSION);
		return 0;
	}
	const struct cli_cmd *found = NULL;
	bool group_known = false;
	int used = 2;
	for (size_t t = 0; t < sizeof tables / sizeof tables[0] && !found; t++)
		for (const struct cli_cmd *c = tables[t]; c->group && !found; c++) {
			if (strcmp(c->group, argv[1]) != 0)
				continue;
			group_known = true;
			if (!c->name) {
				found = c;
				used = 2;
			} else if (argc > 2 && strcmp(c->name, argv[2]) == 0) {
				found = c;
				used = 3;
			}
		}
	if (!found) {
		if (group_known) {
			fprintf(stderr, "madoguchi: %s: unknown or missing subcommand; one of:", argv[1]);
			for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
				for (const struct cli_cmd *c = tables[t]; c->group; c++)
					if (strcmp(c->group, argv[1]) == 0 && c->name)
						fprintf(stderr, " %s", c->name);
			fprintf(stderr, "\n");
		} else {
			fprintf(stderr, "madoguchi: unknown command '%s' (see madoguchi --help)\n", argv[1]);
		}
		return 2;
	}
	struct cli_call call = { .cmd = found };
	call.config_path = getenv("MADOGUCHI_CONFIG");
	if (!call.config_path || !*call.config_path)
		call.config_path = MDG_DEFAULT_CONFIG;
	int rc = parse_opts(found, argc - used, argv + used, &call);
	if (rc >= 0)
		return rc;
	return found->run(&call);
}
