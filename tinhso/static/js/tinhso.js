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
