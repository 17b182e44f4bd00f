/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The case runner of rx_test and hostile: "PROG CASE [VARIANTS|all]" runs
 * CASE once per cipher variant (rx_records.h) of VARIANTS (a name or a
 * comma-separated list; default all), each in a child under an
 * alarm of @timeout seconds (0: none), and prints one line per variant,
 * "RESULT CASE.VARIANT RC" (0 pass, SKIP_RC skip, else fail), which
 * rx_lib.sh turns into TAP. "PROG list" prints the case names. Included
 * after rx_records.h and the cases; not a library.
 */
#ifndef KTLS_SELFTESTS_CASES_H
#define KTLS_SELFTESTS_CASES_H

#include <signal.h>
#include <sys/wait.h>

struct tcase {
	const char *name;
	void (*fn)(const struct var *v);
};

static int run_one(const struct tcase *tc, const struct var *v,
		   unsigned int timeout)
{
	int status, rc;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		case_name = tc->name;
		alarm(timeout);
		tc->fn(v);
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		rc = 1;
	else if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else
		rc = 128 + WTERMSIG(status);
	printf("RESULT %s.%s %d\n", tc->name, v->name, rc);
	fflush(stdout);
	return rc;
}

/* @name is one of the comma-separated names of @list, or @list is "all" */
static bool variant_listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (!strcmp(list, "all"))
		return true;
	for (p = list; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

static int cases_main(int argc, char **argv, const struct tcase *cases,
		      unsigned int ncases, unsigned int timeout)
{
	const char *vname = argc > 2 ? argv[2] : "all";
	unsigned int i, j;
	int worst = -1, rc;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || !strcmp(argv[1], "list")) {
		for (i = 0; i < ncases; i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	for (i = 0; i < ncases; i++) {
		if (strcmp(cases[i].name, argv[1]))
			continue;
		for (j = 0; j < sizeof(vars) / sizeof(vars[0]); j++) {
			if (!variant_listed(vname, vars[j].name))
				continue;
			rc = run_one(&cases[i], &vars[j], timeout);
			if (rc != SKIP_RC && rc > worst)
				worst = rc;
			if (rc == SKIP_RC && worst < 0)
				worst = SKIP_RC;
		}
		if (worst == -1) {
			fprintf(stderr, "unknown variant %s\n", vname);
			return 2;
		}
		return worst;
	}
	fprintf(stderr, "unknown case %s\n", argv[1]);
	return 2;
}

#endif /* KTLS_SELFTESTS_CASES_H */
