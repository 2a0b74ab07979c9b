/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `drench check` on every example campaign in config/, as written and with
 * the overrides CI uses to shorten them, through the built binary: exit 0
 * and nothing on stderr. A broken file must give exit 2 and its errors.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "test-paths.h"

#define DRENCH DRENCH_BUILD_ROOT "/app/drench/drench"
#define MAX_ARGS 16

extern char **environ;

struct outcome {
	int exit_code;
	char err[4096];
};

/* run drench with argv, collecting stderr */
static struct outcome run_drench(const char *const *args)
{
	struct outcome o = {.exit_code = -1};
	char *argv[MAX_ARGS + 2] = {(char *)DRENCH};
	char errfile[] = "/tmp/drench-check-XXXXXX";
	int fd = mkstemp(errfile);
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	assert_true(fd >= 0);
	for (size_t i = 0; args[i] && i < MAX_ARGS; i++)
		argv[i + 1] = (char *)args[i];
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, 2);
	assert_int_equal(posix_spawn(&pid, DRENCH, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	ssize_t n = pread(fd, o.err, sizeof(o.err) - 1, 0);
	o.err[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(errfile);
	return o;
}

static int is_yaml(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && !strcmp(d->d_name + n - 5, ".yaml");
}

static void every_example_passes_drench_check(void **state)
{
	(void)state;
	struct dirent **names;
	int n = scandir(DRENCH_SOURCE_ROOT "/config", &names, is_yaml, alphasort);
	assert_true(n >= 8);
	for (int i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/config/%s", DRENCH_SOURCE_ROOT, names[i]->d_name);
		const char *args[] = {"check", path, NULL};
		struct outcome o = run_drench(args);
		if (o.exit_code != 0 || o.err[0])
			fail_msg("%s: exit %d\n%s", names[i]->d_name, o.exit_code, o.err);
		free(names[i]);
	}
	free(names);
}

/* the overrides a CI run uses to make each example short */
static const struct {
	const char *file;
	const char *sets[6];
} shortened[] = {
	{"smoke.yaml", {"--set", "phases.*.duration=3s"}},
	{"steps.yaml", {"--set", "phases.*.steps.hold=1s", "--set", "phases.*.steps.pause=0s"}},
	{"open-loop-latency.yaml", {"--set", "phases.*.duration=3s"}},
	{"connection-rate.yaml", {"--set", "phases.*.duration=3s"}},
	{"soak.yaml", {"--set", "phases.*.duration=3s"}},
	{"leak-bisection.yaml", {"--set", "phases.*.duration=2s"}},
	{"loopback-client.yaml", {"--set", "phases.*.duration=3s"}},
	{"million-connections.yaml", {"--set", "phases.*.duration=3s"}},
	{"loopback-responder.yaml", {"--set", "responder.duration=5s"}},
	{"sharded.yaml", {"--set", "shard=1/2", "--set", "phases.*.duration=2s"}},
};

static void every_example_accepts_its_ci_overrides(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(shortened) / sizeof(shortened[0]); i++) {
		char path[512];
		const char *args[MAX_ARGS] = {"check", path};
		snprintf(path, sizeof(path), "%s/config/%s", DRENCH_SOURCE_ROOT, shortened[i].file);
		for (size_t k = 0; k < 6 && shortened[i].sets[k]; k++)
			args[2 + k] = shortened[i].sets[k];
		struct outcome o = run_drench(args);
		if (o.exit_code != 0 || o.err[0])
			fail_msg("%s with overrides: exit %d\n%s", shortened[i].file, o.exit_code,
				 o.err);
	}
}

static void a_broken_campaign_exits_2_with_every_error(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/tests/config/broken/three-mistakes.yaml",
		 DRENCH_SOURCE_ROOT);
	const char *args[] = {"check", path, NULL};
	struct outcome o = run_drench(args);
	assert_int_equal(o.exit_code, 2);
	assert_non_null(strstr(o.err, "three-mistakes.yaml:7:14: targets[0].address: "));
	assert_non_null(strstr(o.err, "three-mistakes.yaml:10:11: requests[0].path: "));
	assert_non_null(strstr(o.err, "three-mistakes.yaml:14:18: phases[0].connections: "));
	assert_non_null(strstr(o.err, ": 3 errors\n"));
	const char *usage[] = {"check", NULL};
	assert_int_equal(run_drench(usage).exit_code, 2);
}

#ifdef DRENCH_HAVE_DPDK
/* drench run with role: responder: its errors and the client-only flags are
 * refused before anything starts */
static void a_responder_campaign_is_refused_before_it_starts(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/tests/config/broken/responder-rig.yaml",
		 DRENCH_SOURCE_ROOT);
	const char *broken[] = {"run", path, NULL};
	struct outcome o = run_drench(broken);
	assert_int_equal(o.exit_code, 2);
	assert_non_null(strstr(o.err, "responder-rig.yaml:5:21: rig.lcores.workers: a responder "
				      "polls on one lcore, not 2"));

	snprintf(path, sizeof(path), "%s/config/loopback-responder.yaml", DRENCH_SOURCE_ROOT);
	const char *html[] = {"run", path, "--format", "html", NULL};
	o = run_drench(html);
	assert_int_equal(o.exit_code, 2);
	assert_non_null(strstr(o.err, "a responder writes report.json only"));
	const char *flag_form[] = {"run", path, "--connections", "4", NULL};
	assert_int_equal(run_drench(flag_form).exit_code, 2);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_example_passes_drench_check),
		cmocka_unit_test(every_example_accepts_its_ci_overrides),
		cmocka_unit_test(a_broken_campaign_exits_2_with_every_error),
#ifdef DRENCH_HAVE_DPDK
		cmocka_unit_test(a_responder_campaign_is_refused_before_it_starts),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
