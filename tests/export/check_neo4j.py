#!/usr/bin/python3
"""Checks a neo4j/ import folder the way `neo4j-admin database import full
--dry-run` would read it, by the rules of the Neo4j Operations Manual
("Import", "CSV header format"), since Neo4j itself is not a Debian package:

usage: check_neo4j.py DIR [EXPECTED_SUBGRAPHS]   (DIR/neo4j/{nodes,relationships,subgraphs,members}.csv)

- every file is RFC 4180 CSV (quote ", delimiter ,, fields may span lines:
  --multiline-fields) with a header row whose entries are `name:type`,
  `:ID(space)`/`name:ID(space)`, `:LABEL`, `:START_ID(space)`, `:END_ID(space)`,
  `:TYPE`; types among int, long, float, double, boolean, byte, short, char,
  string, datetime, date (an array suffix [] is allowed);
- node files have exactly one ID column, relationship files one START_ID, one
  END_ID and one TYPE; no two columns share a name;
- every row has as many fields as the header;
- IDs are unique within their ID space across all node files (what
  --skip-duplicate-nodes would otherwise have to hide);
- every relationship names nodes that exist in the ID spaces it names (what
  --skip-bad-relationships would otherwise drop);
- typed values parse: long/int as integers, double/float as numbers,
  boolean as true/false, datetime as ISO 8601 with a zone; labels and types
  are non-empty.
Exit 0 when the folder is importable, 1 with one line per problem."""
import csv
import re
import sys

problems = []
TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "datetime", "date",
         "localdatetime", "time", "localtime", "duration", "point"}
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


def fail(msg):
    problems.append(msg)


def parse_header(path, header):
    cols = []
    seen = set()
    for i, h in enumerate(header):
        m = re.fullmatch(r"([^:]*)(?::([A-Za-z_]+)(?:\(([^)]*)\))?(\[\])?)?", h)
        if m is None:
            fail(f"{path}: header column {i + 1} {h!r} is not name:type")
            cols.append(("?", "string", None))
            continue
        name, typ, space, _ = m.groups()
        typ = typ or "string"
        if typ in ("ID", "START_ID", "END_ID", "LABEL", "TYPE", "IGNORE"):
            kind = typ
        elif typ.lower() in TYPES:
            kind = typ.lower()
        else:
            fail(f"{path}: header column {h!r} has unknown type {typ!r}")
            kind = "string"
        if name:
            if name in seen:
                fail(f"{path}: column name {name!r} appears twice")
            seen.add(name)
        elif kind not in ("ID", "START_ID", "END_ID", "LABEL", "TYPE", "IGNORE"):
            fail(f"{path}: header column {i + 1} has no name")
        cols.append((name, kind, space or ""))
    return cols


def check_value(path, line, col, value):
    name, kind, _ = col
    if value == "":
        return
    try:
        if kind in ("int", "long", "byte", "short"):
            int(value)
        elif kind in ("float", "double"):
            float(value)
        elif kind == "boolean" and value not in ("true", "false"):
            raise ValueError
        elif kind == "datetime" and not DATETIME.match(value):
            raise ValueError
    except ValueError:
        fail(f"{path}:{line}: column {name!r} ({kind}) cannot hold {value[:60]!r}")


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f, delimiter=",", quotechar='"', doublequote=True, strict=True)
        header = next(r)
        cols = parse_header(path, header)
        for row in r:
            if len(row) != len(cols):
                fail(f"{path}:{r.line_num}: {len(row)} fields, the header has {len(cols)}")
                continue
            for col, value in zip(cols, row):
                check_value(path, r.line_num, col, value)
            yield r.line_num, cols, row


def main():
    d = sys.argv[1] + "/neo4j"
    expected_subgraphs = int(sys.argv[2]) if len(sys.argv) > 2 else None
    ids = {}  # space -> set
    for name in ("nodes.csv", "subgraphs.csv"):
        path = f"{d}/{name}"
        for line, cols, row in rows(path):
            kinds = [c[1] for c in cols]
            if kinds.count("ID") != 1:
                fail(f"{path}: a node file needs exactly one ID column")
                break
            for (cname, kind, space), value in zip(cols, row):
                if kind == "ID":
                    if value == "":
                        fail(f"{path}:{line}: empty ID")
                    s = ids.setdefault(space, set())
                    if value in s:
                        fail(f"{path}:{line}: duplicate ID {value[:60]!r} in ID space {space!r}")
                    s.add(value)
                elif kind == "LABEL" and (value == "" or any(x == "" for x in value.split(";"))):
                    fail(f"{path}:{line}: empty label")
    if expected_subgraphs is not None and len(ids.get("Subgraph", ())) != expected_subgraphs:
        fail(f"subgraphs.csv: {len(ids.get('Subgraph', ()))} subgraphs, expected {expected_subgraphs}")
    pairs = set()
    for name in ("relationships.csv", "members.csv"):
        path = f"{d}/{name}"
        for line, cols, row in rows(path):
            kinds = [c[1] for c in cols]
            if kinds.count("START_ID") != 1 or kinds.count("END_ID") != 1 or kinds.count("TYPE") != 1:
                fail(f"{path}: a relationship file needs one START_ID, one END_ID and one TYPE column")
                break
            ends = []
            for (cname, kind, space), value in zip(cols, row):
                if kind in ("START_ID", "END_ID"):
                    if value not in ids.get(space, ()):
                        fail(f"{path}:{line}: {kind} {value[:60]!r} is not a node of ID space {space!r}")
                    ends.append(value)
                elif kind == "TYPE" and value == "":
                    fail(f"{path}:{line}: empty relationship type")
            if name == "relationships.csv":
                pairs.add(tuple(ends) + (row[2],))
    for p in problems[:50]:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
