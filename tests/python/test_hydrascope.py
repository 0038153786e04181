"""The Python module against the command line: same files byte for byte,
arrays over the engine's memory, dicts, stages, errors, the GIL.

Run by ctest (tests/python/CMakeLists.txt) with PYTHONPATH pointing at the
built package and HYDRASCOPE_BINARY / HYDRASCOPE_DATASETS / HYDRASCOPE_FIXTURES
/ HYDRASCOPE_TMP set; never depends on the working folder.
"""
import filecmp
import os
import shutil
import subprocess
import threading
import time

import numpy as np
import pytest

import hydrascope

BINARY = os.environ["HYDRASCOPE_BINARY"]
DATASETS = os.environ["HYDRASCOPE_DATASETS"]
FIXTURES = os.environ["HYDRASCOPE_FIXTURES"]
SAMPLE = os.path.join(DATASETS, "sample", "snapshot.json.gz")


@pytest.fixture(scope="module")
def tmp():
    d = os.path.join(os.environ["HYDRASCOPE_TMP"], "python")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


@pytest.fixture(scope="module")
def sample_run():
    return hydrascope.run(SAMPLE, seed=1, threads=2)


def files_under(root):
    out = []
    for base, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(base, n), root))
    return sorted(out)


def test_version():
    assert hydrascope.__version__.count(".") == 2


def test_run_folder_matches_cli_byte_for_byte(tmp, sample_run):
    cli = os.path.join(tmp, "cli")
    subprocess.run([BINARY, "-q", "run", SAMPLE, "--out", cli, "--seed", "1", "--threads", "2"], check=True,
                   stdout=subprocess.DEVNULL)
    py = os.path.join(tmp, "py")
    written = sample_run.write(py)
    assert "accounts.csv" in written and "run.json" in written
    names = files_under(cli)
    assert names == files_under(py)
    assert any(n.startswith("suspects/") for n in names)
    for n in names:
        if n == "timings.json":  # seconds and peak memory: the one file that differs between runs
            continue
        assert filecmp.cmp(os.path.join(cli, n), os.path.join(py, n), shallow=False), n


def test_options_named_as_the_command_line(tmp):
    cli = os.path.join(tmp, "cli-options")
    subprocess.run([BINARY, "-q", "run", SAMPLE, "--out", cli, "--seed", "3", "--threads", "2", "--refine", "none",
                    "--min-flagged-share", "0.2", "--export-formats", "gexf13"], check=True, stdout=subprocess.DEVNULL)
    py = os.path.join(tmp, "py-options")
    hydrascope.run(SAMPLE, seed=3, threads=2, refine=["none"], min_flagged_share=0.2).write(py, formats=["gexf13"])
    names = files_under(cli)
    assert names == files_under(py) and any(n.endswith(".gexf") for n in names)
    for n in names:
        if n != "timings.json":
            assert filecmp.cmp(os.path.join(cli, n), os.path.join(py, n), shallow=False), n
    with open(os.path.join(py, "run.json")) as f:
        assert '"refine":"none"' in f.read()


def test_write_refuses_a_folder_with_results(tmp, sample_run):
    d = os.path.join(tmp, "twice")
    sample_run.write(d)
    with pytest.raises(ValueError, match="not empty"):
        sample_run.write(d)
    sample_run.write(d, replace=True)


def test_arrays_are_views_of_the_run(sample_run):
    n = sample_run.snapshot.num_nodes
    for name, dtype in [("risk", np.float64), ("suspect", np.uint8), ("community", np.uint32),
                        ("pagerank", np.float64), ("core", np.uint32)]:
        a = getattr(sample_run, name)
        assert a.dtype == dtype and a.shape == (n,), name
        assert not a.flags.owndata and not a.flags.writeable, name
        assert a.base is not None, name
    # The same memory each time: no copy is made.
    assert sample_run.risk.__array_interface__["data"][0] == sample_run.risk.__array_interface__["data"][0]
    kinds = sample_run.snapshot.kinds
    assert int((kinds == 0).sum()) == sample_run.accounts
    assert int(sample_run.suspect.sum()) == sample_run.suspect_accounts
    assert np.all(sample_run.risk[kinds != 0] == 0.0)


