// Copy-to-clipboard for the e-payment number. Without JavaScript the button stays hidden and the
// number remains a selectable read-only field.
(function () {
  "use strict";
  document.querySelectorAll(".js-copy").forEach(function (button) {
    var target = document.getElementById(button.dataset.copyTarget);
    var status = document.getElementById("copy-status");
    if (!target) { return; }
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      var done = function () {
        button.textContent = button.dataset.copiedText;
        if (status) { status.textContent = button.dataset.copiedText; }
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(target.value).then(done, function () { target.select(); });
      } else {
        target.select();
        try { document.execCommand("copy"); done(); } catch (e) { /* the number stays selected */ }
      }
    });
  });
})();
