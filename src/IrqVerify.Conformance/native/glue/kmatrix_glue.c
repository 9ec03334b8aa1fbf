/*
 * IrqVerify glue around the kernel's kernel/irq/matrix.c (compiled unmodified: this file includes
 * it, so the glue can read struct irq_matrix and struct cpumap). Exposes a flat C ABI that
 * src/IrqVerify.Conformance/Native/KernelMatrixLibrary.cs binds to. Written for this project.
 */
#include <string.h>
#include "matrix.c"

_Thread_local unsigned int nr_cpu_ids = 1;
_Thread_local unsigned int kstub_current_cpu;
_Thread_local unsigned long kstub_warns, kstub_bugs, kstub_pr_warns;
_Thread_local jmp_buf kstub_bug_jmp;

#define KSTUB_MASK_ENTRY(c) { { 1UL << (c) } }
const struct cpumask kstub_cpu_bit_masks[KSTUB_NR_CPUS] = {
#define M8(b) KSTUB_MASK_ENTRY(b), KSTUB_MASK_ENTRY(b + 1), KSTUB_MASK_ENTRY(b + 2), KSTUB_MASK_ENTRY(b + 3), \
	KSTUB_MASK_ENTRY(b + 4), KSTUB_MASK_ENTRY(b + 5), KSTUB_MASK_ENTRY(b + 6), KSTUB_MASK_ENTRY(b + 7)
	M8(0), M8(8), M8(16), M8(24), M8(32), M8(40), M8(48), M8(56)
#undef M8
};

#define KSTUB_PERCPU_HEADER 64

void *__alloc_percpu(size_t size, size_t align)
{
	size_t unit = (size + align - 1) / align * align;
	char *raw = calloc(1, KSTUB_PERCPU_HEADER + unit * nr_cpu_ids);
	if (!raw)
		return NULL;
	((size_t *)(raw + KSTUB_PERCPU_HEADER))[-1] = unit;
	return raw + KSTUB_PERCPU_HEADER;
}

void free_percpu(void *p)
{
	if (p)
		free((char *)p - KSTUB_PERCPU_HEADER);
}

/* ---- the ABI ---- */

#define KMX_WORDS 4 /* the model's bitmaps hold 256 bits */

struct kmx {
	struct irq_matrix *m;
	unsigned int cpus;
};

struct kmx_globals {
	uint32_t matrix_bits, alloc_start, alloc_end, alloc_size;
	uint32_t global_available, global_reserved, systembits_inalloc, total_allocated, online_maps, pad;
	uint64_t system_map[KMX_WORDS];
};

struct kmx_cpu {
	uint32_t available, allocated, managed, managed_allocated;
	uint8_t initialized, online, pad[6];
	uint64_t alloc_map[KMX_WORDS];
	uint64_t managed_map[KMX_WORDS];
};

struct kmx_result {
	int32_t ret;          /* the function's return value (0 for void functions) */
	uint32_t mapped_cpu;  /* *mapped_cpu after alloc/alloc_managed, UINT_MAX when not written */
	uint32_t warns, bugs, pr_warns, pad;
};

enum kmx_op {
	KMX_ONLINE, KMX_OFFLINE, KMX_ASSIGN_SYSTEM, KMX_ASSIGN, KMX_RESERVE_MANAGED, KMX_REMOVE_MANAGED,
	KMX_ALLOC_MANAGED, KMX_ALLOC, KMX_FREE, KMX_RESERVE, KMX_REMOVE_RESERVED,
	KMX_QUERY_AVAILABLE, KMX_QUERY_RESERVED, KMX_QUERY_ALLOCATED,
};

struct kmx *kmx_create(unsigned int cpus, unsigned int matrix_bits, unsigned int alloc_start, unsigned int alloc_end)
{
	if (cpus < 1 || cpus > KSTUB_NR_CPUS || matrix_bits > KMX_WORDS * BITS_PER_LONG)
		return NULL;
	struct kmx *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	nr_cpu_ids = cpus;
	h->cpus = cpus;
	h->m = irq_alloc_matrix(matrix_bits, alloc_start, alloc_end);
	if (!h->m) {
		free(h);
		return NULL;
	}
	return h;
}

void kmx_destroy(struct kmx *h)
{
	if (!h)
		return;
	free_percpu(h->m->maps);
	kfree(h->m);
	free(h);
}

static void kmx_mask(struct cpumask *msk, uint64_t bits)
{
	memset(msk, 0, sizeof(*msk));
	msk->bits[0] = (unsigned long)bits;
}

