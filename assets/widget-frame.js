/* Kiko Livechat: the chat page's half of the embed protocol (the other half, and the message
   list, are at the top of widget.js). Loaded by /widget/<token> (pages/widget.py).
   - The close button (#widget-close) and Esc ask the embedding page to close the chat.
   - While the chat is closed, agent and bot messages that come in are counted for the
     launcher's badge: the page renders their total into #kiko-widget-bridge[data-incoming].
   Opened on its own (not in an iframe) there is nobody to ask: the close button stays hidden. */
(function () {
  "use strict";
  if (window.kikoFrame || window.parent === window) return;
  window.kikoFrame = true;
  document.documentElement.classList.add("kiko-embedded");

  var host = null; // the embedding page's origin, learnt from its first message
  var isOpen = true; // the iframe loads on the first open
  var seenIncoming = null; // agent/bot messages shown by the time the chat was last open
  var told = 0; // the unread count the host has last been told
  var wantFocus = false; // opened: the composer gets the focus as soon as it is there

  function post(message) {
    message.source = "kiko";
    // Before the host has spoken only "ready" goes out, and it carries nothing.
    if (host || message.type === "ready") window.parent.postMessage(message, host || "*");
  }

  function incoming() {
    var bridge = document.getElementById("kiko-widget-bridge");
    return bridge && bridge.getAttribute("data-ready") === "true"
      ? parseInt(bridge.getAttribute("data-incoming"), 10) || 0
      : null;
  }

  function focusComposer() {
    var composer = wantFocus && document.getElementById("widget-composer");
    if (composer) {
      wantFocus = false;
      composer.focus();
    }
  }

  function report() {
    focusComposer();
    var now = incoming();
    if (now === null) return;
    if (isOpen || seenIncoming === null) seenIncoming = now;
    var count = isOpen ? 0 : Math.max(0, now - seenIncoming);
    if (count !== told) {
      told = count;
      post({ type: "unread", count: count });
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== window.parent || !data || data.source !== "kiko" || data.type !== "state") return;
    host = event.origin;
    isOpen = !!data.open;
    wantFocus = isOpen;
    report();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#widget-close")) post({ type: "close" });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") post({ type: "close" });
  });
  new MutationObserver(report).observe(document.documentElement, {
    subtree: true,
    attributes: true,
    attributeFilter: ["data-incoming", "data-ready"],
    childList: true,
  });
  post({ type: "ready" });
})();
