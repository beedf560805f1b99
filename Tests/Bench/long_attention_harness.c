// A generated token's long attention as the app runs it, without the app: LAYERS layers of
// KV_HEADS key/value heads, each shared by GROUP query heads of HEAD_DIM, over 4,096 cached
// positions (F16 or Q8_0, head-major, on huge pages); two threads take the key/value heads
// in turn, and before each layer they read that layer's STREAM_MB of "weights" between them
// (a buffer per layer: one shared buffer stays partly in L3 from layer to layer, which the
// real weights do not), so the cache meets the kernel from memory as it does after a
// layer's matrices. Prints the time stamp cycles per position and query head each thread
// spent in the kernel, and the kernel's milliseconds a token at 2.6 GHz (this machine's
// time stamp rate). Memory: the cache plus LAYERS x STREAM_MB.
//
// Build from the repository root and run, e.g. the Llama-3.2-3B shape over a Q8_0 cache:
//   clang -O2 -ffp-contract=off -I Sources/SLMKernels/include -I Sources/SLMKernels \
//     Tests/Bench/long_attention_harness.c Sources/SLMKernels/*.c -lm -lpthread -o /tmp/harness
//   /tmp/harness 28 8 3 128 q8_0 70
// Figures only (x86-64 with AVX-512 VNNI); compare builds by alternating their runs.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <x86intrin.h>
#include "blocks.h"
#include "slm_kernels.h"

enum { POSITIONS = 4096, TOKENS = 8, THREADS = 2 };

static struct {
    int layers, kv_heads, group, head_dim, q8;
    size_t row_bytes, head_bytes, layer_bytes;
    char *keys, *values;
    float *weights;
    size_t weight_count;
    pthread_barrier_t barrier;
    uint64_t cycles[THREADS];
} run;

/* This thread's half of the layer's weights, read once. */
__attribute__((target("avx512f"))) static void read_weights(int thread, int layer) {
    const size_t share = run.weight_count / THREADS;
    const float *from = run.weights + (size_t)layer * run.weight_count + (size_t)thread * share;
    __m512 sum = _mm512_setzero_ps();
    for (size_t i = 0; i < share; i += 16) sum = _mm512_add_ps(sum, _mm512_load_ps(from + i));
    volatile float sink = _mm512_reduce_add_ps(sum);
    (void)sink;
}

static void *thread_main(void *argument) {
    const int thread = (int)(intptr_t)argument;
    static _Thread_local float queries[16 * 256], out[16 * 256];
    for (int i = 0; i < 16 * 256; i++) queries[i] = (float)((i * 7919) % 1000) / 250.0f - 2.0f;
    const int d = run.head_dim, g = run.group;
    for (int token = 0; token < TOKENS; token++) {
        for (int layer = 0; layer < run.layers; layer++) {
            read_weights(thread, layer);
            pthread_barrier_wait(&run.barrier);
            const uint64_t start = __rdtsc();
            for (int head = thread; head < run.kv_heads; head += THREADS) {
                const char *k = run.keys + layer * run.layer_bytes + head * run.head_bytes;
                const char *v = run.values + layer * run.layer_bytes + head * run.head_bytes;
                if (run.q8)
                    slm_attend_long_q8_0(queries, d, g, k, v, run.row_bytes, d, 0, POSITIONS, 0.125f, 0, out, d);
                else
                    slm_attend_long(queries, d, g, (const uint16_t *)k, (const uint16_t *)v, d, d, 0, POSITIONS,
                                    0.125f, 0, out, d);
            }
            /* the first token warms up */
            if (token > 0) run.cycles[thread] += __rdtsc() - start;
            pthread_barrier_wait(&run.barrier);
        }
    }
    return NULL;
}

/* Fills the cache with small values and plausible scales. */
static void fill_cache(size_t bytes) {
    for (size_t i = 0; i < bytes; i++) {
        run.keys[i] = (char)(i * 131 % 97);
        run.values[i] = (char)(i * 37 % 89);
    }
    if (run.q8) {
        for (size_t i = 0; i < bytes / sizeof(block_q8_0); i++) {
            ((block_q8_0 *)run.keys)[i].d = 0x1c00;
            ((block_q8_0 *)run.values)[i].d = 0x1c00;
        }
    } else {
        for (size_t i = 0; i < bytes / 2; i++) {
            ((uint16_t *)run.keys)[i] = (uint16_t)(0x3000 + i % 512);
            ((uint16_t *)run.values)[i] = (uint16_t)(0x3000 + i % 300);
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 7 || (strcmp(argv[5], "f16") != 0 && strcmp(argv[5], "q8_0") != 0)) {
        fprintf(stderr, "usage: %s LAYERS KV_HEADS GROUP HEAD_DIM f16|q8_0 STREAM_MB\n", argv[0]);
        return 2;
    }
    run.layers = atoi(argv[1]);
    run.kv_heads = atoi(argv[2]);
    run.group = atoi(argv[3]);
    run.head_dim = atoi(argv[4]);
    run.q8 = strcmp(argv[5], "q8_0") == 0;
    const size_t stream_mb = (size_t)atoi(argv[6]);
    if (run.layers < 1 || run.kv_heads < 1 || run.group < 1 || run.group > 16 || run.head_dim % 32 != 0 ||
        run.head_dim < 32 || run.head_dim > 256 || stream_mb < 1) {
        fprintf(stderr, "need layers, heads >= 1, a group of 1-16, a head of 32-256 in steps of 32, a stream >= 1 MB\n");
        return 2;
    }
    run.row_bytes = run.q8 ? (size_t)run.head_dim / SLM_QK * sizeof(block_q8_0) : (size_t)run.head_dim * 2;
    run.head_bytes = (POSITIONS + 256) * run.row_bytes;
    run.layer_bytes = (size_t)run.kv_heads * run.head_bytes;
    const size_t bytes = (size_t)run.layers * run.layer_bytes;
    run.keys = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    run.values = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    run.weight_count = stream_mb << 18;
    run.weights = aligned_alloc(64, (size_t)run.layers * run.weight_count * sizeof(float));
    if (run.keys == MAP_FAILED || run.values == MAP_FAILED || !run.weights) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    madvise(run.keys, bytes, MADV_HUGEPAGE);
    madvise(run.values, bytes, MADV_HUGEPAGE);
    fill_cache(bytes);
    for (size_t i = 0; i < (size_t)run.layers * run.weight_count; i++) run.weights[i] = (float)i;
    pthread_barrier_init(&run.barrier, NULL, THREADS);
    pthread_t threads[THREADS];
    for (intptr_t t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, thread_main, (void *)t);
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    const double per_thread = (double)run.layers * (TOKENS - 1) * run.kv_heads * run.group * POSITIONS / THREADS;
    printf("%s, %d layers of %d x %d heads of %d: %.2f / %.2f cycles per position and head, %.2f ms a token\n",
           argv[5], run.layers, run.kv_heads, run.group, run.head_dim, run.cycles[0] / per_thread,
           run.cycles[1] / per_thread, (run.cycles[0] + run.cycles[1]) / 2.0 / (TOKENS - 1) / 2.6e6);
    return 0;
}
