#!/usr/bin/env python3
"""Writes the quant-format fixtures: random blocks of every type and gguf-py's numpy
dequantization of them (the oracle), plus activation quantization oracles.

Run once from anywhere: python3 make_quant_fixtures.py  (needs numpy and `pip install gguf`).
Output is deterministic (fixed seed) and written beside this script:
  <TYPE>.bin       raw blocks, ROWS rows of ELEMENTS/ROWS elements
  <TYPE>.f32       gguf-py's dequantization, little-endian float32
  act_<TYPE>.f32 / act_<TYPE>.bin   floats and gguf-py's quantization of them
  manifest.json    what each file holds
"""
import json
import os

import numpy as np
from gguf import GGMLQuantizationType as T, GGML_QUANT_SIZES
from gguf import quants

HERE = os.path.dirname(os.path.abspath(__file__))
ELEMENTS = 2048
ROWS = 2

# Byte offsets of the f16 scale fields inside one block, per type: random bytes there
# would often be NaN or huge, so they get sane random scales instead.
SCALE_OFFSETS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
    T.IQ4_NL: [0], T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2],
    T.Q6_K: [208], T.IQ4_XS: [0],
}
FLOAT_TYPES = [T.F32, T.F16, T.BF16]


def random_scales(rng, count):
    magnitude = 10 ** rng.uniform(-3.5, -0.5, size=count)
    sign = rng.choice([-1.0, 1.0], size=count)
    scales = (magnitude * sign).astype(np.float16)
    scales[0] = np.float16(6e-7)  # a subnormal half
    if count > 2:
        scales[1] = np.float16(0.0)
    return scales


def raw_blocks(rng, qtype):
    block, size = GGML_QUANT_SIZES[qtype]
    if qtype in FLOAT_TYPES:
        values = rng.normal(0, 1, size=ELEMENTS).astype(np.float32)
        if qtype == T.F32:
            return values.view(np.uint8)
        if qtype == T.F16:
            return values.astype(np.float16).view(np.uint8)
        return quants.quantize(values, T.BF16).view(np.uint8).reshape(-1)
    blocks = ELEMENTS // block
    raw = rng.integers(0, 256, size=(blocks, size), dtype=np.uint8)
    for offset in SCALE_OFFSETS[qtype]:
        scales = random_scales(rng, blocks)
        raw[:, offset:offset + 2] = scales.view(np.uint8).reshape(blocks, 2)
    return raw.reshape(-1)


def main():
    rng = np.random.default_rng(20261124)
    manifest = {"elements": ELEMENTS, "rows": ROWS, "types": [], "activations": []}
    for qtype in FLOAT_TYPES + list(SCALE_OFFSETS):
        raw = raw_blocks(rng, qtype)
        expected = quants.dequantize(raw.reshape(ROWS, -1), qtype).astype(np.float32)
        assert expected.shape == (ROWS, ELEMENTS // ROWS)
        raw.tofile(os.path.join(HERE, f"{qtype.name}.bin"))
        expected.astype("<f4").tofile(os.path.join(HERE, f"{qtype.name}.f32"))
        manifest["types"].append({"name": qtype.name, "id": int(qtype)})
    for qtype in [T.Q8_0, T.F16, T.BF16]:
        values = rng.normal(0, 1, size=ELEMENTS).astype(np.float32)
        values[:32] = 0.0  # an all-zero block
        values[40] = 1e-30  # a value far below the block's scale
        quantized = quants.quantize(values.reshape(ROWS, -1), qtype)
        values.astype("<f4").tofile(os.path.join(HERE, f"act_{qtype.name}.f32"))
        quantized.view(np.uint8).tofile(os.path.join(HERE, f"act_{qtype.name}.bin"))
        manifest["activations"].append({"name": qtype.name, "id": int(qtype)})
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
