/* A session's own worker threads, and the parallel loop kernels use.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each session with threads > 1 owns threads - 1 workers; the thread that
 * calls nn_session_run is worker 0. Kernels reach the pool through a
 * thread-local pointer set for the duration of a run, so two sessions with
 * different thread counts never see each other's workers (nothing here is
 * process-global, unlike OpenBLAS's thread count, which the runtime leaves
 * at one and splits work itself).
 *
 * A run is a few dozen to a few hundred layers of tens of microseconds
 * each, so handing out a layer must cost well under a microsecond:
 *  - nn_pool_enter wakes the workers once per run; they then spin (with
 *    pause) between layers until nn_pool_leave, and watch a little longer
 *    for the next run before they sleep on the condition variable;
 *  - a job is published by one atomic store of `state` (generation in the
 *    high 32 bits, chunks left in the low 32), after its description;
 *    the caller runs chunk 0 itself, the others are taken by
 *    compare-and-swap on `state`, so a worker that saw an old generation
 *    can never take a chunk of a newer job, and finished chunks are
 *    counted in `done`. No lock on the way.
 */
#include "nn-private.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* pause rounds a waiting thread spins before it yields the CPU once */
#define SPIN_YIELD 4096
/* pause rounds a worker keeps watching after a run ends before it sleeps
 * (~100-200 us: back-to-back runs find it awake) */
#define SPIN_AFTER_RUN 8192

struct nn_pool {
  int threads;
  pthread_t *workers;
  pthread_mutex_t lock;         /* guards sleeping and the condvar */
  pthread_cond_t start;
  int active;                   /* atomic: a run is under way */
  int quit;                     /* atomic */
  guint64 runs;                 /* atomic: bumped by each nn_pool_enter */
  /* the job, written by the caller before it publishes state */
  nn_range_fn fn;
  void *ctx;
  char *scratch;
  size_t stride;
  int64_t n, chunk;
  guint32 nchunks;
  /* atomics, each on its own cache line */
  guint64 state __attribute__((aligned (64)));  /* generation << 32 | left */
  guint32 done __attribute__((aligned (64)));   /* chunks finished */
  char pad_[60];
};

typedef struct {
  nn_pool *pool;
  int index;
} worker_arg;

