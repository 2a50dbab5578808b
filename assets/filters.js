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
 *
 * History (issue 12): every filter change, sort change and selected offer is a new
 * history entry (pushState), so Back undoes it; popstate puts the filters, the search,
 * the sort (sort=) and the selected offer (offer=) of that entry back in place.
 *
 * Keyboard (issue 13, WCAG 2.1.1/2.4.3): each chip group ([data-roving]) and each radio group
 * (sort, view: role=radiogroup of role=radio buttons) is one Tab stop with a roving tabindex;
 * the arrow keys, Home and End move inside (mirrored in right-to-left pages), and in a radio
 * group they also select. The detail panel closes with its button or Escape, and focus goes
 * back to the offer it was opened from; after "more", focus moves to the first new offer.
 * The filter panel can be hidden on every screen (not kept in the URL: a shared link shows it).
 */
(function () {
  "use strict";
  var FILTER_STORE = "filter-store";
  var LIST_STORE = "list-store";
  var SEARCH = "search";
  var SELECTED = "selected-offer";
  var LISTS = ["categories", "languages", "target_groups", "districts"];
  var PAGE_SIZE = 50;
  /* the offer shown in the detail panel (mirrors the selected-offer store; the page starts with the URL's) */
  var selectedOffer = new URLSearchParams(window.location.search).get("offer") || null;

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  /* The elements of Dash's page matching ``selector`` (not those of the server's first view). */
  function pageAll(selector) {
    return Array.prototype.filter.call(document.querySelectorAll(selector), function (el) {
      return !el.closest("#first-view");
    });
  }

  function collect() {
    var state = { categories: [], languages: [], target_groups: [], districts: [], barrier_free: false, confirmed: false };
    pageAll("button[data-filter][aria-pressed='true']").forEach(function (el) {
      var field = el.getAttribute("data-filter");
      if (field === "barrier_free" || field === "confirmed") {
        state[field] = true;
      } else if (state[field]) {
        state[field].push(el.getAttribute("data-value"));
      }
    });
    return state;
  }

  function press(el, on) {
    el.setAttribute("aria-pressed", on ? "true" : "false");
  }

  /* Check the radio ``el`` of its group (the others unchecked); it takes the group's Tab stop. */
  function check(selector, el) {
    var scope = el && el.closest("#first-view");
    (scope ? scope.querySelectorAll(selector) : pageAll(selector)).forEach(function (b) {
      var on = b === el;
      b.setAttribute("aria-checked", on ? "true" : "false");
      b.tabIndex = on ? 0 : -1;
    });
  }

  function currentList() {
    var sortEl = pageAll("button[data-sort][aria-checked='true']")[0];
    return { sort: sortEl ? sortEl.getAttribute("data-sort") : "name", limit: PAGE_SIZE };
  }

  /* Set (or with an empty value remove) one parameter of the address bar as a new history entry. */
  function pushParam(name, value) {
    var params = new URLSearchParams(window.location.search);
    if (value) { params.set(name, value); } else { params.delete(name); }
    var search = params.toString().replace(/%2C/g, ",");
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.pushState({stadtkarte: true}, "", url);
    }
  }

  /* True when two query strings hold the same parameters (order aside). */
  function sameParams(a, b) {
    function key(text) {
      var pairs = [];
      new URLSearchParams(text || "").forEach(function (value, name) { pairs.push(name + "=" + value); });
      return pairs.sort().join("&");
    }
    return key(a) === key(b);
  }

  /* Toggles pressed as in the filter state ``state``. */
  function pressFromState(state) {
    state = state || {};
    pageAll("button[data-filter]").forEach(function (el) {
      var field = el.getAttribute("data-filter");
      var on = (field === "barrier_free" || field === "confirmed") ? !!state[field] :
        LISTS.indexOf(field) >= 0 && (state[field] || []).indexOf(el.getAttribute("data-value")) >= 0;
      press(el, on);
    });
  }

  /* The URL's own filter state (the same parameters as dashboard.filters.to_query). */
  function stateFromUrl(search) {
    var params = new URLSearchParams(search);
    function list(name) {
      var raw = params.get(name);
      return raw ? raw.split(",").filter(function (v) { return v; }) : [];
    }
    var flag = (params.get("barrier_free") || "").toLowerCase();
    var confirmed = (params.get("confirmed") || "").toLowerCase();
    return {
      categories: list("category"),
      languages: list("language"),
      target_groups: list("target"),
      districts: list("district"),
      barrier_free: ["1", "true", "yes", "ja", "on"].indexOf(flag) >= 0,
      confirmed: ["1", "true", "yes", "ja", "on"].indexOf(confirmed) >= 0
    };
  }

  /* Back/Forward on the map page: the view of that history entry is put back here, in place.
     This listener is registered before Dash Pages' location component (assets load first) and
     stops it: its re-render of the whole page would rebuild the map and leave the toggles'
     pressed state (set by this script) as it was. Other pages are left to Dash Pages. */
  window.addEventListener("popstate", function (event) {
    if (window.location.pathname !== "/" || !document.getElementById("offer-list")) { return; }
    var params = new URLSearchParams(window.location.search);
    if ((params.get("lang") || "de") !== (document.documentElement.lang || "de")) {
      window.location.reload();
      return;
    }
    event.stopImmediatePropagation();
    /* set only what differs: every change is a round trip and a map redraw */
    var q = params.get("q") || "";
    var input = document.getElementById(SEARCH);
    if (input && input.value !== q) {
      input.value = q;
      setProps(SEARCH, { value: q });
    }
    var state = stateFromUrl(window.location.search);
    if (JSON.stringify(collect()) !== JSON.stringify(state)) {
      pressFromState(state);
      setProps(FILTER_STORE, { data: collect() });
    }
    var sort = params.get("sort") === "district" ? "district" : "name";
    if (currentList().sort !== sort) {
      check("button[data-sort]", document.querySelector("button[data-sort='" + sort + "']"));
      setProps(LIST_STORE, { data: { sort: sort, limit: PAGE_SIZE } });
    }
    var offer = params.get("offer") || null;
    if (offer !== selectedOffer) {
      selectedOffer = offer;
      setProps(SELECTED, { data: offer });
    }
  });

  function reset() {
    pageAll("button[data-filter]").forEach(function (el) { press(el, false); });
    setProps(SEARCH, { value: "" });
    setProps(FILTER_STORE, { data: collect() });
    var search = document.getElementById(SEARCH);
    if (search) { search.focus(); }
  }

  function showView(which) {
    var main = document.querySelector(".layout-grid");
    if (!main) { return; }
    main.setAttribute("data-view", which);
    check("button[data-view]", document.querySelector("button[data-view='" + which + "']"));
    window.dispatchEvent(new Event("resize"));
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("button") : null;
    if (!el) { return; }
    if (el.closest("#" + FIRST_VIEW)) {
      firstViewClick(el);
      return;
    }
    if (el.hasAttribute("data-filter")) {
      press(el, el.getAttribute("aria-pressed") !== "true");
      setProps(FILTER_STORE, { data: collect() });
    } else if (el.hasAttribute("data-sort")) {
      if (el.getAttribute("aria-checked") === "true") { return; }
      check("button[data-sort]", el);
      setProps(LIST_STORE, { data: currentList() });
      var sortKey = el.getAttribute("data-sort");
      pushParam("sort", sortKey === "name" ? "" : sortKey);
    } else if (el.getAttribute("data-action") === "reset") {
      reset();
    } else if (el.getAttribute("data-action") === "suggest") {
      var suggested = el.getAttribute("data-q") || "";
      var input = document.getElementById(SEARCH);
      if (input) { input.value = suggested; }
      setProps(SEARCH, { value: suggested });
    } else if (el.getAttribute("data-action") === "more") {
      var list = currentList();
      var shown = document.querySelectorAll("#offer-list li[data-offer-id]").length;
      list.limit = shown + PAGE_SIZE;
      focusAfterMore = shown;
      setProps(LIST_STORE, { data: list });
    } else if (el.getAttribute("data-action") === "close-detail") {
      closeDetail();
    } else if (el.hasAttribute("data-view")) {
      showView(el.getAttribute("data-view"));
    } else if (el.id === "filter-toggle") {
      var open = el.getAttribute("aria-expanded") !== "true";
      el.setAttribute("aria-expanded", open ? "true" : "false");
      var panel = document.getElementById("filter-panel");
      if (panel) { panel.classList.toggle("collapsed", !open); }
    } else if (el.hasAttribute("data-offer-id")) {
      returnTo = el.getAttribute("data-offer-id");
      setProps(SELECTED, { data: el.getAttribute("data-offer-id") });
    }
  });

  /* ---- the server-rendered first view (#first-view) before Dash's page has started ---- */

  /* A tap in the first view (dashboard/map/prerender.py) changes only the first view; when Dash's
     page takes over, handOver carries the result across: filters, search text, sort, the open filter
     panel, "more", a chosen offer and the focus. So nothing a resident did while the page was still
     starting is lost (the view switch: the first view's inline script and collapseOnPhone). */
  var FIRST_VIEW = "first-view";
  var early = { offer: null, more: 0 };

  function firstViewClick(el) {
    var copy = document.getElementById(FIRST_VIEW);
    if (el.hasAttribute("data-filter")) {
      press(el, el.getAttribute("aria-pressed") !== "true");
    } else if (el.hasAttribute("data-sort")) {
      check("button[data-sort]", el);
    } else if (el.getAttribute("data-action") === "reset") {
      copy.querySelectorAll("button[data-filter]").forEach(function (b) { press(b, false); });
      var typed = copy.querySelector("input[type='search']");
      if (typed) { typed.value = ""; }
    } else if (el.getAttribute("data-action") === "more") {
      early.more += 1;
      el.setAttribute("aria-busy", "true");
    } else if (el.classList.contains("filter-toggle")) {
      var open = el.getAttribute("aria-expanded") !== "true";
      el.setAttribute("aria-expanded", open ? "true" : "false");
      var panel = copy.querySelector(".filter-panel");
      if (panel) {
        panel.classList.toggle("collapsed", !open);
        panel.classList.toggle("open", open);
      }
    } else if (el.hasAttribute("data-offer-id")) {
      early.offer = el.getAttribute("data-offer-id");
      el.setAttribute("aria-busy", "true");
    }
  }

  /* Dash's element that stands for ``el`` of the first view (same data attributes, or its id
     without the first view's prefix). */
  function twinOf(el) {
    var root = document.getElementById("react-entry-point");
    if (!el || !root) { return null; }
    var keys = ["data-filter", "data-value", "data-sort", "data-view", "data-offer-id", "data-action"];
    var selector = keys.filter(function (k) { return el.hasAttribute(k); }).map(function (k) {
      return "[" + k + "='" + CSS.escape(el.getAttribute(k)) + "']";
    }).join("");
    if (selector) { return root.querySelector(el.tagName.toLowerCase() + selector); }
    var href = el.tagName === "A" ? el.getAttribute("href") || "" : "";
    if (href) {  /* e.g. the skip link to #fv-offer-list is Dash's link to #offer-list */
      return root.querySelector("a[href='" + CSS.escape(href.replace(/^#fv-/, "#")) + "']");
    }
    return el.id && el.id.indexOf("fv-") === 0 ? document.getElementById(el.id.slice(3)) : null;
  }

  function handOver(copy, focused) {
    var changed = false;
    copy.querySelectorAll("button[data-filter]").forEach(function (b) {
      var twin = twinOf(b);
      if (twin && twin.getAttribute("aria-pressed") !== b.getAttribute("aria-pressed")) {
        press(twin, b.getAttribute("aria-pressed") === "true");
        changed = true;
      }
    });
    var typed = copy.querySelector("input[type='search']");
    var search = document.getElementById(SEARCH);
    if (typed && search && typed.value !== search.value) {
      search.value = typed.value;
      setProps(SEARCH, { value: typed.value });
    }
    if (changed) { setProps(FILTER_STORE, { data: collect() }); }
    var sorted = twinOf(copy.querySelector("button[data-sort][aria-checked='true']"));
    if (sorted && sorted.getAttribute("aria-checked") !== "true") { sorted.click(); }
    var copyToggle = copy.querySelector(".filter-toggle");
    var toggle = twinOf(copyToggle);
    if (toggle && toggle.getAttribute("aria-expanded") !== copyToggle.getAttribute("aria-expanded")) {
      toggle.click();
    }
    if (early.more && !changed) {
      var list = currentList();
      list.limit = PAGE_SIZE * (1 + early.more);
      setProps(LIST_STORE, { data: list });
    }
    if (early.offer) {
      returnTo = early.offer;
      setProps(SELECTED, { data: early.offer });
    }
    var target = twinOf(focused);
    if (target) { target.focus({ preventScroll: true }); }
    early = { offer: null, more: 0 };
  }

  window.stadtkarteFilters = { handOver: handOver };

  /* ---- keyboard: roving tabindex in chip and radio groups, Escape closes the detail ---- */

  /* index of the list item after "more" that takes focus once the list is rendered (null: none) */
  var focusAfterMore = null;
  /* the offer whose detail is open (list button to return to), or a map selection */
  var returnTo = null;
  var closing = false;

  function closeDetail() {
    returnTo = returnTo || selectedOffer;
    closing = true;
    setProps(SELECTED, { data: null });
  }

  /* Focus the offer the detail was opened from: its list entry, else its button in the map's group
     list, else the map, else the list (an offer opened from the URL returns to its list entry). */
  function focusReturnTarget() {
    var id = returnTo || selectedOffer;
    var sel = id ? "button[data-offer-id='" + CSS.escape(id) + "']" : null;
    var target = sel ? document.querySelector("#offer-list " + sel) || document.querySelector("#map-group " + sel) : null;
    target = target || document.getElementById("offer-map") || document.getElementById("offer-list");
    if (target) {
      if (!target.matches("button, a, [tabindex]")) { target.tabIndex = -1; }
      target.focus();
    }
  }

  function groupOf(el) {
    return el.closest("[data-roving], [role='radiogroup']");
  }

  function moveInGroup(el, key) {
    var group = groupOf(el);
    if (!group) { return false; }
    var items = Array.prototype.slice.call(group.querySelectorAll("button"));
    var i = items.indexOf(el);
    var rtl = getComputedStyle(group).direction === "rtl";
    var next = { ArrowDown: 1, ArrowUp: -1, ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[key];
    var to = key === "Home" ? 0 : key === "End" ? items.length - 1 :
      next === undefined ? -1 : (i + next + items.length) % items.length;
    if (to < 0 || !items[to]) { return false; }
    items.forEach(function (b) { b.tabIndex = b === items[to] ? 0 : -1; });
    items[to].focus();
    if (group.getAttribute("role") === "radiogroup") { items[to].click(); }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!el || !el.closest) { return; }
    if (event.key === "Escape") {
      var detail = document.getElementById("offer-detail");
      if (detail && detail.contains(el) && document.getElementById("detail-heading")) {
        event.preventDefault();
        closeDetail();
      }
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (el.tagName === "BUTTON" && groupOf(el) && moveInGroup(el, event.key)) {
      event.preventDefault();
    }
  });

  /* A chip that gets focus by a click takes its group's Tab stop. */
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    var group = el && el.closest && el.tagName === "BUTTON" ? groupOf(el) : null;
    if (!group) { return; }
    group.querySelectorAll("button").forEach(function (b) { b.tabIndex = b === el ? 0 : -1; });
  });

  /* The skip link to the results shows the list on a phone in map view. */
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a.skip-link[href='#offer-list']") : null;
    if (!link) { return; }
    var grid = document.querySelector(".layout-grid");
    if (grid && grid.getAttribute("data-view") === "map" && window.matchMedia("(max-width: 47.99em)").matches) {
      showView("list");
    }
    var list = document.getElementById("offer-list");
    if (list) { event.preventDefault(); list.focus(); }
  });

  /* Parameters the filters do not own (mode=workshop, compare, district_focus, metric, the
     profile's district, ...) are carried along when the address bar or a language link changes. */
  var MANAGED = ["lang", "category", "language", "target", "district", "q", "barrier_free", "confirmed"];
  /* offer= and sort= are not filters: they stay on a filter change and on a language switch. */
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

  /* On narrow screens the filter panel starts collapsed, on the list, or on the map when the resident
     switched to it in the server-rendered first view before the page had started. */
  function collapseOnPhone() {
    var toggle = document.getElementById("filter-toggle");
    var panel = document.getElementById("filter-panel");
    if (!toggle || !panel || toggle.hasAttribute("data-ready")) { return; }
    toggle.setAttribute("data-ready", "1");
    if (window.matchMedia("(max-width: 47.99em)").matches) {
      toggle.setAttribute("aria-expanded", "false");
      panel.classList.add("collapsed");
      var first = document.querySelector("#first-view .layout-grid");
      showView(first && first.getAttribute("data-view") === "map" ? "map" : "list");
    }
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.stadtkarte = Object.assign(window.dash_clientside.stadtkarte || {}, {
    /* Mirror the view's query string into the address bar without reloading. */
    syncUrl: function (query) {
      /* parameters the filters do not own stay, so a reload keeps e.g. the workshop mode */
      var search = withForeignParams(query, false);
      var url = window.location.pathname + search + window.location.hash;
      if (!sameParams(search, window.location.search)) {
        /* a new history entry per filter change: Back undoes it (popstate restores the view) */
        window.history.pushState({stadtkarte: true}, "", url);
      }
      return query || "";
    },
    /* The selected offer in the address bar (offer=), so it survives a reload and a language switch. */
    syncOffer: function (offerId) {
      selectedOffer = offerId || null;
      var current = new URLSearchParams(window.location.search).get("offer") || null;
      if ((offerId || null) !== current) {
        pushParam("offer", offerId || "");
      }
      return offerId || "";
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
      pressFromState(state);
      collapseOnPhone();
      return "";
    },
    /* Move focus to the detail heading once a selected offer is rendered, without jumping the page
       when the panel is already in view (desktop: it stands beside the list); after a close, focus
       goes back to the offer the detail was opened from. */
    focusDetail: function () {
      window.setTimeout(function () {
        var heading = document.getElementById("detail-heading");
        if (closing || !heading) {
          if (closing) { closing = false; focusReturnTarget(); }
          return;
        }
        var box = heading.getBoundingClientRect();
        var inView = box.top >= 0 && box.bottom <= window.innerHeight;
        if (!inView) { heading.scrollIntoView({ block: "nearest" }); }
        heading.focus({ preventScroll: true });
      }, 0);
      return "";
    },
    /* After "more": focus the first newly shown offer (never <body>). */
    afterList: function () {
      if (focusAfterMore === null) { return ""; }
      var index = focusAfterMore;
      focusAfterMore = null;
      window.setTimeout(function () {
        var buttons = document.querySelectorAll("#offer-list li[data-offer-id] > button");
        var target = buttons[Math.min(index, buttons.length - 1)];
        if (target) { target.focus(); }
      }, 0);
      return "";
    }
  });
})();
