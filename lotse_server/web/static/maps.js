/* Maps without a tile server: the walk network from /web/network.geojson is the base layer.
   Shared by the planner and the console; plain scripts, no build step. */
"use strict";
window.Lotse = window.Lotse || {};

(function (L, Lotse) {
  Lotse.texts = JSON.parse(document.getElementById("lotse-texts").textContent || "{}");
  Lotse.t = function (key, values) {
    var text = Lotse.texts[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  };

  /** fetch, asked again (twice at most) when the server answers 503 with Retry-After: such an
      answer means it was too busy to start on the request, so asking again after the time it
      names is safe for every method. Other answers, and the last 503, go to the caller. */
  var RETRIES = 2, LONGEST_WAIT_MS = 5000;
  Lotse.fetch = function (url, init, retries) {
    retries = retries === undefined ? RETRIES : retries;
    return fetch(url, init).then(function (r) {
      var after = r.headers.get("retry-after");
      if (r.status !== 503 || after === null || retries <= 0) { return r; }
      var wait = Math.min(LONGEST_WAIT_MS, 1000 * (parseFloat(after) || 1));
      return new Promise(function (resolve) { setTimeout(resolve, wait); })
        .then(function () { return Lotse.fetch(url, init, retries - 1); });
    });
  };

  var STYLE = {
    footway: { color: "#4d4d4d", weight: 2 },
    square: { color: "#8a6500", weight: 3 },
    road_no_pavement: { color: "#c62828", weight: 2 },
    tactile: { color: "#00796b", weight: 4 },
    steps: { color: "#6a1b9a", weight: 5 },
    crossing: { color: "#1565c0", weight: 5 }
  };
  var CROSSING_DASH = { unmarked: "4 4", zebra: "8 3" };

  /** A Leaflet map with no tiles, scale bar and OSM attribution; maps are kept for tests. */
  Lotse.createMap = function (element) {
    var map = L.map(element, { zoomSnap: 0.5, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(
      '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap contributors</a>');
    L.control.scale({ imperial: false }).addTo(map);
    var tiles = JSON.parse(document.getElementById("lotse-tiles").textContent || "{}");
    if (tiles.url) {  // the city's own tile server, when configured; the network is drawn on top
      L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    Lotse.maps = Lotse.maps || {};
    Lotse.maps[element.id] = map;
    return map;
  };

  /** Adds the walk network (fetched once per page) and fits the map to it. */
  Lotse.addNetwork = function (map, fit) {
    Lotse.networkPromise = Lotse.networkPromise ||
      Lotse.fetch("/web/network.geojson").then(function (r) {
        if (!r.ok) { throw new Error("network layer: HTTP " + r.status); }
        return r.json();
      });
    return Lotse.networkPromise.then(function (data) {
      var layer = L.geoJSON(data, {
        interactive: false,
        style: function (feature) {
          var p = feature.properties, style = Object.assign({}, STYLE[p["class"]] || STYLE.footway);
          if (p.crossing && CROSSING_DASH[p.crossing]) { style.dashArray = CROSSING_DASH[p.crossing]; }
          if (p.crossing === "unmarked") { style.color = "#c62828"; }
          return style;
        }
      }).addTo(map);
      if (fit) { map.fitBounds(layer.getBounds()); }
      return layer;
    });
  };

  /** A route drawn so it stands out from every network class: black on a white casing. */
  Lotse.drawRoute = function (layer, points, dashed) {
    L.polyline(points, { color: "#fff", weight: 11, interactive: false }).addTo(layer);
    return L.polyline(points, { color: "#000", weight: 6, dashArray: dashed ? "8 8" : null,
                                interactive: false }).addTo(layer);
  };

  /** [lat, lon] pairs of a GeoJSON LineString. */
  Lotse.latLngs = function (geometry) {
    return geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
  };
})(window.L, window.Lotse);
