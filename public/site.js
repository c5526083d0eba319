// The site's only script. Every page works without it: chapter links then
// open the audio file at the chapter's time (a media fragment), and the feed
// URL stays selectable in its field. With it, a chapter link seeks the page's
// player, the playing chapter is marked, and a button copies the feed URL.
(function () {
  "use strict";

  function chapters(player) {
    var pending = null;
    // Until the audio's metadata has loaded, a seek is only remembered as
    // the start position (HTML: "default playback start position"), and a
    // host without Range requests loses it: seek again once it is known.
    player.addEventListener("loadedmetadata", function () {
      if (pending !== null) {
        player.currentTime = pending;
        pending = null;
      }
    });
    function seek(time) {
      pending = player.readyState >= 1 ? null : time;
      player.currentTime = time;
    }
    var links = Array.prototype.slice.call(
      document.querySelectorAll('a[data-start][data-player="' + player.id + '"]'));
    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        // Leave modified clicks (new tab, download) to the browser.
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
          return;
        }
        event.preventDefault();
        seek(Number(link.dataset.start));
        var playing = player.play();
        if (playing && playing.catch) {
          // A blocked or failed play() leaves the player where it was; the
          // seek above already happened, and the controls say what went wrong.
          playing.catch(function () {});
        }
        player.focus();
      });
    });
    player.addEventListener("timeupdate", function () {
      // One link is marked in each list (the chapters, a timed transcript).
      var current = [];
      links.forEach(function (link) {
        var list = link.closest("section");
        if (Number(link.dataset.start) <= player.currentTime + 0.05) {
          current = current.filter(function (c) { return c.closest("section") !== list; });
          current.push(link);
        }
      });
      links.forEach(function (link) {
        if (current.indexOf(link) >= 0) {
          link.setAttribute("aria-current", "true");
        } else {
          link.removeAttribute("aria-current");
        }
      });
    });
  }

  function copyButton(button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.status);
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      function say(message) {
        if (status) {
          status.textContent = message;
        }
      }
      function fallback() {
        // No clipboard access (an insecure origin, a denied permission):
        // select the URL so that one keystroke copies it.
        field.focus();
        field.select();
        say("Press Ctrl+C (⌘C on a Mac) to copy the selected feed URL.");
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(function () {
          say("Copied the feed URL. Paste it into your podcast app.");
        }, fallback);
      } else {
        fallback();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("audio[id]"), chapters);
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), copyButton);
  });
})();
