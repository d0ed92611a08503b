/* Tester logs (list, download, the replay report shown in the page) and the audit log. */
"use strict";
(function (Lotse) {
  var t = Lotse.t, el = Lotse.el;

  function download(log) {
    Lotse.api("GET", "/v1/staff/logs/" + log.id, null, { blob: true }).then(function (res) {
      if (!res.ok) { Lotse.alert(t("error_status", { status: res.status })); return; }
      var a = el("a", { href: URL.createObjectURL(res.data), download: "triplog-" + log.id + ".jsonl" });
      document.body.appendChild(a); a.click(); a.remove();
    });
  }
  function report(log) {
    var status = document.getElementById("report-status"), frame = document.getElementById("report-frame");
    status.textContent = t("report_running");
    Lotse.api("GET", "/console/api/logs/" + log.id + "/report").then(function (res) {
      if (!res.ok) { status.textContent = Lotse.detail(res); return; }
      frame.srcdoc = res.data; frame.hidden = false;
      status.textContent = t("report_ready", { id: log.id });
      frame.focus();
    });
  }
  function loadLogs() {
    Lotse.api("GET", "/v1/staff/logs?limit=200").then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      var body = document.querySelector("#log-table tbody");
      body.innerHTML = "";
      res.data.forEach(function (log) {
        body.appendChild(Lotse.row([log.id, Lotse.when(log.uploaded_at), log.uploaded_by, log.line_count, el("span", {}, [
          el("button", { type: "button", "class": "secondary", text: t("download"),
                         "aria-label": t("download_log", { id: log.id }), on: function () { download(log); } }),
          el("button", { type: "button", "class": "secondary", text: t("open_report"),
                         "aria-label": t("open_report_of", { id: log.id }), on: function () { report(log); } })])]));
      });
    });
  }

  function changes(entry) {
    if (!entry.before) { return t("audit_created"); }
    return Lotse.changedFields(entry.before, entry.after || {}).join("; ");
  }
  function loadAudit() {
    var entity = document.getElementById("audit-entity").value, id = document.getElementById("audit-id").value.trim();
    var person = document.getElementById("audit-person").value.trim().toLowerCase();
    var query = "?limit=1000" + (entity ? "&entity=" + entity : "") + (/^\d+$/.test(id) ? "&entity_id=" + id : "");
    Lotse.api("GET", "/v1/staff/audit" + query).then(function (res) {
      if (!res.ok) { Lotse.alert(Lotse.detail(res)); return; }
      var rows = res.data.filter(function (a) { return !person || a.actor.toLowerCase().indexOf(person) >= 0; });
      var body = document.querySelector("#audit-table tbody");
      body.innerHTML = "";
      rows.slice(0, 200).forEach(function (a) {
        body.appendChild(Lotse.row([Lotse.when(a.at), a.actor, t("entity_" + a.entity) + " " + a.entity_id,
                                    t("action_" + a.action), changes(a)]));
      });
      document.getElementById("audit-count").textContent = t("count", { n: rows.length });
    });
  }
  document.getElementById("audit-filter").addEventListener("submit", function (e) { e.preventDefault(); loadAudit(); });

  Lotse.panels.logs = { enter: loadLogs };
  Lotse.panels.audit = { enter: loadAudit };
})(window.Lotse);
