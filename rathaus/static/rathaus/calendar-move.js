/* Drag a scheduled post to another hour of the calendar week. Only a shortcut: the drop
   fills and sends the same form as the post's "Move" link (desk:calendar_move), keeping
   the post's minute, so the server checks the time (future, daylight-saving nights) and
   the approver's role exactly as there. Without JavaScript the link does it all. */
(function () {
  "use strict";
  var form = document.getElementById("calendar-move-form");
  if (!form) return;
  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest("[data-move]");
    if (!entry) return;
    dragged = entry;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", entry.getAttribute("data-move"));
  });

  function slotOf(event) {
    return dragged && event.target.closest ? event.target.closest("td[data-slot]") : null;
  }

  document.addEventListener("dragover", function (event) {
    var slot = slotOf(event);
    if (!slot || slot.classList.contains("skipped")) return;
    event.preventDefault();
    slot.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var slot = slotOf(event);
    if (slot) slot.classList.remove("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var slot = slotOf(event);
    if (!slot || slot.classList.contains("skipped")) return;
    event.preventDefault();
    var value = slot.getAttribute("data-slot"); // YYYY-MM-DDTHH:00
    form.action = dragged.getAttribute("data-move");
    form.querySelector("input[name=at]").value =
      value.slice(0, 14) + dragged.getAttribute("data-minute");
    dragged = null;
    form.submit();
  });

  document.addEventListener("dragend", function () {
    dragged = null;
    document.querySelectorAll(".drop-target").forEach(function (slot) {
      slot.classList.remove("drop-target");
    });
  });
})();
