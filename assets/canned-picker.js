/* Kiko Livechat: the "/" picker of canned responses under the agent's composer.
 *
 * components/canned_picker.py renders an empty #canned-picker whose data attributes name the
 * composer (data-input), the search route (data-url), the conversation and the texts. Here:
 *  - "/" at the start of the message or after whitespace, with the caret after "/word", opens
 *    the picker for "word"; every keystroke asks the server for the best rows (a handful; an
 *    answer to a keystroke the agent has typed past is dropped, its request aborted);
 *  - ArrowUp/ArrowDown move, Enter or Tab insert the row's text (its variables filled in by the
 *    server) in place of "/word", Esc closes and leaves the text; a click inserts too;
 *  - these keys are taken only while the picker is open and shows rows: otherwise the
 *    composer's own keys work as always ("/hallo" + Enter with the picker closed sends it);
 *  - after Esc the picker stays closed for that "/word" until a new "/" is typed.
 * Rows are built with textContent: canned text is text, never markup.
 */
(function () {
  "use strict";
  if (window.kikoCanned) return;

  var TOKEN = /(^|\s)\/([^\s\/]*)$/;
  var st = { open: false, rows: [], active: 0, start: -1, dismissed: -1, seq: 0, request: null, inserting: false };

  function box() { return document.getElementById("canned-picker"); }
  function data(name) { var b = box(); return (b && b.getAttribute("data-" + name)) || ""; }
  function field() { var b = box(); return b ? document.getElementById(b.getAttribute("data-input")) : null; }

  // The "/word" just before the caret: where its "/" is and the word typed after it.
  function token(el) {
    if (el.selectionStart !== el.selectionEnd) return null;
    var before = el.value.slice(0, el.selectionStart);
    var match = TOKEN.exec(before);
    return match ? { start: before.length - match[2].length - 1, query: match[2] } : null;
  }

  function search(query) {
    var seq = ++st.seq;
    if (st.request) st.request.abort();
    var request = (st.request = new AbortController());
    var url = data("url") + "?q=" + encodeURIComponent(query) + "&conversation=" + encodeURIComponent(data("conversation"));
    fetch(url, { credentials: "same-origin", signal: request.signal, headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : { rows: [] }; })
      .then(function (body) {
        if (seq !== st.seq) return; // the agent typed on (or closed the picker) meanwhile
        st.rows = body.rows || [];
        st.active = 0;
        st.open = true;
        render();
      })
      .catch(function () { /* aborted by a newer keystroke, or offline: nothing to show */ });
  }

  function close() {
    st.seq++;
    if (st.request) st.request.abort();
    st.request = null;
    if (!st.open) return;
    st.open = false;
    st.rows = [];
    render();
  }

  function onInput(event) {
    var el = field();
    if (!el || event.target !== el || st.inserting) return;
    var found = token(el);
    if (!found) { st.dismissed = -1; close(); return; }
    if (found.start === st.dismissed) { close(); return; }
    st.start = found.start;
    search(found.query);
  }

  function stop(event) {
    event.preventDefault();
    event.stopPropagation();
    event.stopImmediatePropagation();
  }

  // Capture phase on window: before the page's own handlers (Enter would send the message).
  function onKeyDown(event) {
    var el = field();
    if (!st.open || !el || event.target !== el || event.isComposing) return;
    var key = event.key;
    var plain = !event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey;
    if (key === "Escape") {
      st.dismissed = st.start;
      close();
      stop(event);
    } else if (!st.rows.length) {
      return; // "no match": Enter sends what was typed
    } else if ((key === "ArrowDown" || key === "ArrowUp") && plain) {
      st.active = (st.active + (key === "ArrowDown" ? 1 : -1) + st.rows.length) % st.rows.length;
      mark();
      stop(event);
    } else if ((key === "Enter" || key === "Tab") && plain) {
      insert(st.active);
      stop(event);
    }
  }

  function setValue(el, value) {
    // The native setter, then an input event: React's change handlers see the new text too.
    var setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), "value").set;
    setter.call(el, value);
    st.inserting = true;
    try { el.dispatchEvent(new Event("input", { bubbles: true })); } finally { st.inserting = false; }
  }

  function insert(index) {
    var row = st.rows[index];
    var el = field();
    if (!row || !el) return;
    var end = el.selectionStart;
    var value = el.value.slice(0, st.start) + row.text + el.value.slice(end);
    var caret = st.start + row.text.length;
    close();
    setValue(el, value);
    el.focus();
    el.setSelectionRange(caret, caret);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function option(row, index) {
    var node = element("div", "canned-option");
    node.id = "canned-option-" + index;
    node.setAttribute("role", "option");
    node.appendChild(element("span", "canned-code", "/" + row.code));
    node.appendChild(element("span", "canned-preview", row.preview));
    node.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the caret
    node.addEventListener("click", function () { insert(index); });
    node.addEventListener("mousemove", function () {
      if (st.active !== index) { st.active = index; mark(); }
    });
    return node;
  }

  function render() {
    var b = box();
    var el = field();
    if (!b) return;
    var panel = b.querySelector(".canned-panel");
    if (!panel) {
      panel = element("div", "canned-panel");
      b.appendChild(panel);
    }
    panel.textContent = "";
    panel.hidden = !st.open;
    if (el) {
      el.setAttribute("aria-autocomplete", "list");
      el.setAttribute("aria-expanded", st.open ? "true" : "false");
      el.setAttribute("aria-controls", "canned-list");
    }
    if (!st.open) {
      if (el) el.removeAttribute("aria-activedescendant");
      return;
    }
    var list = element("div", "canned-list");
    list.id = "canned-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", data("label"));
    st.rows.forEach(function (row, index) { list.appendChild(option(row, index)); });
    panel.appendChild(list);
    panel.appendChild(element("div", st.rows.length ? "canned-hint" : "canned-empty", st.rows.length ? data("hint") : data("empty")));
    mark();
  }

  function mark() {
    var el = field();
    var b = box();
    if (!b) return;
    var options = b.querySelectorAll(".canned-option");
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === st.active ? "true" : "false");
    }
    var current = options[st.active];
    if (current) {
      current.scrollIntoView({ block: "nearest" });
      if (el) el.setAttribute("aria-activedescendant", current.id);
    }
  }

  // Sent (Enter on "no match", or the button): the page empties the field without an input
  // event, so the picker closes here.
  function onSubmit(event) {
    var el = field();
    if (el && event.target.contains(el)) { st.dismissed = -1; close(); }
  }

  function onFocusOut(event) {
    var el = field();
    if (el && event.target === el) close();
  }

  document.addEventListener("input", onInput, true);
  window.addEventListener("keydown", onKeyDown, true);
  document.addEventListener("focusout", onFocusOut, true);
  document.addEventListener("submit", onSubmit, true);
  window.kikoCanned = { close: close };
})();
