// Small progressive enhancements; every page works without them (the CSP forbids inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  // The confirm step (core/confirm.py): a form marked data-confirm asks its question in the page's dialog
  // before it is sent, and sends confirmed=1 with it when confirmed. Without script, or without <dialog>,
  // the server asks on a page instead.
  // "{period}" in a question stands for what the form's field of that name holds (a select: its option's text).
  function withValues(form, question) {
    return question.replace(/\{(\w+)\}/g, function (whole, name) {
      var field = form.elements[name];
      if (!field || !field.value) { return whole; }
      return field.options && field.selectedIndex >= 0 ? field.options[field.selectedIndex].text : field.value;
    });
  }
  var dialog = document.getElementById("confirm-dialog");
  if (dialog && typeof dialog.showModal === "function") {
    var pending = null;
    dialog.querySelector("[data-confirm-yes]").addEventListener("click", function () {
      var form = pending && pending.form;
      dialog.close();
      if (!form) { return; }
      var flag = form.querySelector("input[name=confirmed]") || document.createElement("input");
      flag.type = "hidden"; flag.name = "confirmed"; flag.value = "1";
      form.appendChild(flag);
      form.setAttribute("data-confirmed", "1");
      if (form.requestSubmit) { form.requestSubmit(pending.submitter || undefined); } else { form.submit(); }
    });
    dialog.querySelector("[data-confirm-no]").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      if (pending && pending.submitter && !pending.form.hasAttribute("data-confirmed")) { pending.submitter.focus(); }
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-confirmed") === "1") { return; }
        event.preventDefault();
        pending = {form: form, submitter: event.submitter || null};
        document.getElementById("confirm-question").textContent = withValues(form, form.getAttribute("data-confirm"));
        dialog.querySelector("[data-confirm-yes]").textContent = form.getAttribute("data-confirm-action");
        dialog.showModal();
      });
    });
  }
  // The payment form's project: choosing another one loads its milestones into the milestone list in
  // place (nothing typed is lost, the focus stays); without script a button shows them instead.
  document.querySelectorAll("select[data-milestones-url]").forEach(function (select) {
    var target = document.getElementById(select.getAttribute("data-milestones-for"));
    var empty = document.getElementById(select.getAttribute("data-milestones-empty"));
    // Without script a button shows the chosen project's milestones. With it the button goes: it comes
    // first in the form, and would otherwise be what the Enter key presses instead of Save.
    var choose = select.form && select.form.querySelector("button[name=choose]");
    var chooseHome = choose && choose.parentNode;
    if (!target || !window.fetch) { return; }
    if (choose) { choose.remove(); }
    select.addEventListener("change", function () {
      var url = select.getAttribute("data-milestones-url") + "?project=" + encodeURIComponent(select.value);
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (milestones) {
        target.innerHTML = "";
        milestones.forEach(function (milestone) {
          var option = document.createElement("option");
          option.value = milestone.id;
          option.textContent = milestone.label;
          target.appendChild(option);
        });
        target.disabled = milestones.length === 0;
        if (empty) { empty.hidden = milestones.length !== 0; }
      }).catch(function () { if (choose && !choose.isConnected) { chooseHome.appendChild(choose); } });
    });
  });
  // Disable a submit button once its form is sent, so a double click sends it once.
  document.querySelectorAll("form[method=post], form[method=POST]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }  // not sent (yet): the confirm step asks first
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
