#!/usr/bin/env python3
"""Renders llama.cpp's model chat templates with llama.cpp itself, as fixtures.

For every `models/templates/*.jinja` in the llama.cpp source that
`../shared/tools/llama-reference.sh` unpacks, starts `llama-server --jinja
--chat-template-file F` on a free loopback port (any small model: the template is what
counts) and asks `POST /apply-template` for each conversation in CASES. Writes
`source/NAME.jinja` (the template) and `expected.json` (what llama.cpp rendered, or why it
refused) here. The date the templates saw is recorded, since some print it.

Usage: make_template_fixtures.py LLAMA_CPP_DIR SERVER_BINARY MODEL.gguf
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))

TOOLS = [{
    "type": "function",
    "function": {
        "name": "clock_now",
        "description": "The current date and time in a time zone.",
        "parameters": {
            "type": "object",
            "properties": {"zone": {"type": "string", "description": "An IANA time zone"}},
            "required": ["zone"],
        },
    },
}]

CASES = [
    {"name": "system-user", "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Hello! How are you?"}], "add_generation_prompt": True},
    {"name": "multi-turn", "messages": [
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4."},
        {"role": "user", "content": "And 3+3?"}], "add_generation_prompt": True},
    # (ending on a user message: a last assistant message would be continued instead)
    {"name": "no-generation-prompt", "messages": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello."},
        {"role": "user", "content": "Bye"}], "add_generation_prompt": False},
    {"name": "tools-offered", "messages": [
        {"role": "user", "content": "What time is it in Lisbon?"}], "tools": TOOLS, "add_generation_prompt": True},
    {"name": "tool-round-trip", "messages": [
        {"role": "system", "content": "Use tools when they help."},
        {"role": "user", "content": "What time is it in Lisbon?"},
        {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {
            "name": "clock_now", "arguments": "{\"zone\": \"Europe/Lisbon\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "{\"time\": \"10:30\"}"}],
     "tools": TOOLS, "add_generation_prompt": True},
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/apply-template", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return {"prompt": json.loads(response.read())["prompt"]}
    except urllib.error.HTTPError as error:
        return {"error": error.read().decode(errors="replace")[:300]}


def main():
    llama, server, model = sys.argv[1:4]
    templates = sorted(f for f in os.listdir(os.path.join(llama, "models", "templates")) if f.endswith(".jinja"))
    os.makedirs(os.path.join(HERE, "source"), exist_ok=True)
    results = {"date": time.strftime("%Y-%m-%d"), "bos_token": "<bos>", "eos_token": "<eos>", "cases": CASES,
               "templates": {}}
    for name in templates:
        path = os.path.join(llama, "models", "templates", name)
        shutil.copy(path, os.path.join(HERE, "source", name))
        port = free_port()
        process = subprocess.Popen([server, "-m", model, "--jinja", "--chat-template-file", path, "--port", str(port),
                                    "--host", "127.0.0.1", "-c", "512", "-t", "1", "--no-webui",
                                    # nothing is computed: no warm-up, and no repacked (AMX)
                                    # weights, which some virtual machines refuse
                                    "--no-warmup", "-nr"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        rendered = {}
        try:
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                        if response.status == 200:
                            break
                except Exception:
                    if process.poll() is not None:
                        break
                    time.sleep(0.1)
            if process.poll() is not None:
                rendered = {"error": "llama-server refused the template: " + process.stderr.read().decode(errors="replace")[-300:]}
            else:
                for case in CASES:
                    # thinking on, as slm-tui renders by default (the server's own default
                    # depends on its analysis of the template)
                    body = {"messages": case["messages"], "add_generation_prompt": case["add_generation_prompt"],
                            "chat_template_kwargs": {"enable_thinking": True}}
                    if "tools" in case:
                        body["tools"] = case["tools"]
                    rendered[case["name"]] = post(port, body)
        finally:
            process.terminate()
            process.wait()
        results["templates"][name] = rendered
        print(name, "ok" if "error" not in rendered else "refused", file=sys.stderr)
    with open(os.path.join(HERE, "expected.json"), "w") as output:
        json.dump(results, output, indent=1, ensure_ascii=False, sort_keys=True)


if __name__ == "__main__":
    main()
