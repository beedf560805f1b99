#!/usr/bin/env python3
"""Random-weight GGUF models with the shapes of the hybrid small models (and Gemma 4 E2B), for speed work.

As ../shared/tools/make_bench_models.py does for plain transformers: the numbers they
produce are meaningless, their size and layout are the named model's, so tokens/s
measured on them is what the real model would give on the same machine. Written as F16
(2-D matrices; convolution filters F32 as in released files), then quantized with
llama.cpp's llama-quantize where it is built (../shared/tools/llama-reference.sh).

Usage: make_hybrid_bench_models.py OUT_DIR [SHAPE ...]     (default: every shape below)
Needs: pip install gguf numpy
"""
import os
import subprocess
import sys

import numpy as np
from gguf import GGUFWriter, LlamaFileType, TokenType

# LFM2-1.2B / LFM2.5-1.2B: 16 layers, attention at 2, 5, 8, 10, 12, 14, the rest gated
# short convolutions of 3 taps; ffn 8192 after the release's automatic adjustment.
# Qwen3.5-0.8B / 2B: 24 layers, gated attention (8 heads of 256, 2 KV heads, 64 rotary
# dims) every 4th, the rest Gated DeltaNet (16 key and 16 value heads of 128, 4 taps).
SHAPES = {
    "lfm2-1.2b": dict(arch="lfm2", embedding=2048, layers=16, heads=32, kv_heads=8, head_dim=64, ffn=8192,
                      vocab=65536, attention_layers=[2, 5, 8, 10, 12, 14], conv_taps=3, rope_base=1000000.0),
    "qwen3.5-0.8b": dict(arch="qwen35", embedding=1024, layers=24, heads=8, kv_heads=2, head_dim=256, ffn=3584,
                         vocab=248320, interval=4, rope_dims=64, conv_taps=4, state=128, key_heads=16,
                         value_heads=16, rope_base=10000000.0),
    "qwen3.5-2b": dict(arch="qwen35", embedding=2048, layers=24, heads=8, kv_heads=2, head_dim=256, ffn=6144,
                       vocab=248320, interval=4, rope_dims=64, conv_taps=4, state=128, key_heads=16,
                       value_heads=16, rope_base=10000000.0),
    # Gemma 4 E2B: 35 layers, every 5th global (heads of 512, rope_freqs rotating a quarter),
    # the others sliding (window 512, heads of 256); 8 heads, 1 KV head; the last 20 layers
    # read earlier layers' caches and have FFNs twice as wide; per-layer inputs of 256.
    # Only Q4_K_M is made (the F16 file is about 10 GB).
    "gemma4-e2b": dict(arch="gemma4", embedding=1536, layers=35, heads=8, kv_heads=1, head_dim=512, head_dim_swa=256,
                       ffn=6144, vocab=262144, global_every=5, shared_kv_layers=20, per_layer=256, window=512,
                       rope_base=1000000.0, quants=["Q4_K_M"]),
}
QUANTS = ["Q4_K_M", "Q4_0", "Q8_0"]


def vocab(n):
    tokens = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL] + [TokenType.BYTE] * 256
    tokens += ["\u2581tok%d" % i for i in range(len(tokens), n)]
    types += [TokenType.NORMAL] * (n - len(types))
    scores = [0.0] * 259 + [-float(i) for i in range(n - 259)]
    return tokens, scores, types


def start_writer(name, shape, path, head_count_kv, rope_dims, eps):
    """A writer with the shape's sizes and a SentencePiece-style vocabulary of its length."""
    w = GGUFWriter(path, shape["arch"])
    w.add_name("bench-" + name)
    w.add_file_type(LlamaFileType.MOSTLY_F16)
    w.add_context_length(8192)
    w.add_embedding_length(shape["embedding"])
    w.add_block_count(shape["layers"])
    w.add_feed_forward_length(shape["ffn"])
    w.add_head_count(shape["heads"])
    w.add_head_count_kv(head_count_kv)
    w.add_key_length(shape["head_dim"])
    w.add_value_length(shape["head_dim"])
    w.add_rope_dimension_count(rope_dims)
    w.add_rope_freq_base(shape["rope_base"])
    w.add_layer_norm_rms_eps(eps)
    tokens, scores, types = vocab(shape["vocab"])
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    return w


class Random:
    """Small random weights (their values do not matter, only their size and layout)."""

    def __init__(self):
        self.rng = np.random.default_rng(0)

    def mat(self, rows, cols, dtype=np.float16):
        return (self.rng.standard_normal((rows, cols), dtype=np.float32) * 0.02).astype(dtype)

    @staticmethod
    def ones(n):
        return np.ones(n, dtype=np.float32)


