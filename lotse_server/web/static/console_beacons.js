/* Beacons: list with filters, add (map click or typed), move, retire, import with a preview of
   every row, export; health sorted by urgency. All writes go through the registry's API. */
"use strict";
(function (Lotse) {
  var t = Lotse.t, el = Lotse.el;
  var SHOWN = 50;  // rows drawn at once; filters narrow the rest
  var all = [], moving = null;

  function label(b) { return b.placement_de || b.identity || ("#" + b.id); }
  function identity(b) {
    return b.kind === "ibeacon" ? b.major + "/" + b.minor : b.namespace + "/" + b.instance;
  }

  function drawLayer() {
    var layer = Lotse.layer("beacons");
    layer.clearLayers();
    all.filter(function (b) { return b.status !== "retired"; }).forEach(function (b) {
      L.circleMarker([b.lat, b.lon], { radius: 5, color: "#0d2b52", weight: 2, fillColor: "#ffd54f",
                                       fillOpacity: 1, interactive: false }).addTo(layer);
    });
  }

  function render() {
    var status = document.getElementById("beacon-status").value;
    var text = document.getElementById("beacon-text").value.trim().toLowerCase();
    var rows = all.filter(function (b) {
      return (!status || b.status === status) &&
        (!text || (label(b) + " " + identity(b) + " " + b.id).toLowerCase().indexOf(text) >= 0);
    });
    var body = document.querySelector("#beacon-table tbody");
    body.innerHTML = "";
    rows.slice(0, SHOWN).forEach(function (b) {
      var actions = el("span", {}, b.status === "retired" ? [] : [
        el("button", { type: "button", "class": "secondary", text: t("move"),
                       "aria-label": t("move_beacon", { name: label(b) }), on: function () { startMove(b); } }),
        el("button", { type: "button", "class": "danger", text: t("retire"),
                       "aria-label": t("retire_beacon", { name: label(b) }), on: function () { retire(b); } })
      ]);
      body.appendChild(Lotse.row([b.id, identity(b), label(b), t("status_" + b.status),
                                  b.battery_mv ? b.battery_mv + " mV" : "–", Lotse.when(b.last_seen_at), actions]));
    });
    document.getElementById("beacon-count").textContent =
      t(rows.length > SHOWN ? "count_shown" : "count", { n: rows.length, shown: SHOWN });
  }

  function load() {
    return Lotse.api("GET", "/v1/staff/beacons?limit=5000").then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      all = res.data; render(); drawLayer();
    });
  }

  function retire(b) {
    if (!window.confirm(t("confirm_retire", { name: label(b) }))) { return; }
    Lotse.api("POST", "/v1/staff/beacons/" + b.id + "/retire", { version: b.version }).then(function (res) {
      if (res.status === 409) { Lotse.explainConflict("beacons", b).then(load); return; }
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      Lotse.say(t("retired", { name: label(b) })); load();
    });
  }

  var moveForm = document.getElementById("beacon-move");
  function setPosition(prefix) {
    return function (latlng) {
      document.getElementById(prefix + "-lat").value = latlng.lat.toFixed(6);
      document.getElementById(prefix + "-lon").value = latlng.lng.toFixed(6);
      Lotse.say(t("position_set", { lat: latlng.lat.toFixed(5), lon: latlng.lng.toFixed(5) }));
    };
  }
  function startMove(b) {
    moving = b;
    moveForm.hidden = false;
    document.getElementById("beacon-move-heading").textContent = t("move_beacon", { name: label(b) });
    document.getElementById("move-lat").value = b.lat;
    document.getElementById("move-lon").value = b.lon;
    Lotse.setMapMode(setPosition("move"), t("map_mode_move"));
    document.getElementById("beacon-move-heading").focus();
  }
  function stopMove() { moving = null; moveForm.hidden = true; Lotse.setMapMode(setPosition("add"), t("map_mode_add")); }
  moveForm.querySelector("[data-cancel]").addEventListener("click", stopMove);
  moveForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var b = moving, body = { version: b.version,
      lat: parseFloat(document.getElementById("move-lat").value),
      lon: parseFloat(document.getElementById("move-lon").value) };
    Lotse.api("PATCH", "/v1/staff/beacons/" + b.id, body).then(function (res) {
      if (res.status === 409) { Lotse.explainConflict("beacons", b).then(load); return; }
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      Lotse.clearAlert(); Lotse.say(t("saved")); stopMove(); load();
    });
  });

  var addForm = document.getElementById("beacon-add");
  var kind = document.getElementById("add-kind");
  kind.addEventListener("change", function () {
    addForm.querySelectorAll("[data-kind]").forEach(function (f) { f.hidden = f.getAttribute("data-kind") !== kind.value; });
  });
  addForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = { kind: kind.value, lat: parseFloat(addForm.lat.value), lon: parseFloat(addForm.lon.value),
                 placement_de: addForm.placement_de.value, placement_en: addForm.placement_en.value };
    if (kind.value === "ibeacon") {
      body.uuid = addForm.uuid.value; body.major = parseInt(addForm.major.value, 10); body.minor = parseInt(addForm.minor.value, 10);
    } else { body.namespace = addForm.namespace.value; body.instance = addForm.instance.value; }
    Lotse.api("POST", "/v1/staff/beacons", body).then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      Lotse.clearAlert(); Lotse.say(t("beacon_added", { id: res.data.id })); addForm.reset(); load();
    });
  });

  /* import: check every row first (nothing written), then import the good ones */
  var importForm = document.getElementById("beacon-import"), commit = document.getElementById("import-commit");
  var pending = null;
  function fileFormat(file) { return /\.csv$/i.test(file.name) ? "csv" : "geojson"; }
  importForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = document.getElementById("import-file").files[0], out = document.getElementById("import-result");
    if (!file) { Lotse.alert(t("choose_file")); return; }
    out.textContent = t("checking");
    Lotse.api("POST", "/console/api/beacons/import-preview?format=" + fileFormat(file), file).then(function (res) {
      out.innerHTML = "";
      if (!res.ok) { out.textContent = Lotse.detail(res); commit.hidden = true; return; }
      pending = file;
      var d = res.data;
      out.appendChild(el("p", { text: t("import_summary", { good: d.good, bad: d.bad, create: d.would_create, update: d.would_update }) }));
      var bad = d.rows.filter(function (r) { return !r.ok; });
      var shown = bad.concat(d.rows.filter(function (r) { return r.ok; }).slice(0, 20));
      var table = el("table", { "class": "data", id: "import-rows" }, [
        el("caption", { text: t("import_rows_caption") }),
        el("thead", {}, [el("tr", {}, [t("row"), t("beacon"), t("result")].map(function (h) { return el("th", { scope: "col", text: h }); }))]),
        el("tbody", {}, shown.map(function (r) {
          var tr = Lotse.row([r.row, r.label, r.ok ? t("row_ok") : t("row_bad") + ": " + r.error]);
          if (!r.ok) { tr.className = "bad"; }
          return tr;
        }))]);
      out.appendChild(table);
      commit.hidden = d.good === 0;
      commit.textContent = t("import_commit", { n: d.good });
    });
  });
  commit.addEventListener("click", function () {
    Lotse.api("POST", "/v1/staff/beacons/import?on_error=skip&format=" + fileFormat(pending), pending).then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      var d = res.data;
      document.getElementById("import-result").textContent =
        t("import_done", { create: d.created, update: d.updated, unchanged: d.unchanged, bad: d.rejected.length });
      commit.hidden = true; load();
    });
  });

  document.querySelectorAll("[data-export]").forEach(function (button) {
    button.addEventListener("click", function () {
      var fmt = button.getAttribute("data-export");
      Lotse.api("GET", "/v1/staff/beacons/export?format=" + fmt, null, { blob: true }).then(function (res) {
        if (!res.ok) { Lotse.alert(t("error_status", { status: res.status })); return; }
        var a = el("a", { href: URL.createObjectURL(res.data), download: "beacons." + fmt });
        document.body.appendChild(a); a.click(); a.remove();
      });
    });
  });

  document.getElementById("beacon-filter").addEventListener("submit", function (e) { e.preventDefault(); render(); });

  /* health */
  function loadHealth() {
    var days = document.getElementById("health-days").value, mv = document.getElementById("health-battery").value;
    Lotse.api("GET", "/console/api/beacons/health?days=" + days + "&battery_below_mv=" + mv).then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      var body = document.querySelector("#health-table tbody");
      body.innerHTML = "";
      res.data.beacons.slice(0, SHOWN).forEach(function (b) {
        var problems = b.problems.map(function (p) {
          return p === "weak" ? t("problem_weak", { db: b.weaker_db }) : t("problem_" + p);
        }).join(", ");
        body.appendChild(Lotse.row([b.id, b.placement_de || b.identity, problems,
          b.last_seen_at ? Lotse.when(b.last_seen_at) : t("never_heard"), b.battery_mv ? b.battery_mv + " mV" : "–"]));
      });
      var n = res.data.beacons.length;
      document.getElementById("health-count").textContent = t("health_count", { n: n }) +
        (n > SHOWN ? " " + t("count_shown", { n: n, shown: SHOWN }) : "");
    });
  }
  document.getElementById("health-form").addEventListener("submit", function (e) { e.preventDefault(); loadHealth(); });

  Lotse.panels.beacons = { start: load, enter: function () { Lotse.setMapMode(setPosition("add"), t("map_mode_add")); } };
  Lotse.panels.health = { enter: loadHealth };
  Lotse.reloadBeacons = load;
})(window.Lotse);
