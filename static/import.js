/* Spreadsheet import: real upload progress, and a busy bar while the import runs.
 * Without JavaScript both forms submit normally; this only adds the progress display. */
(function () {
  "use strict";

  function uploadWithProgress(form) {
    var box = document.getElementById("upload-progress");
    var bar = box.querySelector("progress");
    var label = box.querySelector(".import-progress-label");
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files || !input.files.length || !window.FormData) {
        return; // let the server say what is missing
      }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      var target = form.action || window.location.href;
      box.hidden = false;
      xhr.open("POST", target);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var pct = Math.round((e.loaded / e.total) * 100);
        bar.value = pct;
        label.textContent = form.getAttribute("data-uploading").replace("{pct}", pct + "%");
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // indeterminate while the server reads the file
        label.textContent = form.getAttribute("data-reading");
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== target) {
          window.location.assign(xhr.responseURL); // the upload was accepted: go to the next step
          return;
        }
        document.open(); // the form came back with an error: show it
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () { box.hidden = true; form.submit(); });
      xhr.send(new FormData(form));
    });
  }

  function busyWhileSubmitting(form) {
    var box = document.getElementById(form.getAttribute("data-busy"));
    form.addEventListener("submit", function () {
      box.hidden = false;
      var buttons = form.querySelectorAll("button[type=submit]");
      window.setTimeout(function () { // after the browser has taken the submission
        for (var i = 0; i < buttons.length; i += 1) { buttons[i].disabled = true; }
      }, 0);
    });
  }

  var upload = document.querySelector("form[data-upload-progress]");
  if (upload && window.XMLHttpRequest) { uploadWithProgress(upload); }
  var busy = document.querySelector("form[data-busy]");
  if (busy) { busyWhileSubmitting(busy); }
}());
