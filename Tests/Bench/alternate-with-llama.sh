#!/usr/bin/env bash
# Speed against llama.cpp, alternated model by model so the machine's drift hits both alike:
# for each round and model, llama-bench then `slm-tui bench`, one line each pair.
# Usage: alternate-with-llama.sh MODEL.gguf ...
# Environment: P (prompt tokens, default 0), N (generated tokens, 64), R (repetitions, 3),
#   ROUNDS (2), LLAMA_ARGS (extra llama-bench arguments, e.g. "--repack 0"), SLM_ARGS (extra
#   slm-tui bench arguments, e.g. "-d 4096"). llama-bench comes from
#   ../shared/tools/llama-reference.sh; slm-tui from `swift build -c release`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
llama=${SLM_REF_DIR:-$HOME/.cache/slm-ref}/bin/llama-bench
slm=$root/.build/release/slm-tui
P=${P:-0} N=${N:-64} R=${R:-3} ROUNDS=${ROUNDS:-2}
rate() { grep -E '\| +(pp|tg)[0-9]' | awk -F'|' '{gsub(/ +/, " ", $(NF-2)); gsub(/ +/, " ", $(NF-1)); printf "%s:%s ", $(NF-2), $(NF-1)}'; }
for _ in $(seq "$ROUNDS"); do
  for model in "$@"; do
    # shellcheck disable=SC2086
    theirs=$("$llama" -m "$model" -t 2 -p "$P" -n "$N" -r "$R" ${LLAMA_ARGS:-} 2>&1 | rate || true)
    # shellcheck disable=SC2086
    ours=$("$slm" bench --model "$model" -t 2 -p "$P" -n "$N" -r "$R" ${SLM_ARGS:-} 2>&1 | rate || true)
    echo "$(basename "$model") | llama.cpp ${theirs:-failed} | slm-tui ${ours:-failed}"
  done
done
