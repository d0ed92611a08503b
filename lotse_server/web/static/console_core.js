/* The console's frame: sign-in (token in sessionStorage only), the JSON API helper, panels
   chosen by the URL fragment, the shared map with its layers and click modes. */
"use strict";
(function (Lotse) {
  var KEY = "lotse.staffToken";
  var live = document.getElementById("live"), alertBox = document.getElementById("alert");
  var t = Lotse.t;
  Lotse.panels = {};

  Lotse.say = function (text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 30); };
  Lotse.alert = function (text) { alertBox.textContent = text; };
  Lotse.clearAlert = function () { alertBox.textContent = ""; };

  /** fetch with the staff token; answers {ok, status, data} (data: JSON, text or Blob). */
  Lotse.api = function (method, path, body, options) {
    options = options || {};
    var headers = { Authorization: "Bearer " + sessionStorage.getItem(KEY) };
    var init = { method: method, headers: headers };
    if (body instanceof Blob || typeof body === "string") {
      init.body = body; headers["Content-Type"] = options.contentType || "application/octet-stream";
    } else if (body !== undefined && body !== null) {
      init.body = JSON.stringify(body); headers["Content-Type"] = "application/json";
    }
    return Lotse.fetch(path, init).then(function (r) {
      var type = r.headers.get("content-type") || "";
      var read = options.blob ? r.blob() : type.indexOf("json") >= 0 ? r.json() : r.text();
      return read.then(function (data) {
        if (r.status === 401) { signOut(); Lotse.alert(t("signed_out_401")); }
        return { ok: r.ok, status: r.status, data: data, spoken: r.headers.get("x-lotse-spoken") };
      });
    });
  };
  Lotse.detail = function (res) {
    var d = res.data && res.data.detail;
    return typeof d === "string" ? d : t("error_status", { status: res.status });
  };

  /** A DOM element: el("td", {text: "x"}, [children]). */
  Lotse.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; }
      else if (name === "on") { node.addEventListener("click", attrs.on); }
      else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  };
  Lotse.row = function (cells) {
    return Lotse.el("tr", {}, cells.map(function (c) {
      return c instanceof Node ? Lotse.el("td", {}, [c]) : Lotse.el("td", { text: c === null || c === undefined ? "" : String(c) });
    }));
  };
  Lotse.when = function (iso) {
    return iso ? new Date(iso).toLocaleString(document.documentElement.lang, { dateStyle: "short", timeStyle: "short" }) : "–";
  };
  /** A datetime-local value for a Date (local time of the browser, which staff read as Berlin). */
  Lotse.localInput = function (date) {
    var pad = function (n) { return String(n).padStart(2, "0"); };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  };
  /** "lat, lon" typed by hand → [lat, lon], or null. */
  Lotse.parseLatLon = function (text) {
    var m = /^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text || "");
    return m ? [parseFloat(m[1]), parseFloat(m[2])] : null;
  };
  /** What someone else changed: the fields where the current record differs from ours. */
  Lotse.changedFields = function (mine, current) {
    return Object.keys(current).filter(function (k) {
      return ["version", "updated_at"].indexOf(k) < 0 && JSON.stringify(mine[k]) !== JSON.stringify(current[k]);
    }).map(function (k) { return k + ": " + JSON.stringify(mine[k]) + " → " + JSON.stringify(current[k]); });
  };
  /** Explains a 409 on a stale edit: reloads the record and lists what changed since. */
  Lotse.explainConflict = function (plural, mine) {
    return Lotse.api("GET", "/v1/staff/" + plural + "/" + mine.id).then(function (res) {
      var changes = res.ok ? Lotse.changedFields(mine, res.data) : [];
      Lotse.alert(t("conflict", { version: res.ok ? res.data.version : "?" }) + " " +
                  (changes.length ? t("conflict_changes") + " " + changes.join("; ") : ""));
      return res.ok ? res.data : null;
    });
  };

  /* --- the map: network base layer, registry layers, click modes --- */
  var map = null, layers = {}, clickMode = null;
  var modeText = document.getElementById("map-mode");
  Lotse.setMapMode = function (handler, hint) {
    clickMode = handler;
    modeText.textContent = hint || t("map_mode_none");
  };
  Lotse.layer = function (name) {
    if (!layers[name]) {
      layers[name] = L.layerGroup();
      var box = document.getElementById("layer-" + name);
      if (!box || box.checked) { layers[name].addTo(map); }
    }
    return layers[name];
  };
  function initMap() {
    if (map) { return; }
    map = Lotse.createMap(document.getElementById("console-map"));
    Lotse.map = map;
    map.setView([49.4445, 7.7690], 16);
    Lotse.addNetwork(map, true).then(function (layer) {
      layers.network = layer;
      if (!document.getElementById("layer-network").checked) { map.removeLayer(layer); }
    });
    map.on("click", function (event) { if (clickMode) { clickMode(event.latlng); } });
    // the panels beside the map change its width; Leaflet must know, or clicks land off target
    new ResizeObserver(function () { map.invalidateSize(); }).observe(map.getContainer());
    document.querySelectorAll("[data-layer]").forEach(function (box) {
      box.addEventListener("change", function () {
        var layer = layers[box.getAttribute("data-layer")];
        if (!layer) { return; }
        if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
      });
    });
  }

  /* --- panels chosen by the URL fragment --- */
  function showPanel() {
    var name = (location.hash || "#beacons").slice(1);
    if (!Lotse.panels[name]) { name = "beacons"; }
    document.querySelectorAll(".panel").forEach(function (p) { p.hidden = p.id !== name; });
    document.querySelectorAll("[data-panel-link]").forEach(function (a) {
      if (a.getAttribute("data-panel-link") === name) { a.setAttribute("aria-current", "true"); }
      else { a.removeAttribute("aria-current"); }
    });
    Lotse.setMapMode(null);
    var panel = Lotse.panels[name];
    if (panel.enter) { panel.enter(); }
    return name;
  }
  window.addEventListener("hashchange", function () {
    var name = showPanel();
    var heading = document.getElementById(name + "-heading");
    if (heading) { heading.focus(); }
  });

  /* --- sign-in --- */
  var signin = document.getElementById("signin"), app = document.getElementById("console-app");
  function signOut() {
    sessionStorage.removeItem(KEY);
    app.hidden = true; signin.hidden = false;
  }
  function start() {
    signin.hidden = true; app.hidden = false;
    initMap();
    Object.keys(Lotse.panels).forEach(function (name) {
      if (Lotse.panels[name].start) { Lotse.panels[name].start(); }
    });
    showPanel();
    map.invalidateSize();
    // a panel whose script did not load would fall back to the first one without a word
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-panel-link]"));
    if (links.some(function (a) { return !Lotse.panels[a.getAttribute("data-panel-link")]; })) {
      Lotse.alert(t("page_incomplete"));
    }
  }
  document.getElementById("signin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("token");
    sessionStorage.setItem(KEY, input.value.trim());
    input.value = "";
    Lotse.api("GET", "/v1/staff/beacons?limit=1").then(function (res) {
      if (res.ok) { Lotse.clearAlert(); start(); Lotse.say(t("signed_in")); document.getElementById("signed-in-text").focus(); }
      else {
        sessionStorage.removeItem(KEY);
        var box = document.getElementById("signin-error") ||
          signin.appendChild(Lotse.el("p", { id: "signin-error", "class": "error", role: "alert" }));
        box.textContent = res.status === 403 ? t("signin_forbidden") : t("signin_failed");
        input.focus();
      }
    });
  });
  document.getElementById("signout").addEventListener("click", function () {
    signOut(); Lotse.say(t("signed_out")); document.getElementById("token").focus();
  });
  document.getElementById("signed-in-text").setAttribute("tabindex", "-1");
  window.addEventListener("load", function () { if (sessionStorage.getItem(KEY)) { start(); } });
})(window.Lotse);
