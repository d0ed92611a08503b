/* The planner, enhanced: an ARIA combobox for the two places, the route on a map, results
   updated in place (the same HTML the plain form post returns), and a print button. */
"use strict";
(function (Lotse) {
  var form = document.getElementById("plan-form");
  var comboStatus = document.getElementById("combo-status");

  function combobox(root) {
    var input = root.querySelector("[role=combobox]");
    var list = root.querySelector("[role=listbox]");
    var lat = root.querySelector("input[name$=_lat]"), lon = root.querySelector("input[name$=_lon]");
    var items = [], active = -1, timer = null, asked = 0;

    function close() {
      list.hidden = true; input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant"); active = -1;
    }
    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else { input.removeAttribute("aria-activedescendant"); }
    }
    function choose(index) {
      var place = items[index];
      input.value = place.name; lat.value = place.lat; lon.value = place.lon;
      close();
      comboStatus.textContent = Lotse.t("place_chosen", { name: place.name });
    }
    function show(results) {
      items = results; list.innerHTML = "";
      results.forEach(function (place, i) {
        var li = document.createElement("li");
        li.id = input.id + "-option-" + i; li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = place.category ? place.name + " (" + place.category + ")" : place.name;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      var open = results.length > 0;
      list.hidden = !open; input.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
      comboStatus.textContent = open ? Lotse.t("suggestions", { n: results.length })
                                     : Lotse.t("no_suggestions");
    }
    function search() {
      var q = input.value.trim(), mine = ++asked;
      if (q.length < 2) { close(); return; }
      Lotse.fetch("/v1/places/search?limit=8&q=" + encodeURIComponent(q))
        .then(function (r) { if (!r.ok) { throw new Error(); } return r.json(); })
        .then(function (data) { if (mine === asked) { show(data.results); } })
        .catch(function () { comboStatus.textContent = Lotse.t("search_failed"); });
    }
    input.addEventListener("input", function () {
      lat.value = ""; lon.value = "";  // typed text no longer matches the chosen place
      clearTimeout(timer); timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { search(); return; }
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault(); highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault(); close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function drawRoute() {
    var el = document.getElementById("route-map");
    var printButton = document.getElementById("print-button");
    if (printButton) {
      printButton.hidden = false;
      printButton.addEventListener("click", function () { window.print(); });
    }
    if (!el) { return; }
    var data = JSON.parse(el.getAttribute("data-route"));
    var map = Lotse.createMap(el);
    var points = Lotse.latLngs(data.geometry);
    var routeLayer = L.featureGroup().addTo(map);
    var line = Lotse.drawRoute(routeLayer, points, false);
    L.circleMarker(points[0], { radius: 9, color: "#1b5e20", fillOpacity: 1, interactive: false }).addTo(routeLayer);
    L.circleMarker(points[points.length - 1], { radius: 9, color: "#a4161a", fillOpacity: 1,
                                                interactive: false }).addTo(routeLayer);
    map.fitBounds(line.getBounds(), { padding: [30, 30] });
    Lotse.addNetwork(map, false).then(function () { routeLayer.eachLayer(function (l) { l.bringToFront(); }); });
  }

  document.querySelectorAll("[data-combo]").forEach(combobox);
  drawRoute();

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var region = document.getElementById("result-region");
    comboStatus.textContent = Lotse.t("planning");
    Lotse.fetch("/", { method: "POST", body: new FormData(form), headers: { "X-Lotse-Partial": "1" } })
      .then(function (r) {  // the planner answers in HTML, errors included; JSON is the server's
        if ((r.headers.get("content-type") || "").indexOf("text/html") < 0) { throw new Error(); }
        return r.text();
      })
      .then(function (html) {
        region.innerHTML = html;
        var link = document.getElementById("route-link");
        if (link) {
          var href = link.getAttribute("href"), lang = document.documentElement.lang;
          history.replaceState(null, "", href);
          var other = document.querySelector(".site-header a[hreflang]");  // same route, other language
          other.setAttribute("href", href.replace("lang=" + lang, "lang=" + other.getAttribute("hreflang")));
        }
        drawRoute();
        comboStatus.textContent = "";
        document.getElementById("result").focus();
      })
      .catch(function () { comboStatus.textContent = Lotse.t("request_failed"); });
  });
})(window.Lotse);
