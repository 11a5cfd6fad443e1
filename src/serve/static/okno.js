// okno: the upload with progress per file, drag and drop, and the highlighted cell in view.
// Works without it too: the form posts as it is.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var hl = document.getElementById("hl");
  if (hl) { hl.scrollIntoView({ block: "center", inline: "center" }); }

  var form = document.getElementById("upload");
  if (!form) { return; }
  var input = document.getElementById("files");
  var drop = document.getElementById("drop");
  var list = document.getElementById("progress");

  function show() {
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (f) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = f.name;
      var bar = document.createElement("progress");
      bar.max = 1; bar.value = 0;
      var state = document.createElement("span");
      state.textContent = (f.size / 1048576).toFixed(1) + " МБ";
      li.appendChild(name); li.appendChild(bar); li.appendChild(state);
      list.appendChild(li);
    });
  }
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach(function (e) {
    drop.addEventListener(e, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (e) {
    drop.addEventListener(e, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (ev) {
    if (ev.dataTransfer && ev.dataTransfer.files.length) { input.files = ev.dataTransfer.files; show(); }
  });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!input.files.length) { input.click(); return; }
    var files = Array.prototype.slice.call(input.files);
    var bars = list.querySelectorAll("progress");
    var states = list.querySelectorAll("li > span:last-child");
    var total = files.reduce(function (s, f) { return s + f.size; }, 0);
    var limit = Number(drop.getAttribute("data-limit"));
    if (limit && total > limit) {
      var main = document.querySelector("main");
      var p = document.createElement("p");
      p.className = "message"; p.setAttribute("role", "alert");
      p.textContent = "Файлы слишком велики: за один раз можно загрузить не больше " +
        Math.floor(limit / 1048576) + " МБ.";
      var old = main.querySelector("p.message"); if (old) { old.remove(); }
      form.parentNode.insertBefore(p, form);
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) {
      var done = total ? e.loaded / e.total * total : 0, start = 0;
      files.forEach(function (f, i) {
        var part = f.size ? Math.min(Math.max((done - start) / f.size, 0), 1) : 1;
        if (bars[i]) { bars[i].value = part; }
        if (states[i]) { states[i].textContent = part >= 1 ? "загружен" : Math.round(part * 100) + " %"; }
        start += f.size;
      });
    };
    xhr.upload.onload = function () {
      Array.prototype.forEach.call(states, function (s) { s.textContent = "проверяется…"; });
    };
    xhr.onload = function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        window.location.href = xhr.responseURL;
      } else {
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = doc.querySelector("main");
        document.querySelector("main").replaceWith(main || doc.body);
      }
    };
    xhr.onerror = function () {
      list.insertAdjacentHTML("beforeend", "<li class=\"bad\">Связь с okno прервана: файлы не загружены.</li>");
    };
    document.getElementById("submit").disabled = true;
    xhr.send(new FormData(form));
  });
});