/* Runs one operation. cpu is the local CPU for this_cpu functions and the target of free. */
void kmx_op(struct kmx *h, int op, unsigned int cpu, uint64_t mask, unsigned int bit, int flag, struct kmx_result *r)
{
	struct irq_matrix *m = h->m;
	struct cpumask msk;
	unsigned long w = kstub_warns, b = kstub_bugs, p = kstub_pr_warns;
	unsigned int mapped = UINT_MAX;
	volatile int ret = 0;

	nr_cpu_ids = h->cpus;
	kstub_current_cpu = cpu;
	kmx_mask(&msk, mask);
	if (setjmp(kstub_bug_jmp) == 0) {
		switch (op) {
		case KMX_ONLINE: irq_matrix_online(m); break;
		case KMX_OFFLINE: irq_matrix_offline(m); break;
		case KMX_ASSIGN_SYSTEM: irq_matrix_assign_system(m, bit, flag != 0); break;
		case KMX_ASSIGN: irq_matrix_assign(m, bit); break;
		case KMX_RESERVE_MANAGED: ret = irq_matrix_reserve_managed(m, &msk); break;
		case KMX_REMOVE_MANAGED: irq_matrix_remove_managed(m, &msk); break;
		case KMX_ALLOC_MANAGED: ret = irq_matrix_alloc_managed(m, &msk, &mapped); break;
		case KMX_ALLOC: ret = irq_matrix_alloc(m, &msk, flag != 0, &mapped); break;
		case KMX_FREE: irq_matrix_free(m, cpu, bit, flag != 0); break;
		case KMX_RESERVE: irq_matrix_reserve(m); break;
		case KMX_REMOVE_RESERVED: irq_matrix_remove_reserved(m); break;
		case KMX_QUERY_AVAILABLE: ret = (int32_t)irq_matrix_available(m, flag != 0); break;
		case KMX_QUERY_RESERVED: ret = (int32_t)irq_matrix_reserved(m); break;
		case KMX_QUERY_ALLOCATED: ret = (int32_t)irq_matrix_allocated(m); break;
		default: ret = -ENOSYS; break;
		}
	}
	r->ret = ret;
	r->mapped_cpu = mapped;
	r->warns = (uint32_t)(kstub_warns - w);
	r->bugs = (uint32_t)(kstub_bugs - b);
	r->pr_warns = (uint32_t)(kstub_pr_warns - p);
	r->pad = 0;
}

static void kmx_copy_bits(uint64_t *dst, const unsigned long *src, unsigned int bits)
{
	memset(dst, 0, KMX_WORDS * sizeof(uint64_t));
	for (unsigned int k = 0; k < BITS_TO_LONGS(bits); k++)
		dst[k] = src[k];
}

void kmx_globals(struct kmx *h, struct kmx_globals *g)
{
	struct irq_matrix *m = h->m;
	g->matrix_bits = m->matrix_bits;
	g->alloc_start = m->alloc_start;
	g->alloc_end = m->alloc_end;
	g->alloc_size = m->alloc_size;
	g->global_available = m->global_available;
	g->global_reserved = m->global_reserved;
	g->systembits_inalloc = m->systembits_inalloc;
	g->total_allocated = m->total_allocated;
	g->online_maps = m->online_maps;
	g->pad = 0;
	kmx_copy_bits(g->system_map, m->system_map, m->matrix_bits);
}

void kmx_cpu(struct kmx *h, unsigned int cpu, struct kmx_cpu *c)
{
	struct cpumap *cm = per_cpu_ptr(h->m->maps, cpu);
	memset(c, 0, sizeof(*c));
	c->available = cm->available;
	c->allocated = cm->allocated;
	c->managed = cm->managed;
	c->managed_allocated = cm->managed_allocated;
	c->initialized = cm->initialized;
	c->online = cm->online;
	kmx_copy_bits(c->alloc_map, cm->alloc_map, h->m->matrix_bits);
	kmx_copy_bits(c->managed_map, cm->managed_map, h->m->matrix_bits);
}

/* The speed comparison's driver, mirrored by MatrixNativeBench on the model: ops steps, each an
 * irq_matrix_alloc on mask or an irq_matrix_free of the oldest live allocation (FIFO ring of
 * capacity ring), chosen by SplitMix64(seed). Returns a checksum of every result. */
uint64_t kmx_bench_alloc_free(struct kmx *h, uint64_t mask, uint32_t ops, uint32_t ring, uint64_t seed)
{
	struct irq_matrix *m = h->m;
	struct cpumask msk;
	uint32_t *rc = calloc(ring, sizeof(uint32_t)), *rb = calloc(ring, sizeof(uint32_t));
	uint32_t head = 0, count = 0;
	uint64_t s = seed, sum = 0;

	nr_cpu_ids = h->cpus;
	kmx_mask(&msk, mask);
	for (uint32_t i = 0; i < ops; i++) {
		uint64_t z = s += 0x9E3779B97F4A7C15ULL;
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		z ^= z >> 31;
		bool alloc = count == 0 || (count < ring && (z & 1));
		if (alloc) {
			unsigned int cpu = UINT_MAX;
			int bit = irq_matrix_alloc(m, &msk, false, &cpu);
			sum = sum * 31 + (uint64_t)(int64_t)bit * 7 + cpu;
			if (bit >= 0) {
				uint32_t slot = (head + count) % ring;
				rc[slot] = cpu;
				rb[slot] = (uint32_t)bit;
				count++;
			}
		} else {
			irq_matrix_free(m, rc[head], rb[head], false);
			sum = sum * 31 + rb[head];
			head = (head + 1) % ring;
			count--;
		}
	}
	free(rc);
	free(rb);
	return sum;
}
