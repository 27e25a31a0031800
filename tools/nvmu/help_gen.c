/* SPDX-License-Identifier: MIT */
/* Man pages and bash completion from the verb table: see help_gen.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "help_gen.h"
#include "nvmu/nvme_soft.h"
#include "nvmu/support.h"
#include "output_wrap.h"

/* A '-' starts an option when it follows a blank or an opening mark: not "nvme-cli". */
static bool starts_flag(const char *usage, const char *p)
{
	return (p == usage || strchr(" \t\n[|,(", p[-1])) &&
	       (isalnum((unsigned char)p[1]) || (p[1] == '-' && isalpha((unsigned char)p[2])));
}

size_t usage_flags(const char *usage, char flags[][USAGE_FLAG_LEN], size_t max)
{
	size_t n = 0;

	for (const char *p = strchr(usage, '-'); p && n < max; p = strchr(p + 1, '-')) {
		size_t len = 1;
		bool seen = false;

		if (!starts_flag(usage, p))
			continue;
		if (p[1] == '-') /* --long-name */
			for (len = 2; isalnum((unsigned char)p[len]) || p[len] == '-'; len++)
				;
		else /* -x: one character */
			len = 2;
		if (len >= USAGE_FLAG_LEN || (len == 2 && isalnum((unsigned char)p[2])))
			continue; /* "-1" of a number range, "-dev": not an option */
		for (size_t i = 0; i < n && !seen; i++)
			seen = strlen(flags[i]) == len && !strncmp(flags[i], p, len);
		if (seen)
			continue;
		memcpy(flags[n], p, len);
		flags[n++][len] = '\0';
	}
	return n;
}

/* Text as roff shows it verbatim: backslashes escaped, no line taken for a request. */
static void roff_text(FILE *out, const char *text)
{
	bool line_start = true;

	for (const char *p = text; *p; p++) {
		if (line_start && (*p == '.' || *p == '\''))
			fputs("\\&", out);
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-')
			fputs("\\-", out);
		else
			fputc(*p, out);
		line_start = *p == '\n';
	}
	if (!line_start)
		fputc('\n', out);
}

/* The text printed by @p print(out, arg) into a string (NULL without memory). */
static char *capture(void (*print)(FILE *out, const void *arg), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	print(f, arg);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void print_usage(FILE *out, const void *verb)
{
	output_wrap_print_usage(out, verb);
}

static void print_soft(FILE *out, const void *arg)
{
	(void)arg;
	help_print_soft(out);
}

static void man_header(FILE *out, const char *name, const char *summary)
{
	char upper[64];
	size_t i;

	for (i = 0; name[i] && i < sizeof(upper) - 1; i++)
		upper[i] = (char)toupper((unsigned char)name[i]);
	upper[i] = '\0';
	fprintf(out, ".TH \"%s\" 1 \"\" \"nvmu %s\" \"nvmu Manual\"\n.SH NAME\n", upper,
		nvmu_version());
	roff_text(out, name);
	fputs("\\- ", out);
	roff_text(out, summary);
}

/* A section of verbatim text (the usage as --help prints it). */
static void man_verbatim(FILE *out, const char *section, const char *text)
{
	fprintf(out, ".SH %s\n.nf\n", section);
	roff_text(out, text ? text : "(out of memory)\n");
	fputs(".fi\n", out);
}

static int write_verb_page(FILE *out, const struct nvmu_verb *v)
{
	char *usage = capture(print_usage, v);
	char name[64];

	snprintf(name, sizeof(name), "nvmu-%s", v->name);
	man_header(out, name, v->summary);
	man_verbatim(out, "DESCRIPTION", usage);
	fputs(".SH SEE ALSO\n.BR nvmu (1)\n", out);
	free(usage);
	return 0;
}

static void print_overview_page(FILE *out, const struct nvmu_verb *const *verbs, size_t n,
				void (*overview)(FILE *out))
{
	char *soft = capture(print_soft, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f) {
		overview(f);
		if (fclose(f) != 0) {
			free(text);
			text = NULL;
		}
	}
	man_header(out, "nvmu", "drive NVMe controllers from user space");
	man_verbatim(out, "DESCRIPTION", text);
	man_verbatim(out, "SOFTWARE CONTROLLER", soft);
	fputs(".SH SEE ALSO\n", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, ".BR nvmu\\-%s (1)%s\n", verbs[i]->name, i + 1 < n ? "," : "");
	free(soft);
	free(text);
}

/* Open @p dir/@p file for writing; NULL after printing why. */
static FILE *open_page(const char *dir, const char *file)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "nvmu: cannot create %s: %s\n", path, strerror(errno));
	return f;
}

static int close_page(FILE *f, const char *file)
{
	if (fclose(f) == 0)
		return 0;
	fprintf(stderr, "nvmu: cannot write %s: %s\n", file, strerror(errno));
	return -1;
}

