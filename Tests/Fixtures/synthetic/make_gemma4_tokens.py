#!/usr/bin/env python3
"""Token ids llama.cpp gives for lines of text with the gemma4 fixture's vocabulary (tokenizer.ggml.model
"gemma4"): writes gemma4-tokens.jsonl, one {"text", "ids"} per line, no BOS, special tokens not parsed.

Usage: python3 make_gemma4_tokens.py gemma4-f16.gguf PATH/TO/llama-tokenize
"""
import json
import subprocess
import sys

model = sys.argv[1]
texts = [
    "The quick brown fox jumps over the lazy dog.",
    "A small model runs on a small machine, and the machine answers quickly.",
    " leading space and  double  spaces   here",
    "Tasks, notes and drafts stay on the laptop.\nNumbers 1234 and 5678;",
    "line one\n\nline two\n\n\nline three\n\n\n\nfour",
    "\n\nstarts with newlines",
    "ends with newlines\n\n",
    "unseen words: zebra xylophone QUIZ",
    "accents: café naïve résumé",
    "日本語 and emoji 🤖🚀",
    "a <|channel>thought<channel|> marker in text",
    "control text <|turn> stays text <turn|>",
    "symbols (a, b) = [c]! {x: y} @#$%^&*",
    "tabs\tand\r\ncarriage returns",
    "New paragraph: the end.",
    "",
    " ",
    "x",
]
with open("gemma4-tokens.jsonl", "w") as out:
    for t in texts:
        ids = subprocess.run([sys.argv[2], "-m", model, "--ids", "--no-bos", "--no-parse-special", "--log-disable", "--stdin"],
                             input=t.encode(), capture_output=True).stdout.decode().strip()
        out.write(json.dumps({"text": t, "ids": json.loads(ids) if ids else []}, ensure_ascii=False) + "\n")
