/*
 * Coverage page, district profile and workshop mode of Stadtkarte Integration (no external code).
 *
 * - ?mode=workshop on any page puts the class "workshop" on <html> and <body>
 *   (large type, high contrast, fewer controls: assets/workshop.css).
 * - Coverage page: metric toggles (button[data-cov-metric]) and district buttons
 *   (button[data-district]) write the page's stores with dash_clientside.set_props;
 *   the server callback re-renders figures and tables.
 * - Keyboard / presentation clicker: ArrowRight or PageDown focuses the next district,
 *   ArrowLeft or PageUp the previous one, in the ranking order listed in #cov-order.
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

  document.addEventListener("keydown", function (event) {
    var step = NEXT_KEYS[event.key];
    if (!step || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) { return; }
    if (!document.getElementById("cov-order")) { return; }
    var pending = document.getElementById("cov-focus-panel");
    var base = pending && pending.getAttribute("data-pending");
    if (base && base !== focusedDistrict()) {
      /* a step is still on its way to the server: step on from it */
      var order = districtOrder();
      var i = order.indexOf(base);
      focusDistrict(order[(i + step + order.length) % order.length]);
    } else {
      focusDistrict(stepDistrict(step));
    }
    event.preventDefault();
  });

  applyMode();
  document.addEventListener("DOMContentLoaded", applyMode);
  /* Dash renders the page after the scripts ran; keep the class when it re-renders <body> children. */
  window.addEventListener("load", applyMode);
})();
