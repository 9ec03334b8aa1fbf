/*
 * IrqVerify's user-space stand-in for the few kernel facilities kernel/irq/matrix.c uses.
 * Written for this project (not kernel code). Everything that would be per-task or per-boot in
 * the kernel (current CPU, nr_cpu_ids, WARN/BUG counts) is thread-local, so several matrices can
 * be driven from different test threads.
 *
 * - WARN_ON_ONCE(c): counts every time c holds (the kernel prints once; the model's diagnostics
 *   are per occurrence, so the count is compared per occurrence) and yields c like the kernel.
 * - BUG_ON(c): counts and longjmps back to the glue entry point, so the kernel function stops where
 *   the kernel would have stopped the machine. The differential ends a sequence at its first BUG.
 * - pr_warn: counted (the model reports it as an Info diagnostic).
 * - per-CPU storage: one block of nr_cpu_ids units, the unit size kept in front of the block.
 */
#ifndef KSTUB_H
#define KSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <limits.h>
#include <errno.h>
#include <setjmp.h>

#define __init
#define __percpu
#define GFP_KERNEL 0

#define BITS_PER_LONG 64
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define KSTUB_NR_CPUS 64

extern _Thread_local unsigned int nr_cpu_ids;
extern _Thread_local unsigned int kstub_current_cpu;
extern _Thread_local unsigned long kstub_warns, kstub_bugs, kstub_pr_warns;
extern _Thread_local jmp_buf kstub_bug_jmp;

#define smp_processor_id() (kstub_current_cpu)

#define WARN_ON_ONCE(c) ({ bool __kstub_c = !!(c); if (__kstub_c) kstub_warns++; __kstub_c; })
#define WARN_ON(c) WARN_ON_ONCE(c)
#define BUG_ON(c) do { if (c) { kstub_bugs++; longjmp(kstub_bug_jmp, 1); } } while (0)
#define pr_warn(...) (kstub_pr_warns++)

/* slab */
#define kzalloc(size, gfp) calloc(1, (size))
#define kfree(p) free(p)
#define struct_size(p, member, count) (sizeof(*(p)) + sizeof(*(p)->member) * (size_t)(count))

/* per-CPU storage */
void *__alloc_percpu(size_t size, size_t align);
void free_percpu(void *p);
#define per_cpu_ptr(p, cpu) ((__typeof__(p))((char *)(p) + (size_t)(cpu) * ((const size_t *)(p))[-1]))
#define this_cpu_ptr(p) per_cpu_ptr(p, kstub_current_cpu)

/* cpumask */
struct cpumask { unsigned long bits[BITS_TO_LONGS(KSTUB_NR_CPUS)]; };
extern const struct cpumask kstub_cpu_bit_masks[KSTUB_NR_CPUS];
#define cpumask_of(cpu) (&kstub_cpu_bit_masks[(cpu)])
static inline bool cpumask_empty(const struct cpumask *m) { return m->bits[0] == 0; }
static inline unsigned int kstub_cpumask_next(int n, const struct cpumask *m)
{
	for (unsigned int c = (unsigned int)(n + 1); c < nr_cpu_ids; c++)
		if (m->bits[0] >> c & 1)
			return c;
	return nr_cpu_ids;
}
#define for_each_cpu(cpu, m) \
	for ((cpu) = kstub_cpumask_next(-1, (m)); (cpu) < nr_cpu_ids; (cpu) = kstub_cpumask_next((int)(cpu), (m)))
#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++)

/* bitops and bitmaps (generic semantics of include/linux/bitmap.h, lib/bitmap.c) */
static inline bool kstub_test(unsigned long nr, const unsigned long *a)
{
	return a[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG) & 1;
}
static inline void set_bit(unsigned long nr, unsigned long *a) { a[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG); }
static inline void clear_bit(unsigned long nr, unsigned long *a) { a[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG)); }
static inline bool test_and_set_bit(unsigned long nr, unsigned long *a) { bool o = kstub_test(nr, a); set_bit(nr, a); return o; }
static inline bool test_and_clear_bit(unsigned long nr, unsigned long *a) { bool o = kstub_test(nr, a); clear_bit(nr, a); return o; }
static inline unsigned long kstub_last_word_mask(unsigned int n) { return ~0UL >> (-n & (BITS_PER_LONG - 1)); }
static inline void bitmap_or(unsigned long *d, const unsigned long *a, const unsigned long *b, unsigned int n)
{
	for (unsigned int k = 0; k < BITS_TO_LONGS(n); k++)
		d[k] = a[k] | b[k];
}
static inline bool bitmap_andnot(unsigned long *d, const unsigned long *a, const unsigned long *b, unsigned int n)
{
	unsigned long any = 0;
	unsigned int k, full = n / BITS_PER_LONG;
	for (k = 0; k < full; k++)
		any |= (d[k] = a[k] & ~b[k]);
	if (n % BITS_PER_LONG)
		any |= (d[k] = a[k] & ~b[k] & kstub_last_word_mask(n));
	return any != 0;
}
/* Word at a time, like lib/find_bit.c (the speed comparison would otherwise measure the stand-in). */
static inline unsigned long kstub_find_next(const unsigned long *a, unsigned long size, unsigned long off, unsigned long invert)
{
	if (off >= size)
		return size;
	unsigned long k = off / BITS_PER_LONG;
	unsigned long w = (a[k] ^ invert) & (~0UL << (off % BITS_PER_LONG));
	for (;;) {
		if (w) {
			unsigned long i = k * BITS_PER_LONG + (unsigned long)__builtin_ctzl(w);
			return i < size ? i : size;
		}
		if (++k * BITS_PER_LONG >= size)
			return size;
		w = a[k] ^ invert;
	}
}
static inline unsigned long find_next_bit(const unsigned long *a, unsigned long size, unsigned long off)
{
	return kstub_find_next(a, size, off, 0);
}
static inline unsigned long find_next_zero_bit(const unsigned long *a, unsigned long size, unsigned long off)
{
	return kstub_find_next(a, size, off, ~0UL);
}
#define find_first_bit(a, size) find_next_bit((a), (size), 0)
static inline void bitmap_set(unsigned long *a, unsigned int start, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		set_bit(start + i, a);
}
static inline unsigned int bitmap_weight(const unsigned long *a, unsigned int n)
{
	unsigned int w = 0;
	for (unsigned int i = 0; i < n; i++)
		w += kstub_test(i, a);
	return w;
}
/* First run of nr clear bits in [start, size) whose start is aligned to align_mask + 1; a value
 * past size when there is none (the kernel returns the would-be end of the run). */
static inline unsigned long bitmap_find_next_zero_area(unsigned long *map, unsigned long size,
		unsigned long start, unsigned int nr, unsigned long align_mask)
{
	for (;;) {
		unsigned long index = find_next_zero_bit(map, size, start);
		index = (index + align_mask) & ~align_mask;
		unsigned long end = index + nr;
		if (end > size)
			return end;
		unsigned long i = find_next_bit(map, end, index);
		if (i >= end)
			return index;
		start = i + 1;
	}
}

struct seq_file;

#endif