static inline void
spin_pause (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

static __thread nn_pool *current;
static __thread size_t current_stride;
/* set while this thread runs a chunk: a nested loop runs inline */
static __thread gboolean in_chunk;

/* Takes and runs chunks of job `gen` until none is left. Chunks are taken,
 * not assigned: when a worker is slow to come (a busy machine), the others
 * do its share instead of waiting for it. */
static void
take_chunks (nn_pool * p, int w, guint32 gen)
{
  guint64 s = __atomic_load_n (&p->state, __ATOMIC_ACQUIRE);
  for (;;) {
    if ((guint32) (s >> 32) != gen || (guint32) s == 0)
      return;
    /* read before the swap: if the swap succeeds, job `gen` was not
     * finished, so these are still its fields */
    guint32 nchunks = __atomic_load_n (&p->nchunks, __ATOMIC_RELAXED);
    nn_range_fn fn = __atomic_load_n (&p->fn, __ATOMIC_RELAXED);
    void *ctx = __atomic_load_n (&p->ctx, __ATOMIC_RELAXED);
    char *scratch = __atomic_load_n (&p->scratch, __ATOMIC_RELAXED);
    size_t stride = __atomic_load_n (&p->stride, __ATOMIC_RELAXED);
    int64_t n = __atomic_load_n (&p->n, __ATOMIC_RELAXED);
    int64_t chunk = __atomic_load_n (&p->chunk, __ATOMIC_RELAXED);
    if (!__atomic_compare_exchange_n (&p->state, &s, s - 1, TRUE,
            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
      continue;
    int64_t i = nchunks - (guint32) s;  /* 1 .. nchunks - 1 */
    int64_t lo = i * chunk, hi = MIN (n, lo + chunk);
    in_chunk = TRUE;
    fn (ctx, lo, hi, scratch ? scratch + w * stride : NULL);
    in_chunk = FALSE;
    __atomic_add_fetch (&p->done, 1, __ATOMIC_RELEASE);
    s = __atomic_load_n (&p->state, __ATOMIC_ACQUIRE);
  }
}

static void *
worker_main (void *data)
{
  worker_arg *arg = data;
  nn_pool *p = arg->pool;
  int w = arg->index;
  g_free (arg);
  guint32 seen = 0;
  guint64 runs_seen = 0;
  for (;;) {
    /* asleep until a run starts */
    pthread_mutex_lock (&p->lock);
    while (!p->quit && __atomic_load_n (&p->runs, __ATOMIC_ACQUIRE)
        == runs_seen)
      pthread_cond_wait (&p->start, &p->lock);
    pthread_mutex_unlock (&p->lock);
    if (__atomic_load_n (&p->quit, __ATOMIC_ACQUIRE))
      break;
    /* awake: take jobs as they come; after the run, watch a little
     * longer for the next one */
    int idle = 0, after = 0;
    for (;;) {
      guint64 s = __atomic_load_n (&p->state, __ATOMIC_ACQUIRE);
      if ((guint32) (s >> 32) != seen) {
        seen = (guint32) (s >> 32);
        take_chunks (p, w, seen);
        idle = after = 0;
        continue;
      }
      if (__atomic_load_n (&p->quit, __ATOMIC_ACQUIRE))
        break;
      if (__atomic_load_n (&p->active, __ATOMIC_ACQUIRE)) {
        /* between layers: a waiting run thread (a busy machine, or
         * valgrind's one-at-a-time threads) gets the CPU now and then */
        if (++idle % SPIN_YIELD == 0)
          sched_yield ();
      } else {
        guint64 r = __atomic_load_n (&p->runs, __ATOMIC_ACQUIRE);
        if (r != runs_seen) {
          /* a run ended and maybe another began while we watched */
          runs_seen = r;
          idle = 0;
          after = 0;
        } else if (++after >= SPIN_AFTER_RUN)
          break;
      }
      spin_pause ();
    }
    runs_seen = __atomic_load_n (&p->runs, __ATOMIC_ACQUIRE);
    if (__atomic_load_n (&p->active, __ATOMIC_ACQUIRE))
      runs_seen--;              /* a run is under way: do not sleep */
  }
  return NULL;
}

nn_pool *
nn_pool_new (int threads)
{
  nn_pool *p;
  if (posix_memalign ((void **) &p, 64, sizeof *p) != 0)
    return NULL;
  memset (p, 0, sizeof *p);
  p->threads = MAX (threads, 1);
  pthread_mutex_init (&p->lock, NULL);
  pthread_cond_init (&p->start, NULL);
  p->workers = g_new0 (pthread_t, p->threads);
  for (int w = 1; w < p->threads; w++) {
    worker_arg *arg = g_new (worker_arg, 1);
    arg->pool = p;
    arg->index = w;
    if (pthread_create (&p->workers[w], NULL, worker_main, arg) != 0) {
      /* run with the workers started so far */
      g_free (arg);
      p->threads = w;
      break;
    }
  }
  return p;
}

void
nn_pool_free (nn_pool * p)
{
  if (!p)
    return;
  pthread_mutex_lock (&p->lock);
  __atomic_store_n (&p->quit, TRUE, __ATOMIC_RELEASE);
  pthread_cond_broadcast (&p->start);
  pthread_mutex_unlock (&p->lock);
  for (int w = 1; w < p->threads; w++)
    pthread_join (p->workers[w], NULL);
  pthread_mutex_destroy (&p->lock);
  pthread_cond_destroy (&p->start);
  g_free (p->workers);
  free (p);
}

void
nn_pool_enter (nn_pool * pool, size_t scratch_stride)
{
  current = pool;
  current_stride = scratch_stride;
  if (!pool)
    return;
  __atomic_store_n (&pool->active, TRUE, __ATOMIC_RELEASE);
  /* wakes the workers that sleep; those still watching since the last
   * run see `active` and stay */
  pthread_mutex_lock (&pool->lock);
  __atomic_add_fetch (&pool->runs, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast (&pool->start);
  pthread_mutex_unlock (&pool->lock);
}

void
nn_pool_leave (void)
{
  if (current)
    __atomic_store_n (&current->active, FALSE, __ATOMIC_RELEASE);
  current = NULL;
  current_stride = 0;
}

int
nn_parallel_workers (void)
{
  return current && !in_chunk ? current->threads : 1;
}

void
nn_parallel_for (int64_t n, int64_t grain, nn_range_fn fn, void *ctx,
    void *scratch)
{
  nn_pool *p = current;
  if (n <= 0)
    return;
  int use = p && !in_chunk ? (int) MIN ((int64_t) p->threads,
      n / MAX (grain, 1)) : 1;
  if (use <= 1) {
    fn (ctx, 0, n, scratch);
    return;
  }
  /* relaxed stores: a worker late for the previous job may read them
   * while they change, but its swap then fails (see take_chunks) */
  int64_t chunk = (n + use - 1) / use;
  guint32 nchunks = (guint32) ((n + chunk - 1) / chunk);
  __atomic_store_n (&p->fn, fn, __ATOMIC_RELAXED);
  __atomic_store_n (&p->ctx, ctx, __ATOMIC_RELAXED);
  __atomic_store_n (&p->scratch, (char *) scratch, __ATOMIC_RELAXED);
  __atomic_store_n (&p->stride, current_stride, __ATOMIC_RELAXED);
  __atomic_store_n (&p->n, n, __ATOMIC_RELAXED);
  __atomic_store_n (&p->chunk, chunk, __ATOMIC_RELAXED);
  __atomic_store_n (&p->nchunks, nchunks, __ATOMIC_RELAXED);
  __atomic_store_n (&p->done, 0, __ATOMIC_RELAXED);
  guint32 gen = (guint32) (__atomic_load_n (&p->state, __ATOMIC_RELAXED)
      >> 32) + 1;
  /* publishes the fields above to whoever reads this generation; chunk 0
   * is the caller's own: the others hand out 1, 2, ... in the order they
   * are taken, so with two threads the first half of every loop runs on
   * the caller and the second on the worker, and a layer finds in its
   * own core's cache the part of the previous layer's output it wrote
   * (unless the worker came too late and the caller took its chunk) */
  __atomic_store_n (&p->state, (guint64) gen << 32 | (nchunks - 1),
      __ATOMIC_RELEASE);
  in_chunk = TRUE;
  fn (ctx, 0, MIN (n, chunk), scratch);
  in_chunk = FALSE;
  __atomic_add_fetch (&p->done, 1, __ATOMIC_RELEASE);
  take_chunks (p, 0, gen);
  /* the chunks others took; yield now and then in case one of them lost
   * its CPU */
  for (int i = 1; __atomic_load_n (&p->done, __ATOMIC_ACQUIRE) < nchunks;
      i++) {
    if (i % SPIN_YIELD == 0)
      sched_yield ();
    else
      spin_pause ();
  }
}
