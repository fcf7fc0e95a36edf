/* The result meta's block cache (gst/meta/mmblocks.c): blocks come back
 * for the next result instead of going to the heap and back per buffer.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <mmfusion/mmfusionmeta.h>

#include "../../gst/meta/mmblocks.h"

/* a stream's steady state: results of varying size, a few buffers in
 * flight downstream; after the first round nothing comes from the heap */
GST_START_TEST (test_steady_state_takes_nothing_from_the_heap)
{
  enum { IN_FLIGHT = 8, ROUNDS = 5000 };
  gpointer ring[IN_FLIGHT] = { NULL };
  guint64 warm = 0;
  for (guint i = 0; i < ROUNDS; i++) {
    guint slot = i % IN_FLIGHT;
    mm_block_put (ring[slot]);
    gsize size = 300 + (i * 37) % 600; /* 300..899 bytes: two classes */
    ring[slot] = mm_block_get (NULL, size);
    memset (ring[slot], 0xab, size);    /* the whole size is usable */
    if (i == 4 * IN_FLIGHT)
      warm = mm_block_heap_count ();
  }
  fail_unless (warm > 0);
  fail_unless_equals_uint64 (mm_block_heap_count (), warm);
  for (guint i = 0; i < IN_FLIGHT; i++)
    mm_block_put (ring[i]);
}
GST_END_TEST;

GST_START_TEST (test_reuse_and_growth)
{
  gpointer a = mm_block_get (NULL, 200);
  /* smaller or equal: the same block */
  fail_unless (mm_block_get (a, 100) == a);
  fail_unless (mm_block_get (a, 256) == a);
  /* bigger than its class: another block, the old one cached ... */
  gpointer b = mm_block_get (a, 5000);
  fail_unless (b != a);
  memset (b, 0, 5000);
  /* ... and handed out again for the next block of its class */
  guint64 before = mm_block_heap_count ();
  gpointer c = mm_block_get (NULL, 250);
  fail_unless (c == a);
  fail_unless_equals_uint64 (mm_block_heap_count (), before);
  mm_block_put (b);
  mm_block_put (c);
  mm_block_put (NULL);
}
GST_END_TEST;

GST_START_TEST (test_big_blocks_and_the_cap)
{
  /* too big to cache: heap both ways, usable whole */
  gsize big = 4u << 20;
  gpointer x = mm_block_get (NULL, big);
  memset (x, 1, big);
  gpointer y = mm_block_get (x, big);   /* size unknown: replaced */
  memset (y, 2, big);
  mm_block_put (y);

  /* a burst of 400 blocks in flight: at most 256 stay cached */
  enum { BURST = 400 };
  gpointer held[BURST];
  for (guint i = 0; i < BURST; i++)
    held[i] = mm_block_get (NULL, 3000);
  for (guint i = 0; i < BURST; i++)
    mm_block_put (held[i]);
  guint64 before = mm_block_heap_count ();
  for (guint i = 0; i < BURST; i++)
    held[i] = mm_block_get (NULL, 3000);
  fail_unless_equals_uint64 (mm_block_heap_count () - before, BURST - 256);
  for (guint i = 0; i < BURST; i++)
    mm_block_put (held[i]);
}
GST_END_TEST;

static void
set_one_output (GstMmFusionMeta * m, gfloat score)
{
  static const gint ids[3] = { 2, 0, 1 };
  GQuark labels[3] = { g_quark_from_static_string ("c"),
    g_quark_from_static_string ("a"), g_quark_from_static_string ("b")
  };
  gfloat values[3] = { score, score / 2, score / 4 };
  GstMmFusionOutput o = { g_quark_from_static_string ("logits"),
    GST_MM_FUSION_OUTPUT_CLASSES, 0, 3, ids, labels, values, 0, NULL
  };
  gst_mm_fusion_meta_set_outputs (m, &o, 1, NULL, 0);
}

/* through the meta library: the block of a freed buffer's meta is the one
 * the next result gets, even when the heap hands the same-sized chunk to
 * someone else in between (as glibc's per-thread cache would) */
