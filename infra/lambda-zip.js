'use strict';
/**
 * Reading a Lambda zip as `serverless package` writes it (stored or deflated entries, no zip64), and telling what
 * CPU a native addon is built for. Used by the portcullis plugin's packaging check and by the template test.
 */
const { readFileSync } = require('node:fs');
const { inflateRawSync } = require('node:zlib');

/** name → { name, data() } for every entry of the zip. */
function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file}: not a zip`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    const data = () => {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const raw = buf.subarray(start, start + size);
      if (method === 0) return raw;
      if (method === 8) return inflateRawSync(raw);
      throw new Error(`${file}: ${name}: unsupported zip method ${method}`);
    };
    entries.set(name, { name, data });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The ELF machine of a native addon: 'aarch64', 'x86-64', 'not-elf' or the machine number. */
function elfMachine(bytes) {
  if (bytes.length < 20 || bytes.readUInt32BE(0) !== 0x7f454c46) return 'not-elf';
  const m = bytes.readUInt16LE(18);
  return m === 183 ? 'aarch64' : m === 62 ? 'x86-64' : m;
}

module.exports = { zipEntries, elfMachine };
