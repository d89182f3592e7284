// The publish step: the officer draws boxes over faces and number plates on each photo;
// the boxes (fractions of the image) go to the server, which blurs them with Pillow.
(function () {
  "use strict";

  function editor(figure, boxes) {
    var canvas = figure.querySelector("canvas");
    var ctx = canvas.getContext("2d");
    var img = new Image();
    var start = null, current = null;
    var id = figure.dataset.photo;
    boxes[id] = [];

    function draw() {
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#b3261e";
      ctx.fillStyle = "rgba(179, 38, 30, 0.35)";
      boxes[id].concat(current ? [current] : []).forEach(function (b) {
        ctx.fillRect(b[0] * canvas.width, b[1] * canvas.height, b[2] * canvas.width, b[3] * canvas.height);
        ctx.strokeRect(b[0] * canvas.width, b[1] * canvas.height, b[2] * canvas.width, b[3] * canvas.height);
      });
      figure.querySelector(".box-count").textContent = String(boxes[id].length);
    }
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return [Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (e.clientY - r.top) / r.height))];
    }
    function box(a, b) {
      return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1])];
    }
    img.onload = function () {
      var width = Math.min(img.naturalWidth, figure.clientWidth || img.naturalWidth);
      canvas.width = width;
      canvas.height = Math.round(width * img.naturalHeight / img.naturalWidth);
      draw();
    };
    img.src = canvas.dataset.src;
    canvas.addEventListener("pointerdown", function (e) { start = point(e); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", function (e) { if (start) { current = box(start, point(e)); draw(); } });
    canvas.addEventListener("pointerup", function (e) {
      if (!start) { return; }
      var b = box(start, point(e));
      start = null; current = null;
      if (b[2] > 0.005 && b[3] > 0.005) { boxes[id].push(b); }
      draw();
    });
    figure.querySelector(".undo").addEventListener("click", function () { boxes[id].pop(); draw(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("publish-form");
    if (!form) { return; }
    var boxes = {};
    form.querySelectorAll(".blur-editor").forEach(function (f) { editor(f, boxes); });
    form.addEventListener("submit", function () {
      document.getElementById("boxes").value = JSON.stringify(boxes);
    });
  });
})();
