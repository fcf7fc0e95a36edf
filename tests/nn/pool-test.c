/* The session's worker pool (nn/parallel.c) on its own: every index of a
 * parallel loop runs exactly once, no two chunks running at the same time
 * share a worker's scratch slice, a loop nested in a chunk runs inline,
 * workers that fell asleep between runs come back, and two pools with
 * different thread counts driven from two threads at once never see each
 * other's jobs; and once a session is made, OpenBLAS's own idle workers
 * are gone (they spun on the core a session's second worker runs on).
 *
 * `pool-test --bench` prints the cost of handing out an empty loop (not a
 * test: nothing is asserted on times).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#include <dirent.h>
#include <string.h>
#include <time.h>

#define MAX_N 4096
#define STRIDE 64

typedef struct {
  int threads;
  int counts[MAX_N];            /* atomic */
  int busy[8];                  /* atomic: a chunk runs on this slice */
  char *scratch;                /* threads * STRIDE */
  int errors;                   /* atomic */
  int nested;                   /* run a nested loop in each chunk */
  int spin;                     /* busy-wait per index, in pause rounds */
} job;

static void
nested_range (void *data, int64_t lo, int64_t hi, void *scratch)
{
  int *marks = data;
  for (int64_t i = lo; i < hi; i++)
    marks[i]++;
}

static void
count_range (void *data, int64_t lo, int64_t hi, void *scratch)
{
  job *j = data;
  ptrdiff_t off = (char *) scratch - j->scratch;
  int w = (int) (off / STRIDE);
  if (lo >= hi || off < 0 || off % STRIDE || w >= j->threads) {
    __atomic_add_fetch (&j->errors, 1, __ATOMIC_RELAXED);
    return;
  }
  int expected = 0;
  if (!__atomic_compare_exchange_n (&j->busy[w], &expected, 1, FALSE,
          __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
    __atomic_add_fetch (&j->errors, 1, __ATOMIC_RELAXED);
  for (int64_t i = lo; i < hi; i++) {
    __atomic_add_fetch (&j->counts[i], 1, __ATOMIC_RELAXED);
    for (int s = 0; s < j->spin; s++)
      __asm__ __volatile__ ("":::"memory");
  }
  if (j->nested) {
    /* inside a chunk: runs inline, on the whole range, once */
    int marks[16] = { 0 };
    nn_parallel_for (16, 1, nested_range, marks, NULL);
    for (int i = 0; i < 16; i++)
      if (marks[i] != 1)
        __atomic_add_fetch (&j->errors, 1, __ATOMIC_RELAXED);
  }
  __atomic_store_n (&j->busy[w], 0, __ATOMIC_RELEASE);
}

/* one loop of n items with grain g; checks and clears the counts */
static void
check_loop (job * j, int64_t n, int64_t g, const char *what)
{
  nn_parallel_for (n, g, count_range, j, j->scratch);
  for (int64_t i = 0; i < n; i++)
    if (j->counts[i] != 1)
      g_error ("%s, %d threads: n %ld grain %ld: index %ld ran %d times",
          what, j->threads, (long) n, (long) g, (long) i, j->counts[i]);
  for (int64_t i = n; i < MAX_N; i++)
    g_assert_cmpint (j->counts[i], ==, 0);
  memset (j->counts, 0, n * sizeof (int));
  g_assert_cmpint (j->errors, ==, 0);
}

static job *
job_new (int threads)
{
  job *j = g_new0 (job, 1);
  j->threads = threads;
  j->scratch = g_malloc0 (threads * STRIDE);
  return j;
}

static void
job_free (job * j)
{
  g_free (j->scratch);
  g_free (j);
}

/* many loops of every size and grain in one run, some with slow items so
 * that the workers arrive late or finish at different times */
static void
run_loops (int threads, guint32 seed, int loops)
{
  job *j = job_new (threads);
  GRand *r = g_rand_new_with_seed (seed);
  nn_pool *pool = nn_pool_new (threads);
  nn_pool_enter (pool, STRIDE);
  g_assert_cmpint (nn_parallel_workers (), ==, threads);
  for (int k = 0; k < loops; k++) {
    int64_t n = g_rand_int_range (r, 1, k % 10 == 0 ? MAX_N : 64);
    int64_t g = g_rand_int_range (r, 1, (gint32) n + 2);
    j->spin = g_rand_int_range (r, 0, 4) == 0 ? g_rand_int_range (r, 0,
        2000) : 0;
    j->nested = g_rand_int_range (r, 0, 8) == 0;
    check_loop (j, n, g, "loops");
  }
  nn_pool_leave ();
  g_assert_cmpint (nn_parallel_workers (), ==, 1);
  nn_pool_free (pool);
  g_rand_free (r);
  job_free (j);
}

static void
test_loops (void)
{
  for (int threads = 1; threads <= 4; threads++)
    run_loops (threads, 12 + threads, 5000);
}

/* runs with pauses between them: the workers go to sleep after a run
 * and must wake for the next */
static void
test_runs (void)
{
  for (int threads = 2; threads <= 3; threads++) {
    job *j = job_new (threads);
    nn_pool *pool = nn_pool_new (threads);
    for (int run = 0; run < 40; run++) {
      nn_pool_enter (pool, STRIDE);
      for (int k = 0; k < 20; k++)
        check_loop (j, 1 + (run * 7 + k * 13) % 300, 1, "runs");
      nn_pool_leave ();
      /* outside a run: inline, on the caller */
      check_loop (j, 100, 1, "outside a run");
      if (run % 4 == 0)
        g_usleep (run % 8 ? 20000 : 500);
    }
    nn_pool_free (pool);
    job_free (j);
  }
}

typedef struct {
  int threads;
  guint32 seed;
} pool_arg;

static gpointer
run_pool (gpointer data)
{
  pool_arg *a = data;
  for (int i = 0; i < 5; i++)
    run_loops (a->threads, a->seed + i, 1000);
  return NULL;
}

/* two pools of different sizes at once, from two threads: each thread's
 * loops see its own pool only */
static void
test_two_pools (void)
{
  pool_arg a[2] = { {1, 100}, {3, 200} };
  pool_arg b[2] = { {2, 300}, {3, 400} };
  pool_arg *sets[2] = { a, b };
  for (int s = 0; s < 2; s++) {
    GThread *t0 = g_thread_new ("pool0", run_pool, &sets[s][0]);
    GThread *t1 = g_thread_new ("pool1", run_pool, &sets[s][1]);
    g_thread_join (t0);
    g_thread_join (t1);
  }
}

/* each item busy for `data` nanoseconds */
static void
timed_range (void *data, int64_t lo, int64_t hi, void *scratch)
{
  gint64 ns = *(const gint64 *) data * (hi - lo);
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  gint64 end = ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec + ns;
  do
    clock_gettime (CLOCK_MONOTONIC, &ts);
  while (ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec < end);
}

/* loops of two items of 0-20 us each, back to back, as the layers of a
 * run: time per loop against one item's time (the ideal on two threads) */
static int
bench (void)
{
  for (int threads = 1; threads <= 2; threads++) {
    for (gint64 ns = 0; ns <= 20000; ns = ns ? ns * 2 : 1250) {
      nn_pool *pool = nn_pool_new (threads);
      const int loops = 20000000 / MAX (ns, 1000);
      nn_pool_enter (pool, 0);
      gint64 t0 = g_get_monotonic_time ();
      for (int k = 0; k < loops; k++)
        nn_parallel_for (2, 1, timed_range, &ns, NULL);
      gint64 t1 = g_get_monotonic_time ();
      nn_pool_leave ();
      nn_pool_free (pool);
      g_print ("%d threads: loops of 2 x %5.2f us: %6.2f us per loop\n",
          threads, ns / 1e3, (double) (t1 - t0) / loops);
    }
  }
  return 0;
}

/* this process's threads, from /proc (-1 where there is none) */
static int
count_threads (void)
{
  DIR *d = opendir ("/proc/self/task");
  if (!d)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir (d)))
    n += e->d_name[0] != '.';
  closedir (d);
  return n;
}

