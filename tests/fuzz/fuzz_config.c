/* SPDX-License-Identifier: MIT */
/* Fuzz target: the site file path from bytes to a checked config (src/yaml + core/config.c).
 * Any input must end in MDG_OK or a list of diagnostics, never a crash, a leak or UB. */
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "yaml/yamldoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc doc = { 0 };
	struct doc_diags diags = { 0 };
	struct mdg_config *cfg = NULL;
	if (yaml_load_string("/fuzz/site.yaml", (const char *)data, size, &doc, &diags) == MDG_OK &&
	    config_from_doc(&doc, &cfg, &diags) == MDG_OK) {
		/* Touch what callers read. */
		for (size_t i = 0; i < cfg->n_services; i++)
			(void)textmap_get(&cfg->services[i].name, "ja@easy");
	}
	config_free(&cfg);
	doc_diags_free(&diags);
	doc_free(&doc);
	return 0;
}
