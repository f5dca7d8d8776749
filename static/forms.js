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
  // A link marked data-busy-download (the meeting-report PDF, several seconds to build) fetches its file
  // while a notice says it is being prepared, then saves it; without fetch it is a plain link.
  document.querySelectorAll("a[data-busy-download]").forEach(function (link) {
    var notice = document.getElementById(link.getAttribute("data-busy-download"));
    link.addEventListener("click", function (event) {
      if (!window.fetch || !window.URL || !notice) { return; }
      event.preventDefault();
      if (link.getAttribute("aria-busy") === "true") { return; }
      link.setAttribute("aria-busy", "true");
      notice.textContent = link.getAttribute("data-busy-text");
      notice.hidden = false;
      fetch(link.href, {credentials: "same-origin"}).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok) { throw new Error(String(response.status)); }
        if (type.indexOf("application/pdf") !== 0) { // e.g. the session ended: let the browser show the page
          window.location.href = link.href;
          return null;
        }
        var named = /filename=([^;]+)/.exec(response.headers.get("Content-Disposition") || "");
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var save = document.createElement("a");
          save.href = url;
          save.download = named ? named[1].trim() : "meeting-report.pdf";
          document.body.appendChild(save);
          save.click();
          save.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          notice.hidden = true;
        });
      }).catch(function () {
        notice.textContent = link.getAttribute("data-failed-text");
      }).then(function () { link.removeAttribute("aria-busy"); });
    });
  });
});
