# Vertical box sums for video preprocessing (mmpreprocess.c), as ORC
# programs: orcc turns them into run-time compiled SIMD with a C backup
# (ORC_CODE=backup forces the backup; the test suite compares both).
#
# Each output row of an area downscale is the sum of a few source rows.
# These add one, two or four source rows into a row of 16-bit sums (or
# start it from one row, the vset programs at the end): ORC
# because the loop is a plain element-wise widen-and-add over a row, which
# ORC expresses directly and compiles for the CPU it runs on (SSE on x86,
# NEON on ARM). `w` weights (1 or 2) count how many luma rows a
# subsampled chroma row stands for, so chroma stays registered with luma.
# The caller guarantees the sums fit: rows × max sample ≤ 32767.
#
# Sources: u8 (8-bit formats), u16 (10-bit samples in the low bits:
# I420_10LE, Y444_10LE) and p010 (10-bit samples in the high bits of
# P010_10LE, shifted down first).

.function mm_orc_vsum_u8_add1w
.dest 2 d gint16
.source 1 s1 guint8
.param 2 w1 gint16
.temp 2 a

convubw a, s1
mullw a, a, w1
addw d, d, a

.function mm_orc_vsum_u8_add2
.dest 2 d gint16
.source 1 s1 guint8
.source 1 s2 guint8
.temp 2 a
.temp 2 b

convubw a, s1
convubw b, s2
addw a, a, b
addw d, d, a

.function mm_orc_vsum_u8_add4
.dest 2 d gint16
.source 1 s1 guint8
.source 1 s2 guint8
.source 1 s3 guint8
.source 1 s4 guint8
.temp 2 a
.temp 2 b

convubw a, s1
convubw b, s2
addw a, a, b
convubw b, s3
addw a, a, b
convubw b, s4
addw a, a, b
addw d, d, a

.function mm_orc_vsum_u8_add4w
.dest 2 d gint16
.source 1 s1 guint8
.source 1 s2 guint8
.source 1 s3 guint8
.source 1 s4 guint8
.param 2 w1 gint16
.param 2 w2 gint16
.param 2 w3 gint16
.param 2 w4 gint16
.temp 2 a
.temp 2 b

convubw a, s1
mullw a, a, w1
convubw b, s2
mullw b, b, w2
addw a, a, b
convubw b, s3
mullw b, b, w3
addw a, a, b
convubw b, s4
mullw b, b, w4
addw a, a, b
addw d, d, a

.function mm_orc_vsum_u16_add1w
.dest 2 d gint16
.source 2 s1 guint16
.param 2 w1 gint16
.temp 2 a

copyw a, s1
mullw a, a, w1
addw d, d, a

.function mm_orc_vsum_u16_add2
.dest 2 d gint16
.source 2 s1 guint16
.source 2 s2 guint16
.temp 2 a
.temp 2 b

copyw a, s1
copyw b, s2
addw a, a, b
addw d, d, a

.function mm_orc_vsum_u16_add4
.dest 2 d gint16
.source 2 s1 guint16
.source 2 s2 guint16
.source 2 s3 guint16
.source 2 s4 guint16
.temp 2 a
.temp 2 b

copyw a, s1
copyw b, s2
addw a, a, b
copyw b, s3
addw a, a, b
copyw b, s4
addw a, a, b
addw d, d, a

.function mm_orc_vsum_u16_add4w
.dest 2 d gint16
.source 2 s1 guint16
.source 2 s2 guint16
.source 2 s3 guint16
.source 2 s4 guint16
.param 2 w1 gint16
.param 2 w2 gint16
.param 2 w3 gint16
.param 2 w4 gint16
.temp 2 a
.temp 2 b

copyw a, s1
mullw a, a, w1
copyw b, s2
mullw b, b, w2
addw a, a, b
copyw b, s3
mullw b, b, w3
addw a, a, b
copyw b, s4
mullw b, b, w4
addw a, a, b
addw d, d, a

.function mm_orc_vsum_p010_add1w
.dest 2 d gint16
.source 2 s1 guint16
.param 2 w1 gint16
.temp 2 a

shruw a, s1, 6
mullw a, a, w1
addw d, d, a

.function mm_orc_vsum_p010_add2
.dest 2 d gint16
.source 2 s1 guint16
.source 2 s2 guint16
.temp 2 a
.temp 2 b

shruw a, s1, 6
shruw b, s2, 6
addw a, a, b
addw d, d, a

.function mm_orc_vsum_p010_add4
.dest 2 d gint16
.source 2 s1 guint16
.source 2 s2 guint16
.source 2 s3 guint16
.source 2 s4 guint16
.temp 2 a
.temp 2 b

shruw a, s1, 6
shruw b, s2, 6
addw a, a, b
shruw b, s3, 6
addw a, a, b
shruw b, s4, 6
addw a, a, b
addw d, d, a

.function mm_orc_vsum_p010_add4w
.dest 2 d gint16
.source 2 s1 guint16
.source 2 s2 guint16
.source 2 s3 guint16
.source 2 s4 guint16
.param 2 w1 gint16
.param 2 w2 gint16
.param 2 w3 gint16
.param 2 w4 gint16
.temp 2 a
.temp 2 b

shruw a, s1, 6
mullw a, a, w1
shruw b, s2, 6
mullw b, b, w2
addw a, a, b
shruw b, s3, 6
mullw b, b, w3
addw a, a, b
shruw b, s4, 6
mullw b, b, w4
addw a, a, b
addw d, d, a

# The first row of an output row's window: the sums start from it, so
# they need not be cleared first (the integer path adds the frame's rows
# one after another, front to back).

.function mm_orc_vset_u8_w
.dest 2 d gint16
.source 1 s1 guint8
.param 2 w1 gint16
.temp 2 a

convubw a, s1
mullw d, a, w1

.function mm_orc_vset_u16_w
.dest 2 d gint16
.source 2 s1 guint16
.param 2 w1 gint16

mullw d, s1, w1

.function mm_orc_vset_p010_w
.dest 2 d gint16
.source 2 s1 guint16
.param 2 w1 gint16
.temp 2 a

shruw a, s1, 6
mullw d, a, w1
