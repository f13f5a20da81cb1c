// Decode an ESC/POS stream into what a printer would put on paper, as JSON:
// text runs with their style and code page, raster images (GS v 0) as 8-bit
// pixels, native QR and barcode payloads, and cuts. npos tokenises the stream;
// this script only walks its command tree.
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
const state = { codePage: 0, bold: false, width: 1, height: 1, invert: false, align: 0 };
const items = [];
let qrStore = null;

function param(node, index) {
  return raw[node.offset + 1 + (node.fn ? node.fn.length : 0) + index];
}

for (const node of ast.tree) {
  const name = node.ascii + (node.fn || '');
  if (node.ascii === 'STX') {
    const bytes = raw.slice(node.offset, node.offset + node.length);
    const encoding = codePages[String(state.codePage)] || 'cp437';
    const text = iconv.encodingExists(encoding) ? iconv.decode(bytes, encoding) : bytes.toString('latin1');
    items.push({ type: 'text', text, codePage: state.codePage, bold: state.bold,
                 width: state.width, height: state.height, invert: state.invert, align: state.align });
  } else if (name === 'ESCt') {
    state.codePage = param(node, 0);
  } else if (name === 'ESCE') {
    state.bold = param(node, 0) === 1;
  } else if (name === 'ESCa') {
    state.align = param(node, 0) % 48;
  } else if (name === 'ESC@') {
    Object.assign(state, { codePage: 0, bold: false, width: 1, height: 1, invert: false, align: 0 });
  } else if (name === 'GS!') {
    const size = param(node, 0);
    state.width = (size >> 4) + 1;
    state.height = (size & 0x0f) + 1;
  } else if (name === 'GSB') {
    state.invert = param(node, 0) === 1;
  } else if (name === 'GSv0') {
    const image = rasterCodec.decode(raw, [{ offset: node.offset + 8,
      width: raw.readUInt16LE(node.offset + 4) * 8, height: raw.readUInt16LE(node.offset + 6) }]);
    // lwim's Bitmap stores one byte per pixel; the first channel is kept in
    // case a version stores several.
    const channels = image.data.length / (image.width * image.height);
    const pixels = channels === 1 ? image.data : image.data.filter((_, i) => i % channels === 0);
    items.push({ type: 'raster', width: image.width, height: image.height,
                 pixels: Buffer.from(pixels).toString('base64') });
  } else if (name === 'GS(k') {
    const length = raw.readUInt16LE(node.offset + 3);
    const cn = raw[node.offset + 5], fn = raw[node.offset + 6];
    if (cn === 49 && fn === 80) {
      qrStore = raw.slice(node.offset + 8, node.offset + 3 + 2 + length).toString('latin1');
    } else if (cn === 49 && fn === 81 && qrStore !== null) {
      items.push({ type: 'qr_native', data: qrStore });
    }
  } else if (name === 'GSk') {
    const m = param(node, 0);
    const n = raw[node.offset + 3];
    items.push({ type: 'barcode_native', system: m, data: raw.slice(node.offset + 4, node.offset + 4 + n).toString('latin1') });
  } else if (name === 'GSV') {
    items.push({ type: 'cut' });
  }
}
process.stdout.write(JSON.stringify({ items }));
