// Small behaviours of the page shell; every page works without them.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
      return;
    }
    var copy = event.target.closest("[data-copy]");
    if (copy && navigator.clipboard) {
      var source = document.getElementById(copy.getAttribute("data-copy"));
      navigator.clipboard.writeText(source.value || source.textContent.trim());
      copy.setAttribute("data-copied", "true");
    }
    var confirmText = event.target.closest("[data-confirm]");
    if (confirmText && !window.confirm(confirmText.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