def add_attention(w, r, p, shape, query_rows):
    """An attention layer's projections and per-head Q/K norms."""
    E, H, KV, D = shape["embedding"], shape["heads"], shape["kv_heads"], shape["head_dim"]
    w.add_tensor(p + "attn_q.weight", r.mat(query_rows, E))
    w.add_tensor(p + "attn_k.weight", r.mat(KV * D, E))
    w.add_tensor(p + "attn_v.weight", r.mat(KV * D, E))
    w.add_tensor(p + "attn_q_norm.weight", r.ones(D))
    w.add_tensor(p + "attn_k_norm.weight", r.ones(D))
    w.add_tensor(p + "attn_output.weight", r.mat(E, H * D))


def finish(w):
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_lfm2(name, shape, path):
    E, L, H, KV, D, F, V = (shape[k] for k in ("embedding", "layers", "heads", "kv_heads", "head_dim", "ffn", "vocab"))
    r = Random()
    mat, ones = r.mat, r.ones
    attends = [i in shape["attention_layers"] for i in range(L)]
    w = start_writer(name, shape, path, [KV if a else 0 for a in attends], D, 1e-5)
    w.add_shortconv_l_cache(shape["conv_taps"])
    w.add_tensor("token_embd.weight", mat(V, E))
    w.add_tensor("token_embd_norm.weight", ones(E))
    for i in range(L):
        p = "blk.%d." % i
        w.add_tensor(p + "attn_norm.weight", ones(E))
        if attends[i]:
            add_attention(w, r, p, shape, H * D)
        else:
            w.add_tensor(p + "shortconv.in_proj.weight", mat(3 * E, E))
            w.add_tensor(p + "shortconv.conv.weight", mat(E, shape["conv_taps"], np.float32))
            w.add_tensor(p + "shortconv.out_proj.weight", mat(E, E))
        w.add_tensor(p + "ffn_norm.weight", ones(E))
        w.add_tensor(p + "ffn_gate.weight", mat(F, E))
        w.add_tensor(p + "ffn_up.weight", mat(F, E))
        w.add_tensor(p + "ffn_down.weight", mat(E, F))
    finish(w)


def write_qwen35(name, shape, path):
    E, L, H, KV, D, F, V = (shape[k] for k in ("embedding", "layers", "heads", "kv_heads", "head_dim", "ffn", "vocab"))
    S, HK, HV, taps = shape["state"], shape["key_heads"], shape["value_heads"], shape["conv_taps"]
    channels = (2 * HK + HV) * S
    r = Random()
    mat, ones = r.mat, r.ones
    w = start_writer(name, shape, path, KV, shape["rope_dims"], 1e-6)
    w.add_rope_dimension_sections([11, 11, 10, 0])
    w.add_full_attention_interval(shape["interval"])
    w.add_ssm_conv_kernel(taps)
    w.add_ssm_state_size(S)
    w.add_ssm_group_count(HK)
    w.add_ssm_time_step_rank(HV)
    w.add_ssm_inner_size(HV * S)
    w.add_tensor("token_embd.weight", mat(V, E))
    w.add_tensor("output_norm.weight", ones(E))
    for i in range(L):
        p = "blk.%d." % i
        w.add_tensor(p + "attn_norm.weight", ones(E))
        if (i + 1) % shape["interval"] == 0:
            # each head's query rows, then its gate rows
            add_attention(w, r, p, shape, 2 * H * D)
        else:
            w.add_tensor(p + "attn_qkv.weight", mat(channels, E))
            w.add_tensor(p + "attn_gate.weight", mat(HV * S, E))
            w.add_tensor(p + "ssm_conv1d.weight", mat(channels, taps, np.float32))
            w.add_tensor(p + "ssm_dt.bias", np.zeros(HV, dtype=np.float32))
            w.add_tensor(p + "ssm_a", -np.ones(HV, dtype=np.float32))
            w.add_tensor(p + "ssm_beta.weight", mat(HV, E))
            w.add_tensor(p + "ssm_alpha.weight", mat(HV, E))
            w.add_tensor(p + "ssm_norm.weight", ones(S))
            w.add_tensor(p + "ssm_out.weight", mat(E, HV * S))
        w.add_tensor(p + "post_attention_norm.weight", ones(E))
        w.add_tensor(p + "ffn_gate.weight", mat(F, E))
        w.add_tensor(p + "ffn_up.weight", mat(F, E))
        w.add_tensor(p + "ffn_down.weight", mat(E, F))
    finish(w)


