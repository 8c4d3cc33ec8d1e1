'use strict'
// A WebTorrent (Node.js) peer for the interop tests: one torrent, TCP on one loopback address, no DHT, LSD, uTP
// or web seeds. Prints one line per milestone: "listening PORT", "seeding", "progress HAVE/TOTAL DOWN UP PEERS",
// "complete", "error MESSAGE", and per connection "wire HOST:PORT" (an outgoing one's PORT is the peer's listen port)
// and "pex HOST:PORT from HOST:PORT" for each peer a ut_pex message names. A leecher destroys the client (closing its files) and exits 0 once complete unless
// --keep-seeding; a seeder runs until stdin closes or SIGTERM.
//
//   node webtorrent_peer.js --torrent FILE|--magnet URI --path DIR --port N [--host 127.0.0.1] [--seed]
//        [--keep-seeding] [--peer HOST:PORT]... [--upload-limit BYTES_PER_S]
const net = require('net')
const fs = require('fs')

const args = { peers: [] }
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]
  const value = () => process.argv[++i]
  if (a === '--torrent') args.torrent = value()
  else if (a === '--magnet') args.magnet = value()
  else if (a === '--path') args.path = value()
  else if (a === '--port') args.port = Number(value())
  else if (a === '--host') args.host = value()
  else if (a === '--seed') args.seed = true
  else if (a === '--keep-seeding') args.keepSeeding = true
  else if (a === '--peer') args.peers.push(value())
  else if (a === '--upload-limit') args.uploadLimit = Number(value())
  else { console.log(`error unknown argument ${a}`); process.exit(2) }
}
const host = args.host || '127.0.0.1'

// WebTorrent listens on every interface; the tests listen on loopback only.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...a) {
  if (typeof a[0] === 'number') return listen.call(this, { port: a[0], host }, ...a.filter(x => typeof x === 'function'))
  return listen.apply(this, a)
}

const WebTorrent = require('webtorrent')
const client = new WebTorrent({
  torrentPort: args.port, dht: false, lsd: false, utp: false, webSeeds: false,
  uploadLimit: args.uploadLimit > 0 ? args.uploadLimit : -1
})
const fail = (err) => { console.log(`error ${err && err.message ? err.message : err}`); process.exit(1) }
client.on('error', fail)
client.on('listening', () => console.log(`listening ${args.port}`))

const torrent = client.add(args.magnet || fs.readFileSync(args.torrent), { path: args.path })
torrent.on('error', fail)
torrent.on('warning', w => console.log(`warning ${w && w.message ? w.message : w}`))
torrent.on('infoHash', () => { for (const p of args.peers) torrent.addPeer(p) })
torrent.on('metadata', () => console.log(`metadata ${torrent.pieces.length}`))
torrent.on('wire', (wire, addr) => {
  console.log(`wire ${addr}`)
  if (wire.ut_pex) wire.ut_pex.on('peer', peer => console.log(`pex ${peer} from ${addr}`))
})

let finished = false
const progress = setInterval(() => {
  if (!torrent.pieces) return
  const have = torrent.pieces.filter(p => p === null).length
  console.log(`progress ${have}/${torrent.pieces.length} ${torrent.downloaded} ${torrent.uploaded} ${torrent.numPeers}`)
}, 1000)
torrent.on('done', () => {
  if (finished) return
  finished = true
  if (args.seed || args.keepSeeding) { console.log(args.seed ? 'seeding' : 'complete'); if (!args.seed) console.log('seeding'); return }
  clearInterval(progress)
  console.log(`progress ${torrent.pieces.length}/${torrent.pieces.length} ${torrent.downloaded} ${torrent.uploaded} ${torrent.numPeers}`)
  client.destroy(err => { if (err) fail(err); console.log('complete'); process.exit(0) })
})

const stop = () => { clearInterval(progress); client.destroy(() => process.exit(0)) }
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.resume()
