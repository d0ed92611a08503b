/* Obstacles drawn on the map (a point with a radius, or a line) with a time window and an
   effect, and a route preview between two points without and with the draft. */
"use strict";
(function (Lotse) {
  var t = Lotse.t, el = Lotse.el, lang = document.documentElement.lang;
  var form = document.getElementById("obstacle-add"), coordsBox = document.getElementById("obstacle-coords");
  var draftLayer = null, previewLayer = null, obstacles = [];

  function shape() { return form.querySelector("input[name=shape]:checked").value; }
  function points() {
    return coordsBox.value.split(/\n|\|/).map(Lotse.parseLatLon).filter(function (p) { return p; });
  }
  function geometry() {
    var pts = points();
    if (shape() === "Point") {
      return pts.length ? { type: "Point", coordinates: [pts[0][1], pts[0][0]] } : null;
    }
    return pts.length >= 2 ? { type: "LineString", coordinates: pts.map(function (p) { return [p[1], p[0]]; }) } : null;
  }
  function radius() { return parseFloat(document.getElementById("obstacle-radius").value) || 8; }
  function drawDraft() {
    draftLayer.clearLayers();
    var pts = points();
    if (!pts.length) { return; }
    if (shape() === "Point") {
      L.circle(pts[0], { radius: radius(), color: "#a4161a", weight: 3, interactive: false }).addTo(draftLayer);
    } else {
      L.polyline(pts, { color: "#a4161a", weight: 6, dashArray: "10 6", interactive: false }).addTo(draftLayer);
    }
  }
  function addPoint(latlng) {
    var text = latlng.lat.toFixed(6) + ", " + latlng.lng.toFixed(6);
    coordsBox.value = shape() === "Point" || !coordsBox.value.trim() ? text : coordsBox.value.trim() + "\n" + text;
    drawDraft();
    Lotse.say(t(shape() === "Point" ? "obstacle_point_set" : "obstacle_vertex_added", { n: points().length }));
  }
  function drawMode() { Lotse.setMapMode(addPoint, t(shape() === "Point" ? "map_mode_point" : "map_mode_line")); }
  document.getElementById("obstacle-draw").addEventListener("click", drawMode);
  form.querySelectorAll("input[name=shape]").forEach(function (r) {
    r.addEventListener("change", function () { coordsBox.value = ""; drawDraft(); drawMode(); });
  });
  coordsBox.addEventListener("change", drawDraft);
  document.getElementById("obstacle-radius").addEventListener("change", drawDraft);

  document.querySelectorAll("[data-pick]").forEach(function (button) {
    button.addEventListener("click", function () {
      var end = button.getAttribute("data-pick");
      Lotse.setMapMode(function (latlng) {
        document.getElementById("preview-" + end).value = latlng.lat.toFixed(6) + ", " + latlng.lng.toFixed(6);
        Lotse.say(t("preview_end_set_" + end));
        drawMode();
      }, t("map_mode_pick_" + end));
    });
  });

  function stepsList(title, route, id) {
    return el("div", {}, [
      el("h5", { text: title }),
      el("p", { "class": "summary", id: id, text: t("route_summary", { m: Math.round(route.distance_m), min: Math.ceil(route.duration_s / 60) }) }),
      el("ol", {}, route.steps.map(function (s) { return el("li", { text: s }); }))]);
  }
  document.getElementById("preview-run").addEventListener("click", function () {
    var out = document.getElementById("preview-result");
    var from = Lotse.parseLatLon(document.getElementById("preview-from").value);
    var to = Lotse.parseLatLon(document.getElementById("preview-to").value);
    var geom = geometry();
    if (!from || !to) { Lotse.alert(t("preview_needs_ends")); return; }
    if (!geom) { Lotse.alert(t("obstacle_needs_geometry")); return; }
    out.textContent = t("planning");
    var obstacle = { geometry: geom, effect: document.getElementById("obstacle-effect").value };
    if (geom.type === "Point") { obstacle.radius_m = radius(); }
    Lotse.api("POST", "/console/api/route-preview", { from: { lat: from[0], lon: from[1] }, to: { lat: to[0], lon: to[1] },
                                                    lang: lang, obstacle: obstacle }).then(function (res) {
      out.innerHTML = "";
      if (!res.ok) { out.textContent = Lotse.detail(res); return; }
      var d = res.data, delta = Math.round(d.after.distance_m - d.before.distance_m);
      out.appendChild(el("p", { id: "preview-verdict", "class": "check " + (d.changed ? "bad" : "good"),
        text: d.changed ? t("preview_changed", { delta: delta }) : t("preview_unchanged") }));
      out.appendChild(el("div", { "class": "preview-grid" }, [
        stepsList(t("preview_before"), d.before, "preview-before"), stepsList(t("preview_after"), d.after, "preview-after")]));
      previewLayer.clearLayers();
      L.polyline(Lotse.latLngs(d.before.geometry), { color: "#ef6c00", weight: 12, opacity: 0.7, interactive: false }).addTo(previewLayer);
      Lotse.drawRoute(previewLayer, Lotse.latLngs(d.after.geometry), !d.changed);
      Lotse.map.fitBounds(L.featureGroup(previewLayer.getLayers()).getBounds(), { padding: [20, 20] });
      out.appendChild(el("p", { "class": "hint", text: t("preview_legend") }));
    });
  });

  function loadObstacles() {
    return Lotse.api("GET", "/v1/staff/obstacles?limit=500").then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      obstacles = res.data;
      var body = document.querySelector("#obstacle-table tbody"), layer = Lotse.layer("obstacles");
      body.innerHTML = ""; layer.clearLayers();
      obstacles.forEach(function (o) {
        var actions = o.status === "retired" ? el("span", { text: t("status_retired") }) :
          el("button", { type: "button", "class": "danger", text: t("retire"),
                         "aria-label": t("retire_obstacle", { id: o.id }), on: function () { retire(o); } });
        body.appendChild(Lotse.row([o.id, t("obstacle_" + o.kind), t("effect_" + o.effect), o.description_de,
          Lotse.when(o.valid_from) + " – " + Lotse.when(o.valid_to), actions]));
        if (o.status === "retired") { return; }
        L.geoJSON(o.geometry, { interactive: false, style: { color: "#a4161a", weight: 5 },
          pointToLayer: function (f, latlng) { return L.circle(latlng, { radius: o.radius_m || 8, color: "#a4161a", weight: 3 }); }
        }).addTo(layer);
      });
    });
  }
  function retire(o) {
    Lotse.api("POST", "/v1/staff/obstacles/" + o.id + "/retire", { version: o.version }).then(function (res) {
      if (res.status === 409) { Lotse.explainConflict("obstacles", o).then(loadObstacles); return; }
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      Lotse.say(t("obstacle_retired", { id: o.id })); loadObstacles();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var geom = geometry();
    if (!geom) { Lotse.alert(t("obstacle_needs_geometry")); return; }
    var body = { kind: document.getElementById("obstacle-kind").value, effect: document.getElementById("obstacle-effect").value,
      geometry: geom, description_de: document.getElementById("obstacle-desc-de").value,
      description_en: document.getElementById("obstacle-desc-en").value,
      valid_from: document.getElementById("obstacle-from").value, valid_to: document.getElementById("obstacle-to").value };
    if (geom.type === "Point") { body.radius_m = radius(); }
    Lotse.api("POST", "/v1/staff/obstacles", body).then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      Lotse.clearAlert(); Lotse.say(t("obstacle_added", { id: res.data.id }));
      coordsBox.value = ""; drawDraft(); loadObstacles();
    });
  });

  Lotse.panels.obstacles = {
    start: function () {
      draftLayer = L.layerGroup().addTo(Lotse.map); previewLayer = L.layerGroup().addTo(Lotse.map);
      loadObstacles();
    },
    enter: function () { Lotse.defaultWindow("obstacle"); drawMode(); }
  };
})(window.Lotse);
