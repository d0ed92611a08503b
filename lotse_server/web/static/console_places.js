/* Places with their opening hours checked as staff type, and notices with the sentence the
   phone will speak, played in the real voice. */
"use strict";
(function (Lotse) {
  var t = Lotse.t, el = Lotse.el, lang = document.documentElement.lang;
  var SHOWN = 50;
  var places = [], editing = null;

  function renderPlaces() {
    var text = document.getElementById("place-text").value.trim().toLowerCase();
    var rows = places.filter(function (p) { return !text || p.name.toLowerCase().indexOf(text) >= 0; });
    var body = document.querySelector("#place-table tbody");
    body.innerHTML = "";
    rows.slice(0, SHOWN).forEach(function (p) {
      body.appendChild(Lotse.row([p.id, p.name, p.opening_hours || "–",
        el("button", { type: "button", "class": "secondary", text: t("edit_hours"),
                       "aria-label": t("edit_hours_for", { name: p.name }), on: function () { edit(p); } })]));
    });
    document.getElementById("place-count").textContent =
      t(rows.length > SHOWN ? "count_shown" : "count", { n: rows.length, shown: SHOWN });
  }
  function drawPlaces() {
    var layer = Lotse.layer("places");
    layer.clearLayers();
    places.forEach(function (p) {
      L.circleMarker([p.lat, p.lon], { radius: 4, color: "#1b5e20", weight: 2, fillOpacity: 0.8,
                                       interactive: false }).addTo(layer);
    });
  }
  function loadPlaces() {
    return Lotse.api("GET", "/v1/staff/places?status=active&limit=5000").then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      places = res.data; renderPlaces(); drawPlaces();
    });
  }

  var form = document.getElementById("place-edit"), hours = document.getElementById("place-hours");
  var check = document.getElementById("hours-check"), timer = null, asked = 0;
  function checkHours() {
    var mine = ++asked, text = hours.value.trim();
    if (!text) { check.textContent = t("hours_empty"); check.className = "check"; return; }
    Lotse.api("POST", "/console/api/opening-hours", { opening_hours: text, lang: lang }).then(function (res) {
      if (mine !== asked) { return; }
      if (!res.ok) { check.textContent = Lotse.detail(res); check.className = "check bad"; return; }
      var ok = res.data.valid;
      check.textContent = ok ? t("hours_now", { text: res.data.text }) : t("hours_error", { error: res.data.error });
      check.className = ok ? "check good" : "check bad";
    });
  }
  function edit(p) {
    editing = p; form.hidden = false;
    document.getElementById("place-edit-heading").textContent = t("edit_hours_of", { name: p.name });
    hours.value = p.opening_hours || "";
    checkHours();
    hours.focus();
  }
  hours.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(checkHours, 300); });
  form.querySelector("[data-cancel]").addEventListener("click", function () { form.hidden = true; editing = null; });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var p = editing, value = hours.value.trim();
    Lotse.api("PATCH", "/v1/staff/places/" + p.id, { version: p.version, opening_hours: value || null }).then(function (res) {
      if (res.status === 409) { Lotse.explainConflict("places", p).then(function (current) { if (current) { editing = current; } }); return; }
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      Lotse.clearAlert(); Lotse.say(t("saved")); editing = res.data;
      places = places.map(function (q) { return q.id === res.data.id ? res.data : q; });
      renderPlaces();
    });
  });
  document.getElementById("place-filter").addEventListener("submit", function (e) { e.preventDefault(); renderPlaces(); });

  /* notices */
  function loadNotices() {
    return Lotse.api("GET", "/v1/staff/notices?limit=500").then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      var body = document.querySelector("#notice-table tbody"), layer = Lotse.layer("notices");
      body.innerHTML = ""; layer.clearLayers();
      var now = new Date();
      res.data.forEach(function (n) {
        body.appendChild(Lotse.row([n.id, t("notice_" + n.kind), n.text_de,
          Lotse.when(n.valid_from) + " – " + Lotse.when(n.valid_to), t("status_" + n.status)]));
        var place = places.filter(function (p) { return p.id === n.place_id; })[0];
        if (place && n.status === "active" && new Date(n.valid_from) <= now && now < new Date(n.valid_to)) {
          L.circleMarker([place.lat, place.lon], { radius: 9, color: "#ef6c00", weight: 3, fill: false,
                                                   interactive: false }).addTo(layer);
        }
      });
    });
  }
  var audio = document.getElementById("notice-audio");
  document.querySelectorAll("[data-speak]").forEach(function (button) {
    button.addEventListener("click", function () {
      var which = button.getAttribute("data-speak");
      var text = document.getElementById("notice-text-" + which).value.trim();
      if (!text) { Lotse.alert(t("nothing_to_say")); return; }
      Lotse.say(t("synthesising"));
      var body = { text: text, lang: which, kind: document.getElementById("notice-kind").value };
      var place = document.getElementById("notice-place").value.trim();
      if (/^\d+$/.test(place)) { body.place_id = parseInt(place, 10); }
      Lotse.api("POST", "/console/api/speech", body, { blob: true }).then(function (res) {
        if (!res.ok) { Lotse.alert(t("speech_failed", { status: res.status })); return; }
        document.getElementById("notice-spoken").textContent =
          t("phone_says", { text: decodeURIComponent(res.spoken || "") });
        audio.src = URL.createObjectURL(res.data); audio.hidden = false;
        audio.play().catch(function () { /* autoplay refused: the controls are there */ });
        Lotse.say(t("speech_ready"));
      });
    });
  });
  var noticeForm = document.getElementById("notice-add");
  noticeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var place = document.getElementById("notice-place").value.trim(), area = document.getElementById("notice-area").value.trim();
    var body = { kind: document.getElementById("notice-kind").value,
      text_de: document.getElementById("notice-text-de").value, text_en: document.getElementById("notice-text-en").value,
      valid_from: document.getElementById("notice-from").value, valid_to: document.getElementById("notice-to").value };
    if (place) { body.place_id = parseInt(place, 10); }
    if (area) { body.area = area; }
    Lotse.api("POST", "/v1/staff/notices", body).then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      Lotse.clearAlert(); Lotse.say(t("notice_added", { id: res.data.id })); loadNotices();
    });
  });
  function defaultWindow(prefix) {
    var now = new Date();
    var from = document.getElementById(prefix + "-from"), to = document.getElementById(prefix + "-to");
    if (!from.value) { from.value = Lotse.localInput(now); }
    if (!to.value) { to.value = Lotse.localInput(new Date(now.getTime() + 7 * 86400000)); }
  }
  Lotse.defaultWindow = defaultWindow;

  var placesLoaded = null;
  Lotse.panels.places = { start: function () { placesLoaded = loadPlaces(); } };
  Lotse.panels.notices = { start: function () { (placesLoaded || loadPlaces()).then(loadNotices); },
                           enter: function () { defaultWindow("notice"); } };
})(window.Lotse);
