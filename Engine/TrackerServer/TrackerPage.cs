using System.Text;

namespace Engine.TrackerServer;

/// <summary>
/// The tracker's page at <c>/</c>: its endpoints, the catalog (<c>/catalog</c>) and, on a node of a tracker cluster, the
/// cluster panel (<c>/api/tracker-cluster</c>: members, reachable, each node's shards with their swarms and announces),
/// refreshed every 2 s by a few lines of script that write text only (no HTML from the answers).
/// </summary>
internal static class TrackerPage
{
    public static readonly byte[] Html = Encoding.UTF8.GetBytes("""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>BitTorrent tracker</title><link rel="icon" href="data:,">
        <style>
        body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
        td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}th{background:#f4f4f4}
        .down{color:#b00}.num{text-align:right}code{background:#f4f4f4;padding:0 .2em}
        </style></head>
        <body>
        <h1>BitTorrent tracker</h1>
        <p>Endpoints: <code>/announce</code> <code>/scrape</code> <code>/catalog</code> <code>/catalog/&lt;info-hash&gt;/peers</code>
        <code>/torrents/&lt;info-hash&gt;.torrent</code> <code>POST /publish</code> <code>/api/tracker-cluster</code></p>
        <section id="cluster" hidden>
        <h2>Tracker cluster</h2>
        <p id="cluster-summary"></p>
        <table><thead><tr><th>node</th><th>status</th><th>reachable</th><th class="num">shards</th><th class="num">swarms</th>
        <th class="num">peers</th><th class="num">announces</th><th>swarms per shard</th></tr></thead><tbody id="members"></tbody></table>
        </section>
        <h2>Catalog</h2>
        <p id="catalog-summary"></p>
        <table><thead><tr><th>name</th><th>info-hash</th><th class="num">seeders</th><th class="num">leechers</th><th class="num">completed</th></tr></thead>
        <tbody id="torrents"></tbody></table>
        <script>
        function row(cells, cls) {
          const tr = document.createElement('tr');
          if (cls) tr.className = cls;
          for (const c of cells) { const td = document.createElement('td'); td.textContent = String(c); tr.appendChild(td); }
          return tr;
        }
        async function cluster() {
          const r = await fetch('/api/tracker-cluster');
          if (!r.ok) { document.getElementById('cluster').hidden = true; return; }
          const v = await r.json();
          document.getElementById('cluster').hidden = false;
          document.getElementById('cluster-summary').textContent =
            `${v.members.length} member(s), ${v.shardsAnswered} of ${v.shards} shards answered; this node: ${v.self}`;
          document.getElementById('members').replaceChildren(...v.members.map(m => row([
            m.address + (m.self ? ' (this node)' : ''), m.status, m.reachable ? 'yes' : 'no', m.shards.length, m.swarms, m.peers,
            m.announces, m.shards.map(s => `${s.shard}:${s.swarms}`).join(' ')], m.reachable ? '' : 'down')));
        }
        async function catalog() {
          const r = await fetch('/catalog?limit=200');
          if (!r.ok) return;
          const c = await r.json();
          document.getElementById('catalog-summary').textContent = `${c.torrentCount} swarm(s), ${c.peerCount} peer(s)`;
          document.getElementById('torrents').replaceChildren(...c.torrents.map(t => row([
            t.name ?? '', t.infoHash, t.seeders, t.leechers, t.completed])));
        }
        async function refresh() {
          try { await Promise.all([cluster(), catalog()]); } catch (e) { }
          setTimeout(refresh, 2000);
        }
        refresh();
        </script>
        </body></html>
        """);
}
