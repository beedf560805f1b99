/* Per-thread scratch memory for the batch kernels that decode or rearrange weight rows
 * once per call: grown when a call needs more (so steady use allocates nothing), never
 * shrunk, freed when the thread ends. Slot 1 is for callers whose callees use slot 0. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "blocks.h"

enum { SLOTS = 2 };

typedef struct {
    void *memory[SLOTS];
    size_t size[SLOTS];
} scratch_buffer;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void release(void *value) {
    scratch_buffer *buffer = value;
    for (int slot = 0; slot < SLOTS; slot++) free(buffer->memory[slot]);
    free(buffer);
}

static void make_key(void) { pthread_key_create(&scratch_key, release); }

void *slm_thread_scratch(size_t bytes) { return slm_thread_scratch_slot(0, bytes); }

void *slm_thread_scratch_slot(int slot, size_t bytes) {
    pthread_once(&scratch_once, make_key);
    scratch_buffer *buffer = pthread_getspecific(scratch_key);
    if (!buffer) {
        buffer = calloc(1, sizeof *buffer);
        if (!buffer || pthread_setspecific(scratch_key, buffer) != 0) goto out_of_memory;
    }
    if (buffer->size[slot] < bytes) {
        free(buffer->memory[slot]);
        buffer->memory[slot] = NULL;
        buffer->size[slot] = 0;
        if (posix_memalign(&buffer->memory[slot], 64, bytes) != 0) goto out_of_memory;
        buffer->size[slot] = bytes;
    }
    return buffer->memory[slot];
out_of_memory:
    fprintf(stderr, "slm-tui: out of memory for %zu bytes of kernel scratch\n", bytes);
    abort();
}
