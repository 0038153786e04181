"""hydrascope: find hydra-style reseller networks in an API provider's account graph.

The engine is the C++ library of the `hydrascope` command; this package is
its Python face (docs/python.md):

    import hydrascope
    run = hydrascope.run("snapshot.json.gz", seed=1)   # the pipeline of `hydrascope run`
    run.risk, run.community, run.suspect                 # numpy arrays over the engine's memory
    run.communities()                                    # suspect communities as dicts, with reasons
    run.write("out/")                                    # the same files as `hydrascope run --out out/`

Every call that works releases the GIL. Bad input raises InputError (a
ValueError) with the engine's message: file, line or byte, record, field.
"""

from ._hydrascope import (  # noqa: F401
    Graph,
    InputError,
    ResourceLimitError,
    Run,
    Snapshot,
    __version__,
    build_graph,
    core_numbers,
    detect,
    load,
    pagerank,
    run,
)

KINDS = ("account", "payment_method", "ip", "proxy", "device", "other")
LABELS = ("unknown", "banned", "suspect", "trusted")


def to_networkx(run, community):
    """The subgraph of `community` (its accounts, the entities they use and
    every edge among them) as a networkx.Graph, with each node's type and risk
    and each edge's type and weight. Needs networkx."""
    import networkx as nx

    sub = run.subgraph(community)
    g = nx.Graph()
    for n in sub["nodes"]:
        g.add_node(n["id"], type=n["type"], risk=n["risk"])
    for src, dst, etype, weight in sub["edges"]:
        g.add_edge(src, dst, type=etype, weight=weight)
    return g


__all__ = [
    "Graph", "InputError", "ResourceLimitError", "Run", "Snapshot", "__version__", "build_graph",
    "core_numbers", "detect", "load", "pagerank", "run", "to_networkx", "KINDS", "LABELS",
]
