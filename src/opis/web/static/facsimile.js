// Facsimile view: hovering a word or a line of the text lights its box on the page image;
// the zoom buttons scale every page image (the boxes are percentages, so they follow).
// Boxes are placed from their data-box (percent of the image) here, not by style
// attributes, which the site's Content-Security-Policy (style-src 'self') forbids.
(function () {
  document.querySelectorAll('.fx-box[data-box]').forEach(function (b) {
    var v = b.dataset.box.split(',');
    b.style.left = v[0] + '%'; b.style.top = v[1] + '%';
    b.style.width = v[2] + '%'; b.style.height = v[3] + '%';
  });
  function boxes(id) { return document.querySelectorAll('.fx-box[data-for="' + id + '"]'); }
  function light(id, on) { boxes(id).forEach(function (b) { b.classList.toggle('on', on); }); }
  document.querySelectorAll('.fx-tline, .fx-tword').forEach(function (el) {
    el.addEventListener('mouseenter', function () { light(el.id, true); });
    el.addEventListener('mouseleave', function () { light(el.id, false); });
  });
  var zoom = 1;
  document.querySelectorAll('.fx-zoom').forEach(function (btn) {
    btn.addEventListener('click', function () {
      var step = Number(btn.dataset.step);
      zoom = step === 0 ? 1 : Math.min(4, Math.max(0.5, zoom * (step > 0 ? 1.25 : 0.8)));
      document.querySelectorAll('.fx-image').forEach(function (im) { im.style.setProperty('--zoom', zoom); });
    });
  });
})();
