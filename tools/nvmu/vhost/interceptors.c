/* SPDX-License-Identifier: MIT */
/* The registry of the tool's interceptors and the parsing of --intercept specs. */
#include <string.h>

#include "cli.h"
#include "verbs.h"
#include "vhost/interceptors.h"

static const struct tool_icpt *const all[] = { &icpt_encrypt, &icpt_mirror, &icpt_split };

int icpt_check_keys(const char *verb, const char *name, const struct icpt_opt *opts,
		    unsigned nopts, const char *const *allowed)
{
	for (unsigned i = 0; i < nopts; i++) {
		bool known = false;

		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, opts[i].key) == 0;
		if (!known)
			return cli_usage_error(verb, "--intercept %s: unknown option '%s'", name,
					       opts[i].key);
	}
	return 0;
}

int icpt_from_spec(const char *verb, char *spec, const struct tool_icpt **which,
		   const struct nvmu_intercept_ops **ops, void **arg)
{
	struct icpt_opt opts[ICPT_MAX_OPTS];
	unsigned nopts = 0;
	char *save = NULL, *name = strtok_r(spec, ",", &save);

	if (!name)
		return cli_usage_error(verb, "--intercept expects NAME[,OPT=VALUE...]");
	for (char *kv = strtok_r(NULL, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq || eq == kv)
			return cli_usage_error(verb, "--intercept %s: '%s' is not OPT=VALUE", name,
					       kv);
		if (nopts == ICPT_MAX_OPTS)
			return cli_usage_error(verb, "--intercept %s: at most %d options", name,
					       ICPT_MAX_OPTS);
		*eq = '\0';
		opts[nopts++] = (struct icpt_opt){ kv, eq + 1 };
		/* A device string holds commas of its own: dev= takes the rest of the spec. */
		if (strcmp(kv, "dev") == 0 && save && *save) {
			save[-1] = ',';
			break;
		}
	}
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0) {
			*which = all[i];
			return all[i]->create(verb, opts, nopts, ops, arg);
		}
	return cli_usage_error(verb, "--intercept: unknown interceptor '%s' (known: encrypt, "
			       "mirror, split)", name);
}
