// The statement page's script.
(function () {
  "use strict";
  // Answering the inquiry's form: give the address bar the statement's own address, so that reloading
  // or coming back shows the statement again rather than asking to send the form again.
  var heading = document.getElementById("statement-heading");
  var address = heading && heading.getAttribute("data-address");
  if (address && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", address);
  }
  // "Copy" buttons next to e-payment numbers; without JavaScript the numbers are plain selectable text.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      var text = target.textContent.replace(/\s+/g, "");
      var done = function () {
        var status = document.getElementById(button.getAttribute("aria-describedby"));
        if (status) { status.textContent = button.getAttribute("data-copied"); }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, done);
      } else {
        var range = document.createRange();
        range.selectNodeContents(target);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.execCommand("copy");
        done();
      }
    });
  });
})();
