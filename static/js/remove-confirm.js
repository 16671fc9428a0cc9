// "Remove" on a saved photo asks first, right there: "Remove this photo? Yes, remove /
// No, keep it" (templates/diary/_saved_photos.html). "Yes" posts the photo's form with
// confirm=1. Without JavaScript, Remove posts without it and the server asks on a page
// of its own (diary.views.photo_remove).
(function () {
  "use strict";

  function init(root) {
    root.querySelectorAll("[data-remove-ask]").forEach(function (ask) {
      if (ask.dataset.confirmBound) return;
      ask.dataset.confirmBound = "1";
      const question = ask.parentElement.querySelector("[data-remove-confirm]");
      if (!question) return;
      const no = question.querySelector("[data-remove-no]");
      ask.addEventListener("click", function (event) {
        event.preventDefault();
        ask.hidden = true;
        question.hidden = false;
        no.focus(); // the safe answer first; "Yes" is one Tab (or tap) away
      });
      no.addEventListener("click", function () {
        question.hidden = true;
        ask.hidden = false;
        ask.focus();
      });
    });
  }

  init(document);
  document.addEventListener("diary:main", function (event) {
    init(event.detail);
  });
})();
