// The studio's media in the browser (served from the server: the staff CSP allows no
// inline script). Three progressive enhancements of the draft and lesson pages:
// - chunked, resumable uploads with a progress bar (studio/uploads.py is the server side):
//   the file is announced, then sent in the chunks the server names, each with its offset;
//   a broken connection resumes from the offset the server reports, and an upload id kept
//   in localStorage lets a reloaded page resume the same file;
// - a picture taken with the phone's camera, put into the Chinese lesson text;
// - narration recorded with the microphone (MediaRecorder), trimmed to a chosen start and
//   end by decoding it with Web Audio and re-encoding the part as 16 kHz mono WAV, which
//   the pack builder transcodes to Opus like any recording.
// Words come from data-w-* attributes of the element marked data-studio-media.
(function () {
  'use strict';
  var root = document.querySelector('[data-studio-media]');
  if (!root || !window.fetch || !window.XMLHttpRequest) return;
  var csrf = root.getAttribute('data-csrf');
  var base = root.getAttribute('data-uploads');
  var RETRIES = 6;

  function word(key, values) {
    var text = root.getAttribute('data-w-' + key) || key;
    Object.keys(values || {}).forEach(function (k) {
      text = text.split('{' + k + '}').join(values[k]);
    });
    return text;
  }

  function say(where, text, warn) {
    where.textContent = text;
    where.className = warn ? 'warn' : 'notice';
    where.hidden = !text;
  }

  function refusal(body, fallback) {
    return (body && body.details && body.details.text) || fallback || word('failed');
  }

  function json(method, url, payload) {
    return fetch(url, {
      method: method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Accept: 'application/json' },
      body: payload ? JSON.stringify(payload) : undefined,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error(refusal(body));
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  // PUT one chunk; resolves with the server's answer, or its refusal (with .status).
  function putChunk(url, blob, onBytes) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('PUT', url);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.upload.addEventListener('progress', function (e) { onBytes(e.loaded); });
      xhr.addEventListener('load', function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status === 200 && body) return resolve(body);
        reject({ status: xhr.status, body: body });
      });
      xhr.addEventListener('error', function () { reject({ status: 0, body: null }); });
      xhr.send(blob);
    });
  }

  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  /** Upload ``file`` as ``name`` in chunks; ``bar`` (a <progress>) and ``label`` show it.
   * Resolves with the name the file got in the draft's media/. */
  function upload(file, name, bar, label) {
    var key = 'xuedian-upload:' + base + ':' + name + ':' + file.size + ':' + (file.lastModified || 0);
    var id = null;
    var failures = 0;
    bar.hidden = false;
    bar.max = file.size;
    bar.value = 0;
    function show(offset, extra) {
      bar.value = offset + (extra || 0);
      var percent = Math.floor((100 * bar.value) / file.size);
      say(label, word('sending', { name: name, percent: percent }));
    }
    function begin() {
      var kept = window.localStorage && localStorage.getItem(key);
      var resume = kept
        ? json('GET', base + '/' + kept).catch(function () { return null; })
        : Promise.resolve(null);
      return resume.then(function (found) {
        return found || json('POST', base, { name: name, size: file.size });
      });
    }
    function send(state) {
      id = state.upload_id;
      if (window.localStorage) localStorage.setItem(key, id);
      var offset = state.offset;
      show(offset);
      var url = base + '/' + id + '?offset=' + offset;
      var chunk = file.slice(offset, Math.min(file.size, offset + state.chunk));
      return putChunk(url, chunk, function (n) { show(offset, n); }).then(
        function (answer) {
          failures = 0;
          if (answer.done) {
            if (window.localStorage) localStorage.removeItem(key);
            bar.value = file.size;
            say(label, word('done', { name: answer.name }));
            return answer.name;
          }
          return send({ upload_id: id, offset: answer.offset, chunk: state.chunk });
        },
        function (refused) {
          if (refused.status === 409 && refused.body && refused.body.details) {
            return send({ upload_id: id, offset: refused.body.details.offset, chunk: state.chunk });
          }
          if (refused.status && refused.status !== 502 && refused.status !== 503) {
            if (refused.status === 404 && window.localStorage) localStorage.removeItem(key);
            throw new Error(refusal(refused.body));
          }
          return retry();
        }
      );
    }
    // The connection broke: wait (longer each time), ask where the upload stands, go on.
    function retry() {
      failures += 1;
      if (failures > RETRIES) return Promise.reject(new Error(word('failed')));
      say(label, word('resuming', { name: name }));
      return wait(500 * Math.pow(2, failures)).then(function () {
        return json('GET', base + '/' + id).then(send, function (err) {
          if (err.status) throw err; // the server answered: the upload is gone
          return retry();
        });
      });
    }
    return begin().then(send).catch(function (err) {
      bar.hidden = true;
      say(label, err.message || word('failed'), true);
      throw err;
    });
  }

  // The draft page's media form: chunked instead of one multipart post.
  var form = document.querySelector('form[data-chunked]');
  if (form) {
    form.addEventListener('submit', function (event) {
      var input = form.querySelector('input[type=file]');
      if (!input.files.length) return;
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      var file = input.files[0];
      upload(file, file.name, form.querySelector('progress'), form.querySelector('[data-status]'))
        .then(function (name) {
          location.href = form.getAttribute('data-done').replace('NAME', encodeURIComponent(name));
        })
        .catch(function () { button.disabled = false; });
    });
  }

  // The lesson page: a picture (file or camera) goes into the Chinese text.
  var body = document.getElementById('body');
  Array.prototype.forEach.call(document.querySelectorAll('input[data-picture]'), function (input) {
    var box = input.closest('[data-upload-box]');
    input.addEventListener('change', function () {
      if (!input.files.length) return;
      var file = input.files[0];
      var name = file.name && file.name.indexOf('.') > 0 ? file.name : 'photo.jpg';
      upload(file, name, box.querySelector('progress'), box.querySelector('[data-status]')).then(function (saved) {
        var at = body.selectionEnd || body.value.length;
        var text = '\n\n![](media/' + saved + ')\n\n';
        body.value = body.value.slice(0, at) + text + body.value.slice(at);
        say(box.querySelector('[data-status]'), word('picture-added', { name: saved }));
        input.value = '';
      }, function () { input.value = ''; });
    });
  });

  // A recording (uploaded or recorded) becomes this lesson's narration in the form.
  var select = document.getElementById('audio');
  function chooseNarration(name) {
    var option = document.createElement('option');
    option.value = name;
    option.textContent = name;
    select.appendChild(option);
    select.value = name;
  }
  var audioInput = document.querySelector('input[data-narration-file]');
  if (audioInput && select) {
    audioInput.addEventListener('change', function () {
      if (!audioInput.files.length) return;
      var box = audioInput.closest('[data-upload-box]');
      var file = audioInput.files[0];
      upload(file, file.name, box.querySelector('progress'), box.querySelector('[data-status]')).then(function (saved) {
        chooseNarration(saved);
        say(box.querySelector('[data-status]'), word('recording-saved', { name: saved }));
      }, function () {});
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-upload-box]'), function (box) {
    box.hidden = false;
  });
  if (window.StudioRecorder && select) window.StudioRecorder(root, { upload: upload, word: word, say: say, choose: chooseNarration });
})();
