/* SPDX-License-Identifier: MIT */
/* cmd_config: `madoguchi config check [FILE]` reads a site file through the same path as every
 * other command (src/yaml, then core/config) and lists every problem as file:line:col, or
 * answers ok; `config schema` prints the documentation of every key from the schema table.
 * Exit codes: 0 good, 2 bad or unreadable file, 1 out of memory. */
#include <stdio.h>

#include "app/cli.h"
#include "app/out.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/json.h"
#include "yaml/yamldoc.h"

static int run_check(const struct cli_call *call)
{
	const char *path = call->n_args ? call->args[0] : call->config_path;
	struct doc doc = { 0 };
	struct doc_diags diags = { 0 };
	struct mdg_config *cfg = NULL;
	enum mdg_status rc = yaml_load_file(path, &doc, &diags);
	if (rc == MDG_OK)
		rc = config_from_doc(&doc, &cfg, &diags);
	if (call->json) {
		struct json_writer j;
		json_begin(&j, stdout);
		json_obj_begin(&j, NULL);
		json_bool(&j, "ok", rc == MDG_OK);
		json_str(&j, "file", path);
		json_arr_begin(&j, "errors");
		for (size_t i = 0; i < diags.n; i++)
			json_str(&j, NULL, diags.msgs[i]);
		json_arr_end(&j);
		if (cfg) {
			json_int(&j, "services", (int64_t)cfg->n_services);
			json_int(&j, "counters", (int64_t)cfg->n_counters);
			json_int(&j, "terminals", (int64_t)cfg->n_terminals);
		}
		out_json_close(&j);
	} else if (rc == MDG_OK) {
		printf(_("%s: ok (%zu services, %zu counters, %zu terminals)\n"), path, cfg->n_services,
		       cfg->n_counters, cfg->n_terminals);
	} else {
		doc_diags_print(&diags, stderr);
		if (rc == MDG_ERR_CONFIG)
			fprintf(stderr, _("%s: %zu problems\n"), path, diags.n);
		else
			fprintf(stderr, "madoguchi: %s: %s\n", path, mdg_status_str(rc));
	}
	config_free(&cfg);
	doc_diags_free(&diags);
	doc_free(&doc);
	return mdg_status_exit(rc);
}

static int run_schema(const struct cli_call *call)
{
	config_schema_print(stdout);
	return 0;
}

const struct cli_cmd cmd_config_table[] = {
	{ .group = "config", .name = "check", .run = run_check, .args = "[FILE]", .max_args = 1,
	  .summary = "check a site file (default: the --config file); lists every problem at once" },
	{ .group = "config", .name = "schema", .run = run_schema,
	  .summary = "document every key of the site file: type, default, range, meaning" },
	{ 0 },
};
