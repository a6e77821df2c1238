// The supervisee form: the date of birth and sex follow from an 18-character resident ID number.
// Fill them in when they are empty (the server does the same and checks typed values against it).
(function () {
  var id = document.getElementById("id_resident_id");
  var born = document.getElementById("id_date_of_birth");
  var sex = document.getElementById("id_sex");
  if (!id || !born || !sex) return;
  id.addEventListener("input", function () {
    var n = id.value.replace(/\s/g, "").toUpperCase();
    if (!/^\d{17}[\dX]$/.test(n)) return;
    var date = n.slice(6, 10) + "-" + n.slice(10, 12) + "-" + n.slice(12, 14);
    if (isNaN(Date.parse(date))) return;
    if (!born.value) born.value = date;
    if (!sex.value) sex.value = parseInt(n.charAt(16), 10) % 2 ? "male" : "female";
  });
})();
