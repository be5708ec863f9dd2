"""Rewrites Python 3.12 `type X = ...` statements as plain assignments so the server runs on Python 3.11.

Usage: python3 patch-py311.py SERVER_COPY_DIR  (edits the copy in place; prints each line it changed)
"""
import pathlib
import re
import sys

TYPE_STATEMENT = re.compile(r"^type ([A-Za-z_][A-Za-z0-9_]*) = (.*)$")
root = pathlib.Path(sys.argv[1])
changed = 0
for path in root.joinpath("horde").rglob("*.py"):
    lines = path.read_text().split("\n")
    out = []
    for line in lines:
        match = TYPE_STATEMENT.match(line)
        if match:
            line = f"{match.group(1)} = {match.group(2)}"
            print(f"{path.relative_to(root)}: {line}")
            changed += 1
        out.append(line)
    path.write_text("\n".join(out))
print(f"patched {changed} type statements")
