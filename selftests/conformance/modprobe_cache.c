// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.modprobe for the length of a conformance run (run.sh installs it
 * as DIR/modprobe, next to DIR/real/modprobe, a link to the real one).
 *
 * The kernel runs "modprobe -q -- NAME" for every module it wants. A case
 * of a cipher the kernel lacks makes the crypto API ask for seven names,
 * and under TCG with the module tree on 9p each modprobe costs about a
 * second. This helper asks the real modprobe once per name and then gives
 * the same answer from DIR/ok/NAME or DIR/miss/NAME. That is exact while
 * the cases run: nothing unloads a module or changes the module tree then.
 *
 * It is linked statically: a new process under TCG costs mostly page
 * faults, and the dynamic loader alone would take more than the answer.
 * Every request is appended to DIR/log as "ok|miss[-cached] NAME".
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static char dir[PATH_MAX];

/* DIR/PART/NAME into @buf; false when it does not fit. */
static int path_of(char *buf, size_t len, const char *part, const char *name)
{
	int n = snprintf(buf, len, "%.*s/%s%s%s", (int)(len / 2), dir, part,
			 name ? "/" : "", name ?: "");

	return n > 0 && (size_t)n < len;
}

static void note(const char *what, const char *name)
{
	char path[PATH_MAX], line[PATH_MAX];
	int fd, n;

	if (!path_of(path, sizeof(path), "log", NULL))
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %s\n", what, name);
	if (n > 0 && write(fd, line, n) < 0)
		n = 0;	/* a lost log line changes no answer */
	close(fd);
}

static int cached(const char *kind, const char *name)
{
	char path[PATH_MAX];

	return path_of(path, sizeof(path), kind, name) &&
	       access(path, F_OK) == 0;
}

static void remember(const char *kind, const char *name)
{
	char path[PATH_MAX];
	int fd;

	/* A name with a '/' (or too long) is simply not remembered. */
	if (!path_of(path, sizeof(path), kind, name))
		return;
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[argc - 1] : "";
	char real[PATH_MAX];
	char *slash;
	int status;
	pid_t pid;

	if (snprintf(dir, sizeof(dir), "%s", argv[0]) >= (int)sizeof(dir) / 2)
		return 1;
	slash = strrchr(dir, '/');
	if (!slash)
		return 1;
	*slash = '\0';

	if (cached("ok", name)) {
		note("ok-cached", name);
		return 0;
	}
	if (cached("miss", name)) {
		note("miss-cached", name);
		return 1;
	}

	if (!path_of(real, sizeof(real), "real/modprobe", NULL))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		execv(real, argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 1;
	/* Only modprobe's own answer is remembered, not a crash of it. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		remember("ok", name);
		note("ok", name);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
		remember("miss", name);
		note("miss", name);
	} else {
		note("error", name);
	}
	return 1;
}
