// Decode an ESC/POS stream into what a printer would put on paper, as JSON:
// text runs with their style and code page, raster images (GS v 0) as 8-bit
// pixels (0 = black dot, 255 = white), native QR and barcode payloads, status
// requests (DLE EOT n) and cuts. npos tokenises the stream; this script only
// walks its command tree.
//
// Usage: node escpos-decode.js JOB.bin '{"0": "cp437", "2": "cp850", ...}'
'use strict';

const fs = require('fs');
const npos = require('npos');
const iconv = require('iconv-lite');

const raw = fs.readFileSync(process.argv[2]);
const codePages = JSON.parse(process.argv[3] || '{}');

// Stock npos has no rule for GS ( k (native 2D codes) and aborts on it.
const rules = JSON.parse(JSON.stringify(npos.rules));
rules[0x1d]['(k'] = [0, 'd16'];
const parser = npos.parser(rules);
const ast = parser.analyze(raw);
if (ast.error) {
  process.stdout.write(JSON.stringify({ error: String(ast.error.message) }));
  process.exit(0);
}

const rasterCodec = npos.codecs.raster;
const initial = { codePage: 0, bold: false, width: 1, height: 1, invert: false, align: 0 };
const state = Object.assign({}, initial);
const items = [];
const qr = { data: null, module: 3, ec: 48 };

function param(node, index) {
  return raw[node.offset + 1 + (node.fn ? node.fn.length : 0) + index];
}

function decodeText(bytes) {
  const encoding = codePages[String(state.codePage)] || 'cp437';
  return iconv.encodingExists(encoding) ? iconv.decode(bytes, encoding) : bytes.toString('latin1');
}

function raster(node) {
  // GS v 0 m xL xH yL yH d1...dk
  const width = raw.readUInt16LE(node.offset + 4) * 8;
  const height = raw.readUInt16LE(node.offset + 6);
  const image = rasterCodec.decode(raw, [{ offset: node.offset + 8, width, height }]);
  // lwim bitmaps hold one byte per pixel: 0x00 for a dot, 0xFF for none.
  return { type: 'raster', width, height, pixels: Buffer.from(image.data).toString('base64') };
}

function barcode(node) {
  // GS k m d1...dk NUL (m = 0..6) or GS k m n d1...dn (m = 65..79)
  const m = param(node, 0);
  let data;
  if (m <= 6) {
    const start = node.offset + 3;
    data = raw.slice(start, raw.indexOf(0, start));
  } else {
    const n = raw[node.offset + 3];
    data = raw.slice(node.offset + 4, node.offset + 4 + n);
  }
  return { type: 'barcode_native', system: m, data: data.toString('latin1') };
}

function twoDimensional(node) {
  // GS ( k pL pH cn fn [parameters]; cn 49 is QR Code.
  const length = raw.readUInt16LE(node.offset + 3);
  const cn = raw[node.offset + 5];
  const fn = raw[node.offset + 6];
  if (cn !== 49) return null;
  if (fn === 67) qr.module = raw[node.offset + 7];
  if (fn === 69) qr.ec = raw[node.offset + 7];
  if (fn === 80) qr.data = raw.slice(node.offset + 8, node.offset + 3 + 2 + length).toString('utf8');
  if (fn === 81 && qr.data !== null) {
    return { type: 'qr_native', data: qr.data, module: qr.module, ec: 'LMQH'[qr.ec - 48] };
  }
  return null;
}

for (const node of ast.tree) {
  const name = node.ascii + (node.fn || '');
  if (node.ascii === 'STX') {
    const bytes = raw.slice(node.offset, node.offset + node.length);
    items.push(Object.assign({ type: 'text', text: decodeText(bytes) }, state));
  } else if (name === 'ESCt') {
    state.codePage = param(node, 0);
  } else if (name === 'ESCE') {
    state.bold = param(node, 0) === 1;
  } else if (name === 'ESCa') {
    state.align = param(node, 0) % 48;
  } else if (name === 'ESC@') {
    Object.assign(state, initial);
  } else if (name === 'GS!') {
    const size = param(node, 0);
    state.width = (size >> 4) + 1;
    state.height = (size & 0x0f) + 1;
  } else if (name === 'GSB') {
    state.invert = param(node, 0) === 1;
  } else if (name === 'GSv0') {
    items.push(raster(node));
  } else if (name === 'GS(k') {
    const item = twoDimensional(node);
    if (item) items.push(item);
  } else if (name === 'GSk') {
    items.push(barcode(node));
  } else if (node.ascii === 'DLE' && raw[node.offset + 1] === 0x04) {
    items.push({ type: 'status_request', n: raw[node.offset + 2] });
  } else if (name === 'GSV') {
    items.push({ type: 'cut' });
  }
}
process.stdout.write(JSON.stringify({ items }));
