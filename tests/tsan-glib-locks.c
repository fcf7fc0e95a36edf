/* ThreadSanitizer build only: makes GLib's locks visible to TSan.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GLib implements GMutex, GRecMutex and GCond with futexes on Linux, and
 * GLib is not built with TSan, so TSan sees neither side of a
 * GST_OBJECT_LOCK: every field guarded by it would be reported as a race.
 * Preloaded (scripts/test-tsan), this library interposes the lock calls
 * made through the dynamic linker (from our code and from GStreamer),
 * forwards them to GLib, and tells TSan what they mean: a lock acquires,
 * an unlock releases, a condition wait releases then acquires again.
 * GAsyncQueue, which locks inside GLib, is handled the same way (push
 * releases, pop acquires). Other calls GLib makes to itself bypass this.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glib.h>

void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

#define REAL(ret, name, args) \
  static ret (*real_##name) args; \
  if (!real_##name) \
    real_##name = (ret (*) args) dlsym (RTLD_NEXT, #name)

void
g_mutex_lock (GMutex * m)
{
  REAL (void, g_mutex_lock, (GMutex *));
  real_g_mutex_lock (m);
  __tsan_acquire (m);
}

gboolean
g_mutex_trylock (GMutex * m)
{
  REAL (gboolean, g_mutex_trylock, (GMutex *));
  gboolean locked = real_g_mutex_trylock (m);
  if (locked)
    __tsan_acquire (m);
  return locked;
}

void
g_mutex_unlock (GMutex * m)
{
  REAL (void, g_mutex_unlock, (GMutex *));
  __tsan_release (m);
  real_g_mutex_unlock (m);
}

void
g_rec_mutex_lock (GRecMutex * m)
{
  REAL (void, g_rec_mutex_lock, (GRecMutex *));
  real_g_rec_mutex_lock (m);
  __tsan_acquire (m);
}

gboolean
g_rec_mutex_trylock (GRecMutex * m)
{
  REAL (gboolean, g_rec_mutex_trylock, (GRecMutex *));
  gboolean locked = real_g_rec_mutex_trylock (m);
  if (locked)
    __tsan_acquire (m);
  return locked;
}

void
g_rec_mutex_unlock (GRecMutex * m)
{
  REAL (void, g_rec_mutex_unlock, (GRecMutex *));
  __tsan_release (m);
  real_g_rec_mutex_unlock (m);
}

void
g_cond_wait (GCond * c, GMutex * m)
{
  REAL (void, g_cond_wait, (GCond *, GMutex *));
  __tsan_release (m);
  real_g_cond_wait (c, m);
  __tsan_acquire (m);
}

gboolean
g_cond_wait_until (GCond * c, GMutex * m, gint64 end_time)
{
  REAL (gboolean, g_cond_wait_until, (GCond *, GMutex *, gint64));
  __tsan_release (m);
  gboolean signalled = real_g_cond_wait_until (c, m, end_time);
  __tsan_acquire (m);
  return signalled;
}

/* GAsyncQueue (GstHarness hands buffers over with it) locks inside GLib,
 * out of our reach: a push releases, a pop that gets an item acquires */
void
g_async_queue_push (GAsyncQueue * q, gpointer data)
{
  REAL (void, g_async_queue_push, (GAsyncQueue *, gpointer));
  __tsan_release (q);
  real_g_async_queue_push (q, data);
}

gpointer
g_async_queue_pop (GAsyncQueue * q)
{
  REAL (gpointer, g_async_queue_pop, (GAsyncQueue *));
  gpointer data = real_g_async_queue_pop (q);
  __tsan_acquire (q);
  return data;
}

gpointer
g_async_queue_try_pop (GAsyncQueue * q)
{
  REAL (gpointer, g_async_queue_try_pop, (GAsyncQueue *));
  gpointer data = real_g_async_queue_try_pop (q);
  if (data)
    __tsan_acquire (q);
  return data;
}

gpointer
g_async_queue_timeout_pop (GAsyncQueue * q, guint64 timeout)
{
  REAL (gpointer, g_async_queue_timeout_pop, (GAsyncQueue *, guint64));
  gpointer data = real_g_async_queue_timeout_pop (q, timeout);
  if (data)
    __tsan_acquire (q);
  return data;
}
