// Posts the hidden handover form (components/session_forms.py) once a login's one-time ticket
// is on it: the answer sets the HttpOnly session cookie and names the page behind the login,
// which then replaces the login page in the history (Back does not return to a used form).
(() => {
  if (window.__kikoHandover) return;
  window.__kikoHandover = true;
  const post = () => {
    const form = document.getElementById("session-handover");
    const ticket = form && form.dataset.ticket;
    // A ticket works once: after a reload the tab's state may still show the one just used.
    if (!ticket || sessionStorage.getItem("kiko.handover") === ticket) return;
    sessionStorage.setItem("kiko.handover", ticket);
    form.elements.ticket.value = ticket;
    fetch(form.action, {method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin"})
      .then((answer) => window.location.replace(answer.url))
      .catch(() => form.submit());
  };
  new MutationObserver(post).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["data-ticket"],
  });
  post();
})();
