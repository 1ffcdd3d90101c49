/* Kiko Livechat: step 1 of the contact import. pages/contact_import.py renders #import-drop with
 * its texts and the upload route (data-url). A click, Enter/Space or a dropped file picks the CSV;
 * it goes to the route as the raw body on one XMLHttpRequest (its name in X-File-Name), with a
 * progress bar; the answer names the import's page, which opens. A refusal shows the server's
 * message (already in the user's language). Texts are set with textContent, never as markup.
 */
(function () {
  "use strict";
  if (window.kikoContactImport) return;
  window.kikoContactImport = true;

  function zone() { return document.getElementById("import-drop"); }

  function status(box, text, error) {
    var line = box.querySelector(".import-status") || document.createElement("div");
    line.className = "import-status" + (error ? " import-error" : "");
    line.textContent = text;
    line.setAttribute("role", error ? "alert" : "status");
    box.appendChild(line);
  }

  function bar(box) {
    var outer = box.querySelector(".import-progress");
    if (!outer) {
      outer = document.createElement("div");
      outer.className = "import-progress";
      outer.appendChild(document.createElement("div"));
      box.appendChild(outer);
    }
    return outer.firstChild;
  }

  function send(file) {
    var box = zone();
    if (!box || !file) return;
    var request = new XMLHttpRequest();
    var fill = bar(box);
    status(box, box.getAttribute("data-uploading") + " " + file.name, false);
    request.open("POST", box.getAttribute("data-url"));
    request.withCredentials = true;
    request.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    request.setRequestHeader("Accept-Language", document.documentElement.lang || "de");
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) fill.style.width = Math.round((100 * event.loaded) / event.total) + "%";
    };
    request.onload = function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (e) { answer = {}; }
      if (request.status === 201 && answer.url) {
        fill.style.width = "100%";
        window.location.assign(answer.url);
        return;
      }
      fill.style.width = "0";
      status(box, answer.message || box.getAttribute("data-failed"), true);
    };
    request.onerror = function () { status(box, box.getAttribute("data-failed"), true); };
    request.send(file);
  }

  function pick() {
    var input = document.createElement("input");
    input.type = "file";
    input.accept = ".csv,.txt,text/csv,text/plain";
    input.id = "import-file";
    input.style.display = "none";
    input.addEventListener("change", function () { send(input.files && input.files[0]); input.remove(); });
    document.body.appendChild(input);
    input.click();
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#import-drop")) pick();
  });
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && event.target.id === "import-drop") {
      event.preventDefault();
      pick();
    }
  });
  document.addEventListener("dragover", function (event) {
    var box = event.target.closest && event.target.closest("#import-drop");
    if (!box) return;
    event.preventDefault();
    box.classList.add("dragging");
  });
  document.addEventListener("dragleave", function (event) {
    var box = event.target.closest && event.target.closest("#import-drop");
    if (box) box.classList.remove("dragging");
  });
  document.addEventListener("drop", function (event) {
    var box = event.target.closest && event.target.closest("#import-drop");
    if (!box) return;
    event.preventDefault();
    box.classList.remove("dragging");
    send(event.dataTransfer.files && event.dataTransfer.files[0]);
  });
})();
