"""The served graph on disk: one directory of memory-mappable arrays per extract content.

``lotse build-graph`` writes it (``build_compiled``), the contraction hierarchy's order and arcs
with it; servers only open it (``open_compiled``) and never build a graph in their own process
unless told to, so a worker starts in a fraction of a second and all workers share the same
read-only pages.
"""

from __future__ import annotations

import logging
from pathlib import Path

from routing_service import hierarchy
from routing_service.compiled import WalkNetwork
from routing_service.errors import OsmLoadError
from routing_service.ingest import content_hash

log = logging.getLogger(__name__)


class GraphNotBuilt(OsmLoadError):
    """The extract exists but its compiled graph has not been built yet."""


def _checked(osm_path: Path) -> Path:
    osm_path = Path(osm_path)
    if not osm_path.is_file():
        raise OsmLoadError(f"OSM file not found: {osm_path}", f"OSM-Datei fehlt: {osm_path}")
    return osm_path


def compiled_dir(osm_path: Path, cache_dir: Path) -> Path:
    """Where the compiled graph of this extract's content lives."""
    return Path(cache_dir) / f"lotse-graph-{content_hash(_checked(osm_path))}"


def open_compiled(osm_path: Path, cache_dir: Path) -> WalkNetwork:
    """The memory-mapped network of an extract; GraphNotBuilt if it was never compiled."""
    path = compiled_dir(osm_path, cache_dir)
    if not (path / "meta.json").is_file():
        raise GraphNotBuilt(
            f"no compiled graph for {osm_path} in {cache_dir}; run "
            f"'lotse build-graph --osm {osm_path}' first (or start with --build)",
            f"Kein kompilierter Graph für {osm_path}; zuerst 'lotse build-graph' ausführen")
    return WalkNetwork.load_dir(path)


def build_compiled(osm_path: Path, cache_dir: Path, force: bool = False) -> tuple[Path, bool]:
    """Compile the extract unless it is already; (directory, whether it was built now).

    Always built from the extract (a ``load_network`` cache file is neither read nor written:
    compressing it would cost a quarter of the build, and servers map the directory)."""
    from routing_service.network_build import build_network

    path = compiled_dir(osm_path, cache_dir)
    if (path / "meta.json").is_file() and not force:
        return path, False
    graph_hash = path.name.removeprefix("lotse-graph-")
    net = build_network(Path(osm_path), graph_hash, source_name=Path(osm_path).name)
    if hierarchy.kernel_available():  # else each router orders the graph itself
        net.hierarchy = hierarchy.make_arrays(net)
    net.save_dir(path)
    log.info("compiled graph written to %s", path)
    return path, True
