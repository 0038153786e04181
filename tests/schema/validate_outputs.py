"""Every output of `hydrascope run` validates against its JSON Schema
(docs/schema/): run.json, communities.json, each suspects/*.json subgraph
(a snapshot document), the same of a tracked run (--previous), and the
snapshots the project ships and generates.

Usage: validate_outputs.py HYDRASCOPE SCHEMA_DIR DATASETS_DIR WORK_DIR
"""
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys

import jsonschema


def load_json(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def main():
    binary, schema_dir, datasets, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    schemas = {}
    for name in ("run", "communities", "snapshot"):
        s = load_json(os.path.join(schema_dir, name + ".schema.json"))
        jsonschema.Draft7Validator.check_schema(s)
        schemas[name] = jsonschema.Draft7Validator(s)
    env = dict(os.environ, OMP_WAIT_POLICY="passive")
    sample = os.path.join(datasets, "sample", "snapshot.json.gz")
    out = os.path.join(work, "run")
    subprocess.run([binary, "-q", "run", sample, "--out", out, "--export-formats", "graphml,csv"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    # A tracked run (--previous): hydra ids, events and the tracking options.
    tracked = os.path.join(work, "tracked")
    subprocess.run([binary, "-q", "run", sample, "--out", tracked, "--previous", out], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    world = os.path.join(work, "world")
    subprocess.run([binary, "-q", "generate", "--accounts", "1000", "--seed", "7", "--output-format", "json", "--out", world],
                   check=True, env=env)
    checked = []

    def check(kind, path):
        errors = sorted(schemas[kind].iter_errors(load_json(path)), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            print("%s: %s at %s: %s" % (path, kind, "/".join(str(p) for p in e.path), e.message), file=sys.stderr)
            sys.exit(1)
        checked.append(path)

    check("run", os.path.join(out, "run.json"))
    check("communities", os.path.join(out, "communities.json"))
    check("run", os.path.join(tracked, "run.json"))
    check("communities", os.path.join(tracked, "communities.json"))
    suspects = sorted(glob.glob(os.path.join(out, "suspects", "*.json")))
    if not suspects:
        print("no suspect subgraph to check", file=sys.stderr)
        sys.exit(1)
    for p in suspects:
        check("snapshot", p)
    check("snapshot", sample)
    for p in sorted(glob.glob(os.path.join(world, "*.json"))):
        if "truth" not in os.path.basename(p):
            check("snapshot", p)
    # A document the reader refuses is refused here too.
    bad = {"format": "hydrascope.snapshot", "version": 2, "nodes": [{"id": "", "type": "Account"}]}
    if schemas["snapshot"].is_valid(bad):
        print("the snapshot schema accepts a bad document", file=sys.stderr)
        sys.exit(1)
    print("schema: %d files valid" % len(checked))


if __name__ == "__main__":
    main()
