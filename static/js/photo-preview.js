// Previews of the photos chosen in the entry form, drawn under each file input before
// anything is sent (templates/diary/_photo_inputs.html). Each is a small copy drawn on
// a canvas and shown as a data: image (the page's CSP allows images from the site and
// data: only, not blob:). A file the browser cannot draw (HEIC on most phones) is
// named, and still sent. Without JavaScript the inputs work as before.
(function () {
  "use strict";
  const SIDE = 160; // px, twice the 80 px shown, for sharp previews on a phone

  async function thumbnail(file) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    if (bitmap.close) bitmap.close();
    return canvas.toDataURL("image/jpeg", 0.8);
  }

  async function show(input, box) {
    box.replaceChildren();
    for (const file of Array.from(input.files || [])) {
      const figure = document.createElement("figure");
      figure.className = "photo-preview mb-0";
      figure.dataset.photoPreview = file.name;
      const caption = document.createElement("figcaption");
      caption.className = "small text-body-secondary";
      caption.textContent = file.name;
      try {
        const image = document.createElement("img");
        image.alt = "";
        image.className = "rounded border";
        image.src = await thumbnail(file);
        figure.append(image);
      } catch (error) {
        caption.textContent = file.name + " — " + box.dataset.textNoPreview;
        figure.dataset.photoPreviewMissing = "";
      }
      figure.append(caption);
      box.append(figure);
    }
  }

  function init(root) {
    root.querySelectorAll("[data-photo-previews]").forEach(function (box) {
      const input = document.getElementById(box.dataset.photoPreviews);
      if (!input || input.dataset.previewBound) return;
      input.dataset.previewBound = "1";
      input.addEventListener("change", function () {
        show(input, box);
      });
      if (input.files && input.files.length) show(input, box); // kept by the browser
    });
  }

  init(document);
  // The page's main part replaced after a save through static/js/outbox.js.
  document.addEventListener("diary:main", function (event) {
    init(event.detail);
  });
})();
