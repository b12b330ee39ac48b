// Seed 001: an 8-digit licence number needs neither centre nor category, so hide them while the
// number typed has 8 digits. Without JavaScript the fields stay visible and the server ignores them.
(function () {
  "use strict";
  var number = document.getElementById("id_licence_number");
  var details = document.querySelector("[data-licence-details]");
  if (!number || !details) { return; }
  var length = parseInt(number.getAttribute("data-national-length"), 10);
  function ascii(value) {
    return value.replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); })
      .replace(/[\u06F0-\u06F9]/g, function (d) { return String(d.charCodeAt(0) - 0x06F0); })
      .replace(/\s+/g, "");
  }
  function update() {
    var value = ascii(number.value);
    var national = /^[0-9]+$/.test(value) && value.length === length;
    details.hidden = national;
    details.querySelectorAll("select").forEach(function (select) { select.disabled = national; });
  }
  number.addEventListener("input", update);
  update();
})();
