// Reference outputs of llama.cpp for the synthetic fixtures: for each prompt (token ids),
// the logits after the prompt, 16 greedy steps (argmax, ties to the lowest id, no stop at
// end of generation) with their margins (top-1 minus top-2 logit), and the logits after
// each of the first 4 steps. F32 KV cache, no flash attention, no repacked weights; with
// KV=q8_0 in the environment, a Q8_0 KV cache with flash attention (llama.cpp's
// `-ctk q8_0 -ctv q8_0 -fa on`).
//
// Build (against the llama.cpp that ../../../../shared/tools/llama-reference.sh builds):
//   L=~/.cache/slm-ref/src/llama_cpp_python-*/vendor/llama.cpp
//   g++ -O2 -std=c++17 dump_reference.cpp -I$L/include -I$L/ggml/include -L$L/build/bin \
//       -lllama -lggml -lggml-base -Wl,-rpath,$L/build/bin -o dump_reference
// Run: dump_reference MODEL.gguf ARCH 'PROMPTS_JSON' > MODEL.json   (PROMPTS_JSON: [[1,300,...],...])
#include "llama.h"
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

static std::vector<std::vector<int>> parse_prompts(const char *text) {
    std::vector<std::vector<int>> prompts;
    std::vector<int> current;
    int depth = 0;
    for (const char *p = text; *p; ++p) {
        if (*p == '[') { if (++depth == 2) current.clear(); }
        else if (*p == ']') { if (depth-- == 2) prompts.push_back(current); }
        else if (*p >= '0' && *p <= '9') { current.push_back((int) strtol(p, (char **) &p, 10)); --p; }
    }
    return prompts;
}

static void print_logits(const float *logits, int n) {
    printf("[");
    for (int i = 0; i < n; ++i) printf("%s%.9g", i ? "," : "", logits[i]);
    printf("]");
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: dump_reference MODEL ARCH PROMPTS_JSON\n"); return 2; }
    llama_backend_init();
    llama_model_params model_params = llama_model_default_params();
    model_params.use_extra_bufts = false;
    llama_model *model = llama_model_load_from_file(argv[1], model_params);
    if (!model) { fprintf(stderr, "cannot load %s\n", argv[1]); return 1; }
    const llama_vocab *vocab = llama_model_get_vocab(model);
    const int n_vocab = llama_vocab_n_tokens(vocab);
    llama_context_params context_params = llama_context_default_params();
    context_params.n_ctx = 256;
    context_params.n_batch = 256;
    context_params.n_threads = 2;
    context_params.n_threads_batch = 2;
    const bool q8_cache = getenv("KV") && std::string(getenv("KV")) == "q8_0";
    context_params.type_k = q8_cache ? GGML_TYPE_Q8_0 : GGML_TYPE_F32;
    context_params.type_v = q8_cache ? GGML_TYPE_Q8_0 : GGML_TYPE_F32;
    context_params.flash_attn_type = q8_cache ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    llama_context *ctx = llama_init_from_model(model, context_params);
    std::string name = argv[1];
    name = name.substr(name.find_last_of('/') + 1);
    printf("{\"model\":\"%s\",\"architecture\":\"%s\",\"n_vocab\":%d,\"settings\":{\"n_ctx\":256,\"n_threads\":2,"
           "\"kv_cache_type\":\"%s\",\"flash_attn\":\"%s\",\"greedy\":\"argmax, ties->lowest id, no stop at EOG\"},"
           "\"prompts\":[", name.c_str(), argv[2], n_vocab, q8_cache ? "q8_0" : "f32", q8_cache ? "on" : "off");
    auto prompts = parse_prompts(argv[3]);
    for (size_t p = 0; p < prompts.size(); ++p) {
        llama_memory_clear(llama_get_memory(ctx), true);
        std::vector<llama_token> tokens(prompts[p].begin(), prompts[p].end());
        if (llama_decode(ctx, llama_batch_get_one(tokens.data(), (int) tokens.size()))) return 1;
        printf("%s{\"tokens\":[", p ? "," : "");
        for (size_t i = 0; i < tokens.size(); ++i) printf("%s%d", i ? "," : "", tokens[i]);
        printf("],\"logits_after_prompt\":");
        print_logits(llama_get_logits_ith(ctx, -1), n_vocab);
        std::vector<int> greedy;
        std::vector<double> margins;
        std::vector<std::vector<float>> after;
        for (int step = 0; step < 16; ++step) {
            const float *logits = llama_get_logits_ith(ctx, -1);
            int best = 0;
            for (int i = 1; i < n_vocab; ++i) if (logits[i] > logits[best]) best = i;
            float second = -INFINITY;
            for (int i = 0; i < n_vocab; ++i) if (i != best && logits[i] > second) second = logits[i];
            greedy.push_back(best);
            margins.push_back(logits[best] - second);
            llama_token next = best;
            if (llama_decode(ctx, llama_batch_get_one(&next, 1))) return 1;
            if (step < 4) after.emplace_back(llama_get_logits_ith(ctx, -1), llama_get_logits_ith(ctx, -1) + n_vocab);
        }
        printf(",\"greedy\":[");
        for (size_t i = 0; i < greedy.size(); ++i) printf("%s%d", i ? "," : "", greedy[i]);
        printf("],\"greedy_margin\":[");
        for (size_t i = 0; i < margins.size(); ++i) printf("%s%.9g", i ? "," : "", margins[i]);
        printf("],\"logits_after_step\":[");
        for (size_t i = 0; i < after.size(); ++i) { printf("%s", i ? "," : ""); print_logits(after[i].data(), n_vocab); }
        printf("]}");
    }
    printf("]}\n");
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