int help_write_man(const char *dir, const struct nvmu_verb *const *verbs, size_t n,
		   void (*overview)(FILE *out))
{
	char file[80];
	FILE *f = open_page(dir, "nvmu.1");

	if (!f)
		return -1;
	print_overview_page(f, verbs, n, overview);
	if (close_page(f, "nvmu.1"))
		return -1;
	for (size_t i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "nvmu-%s.1", verbs[i]->name);
		if (!(f = open_page(dir, file)))
			return -1;
		write_verb_page(f, verbs[i]);
		if (close_page(f, file))
			return -1;
	}
	return 0;
}

void help_print_soft(FILE *out)
{
	size_t need = nvmu_soft_help(NULL, 0) + 1;
	char *text = malloc(need);

	fputs("soft:[KEY=VALUE,...] is a software NVMe controller inside the nvmu process: no\n"
	      "hardware, no privileges. Its namespaces live in RAM (or a file) for the one\n"
	      "command, so every verb can be tried on it. Example: soft:ns=2,size=1G,lbs=4096\n"
	      "Numbers are decimal or 0x hex; sizes take a unit k, m, g or t.\n"
	      "\n  KEY          DEFAULT MEANING\n", out);
	if (text) {
		nvmu_soft_help(text, need);
		fputs(text, out);
		free(text);
	}
}

/*
 * The shell functions that list devices: the NVMe functions (class 0x010802) of a sysfs
 * folder; for the verbs, those on vfio-pci and soft:, for bind every one.
 */
static const char completion_devices[] =
	"_nvmu_functions()\n"
	"{\n"
	"\tlocal d class\n"
	"\tfor d in \"$1\"/*:*; do\n"
	"\t\t[ -r \"$d/class\" ] || continue\n"
	"\t\tread -r class < \"$d/class\"\n"
	"\t\t[ \"$class\" = 0x010802 ] && echo \"${d##*/}\"\n"
	"\tdone\n"
	"}\n\n"
	"_nvmu_devices()\n"
	"{\n"
	"\tcase $1 in\n"
	"\tbind) _nvmu_functions /sys/bus/pci/devices ;;\n"
	"\tunbind) _nvmu_functions /sys/bus/pci/drivers/vfio-pci ;;\n"
	"\t*) _nvmu_functions /sys/bus/pci/drivers/vfio-pci; echo soft: ;;\n"
	"\tesac\n"
	"}\n\n";

/* The completion function: verbs, then a verb's flags, the values of -o, devices. */
static const char completion_body[] =
	"\tlocal cur prev words cword\n"
	"\tif declare -F _init_completion >/dev/null; then\n"
	"\t\t_init_completion -n : || return\n"
	"\telse\n"
	"\t\tcur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\t\twords=(\"${COMP_WORDS[@]}\") cword=$COMP_CWORD\n"
	"\tfi\n"
	"\tif [ \"$cword\" -eq 1 ]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"help --help --version -v --verbose $verbs\" -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tcase $prev in\n"
	"\t-o|--output-format|--output)\n"
	"\t\tCOMPREPLY=($(compgen -W 'normal json binary' -- \"$cur\")); return ;;\n"
	"\tesac\n"
	"\tif [ \"${words[1]}\" = help ]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$verbs soft\" -- \"$cur\")); return\n"
	"\tfi\n"
	"\tif [[ $cur == -* ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$(_nvmu_flags \"${words[1]}\") --help --verbose\" "
	"-- \"$cur\"))\n"
	"\telse\n"
	"\t\tCOMPREPLY=($(compgen -W \"$(_nvmu_devices \"${words[1]}\")\" -- \"$cur\"))\n"
	"\t\tdeclare -F __ltrim_colon_completions >/dev/null && "
	"__ltrim_colon_completions \"$cur\"\n"
	"\tfi\n";

void help_write_completion(FILE *out, const struct nvmu_verb *const *verbs, size_t n)
{
	char flags[USAGE_FLAGS_MAX][USAGE_FLAG_LEN];

	fputs("# bash completion for nvmu. Generated by 'nvmu --dump-completion' from the\n"
	      "# verb table (names and usage texts): do not edit.\n\n", out);
	fputs(completion_devices, out);
	fputs("# The options of verb $1, as its usage text names them.\n"
	      "_nvmu_flags()\n{\n\tcase $1 in\n", out);
	for (size_t i = 0; i < n; i++) {
		size_t nf = usage_flags(verbs[i]->usage, flags, USAGE_FLAGS_MAX);

		fprintf(out, "\t%s) echo '", verbs[i]->name);
		for (size_t k = 0; k < nf; k++)
			fprintf(out, "%s%s", k ? " " : "", flags[k]);
		if (output_wrap_applies(verbs[i]))
			fputs(" -o --output-format", out);
		if (strstr(verbs[i]->usage, DEVICE_HELP_MARK)) /* main.c takes it for them */
			fputs(" --vf-token", out);
		fputs("' ;;\n", out);
	}
	fputs("\tesac\n}\n\n_nvmu()\n{\n\tlocal verbs='", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? " " : "", verbs[i]->name);
	fputs("'\n", out);
	fputs(completion_body, out);
	fputs("}\n\ncomplete -F _nvmu nvmu\n", out);
}
