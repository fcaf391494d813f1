/* Sunlight: response documents of a bid, uploaded with a progress bar and resumed after a dropped
   connection. The file is announced (upload key, name, size, fingerprint), then its bytes are
   PUT from the offset the server names; after an interruption the upload continues from the
   server's `resume_from` (which re-sends the last stored segment, so a changed file is noticed).
   The upload key is kept in localStorage per bid, document and file, so a reload resumes too. */
(function () {
  "use strict";
  var draft = document.getElementById("bid-draft");
  if (!draft) { return; }
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var beginUrl = draft.dataset.beginUrl;
  var uploadUrl = draft.dataset.uploadUrl;
  var bid = draft.dataset.bid;
  var texts = {
    uploading: document.documentElement.lang.indexOf("zh") === 0 ? "正在上传并加密…" : "Uploading and encrypting…",
    resuming: document.documentElement.lang.indexOf("zh") === 0 ? "连接中断，正在续传…" : "Connection lost, resuming…",
    done: document.documentElement.lang.indexOf("zh") === 0 ? "已接收 · SHA-256 " : "Received · SHA-256 ",
    failed: document.documentElement.lang.indexOf("zh") === 0 ? "上传失败：" : "Upload failed: "
  };

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function request(method, url, body, headers, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      Object.keys(headers || {}).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      if (onProgress) { xhr.upload.onprogress = onProgress; }
      xhr.onload = function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = {detail: xhr.statusText}; }
        data.httpStatus = xhr.status;
        resolve(data);
      };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.send(body);
    });
  }

  function upload(box, file) {
    var bar = box.querySelector("progress");
    var state = box.querySelector(".sunlight-upload-state");
    var fingerprint = file.size + "-" + file.lastModified;
    var storeKey = "sunlight-upload:" + bid + ":" + box.dataset.document + ":" + file.name + ":" + fingerprint;
    var key = localStorage.getItem(storeKey) || newKey();
    localStorage.setItem(storeKey, key);
    var url = uploadUrl.replace("00000000-0000-0000-0000-000000000000", key);
    var attempts = 0;
    state.textContent = texts.uploading;

    function fail(detail) {
      state.textContent = texts.failed + detail;
      state.classList.add("text-danger");
      localStorage.removeItem(storeKey);
    }

    function finish(data) {
      bar.value = 100;
      state.classList.remove("text-danger");
      state.textContent = texts.done + data.sha256;
      localStorage.removeItem(storeKey);
    }

    function send(from) {
      return request("PUT", url + "?offset=" + from, file.slice(from), {"Content-Type": "application/octet-stream"},
        function (e) { if (e.lengthComputable) { bar.value = Math.floor(100 * (from + e.loaded) / file.size); } }
      ).then(function (data) {
        if (data.httpStatus === 200 && data.status === "complete") { return finish(data); }
        if (data.httpStatus === 200 || data.code === "upload_incomplete" || data.code === "upload_offset") { return retry(); }
        return fail(data.detail);
      }, retry);
    }

    function retry() {
      attempts += 1;
      if (attempts > 20) { return fail(texts.resuming); }
      state.textContent = texts.resuming;
      return new Promise(function (r) { setTimeout(r, Math.min(1000 * attempts, 5000)); }).then(function () {
        return request("GET", url).then(function (data) {
          if (data.httpStatus !== 200) { return fail(data.detail); }
          if (data.status === "complete") { return finish(data); }
          return send(data.resume_from);
        }, retry);
      });
    }

    return request("POST", beginUrl, JSON.stringify({
      upload_key: key, document: box.dataset.document, name: file.name, size: file.size, fingerprint: fingerprint
    }), {"Content-Type": "application/json"}).then(function (data) {
      if (data.httpStatus !== 200) { return fail(data.detail); }
      if (data.status === "complete") { return finish(data); }
      return send(data.resume_from);
    }, retry);
  }

  Array.prototype.forEach.call(draft.querySelectorAll(".sunlight-upload"), function (box) {
    box.querySelector("input[type=file]").addEventListener("change", function (event) {
      if (event.target.files.length) { upload(box, event.target.files[0]); }
    });
  });

  var form = document.getElementById("submit-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      setTimeout(function () { button.disabled = true; }, 0);  // one click, one submission
    });
  }
}());
