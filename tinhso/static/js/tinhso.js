// Focus the error summary so screen-reader and keyboard users hear what to fix first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
});

// A link of the error summary puts the cursor in the field it names (GOV.UK's
// error summary), not only scrolls to it.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
  if (!link) { return; }
  var field = document.getElementById(link.getAttribute("href").slice(1));
  if (field && typeof field.focus === "function") {
    event.preventDefault();
    field.focus();
    field.scrollIntoView({block: "center"});
  }
});
// HTMX forms: a refusal the server rendered as a fragment (400, 403, 409 with the
// header X-Swap-Error) replaces the work area like a success, its message beside the
// form where the officer acted. A failure with no fragment (500, a proxy's page, no
// network) is said in that form's [data-error-slot], in the page's language
// (data-error-server / data-error-network on the closest [data-error-server]).
document.addEventListener("htmx:beforeSwap", function (evt) {
  var xhr = evt.detail.xhr;
  if (xhr && xhr.status >= 400 && xhr.getResponseHeader("X-Swap-Error")) {
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
  }
});

function tinhsoSayFailure(evt, kind) {
  var elt = evt.detail.elt;
  var form = elt && elt.closest ? elt.closest("form") : null;
  var slot = form ? form.querySelector("[data-error-slot]") : null;
  var holder = elt && elt.closest ? elt.closest("[data-error-server]") : null;
  if (!slot || !holder) { return; }
  var text = holder.getAttribute(kind === "network" ? "data-error-network" : "data-error-server");
  var id = evt.detail.xhr ? evt.detail.xhr.getResponseHeader("X-Request-ID") : "";
  slot.textContent = "";
  var p = document.createElement("p");
  p.className = "error-summary";
  p.setAttribute("role", "alert");
  p.setAttribute("tabindex", "-1");
  p.textContent = text + (id ? " (" + id + ")" : "");
  slot.appendChild(p);
  p.focus();
}

document.addEventListener("htmx:responseError", function (evt) { tinhsoSayFailure(evt, "server"); });
document.addEventListener("htmx:sendError", function (evt) { tinhsoSayFailure(evt, "network"); });

// After a swap, focus what the new content asks for (an error summary).
document.addEventListener("htmx:afterSettle", function (evt) {
  var target = evt.detail.target || document;
  var root = target.isConnected ? target : document;
  var summary = root.querySelector ? root.querySelector("[data-autofocus]") : null;
  if (!summary) { summary = document.querySelector("#work [data-autofocus]"); }
  if (summary) { summary.focus(); }
});

// The phone menu: a disclosure button (aria-expanded) for the site's links. Shown
// only when this script runs; the links stay listed without it.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!button || !menu) { return; }
  var nav = button.closest("nav");
  nav.classList.add("menu-ready");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("menu-open", open);
  });
  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      nav.classList.remove("menu-open");
      button.focus();
    }
  });
});
