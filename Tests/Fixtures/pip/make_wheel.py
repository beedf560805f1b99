#!/usr/bin/env python3
"""Builds a minimal wheel holding data files, shaped like the model packages on PyPI
(NAME/data/FILE), for offline pull tests with PIP_NO_INDEX and PIP_FIND_LINKS.

    make_wheel.py OUT_DIR NAME VERSION FILE=TEXT [FILE=TEXT ...]
"""
import base64
import hashlib
import os
import sys
import zipfile


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def main(out_dir, name, version, files):
    module = name.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    entries = {f"{module}/__init__.py": b""}
    for spec in files:
        file_name, text = spec.split("=", 1)
        entries[f"{module}/data/{file_name}"] = text.encode()
    entries[f"{dist_info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    entries[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: slm-tui-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [record_line(path, data) for path, data in entries.items()] + [f"{dist_info}/RECORD,,"]
    entries[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    os.makedirs(out_dir, exist_ok=True)
    with zipfile.ZipFile(os.path.join(out_dir, f"{module}-{version}-py3-none-any.whl"), "w") as wheel:
        for path, data in entries.items():
            wheel.writestr(path, data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
