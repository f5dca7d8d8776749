// Small progressive enhancements; every page works without them (the CSP forbids inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  // A select marked data-autosubmit submits its form when changed (e.g. choosing the project to pay).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Disable a submit button once its form is sent, so a double click sends it once.
  document.querySelectorAll("form[method=post], form[method=POST]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
});
