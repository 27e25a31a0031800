/* SPDX-License-Identifier: MIT */
/*
 * json_common: compare two JSON documents on the keys they have in common (a guest
 * program: busybox has no jq or python).
 *
 *   json_common [--exclude KEY]... [--map REF_PREFIX=OTHER_PREFIX] REF.json OTHER.json
 *
 * Both documents are flattened into "path = value" pairs (paths like psds[0].max_power;
 * values as written: numbers as digits, strings with their quotes). Every path of REF
 * must be in OTHER with the same value, except the excluded ones (KEY matches a whole
 * path or its last component). --map renames a REF path prefix first (e.g. nvme-cli's
 * device name as the top key). Paths only in OTHER are listed as comments.
 * Prints "# ..." comment lines; exits 0 if everything compared agrees, 1 if not, 2 on
 * a usage or parse error.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAIRS 4096
#define MAX_EXCLUDES 64

struct pair {
	char *path;
	char *value;
};

struct doc {
	const char *name;
	const char *text;
	size_t pos;
	struct pair pairs[MAX_PAIRS];
	size_t n;
	bool error;
};

static void skip_space(struct doc *d)
{
	while (isspace((unsigned char)d->text[d->pos]))
		d->pos++;
}

static void parse_error(struct doc *d, const char *what)
{
	if (!d->error)
		fprintf(stderr, "json_common: %s: %s at byte %zu\n", d->name, what, d->pos);
	d->error = true;
}

static void add_pair(struct doc *d, const char *path, const char *start, size_t len)
{
	if (d->n == MAX_PAIRS) {
		parse_error(d, "too many values");
		return;
	}
	d->pairs[d->n].path = strdup(path);
	d->pairs[d->n].value = strndup(start, len);
	d->n++;
}

static void parse_value(struct doc *d, const char *path);

/* A string token at d->pos (the quote); returns its length including both quotes. */
static size_t string_token(struct doc *d)
{
	size_t start = d->pos++;

	while (d->text[d->pos] && d->text[d->pos] != '"')
		d->pos += d->text[d->pos] == '\\' && d->text[d->pos + 1] ? 2 : 1;
	if (d->text[d->pos] != '"') {
		parse_error(d, "unterminated string");
		return 0;
	}
	d->pos++;
	return d->pos - start;
}

static void parse_object(struct doc *d, const char *path)
{
	d->pos++; /* { */
	skip_space(d);
	if (d->text[d->pos] == '}') {
		d->pos++;
		return;
	}
	while (!d->error) {
		char child[1024];
		size_t start, len;

		skip_space(d);
		if (d->text[d->pos] != '"')
			return parse_error(d, "expected a key");
		start = d->pos;
		len = string_token(d);
		if (len < 2)
			return;
		snprintf(child, sizeof(child), "%s%s%.*s", path, *path ? "." : "", (int)(len - 2),
			 d->text + start + 1);
		skip_space(d);
		if (d->text[d->pos++] != ':')
			return parse_error(d, "expected ':'");
		parse_value(d, child);
		skip_space(d);
		if (d->text[d->pos] == ',') {
			d->pos++;
			continue;
		}
		if (d->text[d->pos] == '}') {
			d->pos++;
			return;
		}
		return parse_error(d, "expected ',' or '}'");
	}
}

static void parse_array(struct doc *d, const char *path)
{
	d->pos++; /* [ */
	skip_space(d);
	if (d->text[d->pos] == ']') {
		d->pos++;
		return;
	}
	for (unsigned i = 0; !d->error; i++) {
		char child[1024];

		snprintf(child, sizeof(child), "%s[%u]", path, i);
		parse_value(d, child);
		skip_space(d);
		if (d->text[d->pos] == ',') {
			d->pos++;
			continue;
		}
		if (d->text[d->pos] == ']') {
			d->pos++;
			return;
		}
		return parse_error(d, "expected ',' or ']'");
	}
}

