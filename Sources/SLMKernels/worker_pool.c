/* A persistent pool of worker threads for the forward pass. A decode step runs a few
 * hundred short parallel regions; waking sleeping threads for each costs more than the
 * work, so workers spin for a short while between regions and only then sleep (an idle
 * program uses no CPU). Spinning threads yield the CPU every few microseconds, so with
 * more threads than cores the one that has work gets a core instead of waiting out a
 * scheduler time slice. One region runs at a time; the caller is worker 0. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include "blocks.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define SLM_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define SLM_PAUSE() __asm__ __volatile__("yield")
#else
#define SLM_PAUSE() ((void)0)
#endif

enum { MAX_WORKERS = 64, SPIN_NANOSECONDS = 2000000, PAUSES_PER_YIELD = 256 };

/* One step of a spin-wait: a pause, and now and then a yield to any waiting thread. */
static inline void spin_step(unsigned *spins) {
    SLM_PAUSE();
    if (++*spins % PAUSES_PER_YIELD == 0) sched_yield();
}

static pthread_mutex_t region_lock = PTHREAD_MUTEX_INITIALIZER;  /* one region at a time */
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_uint generation;   /* bumped once per region */
static atomic_int remaining;     /* helpers still working on the current region */
static atomic_int sleepers;
static int started;              /* helper threads running (guarded by region_lock) */
static int region_workers;
static unsigned created_at[MAX_WORKERS];  /* generation before each helper's first region */
static slm_parallel_fn region_fn;
static void *region_context;

static uint64_t now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void *helper_main(void *argument) {
    const int index = (int)(intptr_t)argument;
    /* a helper created for a region must still see that region as new */
    unsigned seen = created_at[index];
    for (;;) {
        uint64_t spin_start = now_nanoseconds();
        unsigned spins = 0;
        while (atomic_load_explicit(&generation, memory_order_acquire) == seen) {
            spin_step(&spins);
            if (spins % 1024 == 0 && now_nanoseconds() - spin_start > SPIN_NANOSECONDS) {
                pthread_mutex_lock(&sleep_lock);
                atomic_fetch_add(&sleepers, 1);
                while (atomic_load_explicit(&generation, memory_order_acquire) == seen)
                    pthread_cond_wait(&wake, &sleep_lock);
                atomic_fetch_sub(&sleepers, 1);
                pthread_mutex_unlock(&sleep_lock);
            }
        }
        seen = atomic_load_explicit(&generation, memory_order_acquire);
        if (index < region_workers) region_fn(region_context, index);
        atomic_fetch_sub_explicit(&remaining, 1, memory_order_acq_rel);
    }
    return NULL;
}

void slm_parallel_run(int workers, slm_parallel_fn fn, void *context) {
    if (workers > MAX_WORKERS) workers = MAX_WORKERS;
    if (workers <= 1) {
        fn(context, 0);
        return;
    }
    pthread_mutex_lock(&region_lock);
    while (started < workers - 1) {
        pthread_t thread;
        created_at[started + 1] = atomic_load_explicit(&generation, memory_order_acquire);
        if (pthread_create(&thread, NULL, helper_main, (void *)(intptr_t)(started + 1)) != 0) break;
        pthread_detach(thread);
        started++;
    }
    if (started < workers - 1) workers = started + 1; /* run with what could be started */
    region_workers = workers;
    region_fn = fn;
    region_context = context;
    atomic_store_explicit(&remaining, started, memory_order_release);
    pthread_mutex_lock(&sleep_lock);
    atomic_fetch_add_explicit(&generation, 1, memory_order_acq_rel);
    if (atomic_load(&sleepers) > 0) pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&sleep_lock);
    fn(context, 0);
    unsigned spins = 0;
    while (atomic_load_explicit(&remaining, memory_order_acquire) > 0) spin_step(&spins);
    pthread_mutex_unlock(&region_lock);
}
