// Narration recorded in the lesson editor: MediaRecorder records the microphone; the
// recording is decoded with Web Audio, the author chooses where it starts and ends (and
// may listen to that part), and only that part is re-encoded, as 16 kHz mono 16-bit WAV,
// and uploaded in chunks by studio-media.js, which calls window.StudioRecorder.
(function () {
  'use strict';
  var RATE = 16000;

  /** 16-bit PCM WAV of the mono samples ``data`` at ``rate``. */
  function wav(data, rate) {
    var buffer = new ArrayBuffer(44 + data.length * 2);
    var view = new DataView(buffer);
    function text(at, s) { for (var i = 0; i < s.length; i++) view.setUint8(at + i, s.charCodeAt(i)); }
    text(0, 'RIFF');
    view.setUint32(4, 36 + data.length * 2, true);
    text(8, 'WAVE');
    text(12, 'fmt ');
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, 1, true); // mono
    view.setUint32(24, rate, true);
    view.setUint32(28, rate * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, 'data');
    view.setUint32(40, data.length * 2, true);
    for (var i = 0; i < data.length; i++) {
      var s = Math.max(-1, Math.min(1, data[i]));
      view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
    }
    return new Blob([buffer], { type: 'audio/wav' });
  }

  /** The part [start, end) seconds of ``decoded``, mixed to mono at RATE, as WAV. */
  function trim(decoded, start, end) {
    var frames = Math.ceil((end - start) * RATE);
    var offline = new OfflineAudioContext(1, frames, RATE);
    var source = offline.createBufferSource();
    source.buffer = decoded;
    source.connect(offline.destination);
    source.start(0, start, end - start);
    return offline.startRendering().then(function (rendered) {
      return wav(rendered.getChannelData(0), RATE);
    });
  }

  window.StudioRecorder = function (root, tools) {
    var box = document.querySelector('[data-recorder]');
    if (!box) return;
    var status = box.querySelector('[data-status]');
    if (!window.MediaRecorder || !navigator.mediaDevices || !window.OfflineAudioContext) return;
    box.hidden = false;
    var startButton = box.querySelector('[data-record-start]');
    var stopButton = box.querySelector('[data-record-stop]');
    var trimBox = box.querySelector('[data-trim]');
    var from = box.querySelector('[data-trim-start]');
    var to = box.querySelector('[data-trim-end]');
    var listen = box.querySelector('[data-listen]');
    var save = box.querySelector('[data-save-recording]');
    var length = box.querySelector('[data-length]');
    var recorder = null;
    var decoded = null;
    var timer = null;
    var playing = null;

    function bounds() {
      var a = parseFloat(from.value);
      var b = parseFloat(to.value);
      if (!(a >= 0) || !(b > a) || b > decoded.duration + 0.05) {
        tools.say(status, tools.word('trim-wrong'), true);
        return null;
      }
      return [a, Math.min(b, decoded.duration)];
    }

    startButton.addEventListener('click', function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var parts = [];
        var began = Date.now();
        recorder = new MediaRecorder(stream);
        recorder.addEventListener('dataavailable', function (e) { if (e.data.size) parts.push(e.data); });
        recorder.addEventListener('stop', function () {
          clearInterval(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          var blob = new Blob(parts, { type: recorder.mimeType });
          blob.arrayBuffer().then(function (bytes) {
            var context = new AudioContext();
            return context.decodeAudioData(bytes).then(function (audio) {
              context.close();
              return audio;
            });
          }).then(function (audio) {
            decoded = audio;
            var seconds = audio.duration.toFixed(1);
            from.value = '0';
            to.value = seconds;
            from.max = to.max = seconds;
            length.textContent = tools.word('recorded', { seconds: seconds });
            trimBox.hidden = false;
            box.setAttribute('data-state', 'recorded');
            tools.say(status, '');
          }).catch(function () { tools.say(status, tools.word('no-mic'), true); });
        });
        recorder.start(250);
        startButton.disabled = true;
        stopButton.disabled = false;
        trimBox.hidden = true;
        box.setAttribute('data-state', 'recording');
        timer = setInterval(function () {
          tools.say(status, tools.word('recording', { seconds: Math.round((Date.now() - began) / 1000) }));
        }, 500);
      }, function () { tools.say(status, tools.word('no-mic'), true); });
    });

    stopButton.addEventListener('click', function () {
      if (recorder && recorder.state !== 'inactive') recorder.stop();
      startButton.disabled = false;
      stopButton.disabled = true;
    });

    listen.addEventListener('click', function () {
      var part = bounds();
      if (!part) return;
      if (playing) playing.close();
      playing = new AudioContext();
      var source = playing.createBufferSource();
      source.buffer = decoded;
      source.connect(playing.destination);
      source.start(0, part[0], part[1] - part[0]);
    });

    save.addEventListener('click', function () {
      var part = bounds();
      if (!part) return;
      save.disabled = true;
      var name = box.getAttribute('data-name');
      trim(decoded, part[0], part[1]).then(function (blob) {
        var file = new File([blob], name, { type: 'audio/wav', lastModified: Date.now() });
        return tools.upload(file, name, box.querySelector('progress'), status);
      }).then(function (saved) {
        tools.choose(saved);
        tools.say(status, tools.word('recording-saved', { name: saved }));
        box.setAttribute('data-state', 'saved');
        box.setAttribute('data-saved', saved);
      }).catch(function () {}).then(function () { save.disabled = false; });
    });
  };
})();
