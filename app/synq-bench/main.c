/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synq-bench: pin to one CPU, calibrate the TSC, run each path --rounds times, print
 * ns a packet beside the 10GbE line-rate budgets and the targets, and write
 * the same figures as JSON. What is timed and what is not: paths.c, docs/benchmarks.md.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <jansson.h>
#include <rte_cycles.h>

#include "bench.h"

/* 10GbE: a frame of L bytes (no FCS) takes (max(L, 60) + 4 FCS + 20 preamble/gap) x 0.8 ns. */
#define MIN_FRAME_NS 67.2 /* 64-byte frames: 14.88 Mpps */
#define SYN_FRAME_NS 78.4 /* a 74-byte SYN with Linux's options: 12.76 Mpps */

#define DEFAULT_PACKETS 1500000
#define DEFAULT_ROUNDS 5
#define MAX_ROUNDS 1000

struct opts {
	uint64_t packets;
	unsigned int rounds;
	const char *json;
	unsigned int paths; /* bit i: bench_paths[i] */
	int cpu;
	bool check;
	bool offload;
	bool cold;
	bool baseline;
	uint64_t seed;
	unsigned int table_entries;
};

/* One path over all rounds. */
struct path_stats {
	double ns[MAX_ROUNDS];	    /* handler, ns a packet, per round */
	double restore[MAX_ROUNDS]; /* frame restore, ns a packet, per round */
	double instr[MAX_ROUNDS];   /* instructions a packet, per round, when counted */
	double med, min, max;
	double restore_med;
	double instr_med;	    /* NAN when not counted */
	double budget_ns;	    /* line time of the path's own frames, a packet */
	double frame_bytes;	    /* mean frame length, FCS excluded */
	struct run_result sum;	    /* packets, tx, counters over all rounds */
	char problem[320];	    /* the first round's problem, with its number */
};

static struct path_stats stats[NB_PATHS];
static char cpu_model[128] = "unknown";
static struct utsname host;

static void
usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"usage: %s [--packets N] [--rounds R] [--path NAME[,NAME...]] [--cpu N]\n"
		"          [--json PATH] [--check] [--offload] [--cold] [--baseline] [--seed S]\n"
		"\n"
		"The worker's packet handler, synq_net_input(), on one core, fed pre-built\n"
		"frames in bursts of 32 (no EAL, no PMD). Paths:\n",
		argv0);
	for (unsigned int i = 0; i < NB_PATHS; i++)
		fprintf(f, "  %-11s %s\n", bench_paths[i].name, bench_paths[i].what);
	fprintf(f,
		"\n"
		"  --packets N   packets a path a round (default %u)\n"
		"  --rounds R    rounds of every path; median and min are over them (default %u)\n"
		"  --path NAMES  only these paths (default all)\n"
		"  --cpu N       run on CPU N (default: the one it starts on)\n"
		"  --json PATH   write the figures as JSON too\n"
		"  --check       exit 1 if a figure is 0 or not finite, or the counters show a\n"
		"                path did not do what it is for (never a speed test)\n"
		"  --offload     as a NIC with checksum offload: rx checksums marked good,\n"
		"                tx checksums left to the NIC (default: all in software)\n"
		"  --cold        flush the frames' bytes from the caches before each chunk\n"
		"  --baseline    do everything but call the handler (subtract it under perf)\n"
		"  --seed S      random seed of addresses and sequence numbers (default 1)\n"
		"  --table-entries N  the syn-table path's max_syn_backlog, and the SYNs between\n"
		"                two rebuilds of its table (default %u)\n",
		DEFAULT_PACKETS, DEFAULT_ROUNDS, BENCH_TABLE_ENTRIES);
}

static int
parse_paths(const char *arg, unsigned int *mask)
{
	char buf[256];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		for (i = 0; i < NB_PATHS && strcmp(t, bench_paths[i].name) != 0; i++)
			;
		if (i == NB_PATHS && strcmp(t, "all") != 0) {
			fprintf(stderr, "synq-bench: --path: unknown path \"%s\"\n", t);
			return -1;
		}
		*mask |= i == NB_PATHS ? (1u << NB_PATHS) - 1 : 1u << i;
	}
	return 0;
}

