// The day slider on the Compare page: moving it picks the second day and reloads.
(function () {
  const slider = document.getElementById("day-slider");
  if (!slider) return;
  const days = slider.dataset.days.split(",");
  const target = document.getElementById(slider.dataset.target);
  slider.value = String(Math.max(0, days.indexOf(target.value)));
  slider.addEventListener("change", function () {
    target.value = days[Number(slider.value)];
    target.form.submit();
  });
})();
