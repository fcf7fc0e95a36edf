/* A session's own worker threads, and the parallel loop kernels use.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each session with threads > 1 owns threads - 1 workers; the thread that
 * calls nn_session_run is worker 0. A job is published under the mutex
 * with a generation number; every worker, the caller included, takes
 * chunks until none is left, and the caller waits until all are done. Kernels reach the pool through a
 * thread-local pointer set for the duration of a run, so two sessions
 * with different thread counts never see each other's workers (nothing
 * here is process-global, unlike OpenBLAS's thread count, which the
 * runtime leaves at one and splits work itself).
 */
#include "nn-private.h"

#include <pthread.h>

struct nn_pool {
  int threads;
  pthread_t *workers;
  pthread_mutex_t lock;
  pthread_cond_t start, done;
  guint64 generation;
  gboolean quit;
  /* the job: chunks handed out one at a time under the lock */
  nn_range_fn fn;
  void *ctx;
  char *scratch;
  size_t stride;
  int64_t n, chunk, nchunks, next, finished;
};

typedef struct {
  nn_pool *pool;
  int index;
} worker_arg;

/* pause instructions a worker spins for before it sleeps */
#define SPIN_ROUNDS 1000

static inline void
spin_pause (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

static __thread nn_pool *current;
static __thread size_t current_stride;

/* Runs chunks of the current job until none is left; called and returns
 * with the lock held. Chunks are taken, not assigned: when a worker is
 * slow to wake (a busy machine), the others do its share instead of
 * waiting for it. */
static void
take_chunks (nn_pool * p, int w)
{
  while (p->next < p->nchunks) {
    int64_t i = p->next++;
    nn_range_fn fn = p->fn;
    void *ctx = p->ctx;
    void *scratch = p->scratch ? p->scratch + w * p->stride : NULL;
    int64_t lo = i * p->chunk, hi = MIN (p->n, lo + p->chunk);
    pthread_mutex_unlock (&p->lock);
    fn (ctx, lo, hi, scratch);
    pthread_mutex_lock (&p->lock);
    if (++p->finished == p->nchunks)
      pthread_cond_signal (&p->done);
  }
}

static void *
worker_main (void *data)
{
  worker_arg *arg = data;
  nn_pool *p = arg->pool;
  int w = arg->index;
  g_free (arg);
  guint64 seen = 0;
  pthread_mutex_lock (&p->lock);
  for (;;) {
    if (!p->quit && p->generation == seen) {
      /* the next job of a run usually follows within microseconds: watch
       * for it a little (~20 us) before sleeping, since a sleeping worker
       * takes longer to wake than most layers take to run */
      pthread_mutex_unlock (&p->lock);
      for (int i = 0; i < SPIN_ROUNDS; i++) {
        if (__atomic_load_n (&p->generation, __ATOMIC_ACQUIRE) != seen
            || __atomic_load_n (&p->quit, __ATOMIC_ACQUIRE))
          break;
        spin_pause ();
      }
      pthread_mutex_lock (&p->lock);
    }
    while (!p->quit && p->generation == seen)
      pthread_cond_wait (&p->start, &p->lock);
    if (p->quit)
      break;
    seen = p->generation;
    take_chunks (p, w);
  }
  pthread_mutex_unlock (&p->lock);
  return NULL;
}

nn_pool *
nn_pool_new (int threads)
{
  nn_pool *p = g_new0 (nn_pool, 1);
  p->threads = MAX (threads, 1);
  pthread_mutex_init (&p->lock, NULL);
  pthread_cond_init (&p->start, NULL);
  pthread_cond_init (&p->done, NULL);
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
  pthread_cond_destroy (&p->done);
  g_free (p->workers);
  g_free (p);
}

void
nn_pool_enter (nn_pool * pool, size_t scratch_stride)
{
  current = pool;
  current_stride = scratch_stride;
}

void
nn_pool_leave (void)
{
  current = NULL;
  current_stride = 0;
}

int
nn_parallel_workers (void)
{
  return current ? current->threads : 1;
}

void
nn_parallel_for (int64_t n, int64_t grain, nn_range_fn fn, void *ctx,
    void *scratch)
{
  nn_pool *p = current;
  if (n <= 0)
    return;
  int use = p ? (int) MIN ((int64_t) p->threads, n / MAX (grain, 1)) : 1;
  if (use <= 1) {
    fn (ctx, 0, n, scratch);
    return;
  }
  pthread_mutex_lock (&p->lock);
  p->fn = fn;
  p->ctx = ctx;
  p->scratch = scratch;
  p->stride = current_stride;
  p->n = n;
  p->chunk = (n + use - 1) / use;
  p->nchunks = (n + p->chunk - 1) / p->chunk;
  p->next = p->finished = 0;
  /* atomic: spinning workers read it without the lock */
  __atomic_store_n (&p->generation, p->generation + 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast (&p->start);
  take_chunks (p, 0);
  while (p->finished < p->nchunks)
    pthread_cond_wait (&p->done, &p->lock);
  pthread_mutex_unlock (&p->lock);
}
