/* Workshop view of the exchange board: step through the topics with the arrow keys (mirrored on
   right-to-left pages) and PageUp/PageDown. Loaded only on the workshop view; keys typed into a
   form field or pressed on a button do what they always do. The polite live region names the
   topic; the URL keeps it (?topic=), so a reload or a shared link shows the same topic. Without
   this script the "Voriges/Nächstes Thema" links do the same. */
(function () {
  "use strict";
  var sections = Array.prototype.slice.call(document.querySelectorAll(".ws-topic"));
  var links = Array.prototype.slice.call(document.querySelectorAll(".ws-topics a[data-index]"));
  var live = document.getElementById("ws-live");
  if (!sections.length || !live) { return; }
  var current = Math.max(0, sections.findIndex(function (s) { return !s.hidden; }));

  function show(index) {
    if (index < 0 || index >= sections.length || index === current) { return; }
    sections[current].hidden = true;
    sections[index].hidden = false;
    current = index;
    links.forEach(function (a, i) {
      if (i === index) { a.setAttribute("aria-current", "step"); } else { a.removeAttribute("aria-current"); }
    });
    live.textContent = sections[index].getAttribute("data-status");
    var url = new URL(window.location.href);
    url.searchParams.set("topic", sections[index].getAttribute("data-topic"));
    window.history.replaceState(null, "", url.toString());
  }

  function isTyping(target) {
    return Boolean(target && target.closest &&
      target.closest("input, textarea, select, button, [contenteditable], [role='textbox']"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    if (isTyping(event.target)) { return; }
    var rtl = document.documentElement.getAttribute("dir") === "rtl";
    var steps = { PageDown: 1, PageUp: -1, ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 };
    var step = steps[event.key];
    if (!step) { return; }
    event.preventDefault();
    show(current + step);
  });
})();
