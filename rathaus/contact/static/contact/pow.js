// Proof of work for the contact form (only loaded when the office switched it on): find a
// number whose SHA-256 together with the form's nonce starts with data-pow-bits zero bits.
// The server checks the same (rathaus/lib/spam.py). No data leaves the page.
(function () {
  "use strict";
  function zeroBits(bytes, bits) {
    for (var i = 0; i < bits; i++) {
      if (bytes[i >> 3] & (0x80 >> (i & 7))) return false;
    }
    return true;
  }
  async function solve(nonce, bits) {
    var encoder = new TextEncoder();
    for (var n = 0; ; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(nonce + ":" + n));
      if (zeroBits(new Uint8Array(digest), bits)) return String(n);
    }
  }
  document.querySelectorAll("form[data-pow-bits]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var work = form.querySelector("input[name=work]");
      if (!work || work.value || !window.crypto || !crypto.subtle) return;
      event.preventDefault();
      var status = form.querySelector(".pow-status");
      var button = form.querySelector("button[type=submit]");
      if (status) status.textContent = document.documentElement.lang === "de"
        ? "Spam-Schutz wird berechnet …" : "Computing the spam protection …";
      if (button) button.disabled = true;
      var nonce = form.querySelector("input[name=nonce]").value;
      solve(nonce, parseInt(form.dataset.powBits, 10)).then(function (answer) {
        work.value = answer;
        form.submit();
      });
    });
  });
})();
