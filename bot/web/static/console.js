// The web console's only script (served from /web/static, so the page's CSP allows it): the live
// recipient count while a broadcast is composed, and live progress while one is sent. Without it the
// pages still work: the preview shows the count, and reloading shows the progress.
"use strict";

function liveCount(form) {
  const out = document.getElementById("count");
  let asked = 0;
  async function update() {
    const query = new URLSearchParams();
    form.querySelectorAll("select.segment").forEach((s) => { if (s.value) query.set(s.name, s.value); });
    const mine = ++asked;
    const answer = await fetch(form.dataset.countUrl + "?" + query, { credentials: "same-origin" });
    if (!answer.ok || mine !== asked) return;
    const data = await answer.json();
    if (data.text) out.textContent = data.text;
  }
  form.querySelectorAll("select.segment").forEach((s) => s.addEventListener("change", update));
}

function liveProgress(box) {
  if (box.dataset.active !== "1") return;
  async function poll() {
    const answer = await fetch(box.dataset.url, { credentials: "same-origin" });
    if (answer.ok) {
      const data = await answer.json();
      document.getElementById("bar").value = data.percent;
      document.getElementById("progress-text").textContent = data.summary;
      if (data.status === "done" || data.status === "cancelled") { location.reload(); return; }
    }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("compose");
  if (form) liveCount(form);
  const box = document.getElementById("progress");
  if (box) liveProgress(box);
});
