// SPDX-License-Identifier: GPL-2.0
/*
 * Our entry point for the upstream kTLS selftest (tools/testing/selftests/
 * net/tls.c from Debian's linux-source package of the kernel under test,
 * extracted at build time and never committed). It builds against the
 * kselftest harness of 6.1 and of 6.12: it includes the upstream test into
 * the same translation unit (its fixture list is static there), renames its
 * main(), and runs the cases whose "fixture.variant.test" name matches a
 * glob of $KTLS_FILTER (comma separated; empty means all). The 6.1 harness
 * cannot select cases at all, and 6.12's selects by exact names only.
 * Output stays the harness's own TAP.
 *
 * The harness gives each case 30 s unless the test sets its own timeout.
 * Emulated guests run 10-20x slower than real machines, so the heavy
 * multi-process cases (names matching $KTLS_SLOW_CASES, default
 * "*mutliproc*") get at least $KTLS_CASE_TIMEOUT seconds (default 600:
 * 180 s proved too short with two suites running at once under TCG).
 *
 * A case that fails by hanging (a blocking read the provider will never
 * satisfy, as in tls.ko's rekey cases) would cost the whole 30 s. The cases
 * matching $KTLS_QUICK_CASES (run.sh passes those the expectation file
 * lists as failing) get at most $KTLS_QUICK_TIMEOUT seconds instead
 * (default 3): they still run and are still reported, and a case that
 * starts passing still shows up, as every such case finishes in well under
 * a second when it does not hang (the timings below say so). 15 such
 * cases hang on tls.ko per kernel: at 10 s they were 150 of the suite's
 * 320 wall seconds.
 *
 * After each case a TAP comment "# time NAME wall W cpu C" gives the wall
 * seconds it took and the CPU seconds (user + system) its processes used,
 * so that a case which waits rather than works stands out.
 */
#define _GNU_SOURCE	/* as the upstream test, which is included below */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

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

/*
 * Seconds on a monotonic clock, and the CPU seconds of every child reaped
 * so far: once __run_test returns, the case's process (with whatever it
 * reaped itself) is one of them.
 */
static void ktls_clock(double *wall, double *cpu)
{
	struct timespec ts;
	struct rusage ru;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	*wall = ts.tv_sec + ts.tv_nsec / 1e9;
	getrusage(RUSAGE_CHILDREN, &ru);
	*cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* What to do with each selected case: count it, list it, or run it. */
struct ktls_walk {
	const char *filter;
	int list_only;
	int run;
	const char *slow;
	int min_timeout;
	const char *quick;
	int max_timeout;
	struct __test_results *results;
	unsigned int count, passed;
};

static void ktls_visit(struct ktls_walk *w, struct __fixture_metadata *f,
		       struct __fixture_variant_metadata *v,
		       struct __test_metadata *t)
{
	double wall0, wall1, cpu0, cpu1;
	char name[512];
	int timeout;

	snprintf(name, sizeof(name), "%s%s%s.%s", f->name,
		 v->name[0] ? "." : "", v->name, t->name);
	if (!ktls_case_selected(w->filter, name))
		return;
	w->count++;
	if (w->list_only)
		printf("%s\n", name);
	if (!w->run)
		return;
	/*
	 * A test's metadata (its timeout too) is shared by every variant of
	 * its fixture: the limits below hold for this case only. (They were
	 * left in place, so a later variant of a test with an SM4 or ARIA
	 * case before it ran under the quick limit and, once the limit was
	 * 3 s, tls.12_aes_ccm.sendfile timed out at 3.0 s.)
	 */
	timeout = t->timeout;
	if (ktls_case_selected(w->slow, name) && t->timeout < w->min_timeout)
		t->timeout = w->min_timeout;
	/* An empty list selects nothing here, unlike an empty filter. */
	if (w->quick && *w->quick && ktls_case_selected(w->quick, name) &&
	    t->timeout > w->max_timeout)
		t->timeout = w->max_timeout;
	t->results = w->results;
	ktls_clock(&wall0, &cpu0);
	__run_test(f, v, t);
	ktls_clock(&wall1, &cpu1);
	t->timeout = timeout;
	t->results = NULL;
	w->passed += __test_passed(t);
	ksft_print_msg("time %s wall %.3f cpu %.3f\n", name,
		       wall1 - wall0, cpu1 - cpu0);
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
	const char *quick_env = getenv("KTLS_QUICK_TIMEOUT");
	struct ktls_walk w = {
		.filter = getenv("KTLS_FILTER"),
		.list_only = argc > 1 && !strcmp(argv[1], "-l"),
		.slow = getenv("KTLS_SLOW_CASES") ?: "*mutliproc*",
		.min_timeout = tmo_env ? atoi(tmo_env) : 600,
		.quick = getenv("KTLS_QUICK_CASES"),
		.max_timeout = quick_env ? atoi(quick_env) : 3,
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
