"""Fails when the workspace's `rust-version` is lower than a dependency's.

Reads `cargo metadata` on stdin. A `rust-version` that claims less than the dependencies need
sends users of older toolchains into a build that fails deep in a dependency, instead of
cargo's clear "requires rustc X" message.
"""
import json
import sys


def version(text):
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


meta = json.load(sys.stdin)
members = set(meta["workspace_members"])
ours = {p["name"]: p.get("rust_version") for p in meta["packages"] if p["id"] in members}
deps = [p for p in meta["packages"] if p["id"] not in members and p.get("rust_version")]
needed = max(deps, key=lambda p: version(p["rust_version"]))
failed = False
for name, declared in sorted(ours.items()):
    if declared is None or version(declared) < version(needed["rust_version"]):
        print(f"{name}: rust-version {declared} but {needed['name']} {needed['version']} "
              f"needs {needed['rust_version']}")
        failed = True
if failed:
    sys.exit(1)
print(f"rust-version ok: dependencies need at most {needed['rust_version']} "
      f"({needed['name']} {needed['version']})")
