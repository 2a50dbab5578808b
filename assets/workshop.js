/*
 * Coverage page, district profile and workshop mode of Stadtkarte Integration (no external code).
 *
 * - ?mode=workshop on any page puts the class "workshop" on <html> and <body>
 *   (large type, high contrast, fewer controls: assets/workshop.css).
 * - Coverage page: metric toggles (button[data-cov-metric]) and district buttons
 *   (button[data-district]) write the page's stores with dash_clientside.set_props;
 *   the server callback re-renders figures and tables.
 * - Keyboard / presentation clicker, in workshop mode only and not from inside form fields,
 *   buttons, links, tables, the map or charts: ArrowRight or PageDown focuses the next district,
 *   ArrowLeft or PageUp the previous one, in the ranking order listed in #cov-order; the new
 *   district is announced in a polite live region (#cov-announce).
 * - Focus returns to the district's button when a re-render removed the focused element.
 * - Workshop notes (#cov-notes) are kept in localStorage per page and focused district.
 * - button[data-action=print] prints the page (district profile).
 */
(function () {
  "use strict";
  var METRIC_STORE = "cov-metric";
  var FOCUS_STORE = "cov-focus";
  var NEXT_KEYS = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function isWorkshop() {
    return new URLSearchParams(window.location.search).get("mode") === "workshop";
  }

  function applyMode() {
    var on = isWorkshop() || document.documentElement.classList.contains("workshop");
    document.documentElement.classList.toggle("workshop", on);
    if (document.body) { document.body.classList.toggle("workshop", on); }
  }

  function focusedDistrict() {
    var panel = document.getElementById("cov-focus-panel");
    return panel ? panel.getAttribute("data-district") || null : null;
  }

  function districtOrder() {
    var el = document.getElementById("cov-order");
    var text = el ? el.getAttribute("data-order") || "" : "";
    return text.split(" ").filter(function (s) { return s.length > 0; });
  }

  /* The district `step` places after the focused one (wrapping; the first when none). */
  function stepDistrict(step) {
    var order = districtOrder();
    if (!order.length) { return null; }
    var current = focusedDistrict();
    var i = order.indexOf(current);
    if (i < 0) { return step >= 0 ? order[0] : order[order.length - 1]; }
    return order[(i + step + order.length) % order.length];
  }

  function focusDistrict(id) {
    if (!id) { return; }
    var panel = document.getElementById("cov-focus-panel");
    if (panel) { panel.setAttribute("data-pending", id); }
    setProps(FOCUS_STORE, { data: id });
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("button") : null;
    if (!el) { return; }
    if (el.hasAttribute("data-cov-metric")) {
      document.querySelectorAll("button[data-cov-metric]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === el ? "true" : "false");
      });
      setProps(METRIC_STORE, { data: el.getAttribute("data-cov-metric") });
    } else if (el.hasAttribute("data-district")) {
      focusDistrict(el.getAttribute("data-district"));
    } else if (el.getAttribute("data-action") === "print") {
      window.print();
    }
  });

  /* Keys step districts only in workshop mode and never from where they already mean something
     (form fields, buttons, links, tables, the map, charts, radios): there they scroll or move as usual. */
  var OWN_KEYS = "input, textarea, select, button, a[href], table, [role=radiogroup], [role=radio], " +
    "[role=application], [contenteditable=true], .js-plotly-plot, .dash-graph, .maplibregl-map, #map";

  function stepsDistricts(event) {
    if (!NEXT_KEYS[event.key] || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return false; }
    if (!document.documentElement.classList.contains("workshop") && !isWorkshop()) { return false; }
    if (!document.getElementById("cov-order")) { return false; }
    var target = event.target;
    return !(target && target.closest && target.closest(OWN_KEYS));
  }

  /* A polite live region announcing the newly focused district (created once). */
  function announce(text) {
    var region = document.getElementById("cov-announce");
    if (!region) {
      region = document.createElement("div");
      region.id = "cov-announce";
      region.className = "visually-hidden";
      region.setAttribute("aria-live", "polite");
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    region.textContent = text;
  }

  function districtName(id) {
    var button = document.querySelector("button[data-district='" + id + "']");
    return button ? button.textContent.replace("\u25b6", "").trim() : id;
  }

  document.addEventListener("keydown", function (event) {
    if (!stepsDistricts(event)) { return; }
    var step = NEXT_KEYS[event.key];
    var pending = document.getElementById("cov-focus-panel");
    var base = pending && pending.getAttribute("data-pending");
    var next;
    if (base && base !== focusedDistrict()) {
      /* a step is still on its way to the server: step on from it */
      var order = districtOrder();
      var i = order.indexOf(base);
      next = order[(i + step + order.length) % order.length];
    } else {
      next = stepDistrict(step);
    }
    focusDistrict(next);
    if (next) { announce(districtName(next)); }
    event.preventDefault();
  });

  /* Focus must not fall to <body> when Dash re-renders the district that had it: put it back on
     the same district's button (or the focus panel). */
  var lastDistrict = null;
  document.addEventListener("focusin", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("button[data-district]") : null;
    lastDistrict = el ? el.getAttribute("data-district") : null;
  });
  document.addEventListener("mousedown", function (event) {
    if (!(event.target && event.target.closest && event.target.closest("button[data-district]"))) { lastDistrict = null; }
  });
  function restoreFocus() {
    if (!lastDistrict || (document.activeElement && document.activeElement !== document.body)) { return; }
    var again = document.querySelector("#cov-tables button[data-district='" + lastDistrict + "']") ||
      document.querySelector("button[data-district='" + lastDistrict + "']");
    if (again) { again.focus({ preventScroll: true }); }
  }

  /* Workshop notes survive a reload: kept in localStorage per page and focused district. */
  var NOTES_ID = "cov-notes";
  var notesKey = null;
  function currentNotesKey() {
    return "stadtkarte:notes:" + window.location.pathname + ":" + (focusedDistrict() || "-");
  }
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  document.addEventListener("input", function (event) {
    if (!event.target || event.target.id !== NOTES_ID || !notesKey) { return; }
    var store = storage();
    if (store) {
      try { store.setItem(notesKey, event.target.value); } catch (e) { /* full or blocked: notes stay on the page */ }
    }
  });
  function loadNotes() {
    var area = document.getElementById(NOTES_ID);
    if (!area) { notesKey = null; return; }
    var key = currentNotesKey();
    if (key === notesKey) { return; }
    notesKey = key;
    var store = storage();
    var saved = store ? store.getItem(key) : null;
    if (saved !== null && saved !== area.value) {
      setProps(NOTES_ID, { value: saved });
    } else if (saved === null && area.value) {
      setProps(NOTES_ID, { value: "" });
    }
  }

  function onMutation() {
    restoreFocus();
    loadNotes();
  }
  if (window.MutationObserver) {
    new MutationObserver(onMutation).observe(document.documentElement, { childList: true, subtree: true });
  }

  applyMode();
  document.addEventListener("DOMContentLoaded", applyMode);
  /* Dash renders the page after the scripts ran; keep the class when it re-renders <body> children. */
  window.addEventListener("load", applyMode);
})();
