/*
 * Coverage page, district profile and workshop mode of Stadtkarte Integration (no external code).
 *
 * - ?mode=workshop on any page puts the class "workshop" on <html> and <body>
 *   (large type, high contrast, fewer controls: assets/workshop.css).
 * - Coverage page: the metric radios and district buttons (button[data-district]) write the
 *   page's stores with dash_clientside.set_props;
 *   the server callback re-renders figures and tables.
 * - Keyboard / presentation clicker, in workshop mode only and not from inside form fields,
 *   buttons, links, tables, the map or charts: ArrowRight or PageDown focuses the next district,
 *   ArrowLeft or PageUp the previous one, in the ranking order listed in #cov-order; the new
 *   district is announced in a polite live region (#cov-announce).
 * - Focus returns to the district's button when a re-render removed the focused element.
 * - Workshop notes (#cov-notes) are kept in localStorage per page and focused district.
 * - button[data-action=print] prints the page (district profile).
 * - Single choices (label[data-radio-name], e.g. the metric) get a native <input type=radio>
 *   each (Dash 4 has no html.Input); a change writes the page's store.
 * - The workshop filter bar (select[data-ws-filter]) writes the shared filter store, with the
 *   hidden filter panel's toggles kept in step.
 * - The choropleth (#cov-choropleth) is fitted to its districts in whatever frame it gets (again
 *   on resize), and the district names are written over it as HTML (the offline map style has
 *   no glyphs): both from layout.meta ({bounds, labels}).
 * - Chart SVGs are hidden from the accessibility tree (each chart links to its table). The charts'
 *   tooltips and their Escape key are in assets/chart_tooltip.js (WCAG 1.4.13).
 */