static const char *model_path;

/* OpenBLAS starts a worker per core when the library loads; a session
 * with one thread leaves the process with its main thread alone */
static void
test_no_blas_workers (void)
{
  if (count_threads () < 0) {
    g_test_skip ("no /proc/self/task");
    return;
  }
  g_test_message ("threads before the first session: %d", count_threads ());
  GError *err = NULL;
  nn_model *m = nn_model_load_file (model_path, NULL, &err);
  g_assert_no_error (err);
  nn_session_options so = {.threads = 1 };
  nn_session *s = nn_session_new (m, &so, &err);
  g_assert_no_error (err);
  g_assert_true (nn_session_run (s, &err));
  g_assert_cmpint (count_threads (), ==, 1);
  nn_session_free (s);
  nn_model_free (m);
}

int
main (int argc, char **argv)
{
  if (argc > 1 && strcmp (argv[1], "--bench") == 0)
    return bench ();
  g_test_init (&argc, &argv, NULL);
  model_path = argc > 1 ? argv[1] : "tests/zoo/small/gru/model.onnx";
  /* first: the other tests' pools add threads of their own */
  g_test_add_func ("/nn/pool/no-blas-workers", test_no_blas_workers);
  g_test_add_func ("/nn/pool/loops", test_loops);
  g_test_add_func ("/nn/pool/runs", test_runs);
  g_test_add_func ("/nn/pool/two-pools", test_two_pools);
  return g_test_run ();
}