static int
parse_u64(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno != 0 || *end != '\0' || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, "synq-bench: %s: \"%s\", expected an integer %" PRIu64 "..%" PRIu64
			"\n", opt, arg, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"packets", required_argument, NULL, 'n'},
		{"rounds", required_argument, NULL, 'r'},
		{"path", required_argument, NULL, 'p'},
		{"cpu", required_argument, NULL, 'c'},
		{"json", required_argument, NULL, 'j'},
		{"check", no_argument, NULL, 'k'},
		{"offload", no_argument, NULL, 'o'},
		{"cold", no_argument, NULL, 'C'},
		{"baseline", no_argument, NULL, 'b'},
		{"seed", required_argument, NULL, 's'},
		{"table-entries", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint64_t v;
	int c;

	*o = (struct opts){.packets = DEFAULT_PACKETS, .rounds = DEFAULT_ROUNDS, .cpu = -1,
		.seed = 1, .table_entries = BENCH_TABLE_ENTRIES};
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_u64("--packets", optarg, 1, UINT64_C(1) << 40, &o->packets) != 0)
				return -1;
			break;
		case 'r':
			if (parse_u64("--rounds", optarg, 1, MAX_ROUNDS, &v) != 0)
				return -1;
			o->rounds = (unsigned int)v;
			break;
		case 'p':
			if (parse_paths(optarg, &o->paths) != 0)
				return -1;
			break;
		case 'c':
			if (parse_u64("--cpu", optarg, 0, CPU_SETSIZE - 1, &v) != 0)
				return -1;
			o->cpu = (int)v;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'k':
			o->check = true;
			break;
		case 'o':
			o->offload = true;
			break;
		case 'C':
#if !defined(RTE_ARCH_X86)
			fprintf(stderr, "synq-bench: --cold: x86 only (clflush)\n");
			return -1;
#endif
			o->cold = true;
			break;
		case 'b':
			o->baseline = true;
			break;
		case 's':
			if (parse_u64("--seed", optarg, 0, UINT64_MAX, &o->seed) != 0)
				return -1;
			break;
		case 't':
			if (parse_u64("--table-entries", optarg, 1, BENCH_TABLE_ENTRIES_MAX,
				    &v) != 0)
				return -1;
			o->table_entries = (unsigned int)v;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "synq-bench: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (o->paths == 0)
		o->paths = (1u << NB_PATHS) - 1;
	return 0;
}

static void
machine_info(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			char *v = strchr(line, ':');

			if (strncmp(line, "model name", 10) != 0 || v == NULL)
				continue;
			v += strspn(v + 1, " \t") + 1;
			v[strcspn(v, "\n")] = '\0';
			snprintf(cpu_model, sizeof(cpu_model), "%s", v);
			break;
		}
		fclose(f);
	}
	if (uname(&host) != 0)
		memset(&host, 0, sizeof(host));
}

/* One CPU: no migration between rounds, one set of caches, one TSC. */
static int
pin(int *cpu)
{
	cpu_set_t set;

	if (*cpu < 0)
		*cpu = sched_getcpu();
	if (*cpu < 0) {
		fprintf(stderr, "synq-bench: sched_getcpu: %s\n", strerror(errno));
		return -1;
	}
	CPU_ZERO(&set);
	CPU_SET(*cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, "synq-bench: --cpu %d: %s\n", *cpu, strerror(errno));
		return -1;
	}
	return 0;
}

static double
seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

/* Without EAL, rte_get_tsc_hz() is 0: measure the TSC against the kernel's clock. */
static uint64_t
tsc_calibrate(void)
{
	struct timespec a, b;
	uint64_t t0, t1;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = rte_rdtsc();
	do
		clock_gettime(CLOCK_MONOTONIC_RAW, &b);
	while (seconds(&a, &b) < 0.1);
	t1 = rte_rdtsc();
	return (uint64_t)((double)(t1 - t0) / seconds(&a, &b));
}

/* A counter of this thread's user-space instructions, or -1 with the reason in @p why. */
static int
instr_open(char *why, size_t len)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		snprintf(why, len, "perf_event_open: %s", strerror(errno));
	return fd;
}

