// Progressive enhancement of the sync-bundle upload form on a learning point's page:
// send the chosen files with XHR so a progress bar can show the upload, then list the
// county's answer for each file. Without this script the form posts and a page lists them.
(function () {
  'use strict';
  var form = document.querySelector('form[data-upload]');
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var progress = form.querySelector('progress');
  var progressLabel = form.querySelector('[data-progress-label]');
  var results = document.querySelector('[data-upload-results]');
  var button = form.querySelector('button[type=submit]');

  function show(summary, files) {
    results.textContent = '';
    var p = document.createElement('p');
    p.className = 'big';
    p.setAttribute('data-testid', 'result-summary');
    p.textContent = summary;
    results.appendChild(p);
    var list = document.createElement('ul');
    list.className = 'receipts';
    list.setAttribute('data-testid', 'receipts');
    (files || []).forEach(function (file) {
      var li = document.createElement('li');
      li.className = file.ok ? 'ok' : 'refused';
      li.setAttribute('data-file', file.name);
      var name = document.createElement('strong');
      name.textContent = file.name;
      li.appendChild(name);
      li.appendChild(document.createTextNode(file.text));
      list.appendChild(li);
    });
    results.appendChild(list);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', form.elements.csrf_token.value);
    progress.hidden = false;
    progressLabel.hidden = false;
    progress.value = 0;
    button.disabled = true;
    results.textContent = form.getAttribute('data-sending');
    xhr.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener('load', function () {
      button.disabled = false;
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = null; }
      if (answer && answer.files) {
        progress.value = 100;
        show(answer.summary, answer.files);
        form.reset();
      } else {
        // An error page (too large, expired form): show its own sentence.
        var page = new DOMParser().parseFromString(xhr.responseText || '', 'text/html');
        var said = page.querySelector('[data-testid=error]');
        show(said ? said.textContent : form.getAttribute('data-failed'), []);
      }
    });
    xhr.addEventListener('error', function () {
      button.disabled = false;
      show(form.getAttribute('data-failed'), []);
    });
    xhr.send(data);
  });
})();