static void parse_value(struct doc *d, const char *path)
{
	size_t start;

	skip_space(d);
	start = d->pos;
	switch (d->text[d->pos]) {
	case '{':
		return parse_object(d, path);
	case '[':
		return parse_array(d, path);
	case '"':
		add_pair(d, path, d->text + start, string_token(d));
		return;
	default:
		while (d->text[d->pos] && (isalnum((unsigned char)d->text[d->pos]) ||
					   strchr("+-.", d->text[d->pos])))
			d->pos++;
		if (d->pos == start)
			return parse_error(d, "expected a value");
		add_pair(d, path, d->text + start, d->pos - start);
	}
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "json_common: cannot read %s\n", path);
		if (f)
			fclose(f);
		return NULL;
	}
	buf = calloc(1, (size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int load(struct doc *d, const char *path)
{
	d->name = path;
	d->text = read_file(path);
	if (!d->text)
		return -1;
	parse_value(d, "");
	skip_space(d);
	if (!d->error && d->text[d->pos])
		parse_error(d, "trailing text");
	if (!d->error && d->n == 0)
		parse_error(d, "no values");
	return d->error ? -1 : 0;
}

static const char *find(const struct doc *d, const char *path)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->pairs[i].path, path))
			return d->pairs[i].value;
	return NULL;
}

static bool excluded(const char *path, char **excludes, size_t nex)
{
	const char *last = strrchr(path, '.');

	last = last ? last + 1 : path;
	for (size_t i = 0; i < nex; i++)
		if (!strcmp(path, excludes[i]) || !strcmp(last, excludes[i]))
			return true;
	return false;
}

static struct doc ref, other;
static const char *map_from = "", *map_to = "";

/* A REF path with the --map prefix renamed (into @p buf when it changes). */
static const char *map_path(const char *path, char *buf, size_t len)
{
	if (!*map_from || strncmp(path, map_from, strlen(map_from)))
		return path;
	snprintf(buf, len, "%s%s", map_to, path + strlen(map_from));
	return buf;
}

int main(int argc, char **argv)
{
	char *excludes[MAX_EXCLUDES];
	size_t nex = 0, compared = 0, skipped = 0;
	int i, bad = 0;

	for (i = 1; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--exclude") && nex < MAX_EXCLUDES) {
			excludes[nex++] = argv[i + 1];
		} else if (!strcmp(argv[i], "--map") && strchr(argv[i + 1], '=')) {
			map_from = strndup(argv[i + 1], (size_t)(strchr(argv[i + 1], '=') - argv[i + 1]));
			map_to = strchr(argv[i + 1], '=') + 1;
		} else {
			break;
		}
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: json_common [--exclude KEY]... [--map FROM=TO] REF.json OTHER.json\n");
		return 2;
	}
	if (load(&ref, argv[i]) || load(&other, argv[i + 1]))
		return 2;
	for (size_t k = 0; k < ref.n; k++) {
		char mapped[1100];
		const char *path = map_path(ref.pairs[k].path, mapped, sizeof(mapped)), *value;

		if (excluded(path, excludes, nex)) {
			skipped++;
			continue;
		}
		value = find(&other, path);
		if (!value) {
			printf("# missing in %s: %s (%s has %s)\n", other.name, path, ref.name, ref.pairs[k].value);
			bad++;
		} else if (strcmp(value, ref.pairs[k].value)) {
			printf("# differs: %s: %s has %s, %s has %s\n", path, ref.name, ref.pairs[k].value,
			       other.name, value);
			bad++;
		} else {
			compared++;
		}
	}
	for (size_t k = 0; k < other.n; k++) {
		bool in_ref = false;

		for (size_t r = 0; r < ref.n && !in_ref; r++) {
			char mapped[1100];

			in_ref = !strcmp(map_path(ref.pairs[r].path, mapped, sizeof(mapped)),
					 other.pairs[k].path);
		}
		if (!in_ref)
			printf("# only in %s: %s = %s\n", other.name, other.pairs[k].path, other.pairs[k].value);
	}
	printf("# %zu values agree, %d disagree or are missing, %zu excluded\n", compared, bad, skipped);
	return bad ? 1 : 0;
}
