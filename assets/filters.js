/*
 * Filter panel, list and page behaviour of Stadtkarte Integration (no external code).
 *
 * The filters are native <button type="button" aria-pressed> toggles inside
 * <fieldset>s (Dash 4 has no html.Input). One delegated click listener keeps
 * aria-pressed in step and writes the selection into the filter store with
 * dash_clientside.set_props; the server's filter callback does the rest.
 * Clientside callbacks (namespace window.dash_clientside.stadtkarte) mirror the
 * view's query string into the URL, set <html lang dir>, and sync the toggles
 * from the store (initial state, reset).
 */
(function () {
  "use strict";
  var FILTER_STORE = "filter-store";
  var LIST_STORE = "list-store";
  var SEARCH = "search";
  var SELECTED = "selected-offer";
  var LISTS = ["categories", "languages", "target_groups", "districts"];
  var PAGE_SIZE = 50;

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function collect() {
    var state = { categories: [], languages: [], target_groups: [], districts: [], barrier_free: false };
    document.querySelectorAll("button[data-filter][aria-pressed='true']").forEach(function (el) {
      var field = el.getAttribute("data-filter");
      if (field === "barrier_free") {
        state.barrier_free = true;
      } else if (state[field]) {
        state[field].push(el.getAttribute("data-value"));
      }
    });
    return state;
  }

  function press(el, on) {
    el.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function currentList() {
    var sortEl = document.querySelector("button[data-sort][aria-pressed='true']");
    return { sort: sortEl ? sortEl.getAttribute("data-sort") : "name", limit: PAGE_SIZE };
  }

  function reset() {
    document.querySelectorAll("button[data-filter]").forEach(function (el) { press(el, false); });
    setProps(SEARCH, { value: "" });
    setProps(FILTER_STORE, { data: collect() });
    var search = document.getElementById(SEARCH);
    if (search) { search.focus(); }
  }

  function showView(which) {
    var main = document.querySelector(".layout-grid");
    if (!main) { return; }
    main.setAttribute("data-view", which);
    document.querySelectorAll("button[data-view]").forEach(function (el) {
      press(el, el.getAttribute("data-view") === which);
    });
    window.dispatchEvent(new Event("resize"));
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("button") : null;
    if (!el) { return; }
    if (el.hasAttribute("data-filter")) {
      press(el, el.getAttribute("aria-pressed") !== "true");
      setProps(FILTER_STORE, { data: collect() });
    } else if (el.hasAttribute("data-sort")) {
      document.querySelectorAll("button[data-sort]").forEach(function (b) { press(b, b === el); });
      setProps(LIST_STORE, { data: currentList() });
    } else if (el.getAttribute("data-action") === "reset") {
      reset();
    } else if (el.getAttribute("data-action") === "more") {
      var list = currentList();
      var shown = document.querySelectorAll("#offer-list li[data-offer-id]").length;
      list.limit = shown + PAGE_SIZE;
      setProps(LIST_STORE, { data: list });
    } else if (el.hasAttribute("data-view")) {
      showView(el.getAttribute("data-view"));
    } else if (el.id === "filter-toggle") {
      var open = el.getAttribute("aria-expanded") !== "true";
      el.setAttribute("aria-expanded", open ? "true" : "false");
      var panel = document.getElementById("filter-panel");
      if (panel) { panel.classList.toggle("collapsed", !open); }
    } else if (el.hasAttribute("data-offer-id")) {
      setProps(SELECTED, { data: el.getAttribute("data-offer-id") });
    }
  });

  /* Parameters the filters do not own (mode=workshop, compare, district_focus, metric, the
     profile's district, ...) are carried along when the address bar or a language link changes. */
  var MANAGED = ["lang", "category", "language", "target", "district", "q", "barrier_free"];
  function withForeignParams(query, keepDistrict) {
    var next = new URLSearchParams(query || "");
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      var owned = MANAGED.indexOf(key) !== -1 && !(keepDistrict && key === "district");
      if (!owned && !next.has(key)) { next.append(key, value); }
    });
    var search = next.toString().replace(/%2C/g, ",");
    return search ? "?" + search : "";
  }

  /* A language link keeps the page's own parameters (e.g. /profile?district=…, mode=workshop). */
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("#lang-switch a[href]") : null;
    if (!link) { return; }
    var url = new URL(link.getAttribute("href"), window.location.href);
    var profile = url.pathname === "/profile";
    link.setAttribute("href", url.pathname + withForeignParams(url.search, profile) + url.hash);
  }, true);

  /* Enter in the search field must not submit anything or reload the page. */
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target && event.target.id === SEARCH) {
      event.preventDefault();
    }
  });

  /* On narrow screens the filter panel starts collapsed. */
  function collapseOnPhone() {
    var toggle = document.getElementById("filter-toggle");
    var panel = document.getElementById("filter-panel");
    if (!toggle || !panel || toggle.hasAttribute("data-ready")) { return; }
    toggle.setAttribute("data-ready", "1");
    if (window.matchMedia("(max-width: 47.99em)").matches) {
      toggle.setAttribute("aria-expanded", "false");
      panel.classList.add("collapsed");
      showView("list");
    }
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.stadtkarte = Object.assign(window.dash_clientside.stadtkarte || {}, {
    /* Mirror the view's query string into the address bar without reloading. */
    syncUrl: function (query) {
      /* parameters the filters do not own stay, so a reload keeps e.g. the workshop mode */
      var url = window.location.pathname + withForeignParams(query, false) + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
      }
      return query || "";
    },
    /* <html lang dir> follow the interface language (also set server-side). */
    setDocumentLang: function (ui) {
      if (ui && ui.lang) {
        document.documentElement.lang = ui.lang;
        document.documentElement.dir = ui.dir || "ltr";
      }
      return ui && ui.lang;
    },
    /* Toggles follow the store (initial state from the URL, reset). */
    syncFilters: function (state) {
      state = state || {};
      document.querySelectorAll("button[data-filter]").forEach(function (el) {
        var field = el.getAttribute("data-filter");
        var on = field === "barrier_free" ? !!state.barrier_free :
          LISTS.indexOf(field) >= 0 && (state[field] || []).indexOf(el.getAttribute("data-value")) >= 0;
        press(el, on);
      });
      collapseOnPhone();
      return "";
    },
    /* Move focus to the detail heading once a selected offer is rendered. */
    focusDetail: function () {
      window.setTimeout(function () {
        var heading = document.getElementById("detail-heading");
        if (heading) { heading.focus(); }
      }, 0);
      return "";
    }
  });
})();