/* @p text indented by @p indent, in lines of at most 96 columns. */
static void
print_wrapped(const char *text, int indent)
{
	int col = indent;

	printf("%*s", indent, "");
	while (*text != '\0') {
		int w = (int)strcspn(text, " ");

		if (col > indent && col + 1 + w > 96) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			putchar(' ');
			col++;
		}
		col += printf("%.*s", w, text);
		text += w;
		text += strspn(text, " ");
	}
	putchar('\n');
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(const double *v, unsigned int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void
record(struct path_stats *s, unsigned int round, const struct run_result *r, uint64_t hz,
	bool counted)
{
	double per = 1e9 / (double)hz / (double)r->packets;

	s->ns[round] = (double)r->handler_cycles * per;
	s->restore[round] = (double)r->restore_cycles * per;
	s->instr[round] = counted ? (double)r->instructions / (double)r->packets : NAN;
	s->sum.packets += r->packets;
	s->sum.tx += r->tx;
	s->sum.drop += r->drop;
	s->sum.legit_acks += r->legit_acks;
	s->sum.wire_ns10 += r->wire_ns10;
	for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++)
		s->sum.ctr[i] += r->ctr[i];
	if (s->problem[0] == '\0' && r->problem[0] != '\0')
		snprintf(s->problem, sizeof(s->problem), "round %u: %s", round + 1, r->problem);
}

static void
summarise(struct path_stats *s, unsigned int rounds)
{
	s->med = median(s->ns, rounds);
	s->min = s->max = s->ns[0];
	for (unsigned int i = 1; i < rounds; i++) {
		s->min = fmin(s->min, s->ns[i]);
		s->max = fmax(s->max, s->ns[i]);
	}
	s->restore_med = median(s->restore, rounds);
	s->instr_med = isnan(s->instr[0]) ? NAN : median(s->instr, rounds);
	s->budget_ns = (double)s->sum.wire_ns10 / 10.0 / (double)s->sum.packets;
	s->frame_bytes = s->budget_ns / 0.8 - 24;
}

/* "met, 12.3 ns (25 %) under" or "missed by 4.0 ns (+8 %)". */
static void
verdict(const struct path_stats *s, double target, char *buf, size_t len)
{
	double d = s->med - target;

	if (target <= 0)
		snprintf(buf, len, "-");
	else if (d <= 0)
		snprintf(buf, len, "<= %.0f ns: met, %.1f ns (%.0f %%) under", target, -d,
			-100 * d / target);
	else
		snprintf(buf, len, "<= %.0f ns: MISSED by %.1f ns (+%.0f %%)", target, d,
			100 * d / target);
}

