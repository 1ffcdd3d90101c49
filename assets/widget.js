/* Kiko Livechat embed script: a chat bubble that opens the inbox's chat page in an iframe.
   Plain JavaScript, no framework; the iframe (and its ~250 KiB) loads only on the first open.
   Settings, set before this script loads:
     window.kikoSettings = { baseUrl, inboxToken, locale: "de" | "en", position: "right" | "left",
                             color: "#1f6feb", open: false } */
(function () {
  "use strict";
  var settings = window.kikoSettings || {};
  if (!settings.baseUrl || !settings.inboxToken || window.__kikoWidget) return;
  window.__kikoWidget = true;

  var side = settings.position === "left" ? "left" : "right";
  var color = /^#[0-9a-fA-F]{6}$/.test(settings.color || "") ? settings.color : "#1f6feb";
  var german = (settings.locale || navigator.language || "").slice(0, 2) === "de";
  var labels = german ? { open: "Chat öffnen", close: "Chat schließen" } : { open: "Open chat", close: "Close chat" };
  var frame = null;
  var isOpen = false;

  var button = document.createElement("button");
  button.id = "kiko-launcher";
  button.type = "button";
  button.setAttribute("aria-label", labels.open);
  button.setAttribute("aria-expanded", "false");
  button.innerHTML =
    '<svg width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="white" stroke-width="2" ' +
    'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5' +
    'a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';
  var style = button.style;
  style.position = "fixed";
  style.bottom = "20px";
  style[side] = "20px";
  style.width = style.height = "56px";
  style.borderRadius = "50%";
  style.border = "0";
  style.background = color;
  style.boxShadow = "0 4px 14px rgba(0,0,0,.25)";
  style.cursor = "pointer";
  style.zIndex = "2147483000";
  style.display = "flex";
  style.alignItems = "center";
  style.justifyContent = "center";

  function chatUrl() {
    var url = settings.baseUrl.replace(/\/$/, "") + "/widget/" + encodeURIComponent(settings.inboxToken);
    return settings.locale ? url + "?locale=" + encodeURIComponent(settings.locale) : url;
  }

  function place() {
    var phone = window.innerWidth < 480;
    var s = frame.style;
    s.position = "fixed";
    s.zIndex = "2147483000";
    s.border = "0";
    s.background = "white";
    s.boxShadow = "0 8px 30px rgba(0,0,0,.25)";
    s.borderRadius = phone ? "0" : "12px";
    s.width = phone ? "100%" : "370px";
    s.height = phone ? "100%" : "min(600px, calc(100vh - 110px))";
    s.bottom = phone ? "0" : "90px";
    s[side] = phone ? "0" : "20px";
  }

  function toggle() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "kiko-chat";
      frame.title = labels.open;
      frame.src = chatUrl();
      frame.allow = "clipboard-write";
      place();
      document.body.appendChild(frame);
      window.addEventListener("resize", place);
    }
    isOpen = !isOpen;
    frame.style.display = isOpen ? "block" : "none";
    button.setAttribute("aria-expanded", String(isOpen));
    button.setAttribute("aria-label", isOpen ? labels.close : labels.open);
  }

  button.addEventListener("click", toggle);
  function mount() {
    document.body.appendChild(button);
    if (settings.open) toggle();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
