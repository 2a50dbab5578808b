/*
 * Chart tooltips that stay while the pointer is on them (WCAG 1.4.13), for Stadtkarte Integration.
 * Classic script, no external code; Dash loads it on every page.
 *
 * Plotly draws its hover label in the chart's SVG hover layer, which follows the pointer over the
 * plot area only: the label vanished as soon as the pointer moved onto it. Traces that carry their
 * tooltip text in `hovertext` and set `hoverinfo: "none"` (dashboard/coverage/figures.py) draw no
 * label but still fire plotly_hover / plotly_unhover / plotly_click. For them this script:
 *
 * - shows the hovered point's text (built on the server, in the page's language) in one element
 *   with role="tooltip", next to the pointer on the reading side (right of it in left-to-right
 *   pages, left of it in right-to-left pages; the other side when there is no room), inside the
 *   viewport;
 * - keeps it while the pointer is on the point or on the tooltip (hoverable, persistent) and hides
 *   it a moment (GRACE_MS) after the pointer left both;
 * - closes it with Escape (dismissable), and with it any label Plotly drew itself on another chart:
 *   this is the one Escape handler for charts. A dismissed tooltip comes back only when the pointer
 *   has left the point;
 * - sets the text as text, never as HTML: only Plotly's "<br>" line breaks become <br> elements.
 *
 * Graphs are re-rendered by Dash callbacks (and purged on page changes), so every graph is bound
 * again whenever Plotly gave it a new event emitter (watched with a MutationObserver).
 */
