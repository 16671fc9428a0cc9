// Compare: side by side (the page without JavaScript) or overlaid. In the overlay the
// second day's photo lies over the first day's, cut at an edge that the slider moves:
// the first day shows left of it, the second right of it, as the slider's ends say.
// The slider sets a CSS custom property (allowed by the CSP, unlike a style attribute
// in the markup).
(function () {
  const modes = document.querySelector(".compare-modes");
  const pairs = document.querySelectorAll(".compare-pair.can-overlay");
  if (!modes || pairs.length === 0) return;

  function sliderOf(pair) {
    return pair.closest(".compare-row").querySelector(".compare-slider");
  }

  function show(mode) {
    modes.querySelectorAll("[data-mode]").forEach(function (button) {
      const on = button.dataset.mode === mode;
      button.classList.toggle("active", on);
      button.setAttribute("aria-pressed", String(on));
    });
    pairs.forEach(function (pair) {
      pair.classList.toggle("is-overlay", mode === "overlay");
      sliderOf(pair).hidden = mode !== "overlay";
    });
  }

  pairs.forEach(function (pair) {
    const input = sliderOf(pair).querySelector("input[type=range]");
    function move() {
      pair.style.setProperty("--edge", input.value + "%");
    }
    input.addEventListener("input", move);
    move();
  });
  modes.addEventListener("click", function (event) {
    const button = event.target.closest("[data-mode]");
    if (button) show(button.dataset.mode);
  });
  modes.hidden = false;
})();
