/* Kiko Livechat: files in a chat composer (the agent's and the visitor's).
 *
 * components/attachments.py renders an empty #attach-box inside the composer's form; its data
 * attributes name the upload route (data-upload-url), the visitor token's localStorage key
 * (data-visitor-key, widget only), the language (data-locale), the texts (data-t-*), the ids of
 * the text field, the drop zone, the send and attach buttons, and a counter the state bumps
 * after each message sent (data-sent). Here:
 *  - the attach button opens a file picker; files dropped on the drop zone (highlighted while
 *    dragged over) and files pasted into the text field are attached too;
 *  - each file uploads on its own request (raw body, its name in X-File-Name), with a progress
 *    bar and a cancel button in a tray above the send button; a finished image shows a preview,
 *    any other file a chip with its name and size; a refusal shows the server's message on the
 *    file's row, which can be removed; at most data-max files per message;
 *  - the ids of the stored files go into the form's hidden field "attachments" (comma-separated),
 *    which the form's submit hands to the state with the text;
 *  - while a file is still uploading the message is held (the send button is disabled, a submit
 *    or Enter waits) and sent as soon as every file is stored;
 *  - once the message is sent (data-sent changes) the tray empties.
 * Names come from the user's files: always set with textContent, never as markup.
 */
(function () {
  "use strict";
  if (window.kikoAttach) return;

  var st = { box: null, observer: null, items: [], seq: 0, held: null, submitted: null, drag: 0 };

  function box() { return document.getElementById("attach-box"); }
  function data(name) { return (st.box && st.box.getAttribute("data-" + name)) || ""; }
  function byData(name) { var id = data(name); return id ? document.getElementById(id) : null; }
  function text(name, params) {
    var value = data("t-" + name);
    for (var key in params || {}) value = value.split("{" + key + "}").join(params[key]);
    return value;
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function sizeText(bytes) {
    var number = function (value, digits) {
      try {
        return new Intl.NumberFormat(data("locale") || undefined, { maximumFractionDigits: digits }).format(value);
      } catch (e) {
        return String(value);
      }
    };
    if (bytes < 1024) return text("bytes", { size: number(bytes, 0) });
    if (bytes < 1024 * 1024) return text("kb", { size: number(Math.round(bytes / 1024), 0) });
    return text("mb", { size: number(bytes / 1024 / 1024, 1) });
  }

  function visitorToken() {
    var key = data("visitor-key");
    if (!key) return "";
    var value = window.localStorage.getItem(key) || "";
    if (value.charAt(0) === '"') {
      try { value = JSON.parse(value); } catch (e) { /* a plain string after all */ }
    }
    return value;
  }

  function busy() {
    return st.items.some(function (item) { return item.state === "busy"; });
  }

  function counted() {
    return st.items.filter(function (item) { return item.state !== "error"; }).length;
  }

  // --- adding and uploading ---------------------------------------------------------------

  function add(files) {
    if (!st.box || !files || !files.length) return;
    var max = parseInt(data("max"), 10) || 10;
    for (var i = 0; i < files.length; i++) {
      var file = files[i];
      var item = { key: ++st.seq, file: file, name: file.name || "file", size: file.size, state: "busy",
        progress: 0, id: "", thumb: "", preview: "", message: "", xhr: null };
      if (counted() >= max) {
        item.state = "error";
        item.message = text("too-many", { max: max, name: item.name });
        st.items.push(item);
        continue;
      }
      st.items.push(item);
      upload(item);
    }
    render();
  }

  function upload(item) {
    var xhr = new XMLHttpRequest();
    item.xhr = xhr;
    xhr.open("POST", data("upload-url"), true);
    xhr.withCredentials = true;
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(item.name));
    xhr.setRequestHeader("Accept", "application/json");
    if (data("locale")) xhr.setRequestHeader("Accept-Language", data("locale"));
    if (data("visitor-key")) xhr.setRequestHeader("X-Kiko-Visitor", visitorToken());
    xhr.upload.onprogress = function (event) {
      if (!event.lengthComputable) return;
      item.progress = Math.round((event.loaded / event.total) * 100);
      var bar = document.querySelector('[data-attach-key="' + item.key + '"] .attach-bar > span');
      if (bar) bar.style.width = item.progress + "%";
    };
    xhr.onload = function () {
      item.xhr = null;
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 201 && body && body.id) {
        item.state = "done";
        item.id = String(body.id);
        item.name = body.name || item.name;
        item.size = body.size || item.size;
        if (body.file_type === "image") {
          if (body.thumb_url) item.thumb = body.thumb_url;
          else if (data("preview") === "local" && window.URL && URL.createObjectURL) {
            item.preview = URL.createObjectURL(item.file);
            item.thumb = item.preview;
          }
        }
      } else {
        item.state = "error";
        item.message = (body && body.message) || text("failed", { name: item.name });
      }
      item.file = null;
      changed();
    };
    xhr.onerror = function () {
      item.xhr = null;
      item.state = "error";
      item.message = text("failed", { name: item.name });
      changed();
    };
    xhr.send(item.file);
  }

  function remove(item) {
    if (item.xhr) { item.xhr.onload = item.xhr.onerror = null; item.xhr.abort(); }
    if (item.preview) URL.revokeObjectURL(item.preview);
    st.items = st.items.filter(function (other) { return other !== item; });
    changed();
  }

  function reset() {
    st.items.slice().forEach(function (item) {
      if (item.xhr) { item.xhr.onload = item.xhr.onerror = null; item.xhr.abort(); }
      if (item.preview) URL.revokeObjectURL(item.preview);
    });
    st.items = [];
    st.held = null;
    st.submitted = null;
  }

  // After every change: the tray, the hidden field, the send button; a held message goes.
  function changed() {
    render();
    if (st.held && !busy()) {
      var form = st.held;
      st.held = null;
      render();
      if (document.body.contains(form)) form.requestSubmit();
    }
  }

  // --- the tray -------------------------------------------------------------------------

  function parts() {
    var b = st.box;
    var tray = b.querySelector(".attach-tray");
    if (!tray) {
      tray = element("div", "attach-tray");
      tray.setAttribute("role", "list");
      b.appendChild(tray);
      var waiting = element("div", "attach-waiting");
      waiting.setAttribute("role", "status");
      b.appendChild(waiting);
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "attachments";
      hidden.className = "attach-ids";
      b.appendChild(hidden);
      var picker = document.createElement("input");
      picker.type = "file";
      picker.multiple = true;
      picker.hidden = true;
      picker.className = "attach-picker";
      picker.tabIndex = -1;
      picker.addEventListener("change", function () {
        add(picker.files);
        picker.value = "";
      });
      b.appendChild(picker);
    }
    return {
      tray: tray,
      waiting: b.querySelector(".attach-waiting"),
      hidden: b.querySelector(".attach-ids"),
      picker: b.querySelector(".attach-picker"),
    };
  }

  function row(item) {
    var node = element("div", "attach-item is-" + item.state);
    node.setAttribute("role", "listitem");
    node.setAttribute("data-attach-key", String(item.key));
    if (item.id) node.setAttribute("data-attachment-id", item.id);
    if (item.thumb) {
      var img = element("img", "attach-thumb");
      img.src = item.thumb;
      img.alt = item.name;
      node.appendChild(img);
    } else {
      var dot = item.name.lastIndexOf(".");
      node.appendChild(element("div", "attach-icon", dot > 0 ? item.name.slice(dot + 1, dot + 5).toUpperCase() : "·"));
    }
    var body = element("div", "attach-body");
    body.appendChild(element("div", "attach-name", item.name));
    if (item.state === "busy") {
      body.appendChild(element("div", "attach-meta", text("uploading")));
      var bar = element("div", "attach-bar");
      var fill = element("span");
      fill.style.width = item.progress + "%";
      bar.appendChild(fill);
      body.appendChild(bar);
    } else if (item.state === "error") {
      var error = element("div", "attach-meta attach-error", item.message);
      error.setAttribute("role", "alert");
      body.appendChild(error);
    } else {
      body.appendChild(element("div", "attach-meta", sizeText(item.size)));
    }
    node.appendChild(body);
    var label = item.state === "busy" ? text("cancel") : text("remove");
    var close = element("button", "attach-x", "×");
    close.type = "button";
    close.setAttribute("aria-label", label + ": " + item.name);
    close.title = label;
    close.addEventListener("click", function () { remove(item); });
    node.appendChild(close);
    return node;
  }

  // The tray takes its height from the chat above it: a chat that was scrolled to its end
  // stays there (else the page's auto-scroll would take the visitor for someone reading back).
  function keepingTheEnd(change) {
    var chat = byData("scroll");
    var atEnd = chat && chat.scrollHeight - chat.scrollTop - chat.clientHeight <= 50;
    change();
    if (atEnd) chat.scrollTop = chat.scrollHeight;
  }

  function render() {
    if (!st.box) return;
    keepingTheEnd(draw);
  }

  function draw() {
    var p = parts();
    p.tray.textContent = "";
    st.items.forEach(function (item) { p.tray.appendChild(row(item)); });
    p.tray.hidden = st.items.length === 0;
    p.hidden.value = st.items
      .filter(function (item) { return item.state === "done"; })
      .map(function (item) { return item.id; })
      .join(",");
    p.waiting.textContent = st.held ? text("waiting") : "";
    p.waiting.hidden = !st.held;
    sync();
  }

  // The send button waits while a file is uploading (set again should the page redraw it).
  function sync() {
    var send = byData("send");
    if (send) {
      send.disabled = busy();
      if (busy()) send.setAttribute("data-kiko-waiting", "on");
      else send.removeAttribute("data-kiko-waiting");
    }
    if (st.box) st.box.setAttribute("data-busy", busy() ? "yes" : "no");
  }

  // --- the page's events ---------------------------------------------------------------

  function inComposer(target) {
    return st.box && target && target.nodeType === 1 && target.contains(st.box);
  }

  function onSubmit(event) {
    if (!inComposer(event.target)) return;
    if (busy()) {
      event.preventDefault();
      event.stopImmediatePropagation();
      st.held = event.target;
      render();
      return;
    }
    st.submitted = st.items.slice();
  }

  function onClick(event) {
    var button = byData("button");
    if (button && event.target && button.contains(event.target)) {
      event.preventDefault();
      parts().picker.click();
    }
  }

  function onPaste(event) {
    var field = byData("input");
    if (!field || event.target !== field) return;
    var clip = event.clipboardData;
    var files = clip && clip.files;
    // Text with a picture of itself (copied from an office program) pastes as text; a
    // screenshot or a copied image or file comes without text and is attached.
    if (files && files.length && !clip.getData("text/plain")) {
      event.preventDefault();
      add(files);
    }
  }

  function carriesFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    if (!types) return false;
    for (var i = 0; i < types.length; i++) if (types[i] === "Files") return true;
    return false;
  }

  function zone() { return byData("drop"); }

  function highlight(on) {
    var z = zone();
    if (!z) return;
    if (on) z.setAttribute("data-kiko-drag", "on");
    else z.removeAttribute("data-kiko-drag");
  }

  function onDragOver(event) {
    if (!st.box || !carriesFiles(event)) return;
    event.preventDefault(); // never let the browser open a file dropped beside the zone
    var z = zone();
    var inside = z && z.contains(event.target);
    event.dataTransfer.dropEffect = inside ? "copy" : "none";
    highlight(inside);
  }

  function onDragLeave(event) {
    var z = zone();
    if (z && (!event.relatedTarget || !z.contains(event.relatedTarget))) highlight(false);
  }

  function onDrop(event) {
    if (!st.box || !carriesFiles(event)) return;
    event.preventDefault();
    highlight(false);
    var z = zone();
    if (z && z.contains(event.target)) add(event.dataTransfer.files);
  }

  // data-sent went up: the message with the files is stored; they leave the tray.
  function onBoxChange(mutations) {
    for (var i = 0; i < mutations.length; i++) {
      var name = mutations[i].attributeName;
      if (name === "data-upload-url") { reset(); render(); return; }
      if (name === "data-sent") {
        var sent = st.submitted || st.items.filter(function (item) { return item.state !== "busy"; });
        st.items = st.items.filter(function (item) { return sent.indexOf(item) < 0 && item.state !== "error"; });
        sent.forEach(function (item) { if (item.preview) URL.revokeObjectURL(item.preview); });
        st.submitted = null;
        render();
        return;
      }
    }
  }

  // The page may draw a new composer (another conversation): start afresh with it.
  function watch() {
    var b = box();
    if (b !== st.box) {
      if (st.observer) st.observer.disconnect();
      reset();
      st.box = b;
      st.observer = null;
      if (b) {
        st.observer = new MutationObserver(onBoxChange);
        st.observer.observe(b, { attributes: true, attributeFilter: ["data-sent", "data-upload-url"] });
        render();
      }
    } else if (b) {
      sync();
    }
  }

  // A picture or a player that arrives after its message grows the chat without a scroll: a
  // chat the reader had at its end (their last scroll) is kept there.
  var chatAtEnd = true;
  function onScroll(event) {
    var chat = byData("scroll");
    if (chat && event.target === chat) chatAtEnd = chat.scrollHeight - chat.scrollTop - chat.clientHeight <= 50;
  }
  function onLoaded(event) {
    var chat = byData("scroll");
    var tag = event.target && event.target.tagName;
    if (chat && chatAtEnd && (tag === "IMG" || tag === "VIDEO") && chat.contains(event.target)) {
      chat.scrollTop = chat.scrollHeight;
    }
  }

  document.addEventListener("scroll", onScroll, true);
  document.addEventListener("load", onLoaded, true);
  document.addEventListener("loadedmetadata", onLoaded, true);
  document.addEventListener("submit", onSubmit, true);
  document.addEventListener("click", onClick, true);
  document.addEventListener("paste", onPaste, true);
  document.addEventListener("dragover", onDragOver, true);
  document.addEventListener("dragenter", onDragOver, true);
  document.addEventListener("dragleave", onDragLeave, true);
  document.addEventListener("drop", onDrop, true);
  window.setInterval(watch, 300);
  watch();
  window.kikoAttach = { add: add, busy: busy };
})();
