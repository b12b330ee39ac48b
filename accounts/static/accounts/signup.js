// Show the national number for Jordanians, the personal number and nationality for others.
// Without JavaScript every field stays visible and the server checks the right ones.
(function () {
  "use strict";
  var form = document.getElementById("signup-form");
  if (!form) { return; }
  var groups = {
    jo: ["national_id"],
    other: ["personal_number", "nationality"]
  };
  function wrapper(name) {
    return document.getElementById("div_id_" + name);
  }
  function update() {
    var checked = form.querySelector("input[name=citizenship]:checked");
    var value = checked ? checked.value : "jo";
    Object.keys(groups).forEach(function (key) {
      groups[key].forEach(function (name) {
        var el = wrapper(name);
        if (el) { el.hidden = key !== value; }
      });
    });
  }
  form.querySelectorAll("input[name=citizenship]").forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
