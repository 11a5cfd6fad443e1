// okno: the upload with progress per file, drag and drop, the check followed file by file,
// and the highlighted cell in view. Works without it too: the form posts as it is, and the
// check's page reloads itself.
"use strict";

// The Russian words for a count of files: 1 файл, 2 файла, 5 файлов.
function filesWord(n) {
  var d = n % 10, h = n % 100;
  if (d === 1 && h !== 11) { return "файл"; }
  if (d >= 2 && d <= 4 && (h < 12 || h > 14)) { return "файла"; }
  return "файлов";
}

// The check of a job, followed through /check/{job}/status until it is done.
function followCheck(box) {
  var url = box.getAttribute("data-status");
  var items = box.querySelectorAll("#file-states li");
  var checked = document.getElementById("checked");
  var bar = document.getElementById("check-bar");
  var started = Date.now();
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.onload = function () {
      if (xhr.status !== 200) { window.location.reload(); return; }
      var st = JSON.parse(xhr.responseText);
      st.files.forEach(function (f) {
        var li = items[f.n];
        if (!li) { return; }
        li.setAttribute("data-state", f.state);
        var span = li.querySelector(".state");
        span.textContent = f.text;
        span.className = "state" + (f.state === "unreadable" || (f.state === "done" && f.errors > 0) ? " bad" :
          f.state === "done" ? " ok" : "");
      });
      if (checked) { checked.textContent = st.checked; }
      if (bar) { bar.value = st.checked; }
      if (st.done) {
        // The results (they keep the list of files with their final states).
        window.location.reload();
      } else {
        // Often at first (a small check is done in a moment), then every 0.3 s.
        window.setTimeout(poll, Date.now() - started < 2000 ? 100 : 300);
      }
    };
    xhr.onerror = function () { window.setTimeout(poll, 1000); };
    xhr.send();
  }
  poll();
}

document.addEventListener("DOMContentLoaded", function () {
  var hl = document.getElementById("hl");
  if (hl) { hl.scrollIntoView({ block: "center", inline: "center" }); }

  var checking = document.getElementById("checking");
  if (checking && checking.getAttribute("data-running") === "1") { followCheck(checking); }

  var form = document.getElementById("upload");
  if (!form) { return; }
  var input = document.getElementById("files");
  var drop = document.getElementById("drop");
  var list = document.getElementById("progress");
  var chosen = document.getElementById("chosen");

  function show() {
    list.textContent = "";
    var n = input.files.length;
    if (!n) {
      chosen.textContent = "Файлы не выбраны";
    } else {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      chosen.textContent = "Выбрано: " + n + " " + filesWord(n) + " — " +
        (n > 3 ? names.slice(0, 3).join(", ") + " и ещё " + (n - 3) : names.join(", "));
    }
    Array.prototype.forEach.call(input.files, function (f) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = f.name;
      var bar = document.createElement("progress");
      bar.max = 1; bar.value = 0;
      var state = document.createElement("span");
      state.textContent = (f.size / 1048576).toFixed(1).replace(".", ",") + " МБ";
      li.appendChild(name); li.appendChild(bar); li.appendChild(state);
      list.appendChild(li);
    });
  }
  input.addEventListener("change", show);
  // A click anywhere in the zone chooses files, as the button does.
  drop.addEventListener("click", function (ev) {
    if (ev.target !== input && !(ev.target.closest && ev.target.closest("label"))) { input.click(); }
  });
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
      Array.prototype.forEach.call(states, function (s) { s.textContent = "загружен"; });
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
      var li = document.createElement("li");
      li.className = "bad";
      li.textContent = "Связь с okno прервана: файлы не загружены.";
      list.appendChild(li);
    };
    document.getElementById("submit").disabled = true;
    xhr.send(new FormData(form));
  });
});
