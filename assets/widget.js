/* Kiko Livechat embed script: a chat bubble that opens the inbox's chat page in an iframe.
   Plain JavaScript, no framework; the iframe (and its ~250 KiB) loads only on the first open.
   Settings, set before this script loads:
     window.kikoSettings = { baseUrl, inboxToken, locale: "de" | "en", position: "right" | "left",
                             color: "#1f6feb", open: false }
   The host page may call window.kiko.open(), window.kiko.close() and window.kiko.toggle().

   Messages between this script and the chat page (assets/widget-frame.js), via postMessage;
   each is an object {source: "kiko", type, ...}:
     chat page -> here  {type: "ready"}           loaded; answer with its state
                        {type: "close"}           its close button or Esc
                        {type: "unread", count}   agent/bot messages that came in while closed
     here -> chat page  {type: "state", open}     shown or hidden (on open, close and "ready")
   Only messages from our own iframe (event.source) and the origin of baseUrl are heard. */
(function () {
  "use strict";
  var settings = window.kikoSettings || {};
  if (!settings.baseUrl || !settings.inboxToken || window.__kikoWidget) return;
  window.__kikoWidget = true;

  var side = settings.position === "left" ? "left" : "right";
  var color = /^#[0-9a-fA-F]{6}$/.test(settings.color || "") ? settings.color : "#1f6feb";
  var german = (settings.locale || navigator.language || "").slice(0, 2) === "de";
  var labels = german
    ? { open: "Chat öffnen", close: "Chat schließen", unread: function (n) { return n === 1 ? "1 neue Nachricht" : n + " neue Nachrichten"; } }
    : { open: "Open chat", close: "Close chat", unread: function (n) { return n === 1 ? "1 new message" : n + " new messages"; } };
  var base = settings.baseUrl.replace(/\/$/, "");
  var origin = new URL(base, location.href).origin;
  var frame = null;
  var isOpen = false;
  var unread = 0;
  // The page's own overflow values while the chat covers a phone's screen (null: not locked).
  var savedOverflow = null;

  var button = document.createElement("button");
  button.id = "kiko-launcher";
  button.type = "button";
  button.setAttribute("aria-expanded", "false");
  button.innerHTML =
    '<svg width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="white" stroke-width="2" ' +
    'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5' +
    'a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';
  css(button, {
    position: "fixed", bottom: "20px", width: "56px", height: "56px", borderRadius: "50%", border: "0",
    background: color, boxShadow: "0 4px 14px rgba(0,0,0,.25)", cursor: "pointer", zIndex: "2147483000",
    display: "flex", alignItems: "center", justifyContent: "center",
  });
  button.style[side] = "20px";

  var badge = document.createElement("span");
  badge.id = "kiko-unread";
  badge.setAttribute("aria-hidden", "true");
  css(badge, {
    position: "absolute", top: "-4px", right: "-4px", minWidth: "20px", height: "20px", padding: "0 6px",
    boxSizing: "border-box", borderRadius: "10px", background: "#d93025", color: "white", display: "none",
    font: "bold 12px/20px system-ui, sans-serif", textAlign: "center",
  });
  button.appendChild(badge);

  function css(el, values) {
    for (var key in values) el.style[key] = values[key];
  }

  function phone() {
    return window.innerWidth < 480;
  }

  function chatUrl() {
    var url = base + "/widget/" + encodeURIComponent(settings.inboxToken);
    return settings.locale ? url + "?locale=" + encodeURIComponent(settings.locale) : url;
  }

  function post(message) {
    if (frame && frame.contentWindow) {
      message.source = "kiko";
      frame.contentWindow.postMessage(message, origin);
    }
  }

  function place() {
    var small = phone();
    css(frame, {
      position: "fixed", zIndex: "2147483001", border: "0", background: "white",
      boxShadow: "0 8px 30px rgba(0,0,0,.25)", borderRadius: small ? "0" : "12px",
      width: small ? "100%" : "370px", height: small ? "100%" : "min(600px, calc(100vh - 110px))",
      bottom: small ? "0" : "90px",
    });
    frame.style[side] = small ? "0" : "20px";
    lockScroll(isOpen && small);
  }

  // On a phone the chat is the whole screen: the page behind it must not scroll.
  function lockScroll(lock) {
    var root = document.documentElement, body = document.body;
    if (lock && savedOverflow === null) {
      savedOverflow = [root.style.overflow, body.style.overflow];
      root.style.overflow = body.style.overflow = "hidden";
    } else if (!lock && savedOverflow !== null) {
      root.style.overflow = savedOverflow[0];
      body.style.overflow = savedOverflow[1];
      savedOverflow = null;
    }
  }

  function showUnread(count) {
    unread = count;
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.style.display = count > 0 ? "block" : "none";
    var label = isOpen ? labels.close : labels.open;
    button.setAttribute("aria-label", count > 0 ? label + " (" + labels.unread(count) + ")" : label);
  }

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "kiko-chat";
      frame.title = labels.open;
      frame.src = chatUrl();
      frame.allow = "clipboard-write";
      document.body.appendChild(frame);
      window.addEventListener("resize", place);
    }
    isOpen = true;
    place();
    frame.style.display = "block";
    button.setAttribute("aria-expanded", "true");
    showUnread(0);
    post({ type: "state", open: true });
    frame.focus();
  }

  function close() {
    if (!frame || !isOpen) return;
    var hadFocus = document.activeElement === frame;
    isOpen = false;
    frame.style.display = "none";
    lockScroll(false);
    button.setAttribute("aria-expanded", "false");
    showUnread(0);
    post({ type: "state", open: false });
    if (hadFocus || document.activeElement === document.body) button.focus();
  }

  function toggle() {
    if (isOpen) close();
    else open();
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!frame || event.source !== frame.contentWindow || event.origin !== origin) return;
    if (!data || data.source !== "kiko") return;
    if (data.type === "ready") post({ type: "state", open: isOpen });
    else if (data.type === "close") close();
    else if (data.type === "unread" && !isOpen) showUnread(Math.max(0, parseInt(data.count, 10) || 0));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen) close();
  });

  button.addEventListener("click", toggle);
  window.kiko = { open: open, close: close, toggle: toggle };
  function mount() {
    document.body.appendChild(button);
    showUnread(0);
    if (settings.open) open();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
