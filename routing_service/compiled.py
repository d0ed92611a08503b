"""The compiled walk network: plain arrays in one ``.npz`` file, keyed by the extract's hash.

Why not a pickled networkx graph: phones download this file for offline routing and a pickle
would run code on load; and a networkx graph of the whole city costs hundreds of megabytes,
while these arrays cost a few. Tags are stored as integer codes into a per-key vocabulary
(the vocabularies and the places travel as JSON strings inside the same file), so loading is a
handful of array reads and never needs ``allow_pickle``.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from routing_service.errors import OsmLoadError

log = logging.getLogger(__name__)

#: bump when the arrays or the ingest rules change, so old cache files are not reused
FORMAT_VERSION = 9


@dataclass
class TagColumns:
    """Categorical tag values: ``codes[key][i]`` indexes ``vocab[key]``, -1 = absent."""

    codes: dict[str, np.ndarray]
    vocab: dict[str, list[str]]

    @classmethod
    def from_values(cls, values: dict[str, list[str | None]]) -> TagColumns:
        codes, vocab = {}, {}
        for key, column in values.items():
            words = sorted({v for v in column if v is not None})
            index = {w: i for i, w in enumerate(words)}
            codes[key] = np.array([index.get(v, -1) if v is not None else -1 for v in column],
                                  dtype=np.int32)
            vocab[key] = words
        return cls(codes, vocab)

    def column(self, key: str) -> np.ndarray:
        """All values of one key as an object array (None where absent)."""
        codes = self.codes.get(key)
        if codes is None:
            raise KeyError(key)
        lookup = np.array([*self.vocab[key], None], dtype=object)
        return lookup[codes]  # -1 picks the trailing None

    def value(self, key: str, i: int) -> str | None:
        codes = self.codes.get(key)
        if codes is None or codes[i] < 0:
            return None
        return self.vocab[key][int(codes[i])]

    def isin(self, key: str, words: set[str] | frozenset[str]) -> np.ndarray:
        """Boolean mask of items whose value is one of ``words`` (fast: compares codes)."""
        wanted = [i for i, w in enumerate(self.vocab.get(key, [])) if w in words]
        return np.isin(self.codes[key], wanted)

    def present(self, key: str) -> np.ndarray:
        return self.codes[key] >= 0


@dataclass
class WalkNetwork:
    """A pedestrian graph as arrays: directed edges ``u -> v`` over nodes ``0..N-1``.

    Every walkable way yields both directions; ``edge_rev[e]`` is the opposite edge.
    Edge geometry runs in the edge's direction: ``coords[offsets[e]:offsets[e+1]]`` (lon, lat).
    """

    graph_hash: str
    node_osmid: np.ndarray
    node_lat: np.ndarray
    node_lon: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length: np.ndarray
    edge_rev: np.ndarray
    geom_offsets: np.ndarray
    geom_coords: np.ndarray
    node_tags: TagColumns
    edge_tags: TagColumns
    places: list[dict[str, Any]]
    source_name: str = ""
    compiled_path: Path | None = None
    #: the contraction hierarchy's arrays (``routing_service.hierarchy``), when the build made
    #: them: mapped like the rest, so workers share them and none orders the graph again
    hierarchy: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _extra: dict[str, Any] = field(default_factory=dict, repr=False)

    # --- the contract's conveniences -------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return len(self.node_lat)

    @property
    def n_edges(self) -> int:
        return len(self.edge_u)

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of the walkable network."""
        lon, lat = self.geom_coords[:, 0], self.geom_coords[:, 1]
        return (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))

    @cached_property
    def index(self):  # -> snap.EdgeIndex (import here: snap imports this module)
        from routing_service.snap import EdgeIndex

        return EdgeIndex(self)

    def snap(self, lat: float, lon: float):
        """Nearest walkable edge; raises OutsideServiceArea beyond the snap limit."""
        return self.index.snap(lat, lon)

    def search_places(self, q: str, limit: int = 10) -> list[dict[str, Any]]:
        from routing_service.places import search_places

        return search_places(self, q, limit=limit)

    def edge_coords(self, e: int) -> np.ndarray:
        return self.geom_coords[self.geom_offsets[e]:self.geom_offsets[e + 1]]

    # --- file form -------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write atomically (temp file + rename) so a crash never leaves half a cache file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        with open(tmp, "wb") as fh:
            fh.write(self.to_bytes())
        tmp.replace(path)
        self.compiled_path = path

    def _arrays(self, hierarchy: bool = True) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {
            "node_osmid": self.node_osmid, "node_lat": self.node_lat, "node_lon": self.node_lon,
            "edge_u": self.edge_u, "edge_v": self.edge_v, "edge_length": self.edge_length,
            "edge_rev": self.edge_rev, "geom_offsets": self.geom_offsets,
            "geom_coords": self.geom_coords,
        }
        for prefix, cols in (("ntag:", self.node_tags), ("etag:", self.edge_tags)):
            for key, codes in cols.codes.items():
                arrays[prefix + key] = codes
        for key, values in self.hierarchy.items() if hierarchy else ():
            arrays["cch:" + key] = values
        return arrays

    def _meta(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION, "graph_hash": self.graph_hash, "source": self.source_name,
            "node_vocab": self.node_tags.vocab, "edge_vocab": self.edge_tags.vocab,
            "attribution": "© OpenStreetMap contributors",
        }

    def to_bytes(self) -> bytes:
        """The single-file form phones download (compressed, no pickle). Without the
        hierarchy's arrays: a phone routes with what it has built (the fallback search), and an
        app from before them reads the file as it always has."""
        arrays, meta = self._arrays(hierarchy=False), self._meta()
        arrays["meta_json"] = np.array(json.dumps(meta, ensure_ascii=False))
        arrays["places_json"] = np.array(json.dumps(self.places, ensure_ascii=False))
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        return buf.getvalue()

    def save_dir(self, path: Path) -> None:
        """The served form: one uncompressed ``.npy`` per array, so that every worker maps the
        same pages read-only (``load_dir``) instead of holding its own copy. Written to a
        temporary directory and renamed, so a reader never sees half of it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name, array in self._arrays().items():
            np.save(tmp / f"{_file_name(name)}.npy", np.ascontiguousarray(array))
        (tmp / "meta.json").write_text(json.dumps(self._meta(), ensure_ascii=False), "utf-8")
        (tmp / "places.json").write_text(json.dumps(self.places, ensure_ascii=False), "utf-8")
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)

    @classmethod
    def load_dir(cls, path: Path, mmap: bool = True) -> WalkNetwork:
        """The network of a ``save_dir`` directory, its arrays memory-mapped read-only."""
        try:
            meta = json.loads((path / "meta.json").read_text("utf-8"))
            places = json.loads((path / "places.json").read_text("utf-8"))
            # plain ndarray views of the maps: indexing a np.memmap one element at a time goes
            # through a Python-level __getitem__, several times slower
            data = {_array_name(f.stem): np.load(f, mmap_mode="r" if mmap else None,
                                                 allow_pickle=False).view(np.ndarray)
                    for f in sorted(path.glob("*.npy"))}
        except (OSError, ValueError) as exc:
            raise OsmLoadError(f"cannot read compiled graph {path}: {exc}",
                               f"Kompilierter Graph {path} nicht lesbar: {exc}") from exc
        return cls._from_arrays(path, meta, places, data)

    @classmethod
    def load(cls, path: Path) -> WalkNetwork:
        try:
            with np.load(path, allow_pickle=False) as z:
                data = {k: z[k] for k in z.files}
            meta = json.loads(str(data.pop("meta_json")))
            places = json.loads(str(data.pop("places_json")))
        except (OSError, ValueError, KeyError) as exc:
            raise OsmLoadError(f"cannot read compiled graph {path}: {exc}",
                               f"Kompilierter Graph {path} nicht lesbar: {exc}") from exc
        return cls._from_arrays(path, meta, places, data)

    @classmethod
    def _from_arrays(cls, path: Path, meta: dict[str, Any], places: list[dict[str, Any]],
                     data: dict[str, np.ndarray]) -> WalkNetwork:
        if meta.get("format") != FORMAT_VERSION:
            raise OsmLoadError(f"compiled graph {path} has an old format")

        def tags(prefix: str, vocab: dict[str, list[str]]) -> TagColumns:
            codes = {k[len(prefix):]: data.pop(k) for k in list(data) if k.startswith(prefix)}
            return TagColumns(codes, vocab)

        node_tags = tags("ntag:", meta["node_vocab"])
        edge_tags = tags("etag:", meta["edge_vocab"])
        hierarchy = {k[len("cch:"):]: data.pop(k) for k in list(data) if k.startswith("cch:")}
        return cls(graph_hash=meta["graph_hash"], node_tags=node_tags, edge_tags=edge_tags,
                   places=places, source_name=meta.get("source", ""), compiled_path=path,
                   hierarchy=hierarchy, **data)


def _file_name(array_name: str) -> str:
    """Tag keys hold ':' (``etag:lotse:square``): safe file names, reversibly."""
    return array_name.replace(":", "~")


def _array_name(file_stem: str) -> str:
    return file_stem.replace("~", ":")