static void
print_results(const struct opts *o, bool counted, const char *instr_why, const char *argv0)
{
	char buf[128];

	printf("\n%-11s %-34s %6s %8s %7s %7s %7s %10s\n", "path", "what", "frame", "ns/pkt",
		"min", "max", "Mpps", "instr/pkt");
	for (unsigned int i = 0; i < NB_PATHS; i++) {
		const struct path_stats *s = &stats[i];

		if (!(o->paths & 1u << i))
			continue;
		if (counted)
			snprintf(buf, sizeof(buf), "%10.0f", s->instr_med);
		else
			snprintf(buf, sizeof(buf), "%10s", "n/a");
		printf("%-11s %-34s %4.0f B %8.1f %7.1f %7.1f %7.2f %s\n", bench_paths[i].name,
			bench_paths[i].what, s->frame_bytes, s->med, s->min, s->max, 1e3 / s->med,
			buf);
	}
	printf("ns/pkt: median of %u rounds of %" PRIu64 " packets; Mpps = 1000 / median.\n",
		o->rounds, o->packets);

	printf("\nBudgets at 10GbE line rate (a frame of L bytes takes (L + 24) x 0.8 ns) and "
	       "targets, against the median:\n");
	printf("%-11s %8s %21s %7s %16s  %s\n", "path", "ns/pkt", "own frames' budget",
		"ratio", "64 B: 67.2 ns", "target");
	for (unsigned int i = 0; i < NB_PATHS; i++) {
		const struct path_stats *s = &stats[i];

		if (!(o->paths & 1u << i))
			continue;
		verdict(s, bench_paths[i].target_ns, buf, sizeof(buf));
		printf("%-11s %8.1f %6.1f ns %5.2f Mpps %7.2f %16.2f  %s\n", bench_paths[i].name,
			s->med, s->budget_ns, 1e3 / s->budget_ns, s->med / s->budget_ns,
			s->med / MIN_FRAME_NS, buf);
	}
	printf("ratio: ns/pkt over the budget; below 1, one core keeps up with line rate. "
	       "Full-option SYN: %.1f ns.\n", SYN_FRAME_NS);

	printf("\nFrame restore (templates copied back into the mbufs before each chunk; not in "
	       "the figures above):\n");
	printf("%-11s %16s %24s\n", "path", "restore ns/pkt", "handler + restore ns/pkt");
	for (unsigned int i = 0; i < NB_PATHS; i++) {
		const struct path_stats *s = &stats[i];

		if (o->paths & 1u << i)
			printf("%-11s %16.1f %24.1f\n", bench_paths[i].name, s->restore_med,
				s->med + s->restore_med);
	}

	printf("\nChecks (counters of the timed packets, all rounds):\n");
	for (unsigned int i = 0; i < NB_PATHS; i++) {
		const struct path_stats *s = &stats[i];
		unsigned int col = 0;

		if (!(o->paths & 1u << i))
			continue;
		printf("%-11s %s", bench_paths[i].name,
			o->baseline ? "not checked (--baseline)" :
			s->problem[0] != '\0' ? "FAILED: " : "ok");
		if (s->problem[0] != '\0' && !o->baseline)
			printf("%s", s->problem);
		if (i == PATH_MIX)
			printf("; legitimate handshakes completed: %" PRIu64 " of %" PRIu64,
				s->sum.ctr[SYNQ_CTR_TCP_PASSIVE_OPENS], s->sum.legit_acks);
		printf("\n           ");
		for (unsigned int c = 0; c < SYNQ_CTR_MAX; c++) {
			/* RxFrames and IpInReceives say what TcpInSegs says */
			if (s->sum.ctr[c] == 0 || c == SYNQ_CTR_RX_FRAMES ||
				c == SYNQ_CTR_IP_IN_RECEIVES)
				continue;
			if (col > 60) {
				printf("\n           ");
				col = 0;
			}
			col += (unsigned int)printf(" %s %" PRIu64, synq_counter_name(c),
				s->sum.ctr[c]);
		}
		printf("\n");
	}

	printf("\nInstructions: ");
	if (counted)
		printf("counted with perf_event_open (user space, timed region only).\n");
	else
		printf("not counted here (%s). Exactly, with callgrind (slow; the instructions "
		       "of the timed region over --packets):\n", instr_why);
	printf("  valgrind --tool=callgrind --toggle-collect='timed_chunk*' "
	       "--callgrind-out-file=bench.cg \\\n    %s --path syn-cookie --packets 20000 "
	       "--rounds 1\n  callgrind_annotate --inclusive=yes bench.cg | head -40\n", argv0);
	printf("  (app/synq-bench/callgrind.sh does it for every path, with where they go)\n");
	printf("With perf, where it counts (the difference over --packets is the handler's):\n");
	printf("  perf stat -e instructions:u %s --path syn-cookie --packets 2000000 --rounds 1\n",
		argv0);
	printf("  perf stat -e instructions:u %s --path syn-cookie --packets 2000000 --rounds 1 "
	       "--baseline\n", argv0);
}

