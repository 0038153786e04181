#!/usr/bin/python3
"""Ghosts of the MPI partition (docs/scale.md, "Cost model").

Reads a snapshot NDJSON file, owns every node to a rank exactly as
engine/mpi/partition.cpp does (FNV-1a 64 of the id's bytes, splitmix64
finaliser, chunk = top 16 bits, owner = chunk % P) and prints, per rank
count P, what each rank would hold in the target design: its owned nodes,
its ghosts (distinct far endpoints of its edges owned elsewhere) and its
edges (every edge at both endpoint owners), as the mean and the largest
rank, relative to an even 1/P share.

usage: bench/partition_ghosts.py SNAPSHOT.ndjson [P ...]   (default P: 2 4 64 256 1024)
       --json prints one JSON object instead of the table.
"""
import json
import sys

import numpy as np

M64 = (1 << 64) - 1


def id_hash(s: str) -> int:
    h = 0xcbf29ce484222325
    for c in s.encode():
        h = ((h ^ c) * 0x100000001b3) & M64
    h ^= h >> 30
    h = (h * 0xbf58476d1ce4e5b9) & M64
    h ^= h >> 27
    h = (h * 0x94d049bb133111eb) & M64
    h ^= h >> 31
    return h


def field(line: str, key: str) -> str:
    k = '"' + key + '":"'
    i = line.index(k) + len(k)
    return line[i:line.index('"', i)]


def load(path):
    """Chunks of the nodes, edge endpoints as node indices, bytes of node and edge lines."""
    index, chunks, src, dst = {}, [], [], []
    node_bytes = edge_bytes = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith('{"kind":"node"'):
                node_bytes += len(line.encode())
                nid = field(line, "id")
                index[nid] = len(chunks)
                chunks.append(id_hash(nid) >> 48)
            elif line.startswith('{"kind":"edge"'):
                edge_bytes += len(line.encode())
                src.append(field(line, "src"))
                dst.append(field(line, "dst"))
    u = np.fromiter((index[s] for s in src), dtype=np.int64, count=len(src))
    v = np.fromiter((index[s] for s in dst), dtype=np.int64, count=len(dst))
    return np.asarray(chunks, dtype=np.int64), u, v, node_bytes, edge_bytes


def shares(chunk, u, v, p):
    n, m = len(chunk), len(u)
    owner = chunk % p
    ou, ov = owner[u], owner[v]
    cut = ou != ov
    owned = np.bincount(owner, minlength=p)
    edges = np.bincount(ou, minlength=p) + np.bincount(ov[cut], minlength=p)
    # ghost (rank, node) pairs: the far endpoint of a cut edge, at the near owner
    pairs = np.unique(np.concatenate([ou[cut] * n + v[cut], ov[cut] * n + u[cut]]))
    ghosts = np.bincount(pairs // n, minlength=p)
    even_n, even_m = n / p, m / p
    return {
        "ranks": p,
        "cut_edge_fraction": float(cut.mean()),
        "owned_max_over_even": float(owned.max() / even_n),
        "ghosts_per_owned_mean": float(ghosts.sum() / n),
        "ghosts_per_owned_max": float((ghosts / np.maximum(owned, 1)).max()),
        "edges_held_over_even_mean": float(edges.sum() / m),
        "edges_held_over_even_max": float(edges.max() / even_m),
        "nodes_held_over_even_max": float(((owned + ghosts) / even_n).max()),
    }


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    if not args:
        sys.exit(__doc__)
    ps = [int(a) for a in args[1:]] or [2, 4, 64, 256, 1024]
    chunk, u, v, node_bytes, edge_bytes = load(args[0])
    deg = np.bincount(np.concatenate([u, v]), minlength=len(chunk))
    rows = [shares(chunk, u, v, p) for p in ps]
    if "--json" in sys.argv:
        print(json.dumps({"nodes": len(chunk), "edges": len(u), "node_bytes": node_bytes, "edge_bytes": edge_bytes,
                          "max_degree": int(deg.max()), "partitions": rows}))
        return
    print(f"# {args[0]}: {len(chunk)} nodes, {len(u)} edges, node lines {node_bytes} bytes, "
          f"edge lines {edge_bytes} bytes, largest degree {deg.max()}")
    print(f"{'P':>5} {'cut_edges':>9} {'owned_max/even':>14} {'ghosts/owned':>12} {'ghosts/owned_max':>16} "
          f"{'edges_held/even':>15} {'edges_max/even':>14} {'nodes+ghosts_max/even':>21}")
    for r in rows:
        print(f"{r['ranks']:>5} {r['cut_edge_fraction']:>9.3f} {r['owned_max_over_even']:>14.3f} "
              f"{r['ghosts_per_owned_mean']:>12.3f} {r['ghosts_per_owned_max']:>16.3f} "
              f"{r['edges_held_over_even_mean']:>15.3f} {r['edges_held_over_even_max']:>14.3f} "
              f"{r['nodes_held_over_even_max']:>21.3f}")


if __name__ == "__main__":
    main()
