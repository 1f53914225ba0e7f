// The map frame's first script (News Atlas, dashboard/page/mapview.py). streamlit-folium appends the map's
// scripts one after another, each waiting for the last to load, and adds its styles after them: this
// asks for all of them at once (each then comes from the browser's cache) and starts fetching the
// country outlines, which the basemap takes from window.atlasOutlines. Its own URL names the files:
// preload.js?script=...&style=...&outlines=...
(function () {
  var params = new URL(document.currentScript.src).searchParams;
  function preload(href, as) {
    var link = document.createElement('link');
    link.rel = 'preload';
    link.as = as;
    link.href = href;
    document.head.appendChild(link);
  }
  params.getAll('script').forEach(function (href) { preload(href, 'script'); });
  params.getAll('style').forEach(function (href) { preload(href, 'style'); });
  var outlines = params.get('outlines');
  if (outlines) {
    window.atlasOutlines = fetch(outlines).then(function (r) {
      if (!r.ok) { throw new Error(r.status + ' ' + r.statusText + ': ' + outlines); }
      return r.json();
    });
  }
})();