static json_t *
num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static int
write_json(const struct opts *o, const struct run_opts *ro, bool counted, bool ok)
{
	uint64_t hz = ro->tsc_hz;
	json_t *root = json_object();
	json_t *machine = json_object();
	json_t *settings = json_object();
	json_t *paths = json_array();
	int rc;

	json_object_set_new(root, "tool", json_string("synq-bench"));
	json_object_set_new(root, "version", json_string(SYNQ_VERSION));
	json_object_set_new(machine, "cpu_model", json_string(cpu_model));
	json_object_set_new(machine, "nproc", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(machine, "kernel", json_string(host.release));
	json_object_set_new(machine, "cpu", json_integer(o->cpu));
	json_object_set_new(machine, "tsc_hz", json_integer((json_int_t)hz));
	json_object_set_new(root, "machine", machine);
	json_object_set_new(settings, "packets", json_integer((json_int_t)o->packets));
	json_object_set_new(settings, "rounds", json_integer(o->rounds));
	json_object_set_new(settings, "burst", json_integer(BENCH_BURST));
	json_object_set_new(settings, "chunk", json_integer(BENCH_CHUNK));
	json_object_set_new(settings, "offload", json_boolean(o->offload));
	json_object_set_new(settings, "cold", json_boolean(o->cold));
	json_object_set_new(settings, "baseline", json_boolean(o->baseline));
	json_object_set_new(settings, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(settings, "table_entries", json_integer(o->table_entries));
	json_object_set_new(settings, "timed", json_string("per burst of 32: synq_tcp_clock() + "
		"synq_net_input(); frames restored from templates before each chunk, apart"));
	json_object_set_new(root, "settings", settings);
	for (unsigned int i = 0; i < NB_PATHS; i++) {
		const struct path_stats *s = &stats[i];
		double target = bench_paths[i].target_ns;
		json_t *p, *ns, *all, *ctr, *budget;
		char listener[256];

		if (!(o->paths & 1u << i))
			continue;
		p = json_object();
		ns = json_object();
		all = json_array();
		ctr = json_object();
		budget = json_object();
		json_object_set_new(p, "name", json_string(bench_paths[i].name));
		json_object_set_new(p, "what", json_string(bench_paths[i].what));
		bench_listener((enum bench_path)i, ro, listener, sizeof(listener));
		json_object_set_new(p, "listener", json_string(listener));
		json_object_set_new(p, "setup", json_string(bench_paths[i].setup));
		json_object_set_new(p, "batch", json_integer(bench_batch((enum bench_path)i, ro)));
		json_object_set_new(p, "frame_bytes", json_real(s->frame_bytes));
		for (unsigned int r = 0; r < o->rounds; r++)
			json_array_append_new(all, json_real(s->ns[r]));
		json_object_set_new(ns, "median", num_or_null(s->med));
		json_object_set_new(ns, "min", num_or_null(s->min));
		json_object_set_new(ns, "max", num_or_null(s->max));
		json_object_set_new(ns, "rounds", all);
		json_object_set_new(p, "ns_per_packet", ns);
		json_object_set_new(p, "mpps", num_or_null(1e3 / s->med));
		json_object_set_new(p, "restore_ns_per_packet", num_or_null(s->restore_med));
		json_object_set_new(p, "handler_plus_restore_ns_per_packet",
			num_or_null(s->med + s->restore_med));
		json_object_set_new(p, "instructions_per_packet",
			counted ? num_or_null(s->instr_med) : json_null());
		json_object_set_new(budget, "own_frames_ns", json_real(s->budget_ns));
		json_object_set_new(budget, "own_frames_ratio", num_or_null(s->med / s->budget_ns));
		json_object_set_new(budget, "min_frames_ns", json_real(MIN_FRAME_NS));
		json_object_set_new(budget, "min_frames_ratio", num_or_null(s->med / MIN_FRAME_NS));
		json_object_set_new(p, "budget", budget);
		if (target > 0)
			json_object_set_new(p, "target", json_pack("{s:f, s:b, s:f}", "ns", target,
				"met", s->med <= target, "margin_ns", target - s->med));
		else
			json_object_set_new(p, "target", json_null());
		if (i == PATH_MIX)
			json_object_set_new(p, "legitimate_handshakes", json_pack("{s:I, s:I}",
				"completed", (json_int_t)s->sum.ctr[SYNQ_CTR_TCP_PASSIVE_OPENS],
				"expected", (json_int_t)s->sum.legit_acks));
		for (unsigned int c = 0; c < SYNQ_CTR_MAX; c++)
			if (s->sum.ctr[c] != 0)
				json_object_set_new(ctr, synq_counter_name(c),
					json_integer((json_int_t)s->sum.ctr[c]));
		json_object_set_new(p, "counters", ctr);
		json_object_set_new(p, "check", json_string(o->baseline ? "not checked" :
			s->problem[0] != '\0' ? s->problem : "ok"));
		json_array_append_new(paths, p);
	}
	json_object_set_new(root, "paths", paths);
	json_object_set_new(root, "check_ok", json_boolean(ok));
	rc = json_dump_file(root, o->json, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	json_decref(root);
	if (rc != 0)
		fprintf(stderr, "synq-bench: --json %s: cannot write\n", o->json);
	return rc;
}

int
main(int argc, char **argv)
{
	struct run_opts ro = {.instr_fd = -1};
	char instr_why[128] = "";
	struct timespec t0, t1;
	bool ok = true;
	struct opts o;

	if (parse_args(argc, argv, &o) != 0)
		return 2;
	machine_info();
	if (pin(&o.cpu) != 0)
		return 1;
	ro.tsc_hz = tsc_calibrate();
	ro.offload = o.offload;
	ro.cold = o.cold;
	ro.baseline = o.baseline;
	ro.table_entries = o.table_entries;
	ro.instr_fd = instr_open(instr_why, sizeof(instr_why));
	bench_rand_seed(o.seed);

	printf("synq-bench %s: synq_net_input() on one core, fed pre-built frames (no PMD, no "
	       "EAL)\n", SYNQ_VERSION);
	printf("machine: %s, %ld CPUs online, %s %s; pinned to CPU %d; TSC %.1f MHz (calibrated "
	       "against CLOCK_MONOTONIC_RAW)\n", cpu_model, sysconf(_SC_NPROCESSORS_ONLN),
		host.sysname, host.release, o.cpu, (double)ro.tsc_hz / 1e6);
	printf("run: %u rounds x %" PRIu64 " packets a path, bursts of %u, chunks of %u frames; "
	       "checksums %s; frames %s\n", o.rounds, o.packets, BENCH_BURST, BENCH_CHUNK,
		o.offload ? "left to the NIC (rx marked good, tx not computed)" :
			    "verified and computed in software",
		o.cold ? "flushed to memory before each chunk (--cold)" :
			 "in L2, restored just before each chunk");
	printf("timed: for each burst, synq_tcp_clock() + synq_net_input(), as synq_worker_poll() "
	       "does without rx, tx and free\n");
	printf("not timed: building frames, restoring them (shown apart), pre-passes that make "
	       "cookies for ACKs, state rebuilds\n");
	printf("paths (one listener on port 80 each; fresh 4-tuples throughout):\n");
	for (unsigned int i = 0; i < NB_PATHS; i++) {
		char listener[256];

		if (!(o.paths & 1u << i))
			continue;
		bench_listener((enum bench_path)i, &ro, listener, sizeof(listener));
		printf("  %-11s %s\n", bench_paths[i].name, listener);
		print_wrapped(bench_paths[i].setup, 14);
	}
	if (o.baseline)
		printf("--baseline: the handler is not called; figures are the loop's alone\n");
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int r = 0; r < o.rounds; r++) {
		for (unsigned int i = 0; i < NB_PATHS; i++) {
			struct run_result res;

			if (!(o.paths & 1u << i))
				continue;
			if (bench_run((enum bench_path)i, o.packets, &ro, &res) != 0) {
				fprintf(stderr, "synq-bench: %s: %s\n", bench_paths[i].name,
					res.problem);
				return 1;
			}
			record(&stats[i], r, &res, ro.tsc_hz, ro.instr_fd >= 0);
		}
		fprintf(stderr, "synq-bench: round %u of %u done\n", r + 1, o.rounds);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (unsigned int i = 0; i < NB_PATHS; i++) {
		struct path_stats *s = &stats[i];

		if (!(o.paths & 1u << i))
			continue;
		summarise(s, o.rounds);
		if (!o.baseline && (s->problem[0] != '\0' || !isfinite(s->med) || s->med <= 0 ||
			!isfinite(s->min) || s->min <= 0))
			ok = false;
	}
	print_results(&o, ro.instr_fd >= 0, instr_why, argv[0]);
	printf("\nwall time %.1f s; check %s\n", seconds(&t0, &t1), ok ? "ok" : "FAILED");
	if (o.json != NULL && write_json(&o, &ro, ro.instr_fd >= 0, ok) != 0)
		return 1;
	return o.check && !ok ? 1 : 0;
}