def write_gemma4(name, shape, path):
    E, L, H, KV, D, F, V = (shape[k] for k in ("embedding", "layers", "heads", "kv_heads", "head_dim", "ffn", "vocab"))
    Ds, P = shape["head_dim_swa"], shape["per_layer"]
    r = Random()
    mat, ones = r.mat, r.ones
    sliding = [(i + 1) % shape["global_every"] != 0 for i in range(L)]
    first_shared = L - shape["shared_kv_layers"]
    w = start_writer(name, shape, path, KV, D, 1e-6)
    w.add_feed_forward_length([F if i < first_shared else 2 * F for i in range(L)])
    w.add_sliding_window(shape["window"])
    w.add_sliding_window_pattern(sliding)
    w.add_rope_freq_base_swa(10000.0)
    w.add_key_length_swa(Ds)
    w.add_value_length_swa(Ds)
    w.add_rope_dimension_count_swa(Ds)
    w.add_shared_kv_layers(shape["shared_kv_layers"])
    w.add_embedding_length_per_layer_input(P)
    w.add_final_logit_softcapping(30.0)
    w.add_tensor("token_embd.weight", mat(V, E))
    w.add_tensor("output_norm.weight", ones(E))
    w.add_tensor("rope_freqs.weight", np.array([1.0] * (D // 8) + [1e30] * (D // 2 - D // 8), dtype=np.float32))
    # the per-layer table is large (vocabulary x layers x 256): one random block repeated
    w.add_tensor("per_layer_token_embd.weight", np.resize(mat(1024, L * P), (V, L * P)))
    w.add_tensor("per_layer_model_proj.weight", mat(L * P, E))
    w.add_tensor("per_layer_proj_norm.weight", ones(P))
    for i in range(L):
        p = "blk.%d." % i
        d = Ds if sliding[i] else D
        ff = F if i < first_shared else 2 * F
        w.add_tensor(p + "attn_norm.weight", ones(E))
        w.add_tensor(p + "attn_q.weight", mat(H * d, E))
        # Gemma 4 does not scale scores: unit Q/K norms would give scores of about sqrt(head
        # size) and a random model so sensitive that rounding moves its logits; small norms
        # keep it comparable with llama.cpp's outputs (speed does not depend on them)
        w.add_tensor(p + "attn_q_norm.weight", 0.15 * ones(d))
        if i < first_shared:
            w.add_tensor(p + "attn_k.weight", mat(KV * d, E))
            w.add_tensor(p + "attn_v.weight", mat(KV * d, E))
            w.add_tensor(p + "attn_k_norm.weight", 0.15 * ones(d))
        w.add_tensor(p + "attn_output.weight", mat(E, H * d))
        w.add_tensor(p + "post_attention_norm.weight", ones(E))
        w.add_tensor(p + "ffn_norm.weight", ones(E))
        w.add_tensor(p + "ffn_gate.weight", mat(ff, E))
        w.add_tensor(p + "ffn_up.weight", mat(ff, E))
        w.add_tensor(p + "ffn_down.weight", mat(E, ff))
        w.add_tensor(p + "post_ffw_norm.weight", ones(E))
        w.add_tensor(p + "inp_gate.weight", mat(P, E))
        w.add_tensor(p + "proj.weight", mat(E, P))
        w.add_tensor(p + "post_norm.weight", ones(E))
        w.add_tensor(p + "layer_output_scale.weight", ones(1))
    finish(w)


WRITERS = {"lfm2": write_lfm2, "qwen35": write_qwen35, "gemma4": write_gemma4}


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    names = sys.argv[2:] or list(SHAPES)
    os.makedirs(out_dir, exist_ok=True)
    quantize = os.path.join(os.environ.get("SLM_REF_DIR", os.path.expanduser("~/.cache/slm-ref")), "bin", "llama-quantize")
    for name in names:
        shape = SHAPES[name]
        f16 = os.path.join(out_dir, "%s-f16.gguf" % name)
        if not os.path.exists(f16):
            WRITERS[shape["arch"]](name, shape, f16)
        print(f16)
        if not os.access(quantize, os.X_OK):
            continue
        for q in shape.get("quants", QUANTS):
            out = os.path.join(out_dir, "%s-%s.gguf" % (name, q.lower()))
            if not os.path.exists(out):
                subprocess.run([quantize, f16, out, q, "2"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(out)


if __name__ == "__main__":
    main()