(function () {
  "use strict";
  var METRIC_STORE = "cov-metric";
  var FOCUS_STORE = "cov-focus";
  var FILTER_STORE = "filter-store";
  var CHOROPLETH = "cov-choropleth";
  /* radio group name -> the store its choice is written to */
  var RADIO_STORES = { "cov-metric-choice": METRIC_STORE };
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
    if (el.hasAttribute("data-district")) {
      focusDistrict(el.getAttribute("data-district"));
      announce(districtName(el.getAttribute("data-district")));
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

  /* ---- single choices as native radio groups ---- */
  function upgradeRadios() {
    document.querySelectorAll("label[data-radio-name]").forEach(function (label) {
      var input = label.querySelector("input[type=radio]");
      if (!input) {
        input = document.createElement("input");
        input.type = "radio";
        input.name = label.getAttribute("data-radio-name");
        input.value = label.getAttribute("data-value");
        label.insertBefore(input, label.firstChild);
      }
      /* the server's choice applies when it changes (a re-rendered page), never over the user's click */
      var checked = label.getAttribute("data-checked");
      if (label._seenChecked !== checked) {
        label._seenChecked = checked;
        input.checked = checked === "true";
      }
    });
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el || !el.matches) { return; }
    if (el.matches("input[type=radio]") && RADIO_STORES[el.name] && el.checked) {
      setProps(RADIO_STORES[el.name], { data: el.value });
    } else if (el.matches("select[data-ws-filter]")) {
      applyWorkshopFilter(el.getAttribute("data-ws-filter"), el.value);
    }
  });

  /* ---- the workshop filter bar ---- */
  var FILTER_LISTS = ["categories", "languages", "target_groups", "districts"];
  /* The filter state as the (hidden) filter panel's toggles hold it (as assets/filters.js collects it). */
  function panelState() {
    var state = { categories: [], languages: [], target_groups: [], districts: [], barrier_free: false };
    document.querySelectorAll("button[data-filter][aria-pressed='true']").forEach(function (b) {
      var field = b.getAttribute("data-filter");
      if (field === "barrier_free") { state.barrier_free = true; }
      else if (state[field]) { state[field].push(b.getAttribute("data-value")); }
    });
    return state;
  }
  function applyWorkshopFilter(field, value) {
    if (FILTER_LISTS.indexOf(field) < 0) { return; }
    var chosen = value ? value.split(",") : [];
    document.querySelectorAll("button[data-filter='" + field + "']").forEach(function (b) {
      b.setAttribute("aria-pressed", chosen.indexOf(b.getAttribute("data-value")) >= 0 ? "true" : "false");
    });
    var state = panelState();
    state[field] = chosen;
    setProps(FILTER_STORE, { data: state });
  }

  /* ---- the choropleth: fitted to its districts, names written over it ---- */
  function choroplethMap(gd) {
    var full = gd && gd._fullLayout;
    var subplot = full && full.map && full.map._subplot;
    return subplot && subplot.map ? subplot.map : null;
  }
  /* Fit the map to the districts' bounds (layout.meta.bounds) unless it already shows them so:
     after Plotly redraws with the server's first view, after a resize of the frame. */
  function fitChoropleth(gd, map) {
    var meta = gd.layout && gd.layout.meta;
    var b = meta && meta.bounds;
    if (!b || b.length !== 4 || typeof map.cameraForBounds !== "function") { return; }
    var size = map.getContainer().getBoundingClientRect();
    if (size.width < 20 || size.height < 20) { return; }
    var pad = Math.round(Math.max(8, Math.min(size.width, size.height) * 0.04));
    var camera = map.cameraForBounds([[b[0], b[1]], [b[2], b[3]]], { padding: pad });
    if (!camera) { return; }
    var centre = map.getCenter();
    var target = camera.center && camera.center.lng !== undefined ? camera.center : { lng: camera.center[0], lat: camera.center[1] };
    if (Math.abs(map.getZoom() - camera.zoom) < 0.01 && Math.abs(centre.lng - target.lng) < 1e-5 &&
        Math.abs(centre.lat - target.lat) < 1e-5) { return; }
    map.jumpTo({ center: target, zoom: camera.zoom });
  }
  /* `value` kept so that a box of `size` centred on it stays inside [0, limit] (when it fits). */
  function clamp(value, size, limit) {
    var half = size / 2 + 2;
    return limit > 2 * half ? Math.min(Math.max(value, half), limit - half) : value;
  }
  function placeLabels(map, overlay) {
    var width = overlay.clientWidth, height = overlay.clientHeight;
    for (var i = 0; i < overlay.childNodes.length; i++) {
      var node = overlay.childNodes[i];
      var at = map.project([Number(node.getAttribute("data-lon")), Number(node.getAttribute("data-lat"))]);
      /* a name near the frame's edge is moved in rather than cut off */
      node.style.left = clamp(at.x, node.offsetWidth, width) + "px";
      node.style.top = clamp(at.y, node.offsetHeight, height) + "px";
      node.classList.toggle("is-focus", node.getAttribute("data-district") === focusedDistrict());
    }
  }
  function labelChoropleth(gd, map) {
    var meta = gd.layout && gd.layout.meta;
    var labels = (meta && meta.labels) || [];
    var container = map.getContainer();
    var overlay = container.querySelector(".cov-map-labels");
    if (!overlay || overlay._map !== map) {
      if (overlay) { overlay.remove(); }
      overlay = document.createElement("div");
      overlay.className = "cov-map-labels";
      overlay.setAttribute("aria-hidden", "true");  /* the names are in the table and the focus panel */
      overlay._map = map;
      labels.forEach(function (label) {
        var span = document.createElement("span");
        span.className = "cov-map-label";
        span.textContent = label.name;
        span.setAttribute("data-district", label.id);
        span.setAttribute("data-lon", label.lon);
        span.setAttribute("data-lat", label.lat);
        overlay.appendChild(span);
      });
      container.appendChild(overlay);
      map.on("move", function () { placeLabels(map, overlay); });
      map.on("resize", function () { fitChoropleth(gd, map); placeLabels(map, overlay); });
    }
    placeLabels(map, overlay);
  }
  function setUpChoropleth() {
    var host = document.getElementById(CHOROPLETH);
    var gd = host && (host.classList.contains("js-plotly-plot") ? host : host.querySelector(".js-plotly-plot"));
    var map = gd && choroplethMap(gd);
    if (!map || typeof map.project !== "function") { return; }
    if (!gd._covHooked && typeof gd.on === "function") {
      gd._covHooked = true;
      gd.on("plotly_afterplot", function () { setUpChoropleth(); });
    }
    fitChoropleth(gd, map);
    labelChoropleth(gd, map);
  }

  /* ---- charts: decorative for assistive technology (each links to its table) ---- */
  function hideChartSvgs() {
    document.querySelectorAll(".cov-graph svg.main-svg:not([aria-hidden])").forEach(function (svg) {
      svg.setAttribute("aria-hidden", "true");
    });
    document.querySelectorAll(".cov-graph canvas").forEach(function (canvas) {
      var section = canvas.closest(".cov-figure");
      var heading = section && section.querySelector("h2");
      if (heading && canvas.getAttribute("aria-label") !== heading.textContent) {
        canvas.setAttribute("aria-label", heading.textContent);  /* MapLibre's own label is English "Map" */
      }
    });
  }

  /* A link to a chart's table opens the folded table first. */
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest(".table-link a[href^='#']") : null;
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    var details = target && target.closest("details");
    if (details) { details.open = true; }
  });

  var mutationPending = false;
  function onMutation() {
    restoreFocus();
    loadNotes();
    upgradeRadios();
    if (mutationPending) { return; }
    mutationPending = true;
    window.requestAnimationFrame(function () {
      mutationPending = false;
      hideChartSvgs();
      setUpChoropleth();
    });
  }
  if (window.MutationObserver) {
    new MutationObserver(onMutation).observe(document.documentElement, { childList: true, subtree: true });
  }

  applyMode();
  document.addEventListener("DOMContentLoaded", applyMode);
  /* Dash renders the page after the scripts ran; keep the class when it re-renders <body> children. */
  window.addEventListener("load", applyMode);
})();
