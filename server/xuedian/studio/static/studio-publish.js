// The draft page's publish progress (served from the server: the staff CSP allows no inline
// script). While the course is published in the background (studio/publishing.py), ask the
// server every second how far it is and move the progress bar; when it has ended, load the
// page again, which then shows the published version or why it failed. Without JavaScript
// the page refreshes itself (a <noscript> meta refresh) and has a plain refresh link.
(function () {
  'use strict';
  var box = document.querySelector('[data-testid=publishing][data-poll]');
  if (!box || !window.fetch) return;
  var bar = box.querySelector('progress');
  var text = box.querySelector('[data-testid=publish-text]');
  var PAUSE = 1000;
  var failures = 0;

  function show(answer) {
    bar.value = answer.percent || 0;
    bar.textContent = (answer.percent || 0) + '%';
    if (answer.text) text.textContent = answer.text;
  }

  function poll() {
    fetch(box.getAttribute('data-poll'), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (answer) {
        failures = 0;
        if (answer.state === 'running') {
          show(answer);
          setTimeout(poll, PAUSE);
          return;
        }
        show(answer);
        box.setAttribute('data-state', answer.state);
        location.replace(box.getAttribute(answer.state === 'published' ? 'data-done' : 'data-failed'));
      })
      .catch(function () {
        // The server is restarting or the connection broke: keep asking, more slowly.
        failures += 1;
        setTimeout(poll, PAUSE * Math.min(10, failures + 1));
      });
  }

  setTimeout(poll, PAUSE);
})();