(function () {
  "use strict";
  /* how long the tooltip stays after the pointer left the point and the tooltip (ms) */
  var GRACE_MS = 400;
  /* distance between the pointer (or the point) and the tooltip (px) */
  var GAP_PX = 8;
  /* least distance between the tooltip and the viewport's edges (px) */
  var EDGE_PX = 8;
  var BREAK = /<br\s*\/?>/i;

  /* The one tooltip of the page and what it shows (closure state, reset by hide()); `onPoint`: Plotly
     still counts the point as hovered (it sends no plotly_unhover while the pointer is on the tooltip). */
  var tip = { el: null, gd: null, key: null, timer: null, overTip: false, onPoint: false, dismissed: null };

  function isRtl() {
    var dir = document.documentElement.getAttribute("dir") || window.getComputedStyle(document.documentElement).direction;
    return dir === "rtl";
  }

  /* ---- which text, for which point ---- */

  /* The tooltip text of a plotly_hover point, or null when its trace draws its own label. */
  function pointText(pt) {
    var full = pt && pt.fullData;
    if (!full || full.hoverinfo !== "none") { return null; }
    var value = (pt.data && pt.data.hovertext !== undefined) ? pt.data.hovertext : full.hovertext;
    var index = pt.pointNumber !== undefined ? pt.pointNumber : pt.pointIndex;
    var path = Array.isArray(index) ? index : [index];
    for (var i = 0; i < path.length && Array.isArray(value); i++) {
      value = typeof path[i] === "number" ? value[path[i]] : undefined;
    }
    return typeof value === "string" && value.length > 0 ? value : null;
  }

  /* An id of a hovered point (trace and point number) that survives Plotly's new event objects. */
  function pointKey(pt) {
    var index = pt.pointNumber !== undefined ? pt.pointNumber : pt.pointIndex;
    return String(pt.curveNumber) + ":" + (Array.isArray(index) ? index.join(",") : String(index));
  }

  /* Lines of `text` as text nodes and <br> elements in `el` (never parsed as HTML). */
  function setText(el, text) {
    while (el.firstChild) { el.removeChild(el.firstChild); }
    text.split(BREAK).forEach(function (line, i) {
      if (i > 0) { el.appendChild(document.createElement("br")); }
      el.appendChild(document.createTextNode(line));
    });
  }

  /* ---- where ---- */

  /* The box next to which the tooltip goes, in viewport pixels: the pointer, else the graph's middle. */
  function anchorOf(gd, data) {
    var ev = data && data.event;
    /* a mouse event on SVG charts; MapLibre's own event object (map traces) wraps the browser's */
    var mouse = ev && typeof ev.clientX === "number" ? ev : ev && ev.originalEvent;
    if (mouse && typeof mouse.clientX === "number" && typeof mouse.clientY === "number") {
      return { left: mouse.clientX, right: mouse.clientX, top: mouse.clientY, bottom: mouse.clientY };
    }
    /* no pointer (a hover set by code): next to the graph's middle */
    var r = gd.getBoundingClientRect();
    var cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
    return { left: cx, right: cx, top: cy, bottom: cy };
  }

  /* `value` moved into [low, high] (to `low` when the range is empty). */
  function clamp(value, low, high) {
    return Math.max(low, Math.min(value, high));
  }

  /* The tooltip's left and top (viewport pixels) for a tooltip of `width` x `height` next to `anchor`:
     beside it on the reading side, else on the other side, else (a narrow screen) below or above it,
     never over the pointer where a click on the point would land on the tooltip. */
  function placement(anchor, width, height, viewWidth, viewHeight, rtl) {
    var after = anchor.right + GAP_PX;             /* right of the anchor */
    var before = anchor.left - GAP_PX - width;     /* left of the anchor */
    var fitsAfter = after + width <= viewWidth - EDGE_PX;
    var fitsBefore = before >= EDGE_PX;
    var maxLeft = viewWidth - EDGE_PX - width, maxTop = viewHeight - EDGE_PX - height;
    if (fitsAfter || fitsBefore) {
      var left = rtl ? (fitsBefore ? before : after) : (fitsAfter ? after : before);
      return { left: left, top: clamp((anchor.top + anchor.bottom) / 2 - height / 2, EDGE_PX, maxTop) };
    }
    var below = anchor.bottom + GAP_PX, above = anchor.top - GAP_PX - height;
    return {
      left: clamp((anchor.left + anchor.right) / 2 - width / 2, EDGE_PX, maxLeft),
      top: below + height <= viewHeight - EDGE_PX || above < EDGE_PX ? clamp(below, EDGE_PX, maxTop) : above
    };
  }

  function place(el, anchor) {
    el.style.left = "0px";
    el.style.top = "0px";
    var root = document.documentElement;
    var at = placement(anchor, el.offsetWidth, el.offsetHeight, root.clientWidth, root.clientHeight, isRtl());
    el.style.left = Math.round(at.left + window.scrollX) + "px";
    el.style.top = Math.round(at.top + window.scrollY) + "px";
  }

  /* ---- showing and hiding ---- */

  function cancelHide() {
    if (tip.timer !== null) { window.clearTimeout(tip.timer); tip.timer = null; }
  }

  function hide() {
    cancelHide();
    tip.gd = null;
    tip.key = null;
    tip.overTip = false;
    tip.onPoint = false;
    if (tip.el) { tip.el.hidden = true; }
  }

  /* Hide after the grace period unless the pointer is (again) on the tooltip or a point by then. */
  function hideSoon() {
    cancelHide();
    tip.timer = window.setTimeout(function () {
      tip.timer = null;
      if (!tip.overTip) { hide(); }
    }, GRACE_MS);
  }

  function tooltipElement() {
    if (tip.el && tip.el.isConnected) { return tip.el; }
    var el = document.createElement("div");
    el.className = "chart-tooltip";
    el.id = "chart-tooltip";
    el.setAttribute("role", "tooltip");
    el.hidden = true;
    el.addEventListener("mouseenter", function () { tip.overTip = true; cancelHide(); });
    el.addEventListener("mouseleave", function (event) {
      tip.overTip = false;
      var to = event.relatedTarget;
      if (tip.gd && to && tip.gd.contains(to)) {
        /* back onto the graph while Plotly still counts the point as hovered: Plotly tells whether the
           pointer is on the point again (nothing changes), on another (plotly_hover) or on none (unhover) */
        if (!tip.onPoint) { hideSoon(); }
      } else if (tip.gd) {
        leaveGraph(tip.gd);
      } else {
        hideSoon();
      }
    });
    document.body.appendChild(el);
    tip.el = el;
    return el;
  }

  function show(gd, data) {
    var pt = data && data.points && data.points[0];
    var text = pointText(pt);
    if (text === null) { return; }
    var key = pointKey(pt);
    if (tip.dismissed && tip.dismissed.gd === gd && tip.dismissed.key === key) { return; }  /* Escape'd: stays closed */
    tip.dismissed = null;
    cancelHide();
    var el = tooltipElement();
    setText(el, text);
    el.hidden = false;
    place(el, anchorOf(gd, data));
    tip.gd = gd;
    tip.key = key;
    tip.onPoint = true;
  }

  function onUnhover(gd) {
    tip.dismissed = null;  /* the pointer left the point: hovering it again shows the tooltip again */
    if (tip.gd === gd) {
      tip.onPoint = false;
      if (!tip.overTip) { hideSoon(); }
    }
  }

  /* The pointer left the graph, and not for the tooltip. Plotly's map traces keep the point hovered
     then (no plotly_unhover, so no new plotly_hover when the pointer comes back): end the hover. */
  function leaveGraph(gd) {
    if (tip.dismissed && tip.dismissed.gd === gd) { tip.dismissed = null; }  /* it left the point too */
    try { if (window.Plotly && window.Plotly.Fx) { window.Plotly.Fx.unhover(gd); } } catch (e) { /* being redrawn */ }
    if (tip.gd === gd) {
      tip.onPoint = false;
      if (!tip.overTip) { hideSoon(); }
    }
  }

  /* Escape: close our tooltip (it stays closed while the pointer stays on the point) and any label
     Plotly drew itself (charts whose traces do not use this tooltip). */
  function closePlotlyLabels() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      var layer = gd.querySelector(".hoverlayer");
      if (!layer || !layer.firstChild) { return; }
      try { window.Plotly.Fx.unhover(gd); } catch (e) { /* a graph being redrawn: nothing to close */ }
      while (layer.firstChild) { layer.removeChild(layer.firstChild); }
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    if (tip.el && !tip.el.hidden) {
      tip.dismissed = { gd: tip.gd, key: tip.key };
      hide();
    }
    if (window.Plotly && window.Plotly.Fx) {
      closePlotlyLabels();
      /* a redraw already under way may draw a label again: close it once more after it */
      window.setTimeout(closePlotlyLabels, 250);
    }
  });

  window.addEventListener("resize", function () { if (tip.gd) { hide(); } });
  /* a chart's scrolling frame (.graph-scroll on narrow screens) moved the point away from the tooltip;
     the page's own scrolling moves both alike */
  document.addEventListener("scroll", function (event) {
    var box = event.target;
    if (tip.gd && box && box !== document && box.contains && box.contains(tip.gd)) { hide(); }
  }, true);

  /* ---- binding every graph (again after Dash re-created or Plotly purged it) ---- */

  function bind(gd) {
    if (!gd._chartTooltipLeave) {  /* a DOM listener: stays through Plotly's purges */
      gd._chartTooltipLeave = true;
      gd.addEventListener("mouseleave", function (event) {
        var to = event.relatedTarget;
        if (tip.el && to && tip.el.contains(to)) { return; }  /* on its way onto the tooltip */
        leaveGraph(gd);
      });
    }
    if (!gd._ev || gd._chartTooltipEv === gd._ev || typeof gd.on !== "function") { return; }
    gd._chartTooltipEv = gd._ev;
    gd.on("plotly_hover", function (data) { show(gd, data); });
    gd.on("plotly_unhover", function () { onUnhover(gd); });
    /* redrawn with new data, zoomed or panned: the point may be elsewhere or gone */
    gd.on("plotly_afterplot", function () { if (tip.gd === gd) { hide(); } });
    gd.on("plotly_relayout", function () { if (tip.gd === gd) { hide(); } });
  }

  var scanPending = false;
  function scan() {
    scanPending = false;
    document.querySelectorAll(".js-plotly-plot").forEach(bind);
    if (tip.gd && !tip.gd.isConnected) { hide(); }  /* its graph left the page */
  }
  function scanSoon() {
    if (scanPending) { return; }
    scanPending = true;
    window.requestAnimationFrame(scan);
  }
  if (window.MutationObserver) {
    new MutationObserver(scanSoon).observe(document.documentElement, { childList: true, subtree: true });
  }
  document.addEventListener("DOMContentLoaded", scanSoon);
  window.addEventListener("load", scanSoon);
})();