GST_START_TEST (test_meta_reuses_a_freed_buffers_block)
{
  GstBuffer *a = gst_buffer_new ();
  GstMmFusionMeta *ma = gst_buffer_add_mm_fusion_meta (a);
  set_one_output (ma, 0.5f);
  gpointer block = ma->outputs;
  fail_unless (block != NULL);
  gst_buffer_unref (a);
  gpointer other = g_malloc (512);      /* takes a just-freed heap chunk */

  GstBuffer *b = gst_buffer_new ();
  GstMmFusionMeta *mb = gst_buffer_add_mm_fusion_meta (b);
  set_one_output (mb, 0.8f);
  fail_unless (mb->outputs == block);
  fail_unless_equals_int (gst_mm_fusion_meta_get_n_outputs (mb), 1);
  fail_unless_equals_float (gst_mm_fusion_meta_get_output_value (mb, 0, 0),
      0.8f);

  /* a copy (as a writable buffer makes) gets a block of its own */
  GstBuffer *c = gst_buffer_copy (b);
  GstMmFusionMeta *mc = gst_buffer_get_mm_fusion_meta (c);
  fail_unless (mc != NULL && mc->outputs != NULL && mc->outputs != block);
  fail_unless_equals_float (gst_mm_fusion_meta_get_output_value (mc, 0, 2),
      0.2f);
  gst_buffer_unref (b);
  fail_unless_equals_float (gst_mm_fusion_meta_get_output_value (mc, 0, 1),
      0.4f);
  gst_buffer_unref (c);
  g_free (other);
}
GST_END_TEST;

/* every class's score (all-scores=true) takes its block from the same
 * cache: a freed buffer's array is the next result's, a copy's is its own,
 * and a shorter array reuses a longer one's block */
GST_START_TEST (test_all_scores_reuse_a_freed_buffers_block)
{
  gfloat scores[40];
  for (guint i = 0; i < G_N_ELEMENTS (scores); i++)
    scores[i] = i / 40.0f;
  GstBuffer *a = gst_buffer_new ();
  GstMmFusionMeta *ma = gst_buffer_add_mm_fusion_meta (a);
  gst_mm_fusion_meta_set_all_scores (ma, 40, scores);
  gpointer block = ma->all_scores;
  gst_buffer_unref (a);
  gpointer other = g_malloc (40 * sizeof (gfloat));

  GstBuffer *b = gst_buffer_new ();
  GstMmFusionMeta *mb = gst_buffer_add_mm_fusion_meta (b);
  gst_mm_fusion_meta_set_all_scores (mb, 10, scores + 30);
  fail_unless (mb->all_scores == block);
  gsize n;
  const gfloat *got = gst_mm_fusion_meta_get_all_scores (mb, &n);
  fail_unless_equals_int (n, 10);
  fail_unless_equals_float (got[9], 39 / 40.0f);

  GstBuffer *c = gst_buffer_copy (b);
  GstMmFusionMeta *mc = gst_buffer_get_mm_fusion_meta (c);
  fail_unless (mc->all_scores != NULL && mc->all_scores != block);
  gst_buffer_unref (b);
  got = gst_mm_fusion_meta_get_all_scores (mc, &n);
  fail_unless_equals_int (n, 10);
  fail_unless_equals_float (got[0], 30 / 40.0f);
  /* none: the block goes back, the array reads as empty */
  gst_mm_fusion_meta_set_all_scores (mc, 0, NULL);
  fail_unless (gst_mm_fusion_meta_get_all_scores (mc, &n) == NULL && n == 0);
  gst_buffer_unref (c);
  g_free (other);
}
GST_END_TEST;

static Suite *
meta_blocks_suite (void)
{
  Suite *s = suite_create ("meta-blocks");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_steady_state_takes_nothing_from_the_heap);
  tcase_add_test (tc, test_reuse_and_growth);
  tcase_add_test (tc, test_big_blocks_and_the_cap);
  tcase_add_test (tc, test_meta_reuses_a_freed_buffers_block);
  tcase_add_test (tc, test_all_scores_reuse_a_freed_buffers_block);
  return s;
}

GST_CHECK_MAIN (meta_blocks);
