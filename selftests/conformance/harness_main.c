// SPDX-License-Identifier: GPL-2.0
/*
 * Our entry point for the upstream kTLS selftest (tools/testing/selftests/
 * net/tls.c from Debian's linux-source package, extracted at build time and
 * never committed). The 6.1 kselftest harness has no way to run a subset of
 * cases, so this file includes the upstream test into the same translation
 * unit (its fixture list is static there), renames its main(), and runs the
 * cases whose "fixture.variant.test" name matches a glob of $KTLS_FILTER
 * (comma separated; empty means all). Output stays the harness's own TAP.
 *
 * The harness gives each case 30 s unless the test sets its own timeout.
 * Emulated guests run 10-20x slower than real machines, so the heavy
 * multi-process cases (names matching $KTLS_SLOW_CASES, default
 * "*mutliproc*") get at least $KTLS_CASE_TIMEOUT seconds (default 600:
 * 180 s proved too short with two suites running at once under TCG).
 * Other cases keep the harness's own limit, so a case that fails by
 * hanging (tls.ko's rekey cases) still costs only 30 s.
 */
#define _GNU_SOURCE	/* as the upstream test, which is included below */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#define main ktls_upstream_main
#include "tls.c"
#undef main

static int ktls_case_selected(const char *filter, const char *name)
{
	char *list, *glob, *save = NULL;
	int hit = 0;

	if (!filter || !*filter)
		return 1;
	list = strdup(filter);
	if (!list)
		return 1;
	for (glob = strtok_r(list, ",", &save); glob && !hit;
	     glob = strtok_r(NULL, ",", &save))
		hit = fnmatch(glob, name, 0) == 0;
	free(list);
	return hit;
}

/* What to do with each selected case: count it, list it, or run it. */
struct ktls_walk {
	const char *filter;
	int list_only;
	int run;
	const char *slow;
	int min_timeout;
	struct __test_results *results;
	unsigned int count, passed;
};

static void ktls_visit(struct ktls_walk *w, struct __fixture_metadata *f,
		       struct __fixture_variant_metadata *v,
		       struct __test_metadata *t)
{
	char name[512];

	snprintf(name, sizeof(name), "%s%s%s.%s", f->name,
		 v->name[0] ? "." : "", v->name, t->name);
	if (!ktls_case_selected(w->filter, name))
		return;
	w->count++;
	if (w->list_only)
		printf("%s\n", name);
	if (!w->run)
		return;
	if (ktls_case_selected(w->slow, name) && t->timeout < w->min_timeout)
		t->timeout = w->min_timeout;
	t->results = w->results;
	__run_test(f, v, t);
	t->results = NULL;
	w->passed += !!t->passed;
}

/* Every case of every fixture variant, in the harness's own order. */
static void ktls_walk(struct ktls_walk *w)
{
	struct __fixture_variant_metadata no_variant = { .name = "", };
	struct __fixture_variant_metadata *v;
	struct __fixture_metadata *f;
	struct __test_metadata *t;

	for (f = __fixture_list; f; f = f->next)
		for (v = f->variant ?: &no_variant; v; v = v->next)
			for (t = f->tests; t; t = t->next)
				ktls_visit(w, f, v, t);
}

int main(int argc, char **argv)
{
	const char *tmo_env = getenv("KTLS_CASE_TIMEOUT");
	struct ktls_walk w = {
		.filter = getenv("KTLS_FILTER"),
		.list_only = argc > 1 && !strcmp(argv[1], "-l"),
		.slow = getenv("KTLS_SLOW_CASES") ?: "*mutliproc*",
		.min_timeout = tmo_env ? atoi(tmo_env) : 600,
	};
	unsigned int count;

	/* First pass counts the selected cases for the TAP plan. */
	ktls_walk(&w);
	if (w.list_only)
		return 0;

	w.results = mmap(NULL, sizeof(*w.results), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w.results == MAP_FAILED)
		return KSFT_FAIL;
	count = w.count;
	w.count = 0;
	w.run = 1;
	ksft_print_header();
	ksft_set_plan(count);
	ktls_walk(&w);
	munmap(w.results, sizeof(*w.results));
	ksft_print_msg("%u / %u selected tests passed\n", w.passed, count);
	return w.passed == count ? KSFT_PASS : KSFT_FAIL;
}