def test_activity_arrays_follow_the_layout(tmp):
    """Activity as numpy views in the snapshot's own widths (no copy)."""
    full = hydrascope.load(os.path.join(FIXTURES, "good", "full.json"))
    wide = hydrascope.load(os.path.join(FIXTURES, "good", "wide_activity.json"))
    for snap, bucket_dtype, value_dtype in ((full, np.uint8, np.uint16), (wide, np.uint16, np.float32)):
        off, b, x = snap.activity_offsets, snap.activity_buckets, snap.activity_values
        assert b.dtype == bucket_dtype and x.dtype == value_dtype
        for a in (off, b, x):
            assert not a.flags.owndata and not a.flags.writeable
        assert off.dtype == np.uint64 and len(off) == snap.num_nodes + 1 and off[-1] == len(b) == len(x)
    assert full.activity_buckets.tolist() == [2, 3] and full.activity_values.tolist() == [3, 12]
    assert wide.activity_buckets.tolist() == [1, 3, 4, 299]
    assert wide.activity_values.tolist() == [2.5, 70000.0, 1.0, 3.0]
    # The same from a mapped .hsnap (views into the file).
    path = os.path.join(tmp, "full.hsnap")
    full.write(path)
    back = hydrascope.load(path)
    assert back.activity_buckets.dtype == np.uint8 and back.activity_values.tolist() == [3, 12]


def test_array_keeps_the_run_alive():
    a = hydrascope.run(SAMPLE, seed=1).risk
    import gc
    gc.collect()
    assert a.shape[0] > 0 and float(a.max()) <= 1.0


def test_communities_as_dicts(sample_run):
    top = sample_run.communities()
    assert len(top) == len(sample_run.ranking) >= 1
    c = top[0]
    assert c["id"] == sample_run.ranking[0] and c["suspect"]
    assert c["reasons"] and all(r["text"] and r["contribution"] > 0 for r in c["reasons"])
    assert c["signals"] and isinstance(c["features"], dict)
    members = sample_run.members(c["id"])
    assert len(members) == c["nodes"]
    assert all(sample_run.community[v] == c["id"] for v in members)
    every = sample_run.communities(suspect_only=False)
    assert len(every) >= len(top)


def test_networkx_view_of_the_top_community(sample_run):
    g = hydrascope.to_networkx(sample_run, sample_run.ranking[0])
    c = sample_run.community_info(sample_run.ranking[0])
    accounts = [n for n, d in g.nodes(data=True) if d["type"] == "account"]
    assert len(accounts) == c["accounts"]
    assert g.number_of_edges() > 0


def test_features_matrix(sample_run):
    names, x, rows = sample_run.features()
    assert x.shape == (sample_run.accounts, len(names)) and x.dtype == np.float32
    assert len(rows) == sample_run.accounts


def test_stages_one_by_one():
    s = hydrascope.load(SAMPLE)
    g = hydrascope.build_graph(s)
    assert g.num_nodes == s.num_nodes and g.offsets.shape == (s.num_nodes + 1,)
    d = hydrascope.detect(g, seed=1)
    assert d["membership"].shape == (s.num_nodes,) and d["communities"] == d["membership"].max() + 1
    pr = hydrascope.pagerank(g)
    assert abs(pr.sum() - 1.0) < 1e-6
    assert hydrascope.core_numbers(g).shape == (s.num_nodes,)


