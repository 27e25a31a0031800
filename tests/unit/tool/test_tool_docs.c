/* SPDX-License-Identifier: MIT */
/*
 * The man pages and the bash completion that the build generated (paths in $NVMU_MAN and
 * $NVMU_COMPLETION) cover every verb `nvmu help` lists and every option its --help names;
 * `nvmu help soft` lists the soft: options the parser knows.
 */
#include <ctype.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tool_run.h"

#define CHECK_MSG(cond, ...)                                      \
	do {                                                      \
		if (!(cond)) {                                    \
			fprintf(stderr, __VA_ARGS__);             \
			fputc('\n', stderr);                      \
			check_failures++;                         \
		}                                                 \
	} while (0)

static char *slurp(const char *path)
{
	FILE *file = fopen(path, "rb");
	char *text;
	long len;

	if (!file)
		return NULL;
	fseek(file, 0, SEEK_END);
	len = ftell(file);
	rewind(file);
	text = calloc(1, (size_t)len + 1);
	if (text && fread(text, 1, (size_t)len, file) != (size_t)len) {
		free(text);
		text = NULL;
	}
	fclose(file);
	return text;
}

/* The verb names of `nvmu help`: the first word of each line after "Commands:". */
static size_t help_verbs(char names[][32], size_t max)
{
	const char *p;
	size_t n = 0;

	CHECK_EQ(nvmu("help"), 0);
	p = strstr(out, "Commands:\n");
	CHECK(p != NULL);
	for (p = p ? strchr(p, '\n') + 1 : ""; p[0] == ' ' && p[1] == ' ' && n < max;
	     p = strchr(p, '\n') + 1)
		sscanf(p, "%31s", names[n++]);
	return n;
}

/*
 * Whether a usage text's word is an option: "-n", "--namespace-id" (from "--x=N" too),
 * not "-" or a number range.
 */
static bool option_word(const char *w, char *opt, size_t len)
{
	size_t n = 0;

	if (w[0] != '-' || !(isalnum((unsigned char)w[1]) || w[1] == '-'))
		return false;
	if (w[1] == '-' && !isalpha((unsigned char)w[2]))
		return false;
	while (w[n] && (isalnum((unsigned char)w[n]) || w[n] == '-') && n < len - 1)
		n++;
	if (w[1] != '-' && n != 2)
		return false;
	memcpy(opt, w, n);
	opt[n] = '\0';
	return true;
}

/* The man page must hold @p opt as roff writes it ("\-n", "\-\-namespace\-id"). */
static bool man_has(const char *man, const char *opt)
{
	char roff[96] = "";

	for (const char *p = opt; *p; p++)
		strncat(roff, *p == '-' ? "\\-" : (char[]){ *p, 0 }, sizeof(roff) - strlen(roff) - 1);
	return strstr(man, roff) != NULL;
}

/* The completion's line for @p verb ("\tverb) echo '...' ;;") must list @p opt. */
static bool completion_has(const char *comp, const char *verb, const char *opt)
{
	char head[64], list[2048], word[80];
	const char *line;
	size_t len;

	snprintf(head, sizeof(head), "\t%.32s) echo '", verb);
	line = strstr(comp, head);
	if (!line)
		return false;
	line += strlen(head);
	len = strcspn(line, "'");
	snprintf(list, sizeof(list), " %.*s ", (int)(len < 2000 ? len : 2000), line);
	snprintf(word, sizeof(word), " %.60s ", opt);
	return strstr(list, word) != NULL;
}

TEST(every_verb_and_option_is_in_the_man_pages_and_the_completion)
{
	const char *man_first = getenv("NVMU_MAN"), *comp_path = getenv("NVMU_COMPLETION");
	char names[128][32], dir[4096], path[4200], opt[64];
	char *comp = comp_path ? slurp(comp_path) : NULL;
	size_t n;

	setup();
	n = help_verbs(names, 128);
	CHECK(n >= 26);
	CHECK(man_first != NULL && comp != NULL);
	if (!man_first || !comp)
		return;
	snprintf(dir, sizeof(dir), "%s", man_first);
	dirname(dir);
	for (size_t i = 0; i < n; i++) {
		char *man, *save = NULL;

		snprintf(path, sizeof(path), "%.4000s/nvmu-%.31s.1", dir, names[i]);
		man = slurp(path);
		if (!man) {
			CHECK_MSG(false, "no man page %s", path);
			continue;
		}
		CHECK_EQ(nvmu("%s --help", names[i]), 0);
		for (char *w = strtok_r(out, " \t\n[]|,(){}=", &save); w;
		     w = strtok_r(NULL, " \t\n[]|,(){}=", &save)) {
			if (!option_word(w, opt, sizeof(opt)))
				continue;
			CHECK_MSG(man_has(man, opt), "nvmu-%s.1 lacks %s", names[i], opt);
			CHECK_MSG(completion_has(comp, names[i], opt), "completion of %s lacks %s",
				  names[i], opt);
		}
		free(man);
	}
	/* The script is valid bash, and completes a verb, an option and soft:. */
	snprintf(path, sizeof(path), "bash -c 'source \"%.3000s\"; COMP_WORDS=(nvmu id-c); "
		 "COMP_CWORD=1; _nvmu; echo \"${COMPREPLY[*]}\"; COMP_WORDS=(nvmu smart-log --hu); "
		 "COMP_CWORD=2; _nvmu; echo \"${COMPREPLY[*]}\"; COMP_WORDS=(nvmu flush so); "
		 "COMP_CWORD=2; _nvmu; echo \"${COMPREPLY[*]}\"' > %.60s/comp 2>&1", comp_path, f.root);
	CHECK_EQ(system(path), 0);
	snprintf(path, sizeof(path), "%.4000s/comp", f.root);
	free(comp);
	comp = slurp(path);
	CHECK(comp && !strcmp(comp, "id-ctrl\n--human-readable\nsoft:\n"));
	snprintf(path, sizeof(path), "%.4000s/nvmu.1", dir);
	free(comp);
	comp = slurp(path);
	CHECK(comp && strstr(comp, ".SH SOFTWARE CONTROLLER") && strstr(comp, "nvmu\\-perf (1)"));
	free(comp);
	fake_cleanup(&f);
}

TEST(help_soft_lists_every_option_the_parser_knows)
{
	setup();
	/* The parser names the options it knows when it meets an unknown one. */
	CHECK_EQ(nvmu("id-ctrl soft:frob=1"), 1);
	const char *known = strstr(err, "(known: ");
	CHECK(known != NULL);
	CHECK_EQ(nvmu("help soft"), 0);
	for (const char *k = known ? known + 8 : ")"; *k != ')';) {
		char key[32], line[40];
		size_t len = strcspn(k, ",)");

		snprintf(key, sizeof(key), "%.*s", (int)len, k);
		snprintf(line, sizeof(line), "\n  %s ", key);
		CHECK_MSG(strstr(out, line) != NULL, "nvmu help soft lacks %s", key);
		k += len;
		k += *k == ',' ? 2 : 0;
	}
	fake_cleanup(&f);
}

RUN_TESTS(T(every_verb_and_option_is_in_the_man_pages_and_the_completion),
	  T(help_soft_lists_every_option_the_parser_knows))
