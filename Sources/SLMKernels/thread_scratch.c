/* Per-thread scratch memory for the batch kernels that decode or rearrange weight rows
 * once per call: grown when a call needs more (so steady use allocates nothing), never
 * shrunk, freed when the thread ends. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "blocks.h"

typedef struct {
    void *memory;
    size_t size;
} scratch_buffer;

/* Two buffers per thread: the kernels' own, and one for a caller that runs kernels. */
typedef struct {
    scratch_buffer slots[2];
} thread_buffers;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void release(void *value) {
    thread_buffers *buffers = value;
    for (int slot = 0; slot < 2; slot++) free(buffers->slots[slot].memory);
    free(buffers);
}

static void make_key(void) { pthread_key_create(&scratch_key, release); }

static void *scratch_in_slot(int slot, size_t bytes) {
    pthread_once(&scratch_once, make_key);
    thread_buffers *buffers = pthread_getspecific(scratch_key);
    if (!buffers) {
        buffers = calloc(1, sizeof *buffers);
        if (!buffers || pthread_setspecific(scratch_key, buffers) != 0) goto out_of_memory;
    }
    scratch_buffer *buffer = &buffers->slots[slot];
    if (buffer->size < bytes) {
        free(buffer->memory);
        buffer->memory = NULL;
        buffer->size = 0;
        if (posix_memalign(&buffer->memory, 64, bytes) != 0) goto out_of_memory;
        buffer->size = bytes;
    }
    return buffer->memory;
out_of_memory:
    fprintf(stderr, "slm-tui: out of memory for %zu bytes of kernel scratch\n", bytes);
    abort();
}

void *slm_thread_scratch(size_t bytes) { return scratch_in_slot(0, bytes); }

void *slm_thread_scratch_outer(size_t bytes) { return scratch_in_slot(1, bytes); }
