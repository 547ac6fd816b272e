/* Iteration slider (site_tools/macros.py): swaps build-time frames as the range control moves.
   Runs on every page view, including Material's instant navigation (document$). */
document$.subscribe(function () {
  document.querySelectorAll(".frame-slider").forEach(function (root) {
    var frames = JSON.parse(root.dataset.frames)
    var input = root.querySelector("input[type=range]")
    var output = root.querySelector("output")
    var images = root.querySelectorAll("img.frame-image")
    var caption = root.querySelector("figcaption")
    var last = frames[frames.length - 1].t
    var preload = function (i) {
      if (frames[i]) { new Image().src = frames[i].light; new Image().src = frames[i].dark }
    }
    // Neighbouring frames are fetched once the reader reaches for the slider, not while the page loads.
    var ready = false
    var show = function (i) {
      var frame = frames[i]
      images[0].src = frame.light
      images[1].src = frame.dark
      images.forEach(function (img) { img.alt = root.dataset.alt.replace("{t}", frame.t) })
      caption.textContent = "Iteration " + frame.t + ": loss " + frame.loss
      output.textContent = frame.t + " of " + last
      input.setAttribute("aria-valuetext", "iteration " + frame.t + ", loss " + frame.loss)
      if (ready) { preload(i - 1); preload(i + 1) }
    }
    var warm = function () {
      if (!ready) { ready = true; show(Number(input.value)) }
    }
    input.addEventListener("focus", warm)
    input.addEventListener("pointerdown", warm)
    input.addEventListener("input", function () { ready = true; show(Number(input.value)) })
    show(Number(input.value))
    root.classList.add("frame-slider--ready")
  })
})
