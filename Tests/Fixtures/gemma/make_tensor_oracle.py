#!/usr/bin/env python3
"""Writes tensor_oracle.json: for every tensor of the Gemma 3 270M GGUF, gguf-py's numpy
dequantization summarised as its element count, sum and sum of magnitudes (float64) and
64 sampled values at fixed positions. The test dequantizes every tensor with SLMKernels
and compares. The model itself is never committed.

    python3 make_tensor_oracle.py PATH/TO/gemma-3-270m-q4_k_m.gguf
"""
import json
import os
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

SAMPLES = 64


def sample_positions(count):
    # spread over the tensor, plus its first and last element
    step = max(1, count // (SAMPLES - 1))
    positions = sorted({min(count - 1, i * step + (i * 7919) % step) for i in range(SAMPLES - 1)} | {0, count - 1})
    return positions


def main(path):
    reader = GGUFReader(path)
    tensors = []
    for tensor in reader.tensors:
        values = dequantize(tensor.data, tensor.tensor_type).astype(np.float32).reshape(-1)
        positions = sample_positions(values.size)
        tensors.append({
            "name": tensor.name,
            "type": tensor.tensor_type.name,
            "count": int(values.size),
            "sum": float(values.astype(np.float64).sum()),
            "abs_sum": float(np.abs(values.astype(np.float64)).sum()),
            "samples": [[int(p), float(values[p])] for p in positions],
        })
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tensor_oracle.json")
    with open(out, "w") as f:
        json.dump({"model_sha256": "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
                   "tensors": tensors}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
