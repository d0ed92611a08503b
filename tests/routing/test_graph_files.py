"""The served graph files: built once by `lotse build-graph`, memory-mapped by every server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from routing_service.graph_files import GraphNotBuilt, build_compiled, open_compiled
from routing_service.ingest import load_network
from routing_service.router import Router

DATA = Path(__file__).parent / "data"
LOTSE = [sys.executable, "-m", "lotse"]


def test_open_before_build_says_what_to_run(tmp_path):
    with pytest.raises(GraphNotBuilt, match="lotse build-graph"):
        open_compiled(DATA / "crossings.osm", tmp_path)


def test_mapped_graph_routes_like_the_built_one(tmp_path, cc_osm):
    path, built = build_compiled(cc_osm, tmp_path)
    assert built and build_compiled(cc_osm, tmp_path) == (path, False)
    mapped = open_compiled(cc_osm, tmp_path)
    assert isinstance(mapped.edge_u.base, np.memmap) and not mapped.edge_u.flags.writeable
    built_net = load_network(cc_osm, cache_dir=tmp_path)
    assert mapped.graph_hash == built_net.graph_hash
    assert np.array_equal(mapped.geom_coords, built_net.geom_coords)
    assert mapped.edge_tags.vocab == built_net.edge_tags.vocab
    a = Router(mapped).route((49.4447, 7.7700), (49.4395, 7.7680), profile="blind")
    b = Router(built_net).route((49.4447, 7.7700), (49.4395, 7.7680), profile="blind")
    assert a.to_dict() == b.to_dict()


def test_build_graph_command(tmp_path):
    env = {"LOTSE_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    osm = DATA / "crossings.osm"
    first = subprocess.run([*LOTSE, "build-graph", "--osm", str(osm)], capture_output=True,
                           text=True, timeout=300, env=env)
    assert first.returncode == 0, first.stderr
    assert "built in" in first.stdout and "crossings.osm" in first.stdout
    again = subprocess.run([*LOTSE, "build-graph", "--osm", str(osm)], capture_output=True,
                           text=True, timeout=300, env=env)
    assert again.returncode == 0 and "up to date" in again.stdout
    missing = subprocess.run([*LOTSE, "build-graph", "--osm", str(tmp_path / "nope.osm")],
                             capture_output=True, text=True, timeout=300, env=env)
    assert missing.returncode == 1 and missing.stderr.startswith("lotse build-graph: OSM file")


def test_serve_does_not_build_unless_told(tmp_path):
    env = {"LOTSE_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"}
    run = subprocess.run([*LOTSE, "serve", "--osm", str(DATA / "crossings.osm")],
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "lotse build-graph" in run.stderr
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_serve_with_two_forked_workers_answers_and_stops(tmp_path):
    """`lotse serve --workers 2`: two workers forked after the router is built, one socket;
    both answer routes, and SIGTERM to the master stops all of them."""
    import os
    import signal
    import socket
    import time

    import httpx

    env = {"LOTSE_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"}
    osm = DATA / "crossings.osm"
    subprocess.run([*LOTSE, "build-graph", "--osm", str(osm)], check=True, env=env, timeout=300,
                   capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*LOTSE, "serve", "--osm", str(osm), "--port", str(port),
                               "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    body = {"from": {"lat": 49.4402, "lon": 7.7651}, "to": {"lat": 49.4398, "lon": 7.7706}}
    try:
        answers = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 120
            while len(answers) < 20 and time.monotonic() < deadline:
                try:
                    answers.append(client.post("/v1/routes", json=body).status_code)
                except httpx.TransportError:
                    time.sleep(0.2)
        assert answers == [200] * 20
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert err.count("Finished server process") == 2
    with pytest.raises(ProcessLookupError):
        os.kill(server.pid, 0)
