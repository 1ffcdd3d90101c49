/* Kiko Livechat: alerts in the dashboard tab.
 *
 * The server (state/alerts.py) renders a hidden #kiko-alerts element whose data attributes
 * change when an alert reaches this tab: data-seq goes up by one per alert. This script
 * watches it and
 *  - plays the agent's tone (browsers allow sound only after a first click on the page: until
 *    then #sound-hint stays visible), also while the tab is visible if the agent wants that;
 *  - stays silent for the conversation that is on screen right now, in this tab or another;
 *  - plays once for all the agent's tabs (they coordinate through localStorage and a Web Lock);
 *  - shows a desktop notification (Notification API; permission is asked on a click on an
 *    element with data-ask-notifications, e.g. the settings switch or the hint);
 *  - repeats the tone every 30 s while a conversation assigned to the agent stays unread;
 *  - writes the unread count into the tab title: "(3) Kiko Livechat".
 */
(function () {
  "use strict";
  if (window.kikoAlerts) return;

  var REPEAT_MS = 30000;
  // Tabs of one browser share these: which conversation a visible tab shows, when a tab last played.
  var VIEWING_KEY = "kiko-alerts-viewing";
  var PLAYED_KEY = "kiko-alerts-played";
  // Another tab's alert this recent is the same alert: one sound for all tabs.
  var SAME_ALERT_MS = 1500;
  var TAB = Math.random().toString(36).slice(2);
  var COUNT_PREFIX = /^\(\d+\+?\) /;
  var audio = {};
  var lastSeq = null;
  var lastPlay = Date.now();
  var unlocked = false;
  var sharedNumber = null;
  var sharedAt = 0;

  function box() { return document.getElementById("kiko-alerts"); }
  function data(name) { var el = box(); return el ? el.getAttribute("data-" + name) : null; }
  function flag(name) { return data(name) === "true"; }
  function visible() { return document.visibilityState === "visible"; }

  function tone(name) {
    if (!audio[name]) {
      audio[name] = new Audio("/tones/" + name + ".wav");
      audio[name].preload = "auto";
    }
    return audio[name];
  }

  function markUnlocked() {
    unlocked = true;
    document.documentElement.classList.add("kiko-sound-on");
  }

  function mayPlay() {
    return !(visible() && !flag("visible")); // the agent may want sound only from background tabs
  }

  function shared(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function playOnce(withinMs) {
    // Of the agent's tabs, the first to get here plays; the others stay quiet for `withinMs`.
    if (!mayPlay()) return;
    var run = function () {
      var last = shared(PLAYED_KEY) || 0;
      if (Date.now() - last < withinMs) { lastPlay = Date.now(); return; }
      try { localStorage.setItem(PLAYED_KEY, JSON.stringify(Date.now())); } catch (e) { /* private mode */ }
      play();
    };
    if (navigator.locks) navigator.locks.request("kiko-alerts-sound", run); else run();
  }

  function play() {
    var sound = tone(data("tone") || "bell");
    sound.muted = false;
    sound.currentTime = 0;
    var started = sound.play();
    lastPlay = Date.now();
    if (started && started.then) {
      // Some browsers allow sound without a click (the agent used the site before): then the
      // hint can go. Refused: it stays until the first click.
      started.then(markUnlocked, function () {});
    }
  }

  function unlock() {
    if (unlocked) return;
    markUnlocked();
    // Safari lets an element play later only if it was started inside a user gesture: start
    // each tone once, muted, right now.
    (data("tones") || "bell").split(",").forEach(function (name) {
      var sound = tone(name);
      sound.muted = true;
      var started = sound.play();
      var stop = function () { sound.pause(); sound.muted = false; sound.currentTime = 0; };
      if (started && started.then) started.then(stop, stop); else stop();
    });
  }

  function shownHere() {
    var match = location.pathname.match(/^\/app\/conversations\/(\d+)\/?$/);
    return match ? match[1] : null;
  }

  function shareViewing() {
    // A visible tab on a conversation tells the agent's other tabs, so they stay quiet for it.
    var number = visible() ? shownHere() : null;
    if (number === sharedNumber && Date.now() - sharedAt < 2000) return; // called on every DOM change
    sharedNumber = number;
    sharedAt = Date.now();
    try {
      if (number) {
        localStorage.setItem(VIEWING_KEY, JSON.stringify({ number: number, tab: TAB, at: sharedAt }));
      } else if ((shared(VIEWING_KEY) || {}).tab === TAB) {
        localStorage.removeItem(VIEWING_KEY);
      }
    } catch (e) { /* private mode: each tab decides alone */ }
  }

  function viewing(number) {
    if (visible() && shownHere() === number) return true;
    var elsewhere = shared(VIEWING_KEY);
    return !!elsewhere && elsewhere.number === number && Date.now() - elsewhere.at < 10000;
  }

  function notify(title, body, number) {
    if (!flag("desktop") || !("Notification" in window) || Notification.permission !== "granted") return;
    if (visible() && document.hasFocus()) return; // the agent sees the page; the tone is enough
    var note = new Notification(title, { body: body, tag: "kiko-" + number, icon: "/favicon.svg" });
    note.onclick = function () {
      window.focus();
      location.assign("/app/conversations/" + number);
      note.close();
    };
  }

  function alertNow() {
    var number = data("number");
    if (viewing(number)) return;
    if (flag("sound")) playOnce(SAME_ALERT_MS);
    notify(data("title"), data("body"), number);
  }

  function showCount() {
    var count = box() ? parseInt(data("unread"), 10) || 0 : 0;
    var base = document.title.replace(COUNT_PREFIX, "");
    var wanted = count > 0 ? "(" + count + (count >= 99 ? "+" : "") + ") " + base : base;
    if (document.title !== wanted) document.title = wanted;
  }

  function sync() {
    shareViewing();
    if (box()) {
      var seq = data("seq");
      if (lastSeq === null) {
        lastSeq = seq; // the first look after loading: earlier alerts stay quiet
      } else if (seq !== lastSeq) {
        lastSeq = seq;
        alertNow();
      }
    }
    showCount();
  }

  function repeat() {
    if (!box() || !flag("repeat") || !flag("sound-any")) return;
    if ((parseInt(data("unread-assigned"), 10) || 0) === 0) { lastPlay = Date.now(); return; }
    if (Date.now() - lastPlay >= REPEAT_MS) playOnce(REPEAT_MS - 1000);
  }

  function onClick(event) {
    unlock();
    var asks = event.target && event.target.closest && event.target.closest("[data-ask-notifications]");
    if ((asks || flag("desktop")) && "Notification" in window && Notification.permission === "default") {
      Notification.requestPermission();
    }
  }

  var style = document.createElement("style");
  style.textContent = "html.kiko-sound-on #sound-hint{display:none}";
  document.head.appendChild(style);
  if (navigator.getAutoplayPolicy && navigator.getAutoplayPolicy("mediaelement") === "allowed") markUnlocked();
  document.addEventListener("click", onClick, true);
  document.addEventListener("keydown", unlock, true);
  new MutationObserver(sync).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["data-seq", "data-unread"],
  });
  setInterval(repeat, 5000);
  setInterval(shareViewing, 5000);
  document.addEventListener("visibilitychange", shareViewing);
  sync();
  window.kikoAlerts = { sync: sync, unlocked: function () { return unlocked; } };
})();
