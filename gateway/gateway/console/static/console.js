// The import form: send the file with XMLHttpRequest to show the upload's progress, then show the answer page.
// Without JavaScript the form posts as usual.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var progress = document.getElementById("import-progress");
  var state = document.getElementById("import-state");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    form.querySelectorAll(".hidden-until-sent").forEach(function (node) { node.classList.add("shown"); });
    request.upload.addEventListener("progress", function (sent) {
      if (!sent.lengthComputable) return;
      var percent = Math.round((sent.loaded / sent.total) * 100);
      progress.value = percent;
      state.textContent = percent < 100 ? "Sending: " + percent + "%" : "Sent; importing…";
    });
    request.addEventListener("load", function () {
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      state.textContent = "The file could not be sent. Try again.";
    });
    request.send(new FormData(form));
  });
});
