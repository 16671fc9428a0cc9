// A form that came back with errors starts with its summary (templates/_form_errors.html),
// which has `autofocus`; browsers that honour autofocus only on form controls get the
// same here: focus on the summary, so a screen reader reads it and Tab goes on to the
// fields. Without JavaScript the summary is still the first thing in the form.
(function () {
  const summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
})();