def test_snapshot_from_lists_and_numpy():
    ids = ["a1", "a2", "a3", "card", "ip1"]
    types = ["account", "account", "account", "payment_method", "ip"]
    s1 = hydrascope.Snapshot.from_edges(ids, types, ["a1", "a2", "a3", "a1"], ["card", "card", "card", "ip1"],
                                        edge_types=["paid_with"] * 3 + ["uses_ip"],
                                        labels=["banned", "unknown", "trusted", "unknown", "unknown"])
    s2 = hydrascope.Snapshot.from_edges(ids, types, np.array([0, 1, 2, 0]), np.array([3, 3, 3, 4]),
                                        edge_types=["paid_with"] * 3 + ["uses_ip"], weights=np.ones(4))
    assert s1.num_nodes == s2.num_nodes == 5 and s1.num_edges == s2.num_edges == 4
    assert list(s2.edge_src) == [0, 1, 2, 0]
    assert list(s1.labels) == [1, 0, 3, 0, 0]
    r = hydrascope.run(s2, seed=1)
    assert r.risk.shape == (5,) and r.accounts == 3
    assert len(r.warnings) == 1 and "no activity" in r.warnings[0], r.warnings
    # a snapshot given in memory warns as the command line does about a model
    # trained with other detection (there is no load stage to carry it)
    other = hydrascope.run(s2, seed=1, damping="log")
    assert "the model was trained with detection" in other.warnings[1], other.warnings
    spread = hydrascope.run(s2, seed=1, type_weighting="spread")
    assert "type weighting spread" in spread.warnings[1], spread.warnings
    assert s2.find("card") == 3 and s2.find("nope") is None


def test_csv_guard_named_as_the_command_line(tmp):
    ids = ["=cmd", "a2", "card"]
    s = hydrascope.Snapshot.from_edges(ids, ["account", "account", "payment_method"], ["=cmd", "a2"], ["card", "card"],
                                       edge_types=["paid_with"] * 2)
    r = hydrascope.run(s, seed=1)
    cells = {}
    for mode in ("sheets", "all", "none"):
        d = os.path.join(tmp, "guard-" + mode)
        r.write(d, csv_guard=mode)
        with open(os.path.join(d, "accounts.csv")) as f:
            cells[mode] = [line.split(",")[0] for line in f.read().splitlines()[1:]]
    assert "'=cmd" in cells["sheets"] and "'=cmd" in cells["all"]
    assert "=cmd" in cells["none"] and "'=cmd" not in cells["none"]
    with pytest.raises(ValueError, match="csv_guard: expected sheets, all or none, got 'some'"):
        r.write(os.path.join(tmp, "guard-bad"), csv_guard="some")
    assert not os.path.exists(os.path.join(tmp, "guard-bad"))


def test_errors_are_located():
    bad = os.path.join(FIXTURES, "bad", "bad_weight.edges")
    with pytest.raises(hydrascope.InputError) as e:
        hydrascope.load(bad)
    assert "bad_weight.edges" in str(e.value) and isinstance(e.value, ValueError)
    with pytest.raises(ValueError, match="unknown option 'colour'"):
        hydrascope.run(SAMPLE, colour="red")
    with pytest.raises(ValueError, match="refine: unknown step 'nope'"):
        hydrascope.run(SAMPLE, refine=["nope"])
    with pytest.raises(ValueError, match="damping"):
        hydrascope.run(SAMPLE, damping="cubic")
    with pytest.raises(ValueError, match="type_weighting: expected named, uniform, spread or balanced, got 'names'"):
        hydrascope.run(SAMPLE, type_weighting="names")
    with pytest.raises(ValueError, match="not an index"):
        hydrascope.Snapshot.from_edges(["a"], ["account"], [0], [7])
    with pytest.raises(hydrascope.InputError, match="self-loop|itself"):
        hydrascope.Snapshot.from_edges(["a", "b"], ["account", "ip"], ["a"], ["a"])


def test_run_releases_the_gil():
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    start = len(ticks)
    hydrascope.run(SAMPLE, seed=1)
    during = len(ticks) - start
    stop.set()
    t.join()
    assert during > 5  # the other thread ran while the engine worked
