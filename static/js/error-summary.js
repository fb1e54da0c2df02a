// The error summary at the top of an admin form: focused on load, so it is read first, and its
// links move focus to the field (past the select2 widget that hides an autocomplete's own
// select), not only scroll to it. A section holding an error is never folded (Django's rule).
(() => {
  const summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();

  const FIELDS = "input:not([type=hidden]), select, textarea, button";

  function focusable(target) {
    if (target.classList.contains("select2-hidden-accessible")) {
      return target.parentElement.querySelector(".select2-selection") || target;
    }
    if (target.matches(FIELDS)) return target;
    return target.querySelector(FIELDS) || target;
  }

  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    const field = focusable(target);
    if (!field.matches(FIELDS) && !field.hasAttribute("tabindex")) field.tabIndex = -1;
    // The whole row in view, label included, clear of the sticky save bar.
    (target.closest(".form-row, tr") || target).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });
})();
