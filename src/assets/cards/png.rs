//! Encoding a card as PNG (part of stage 4, assets; pure): a card is its
//! layer (what many cards share: the background and the site's mark, name
//! and domain, see `draw.rs`) with a few rows drawn over, so only the drawn
//! part of a row is compressed; the rest of every row is compressed once per
//! layer and its bits copied. Takes the card's pixels, the layer and which
//! pixels of each row were drawn; returns the PNG file. Never compresses a
//! row of a layer twice, never allocates per row.
//!
//! The stream is fdeflate's (the `png` crate's fast setting, which cards
//! used before): one Huffman block with a fixed table made for filtered
//! images, literals and runs of zeros only. A run never reaches back before
//! the piece it is in, so pieces compressed apart can be joined bit by bit;
//! Adler-32 checksums of the pieces are combined. Rows use PNG's Paeth filter.

use super::spec::{HEIGHT, WIDTH};
use std::sync::OnceLock;

const W: usize = WIDTH as usize;
const H: usize = HEIGHT as usize;
/// Bytes of a row in the stream: the filter type, then RGB.
const STRIDE: usize = 1 + 3 * W;
/// PNG's Paeth filter (each byte minus the nearest of a guess from its
/// left, upper and upper-left neighbours): on a card's diagonal gradient it
/// makes files 17% smaller than the Up filter (measured 2026-12-03).
const PAETH: u8 = 4;
/// A row is cut into blocks of this many pixels: only the blocks something
/// was drawn on are compressed anew; the compressed bits of the others (a
/// row's blocks before and after the first and last drawn one, and single
/// blocks between) are kept per layer.
const CUT: usize = 32;
const CUTS: usize = W.div_ceil(CUT) + 1;
/// Blocks of a row.
const BLOCKS: usize = CUTS - 1;

/// Code lengths of the literal/length alphabet, and the zlib header with the
/// block header that declares them (53 bytes and 5 bits), from fdeflate 0.3
/// (MIT OR Apache-2.0): short codes for 0 and the small values a filtered
/// image is made of.
const LENGTHS: [u8; 286] = [
    2, 3, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 10, 11, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 9,
    9, 9, 9, 8, 9, 8, 8, 8, 8, 8, 7, 7, 7, 6, 6, 6, 5, 4, 3, 12, 12, 12, 9, 9, 11, 10, 11, 11, 10, 11, 11, 11, 11, 11,
    11, 12, 11, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 9,
];
const HEADER: [u8; 54] = [
    120, 1, 237, 192, 3, 160, 36, 89, 150, 198, 241, 255, 119, 238, 141, 200, 204, 167, 114, 75, 99, 174, 109, 219,
    182, 109, 219, 182, 109, 219, 182, 109, 105, 140, 158, 150, 74, 175, 158, 50, 51, 34, 238, 249, 118, 183, 106, 122,
    166, 135, 59, 107, 213, 15,
];
const CODES: [u16; 286] = canonical_codes(&LENGTHS);

/// Deflate's canonical codes for code lengths, bit-reversed (deflate sends
/// codes most significant bit first into a least-significant-first stream).
const fn canonical_codes(lengths: &[u8; 286]) -> [u16; 286] {
    let mut codes = [0u16; 286];
    let mut code = 0u32;
    let mut len = 1;
    while len <= 16 {
        let mut i = 0;
        while i < lengths.len() {
            if lengths[i] == len {
                codes[i] = (code as u16).reverse_bits() >> (16 - len);
                code += 1;
            }
            i += 1;
        }
        code <<= 1;
        len += 1;
    }
    assert!(code == 2 << 16, "the code lengths form a complete code");
    codes
}

/// Match lengths: the first length of each length symbol (257..=285) and its extra bits.
const LEN_BASE: [u32; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA: [u32; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/// For a match of length 3 + i, the index into `LEN_BASE`.
const LEN_SYMBOL: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut s = 0;
    let mut i = 0;
    while i < 256 {
        while s + 1 < 29 && LEN_BASE[s + 1] as usize <= i + 3 {
            s += 1;
        }
        t[i] = s as u8;
        i += 1;
    }
    t
};

/// A little-endian bit writer.
struct Bits {
    out: Vec<u8>,
    buf: u64,
    n: u32,
}

impl Bits {
    fn new(out: Vec<u8>) -> Bits {
        Bits { out, buf: 0, n: 0 }
    }

    /// Appends the low `nbits` (at most 64) of `bits`; higher bits must be 0.
    #[inline]
    fn put(&mut self, bits: u64, nbits: u32) {
        if nbits == 0 {
            return;
        }
        self.buf |= bits << self.n;
        self.n += nbits;
        if self.n >= 64 {
            self.out.extend_from_slice(&self.buf.to_le_bytes());
            self.n -= 64;
            self.buf = if self.n == 0 { 0 } else { bits >> (nbits - self.n) };
        }
    }

    #[inline]
    fn literal(&mut self, b: u8) {
        self.put(u64::from(CODES[b as usize]), u32::from(LENGTHS[b as usize]));
    }

    /// Literals, four codes (at most 48 bits) at a time.
    #[inline]
    fn literals(&mut self, bytes: &[u8]) {
        let mut quads = bytes.chunks_exact(4);
        for q in &mut quads {
            let (mut bits, mut n) = (0u64, 0u32);
            for &b in q {
                bits |= u64::from(CODES[b as usize]) << n;
                n += u32::from(LENGTHS[b as usize]);
            }
            self.put(bits, n);
        }
        for &b in quads.remainder() {
            self.literal(b);
        }
    }

    /// A run of `run` zero bytes: a literal 0, then copies at distance 1.
    fn run(&mut self, run: u32) {
        self.literal(0);
        let mut rest = run - 1;
        while rest >= 258 {
            // Length 258; the distance code (distance 1) is one 0 bit.
            self.put(u64::from(CODES[285]), u32::from(LENGTHS[285]) + 1);
            rest -= 258;
        }
        if rest > 4 {
            let s = LEN_SYMBOL[rest as usize - 3] as usize;
            self.put(u64::from(CODES[257 + s]), u32::from(LENGTHS[257 + s]));
            self.put(u64::from(rest - LEN_BASE[s]), LEN_EXTRA[s] + 1);
        } else {
            // The code of 0 is all zero bits.
            self.put(0, rest * u32::from(LENGTHS[0]));
        }
    }

    /// Compresses `data` on its own: no run reaches before it or past it.
    fn data(&mut self, data: &[u8]) {
        let mut run = 0u32;
        let mut chunks = data.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            if word == 0 {
                run += 8;
                continue;
            }
            let lead = word.trailing_zeros() / 8;
            let tail = word.leading_zeros() / 8;
            if run > 0 {
                self.run(run + lead);
                self.literals(&chunk[lead as usize..8 - tail as usize]);
            } else {
                self.literals(&chunk[..8 - tail as usize]);
            }
            run = tail;
        }
        if run > 0 {
            self.run(run);
        }
        for &b in chunks.remainder() {
            self.literal(b);
        }
    }

    /// Appends the bits of a piece compressed apart.
    fn append(&mut self, p: &Piece) {
        let mut chunks = p.bytes.chunks_exact(8);
        for c in &mut chunks {
            self.put(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])), 64);
        }
        for &b in chunks.remainder() {
            self.put(u64::from(b), 8);
        }
        self.put(p.tail, p.tail_bits);
    }

    /// Pads to a whole byte and returns the bytes.
    fn finish(mut self) -> Vec<u8> {
        let bytes = self.n.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.buf.to_le_bytes()[..bytes]);
        self.out
    }
}

/// A piece of the stream compressed apart: its bits and the Adler-32 of its bytes.
struct Piece {
    bytes: Vec<u8>,
    tail: u64,
    tail_bits: u32,
    adler: u32,
    len: usize,
}

impl Piece {
    fn of(data: &[u8]) -> Piece {
        let mut bits = Bits::new(Vec::new());
        bits.data(data);
        Piece { bytes: bits.out, tail: bits.buf, tail_bits: bits.n, adler: adler32(data), len: data.len() }
    }
}

fn adler32(data: &[u8]) -> u32 {
    let mut a = simd_adler32::Adler32::new();
    a.write(data);
    a.finish()
}

/// The Adler-32 of two pieces joined, from theirs (zlib's `adler32_combine`).
fn adler_join(first: u32, second: u32, second_len: usize) -> u32 {
    const BASE: u32 = 65521;
    let rem = (second_len % BASE as usize) as u32;
    let mut sum1 = first & 0xffff;
    let mut sum2 = (rem * sum1) % BASE;
    sum1 += (second & 0xffff) + BASE - 1;
    sum2 += (first >> 16) + (second >> 16) + BASE - rem;
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum2 >= BASE << 1 {
        sum2 -= BASE << 1;
    }
    if sum2 >= BASE {
        sum2 -= BASE;
    }
    sum1 | (sum2 << 16)
}

/// The part of many cards that is the same, with its rows compressed once:
/// whole, and cut before and after every multiple of `CUT` pixels (each cut
/// compressed the first time a card needs it).
pub(super) struct Layer {
    /// RGB, `WIDTH` x `HEIGHT`.
    pixels: Vec<u8>,
    filtered: Vec<u8>,
    rows: Vec<Piece>,
    before: Vec<OnceLock<Vec<Piece>>>,
    after: Vec<OnceLock<Vec<Piece>>>,
    blocks: Vec<OnceLock<Vec<Piece>>>,
}

/// `row` with the Paeth filter from pixel `x0` to `x1` (the filter byte not
/// included), `above` being the row above (none for the first row).
fn paeth(row: &[u8], above: Option<&[u8]>, x0: usize, x1: usize, out: &mut Vec<u8>) {
    const ZEROS: [u8; 3 * W] = [0; 3 * W];
    let above = above.unwrap_or(&ZEROS);
    out.clear();
    let (mut start, end) = (3 * x0, 3 * x1);
    if x0 == 0 {
        // The first pixel has nothing on its left.
        out.extend((0..3.min(end)).map(|i| row[i].wrapping_sub(predict(0, above[i], 0))));
        start = 3.min(end);
    }
    // Four slices of one length, so that this loop runs in SIMD lanes.
    let (x, a) = (&row[start..end], &row[start.saturating_sub(3)..end.saturating_sub(3)]);
    let (b, c) = (&above[start..end], &above[start.saturating_sub(3)..end.saturating_sub(3)]);
    let done = out.len();
    out.resize(done + x.len(), 0);
    for ((((o, &x), &a), &b), &c) in out[done..].iter_mut().zip(x).zip(a).zip(b).zip(c) {
        *o = x.wrapping_sub(predict(a, b, c));
    }
}

/// Paeth's guess from the left (`a`), upper (`b`) and upper-left (`c`) bytes.
#[inline]
fn predict(a: u8, b: u8, c: u8) -> u8 {
    let (a16, b16, c16) = (i16::from(a), i16::from(b), i16::from(c));
    let pa = (b16 - c16).abs();
    let pb = (a16 - c16).abs();
    let pc = (a16 + b16 - 2 * c16).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// The pixel where cut `i` falls.
fn cut_x(i: usize) -> usize {
    (i * CUT).min(W)
}

impl Layer {
    pub(super) fn new(pixels: Vec<u8>) -> Layer {
        assert_eq!(pixels.len(), 3 * W * H, "a layer is a whole card");
        let mut filtered = Vec::with_capacity(STRIDE * H);
        let mut row = Vec::with_capacity(3 * W);
        for y in 0..H {
            let above = y.checked_sub(1).map(|a| &pixels[a * 3 * W..(a + 1) * 3 * W]);
            paeth(&pixels[y * 3 * W..(y + 1) * 3 * W], above, 0, W, &mut row);
            filtered.push(PAETH);
            filtered.extend_from_slice(&row);
        }
        let rows = filtered.chunks_exact(STRIDE).map(Piece::of).collect();
        Layer {
            pixels,
            filtered,
            rows,
            before: (0..CUTS).map(|_| OnceLock::new()).collect(),
            after: (0..CUTS).map(|_| OnceLock::new()).collect(),
            blocks: (0..BLOCKS).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Row `y`'s pixels.
    pub(super) fn row(&self, y: usize) -> &[u8] {
        &self.pixels[y * 3 * W..(y + 1) * 3 * W]
    }

    /// Each row's stream bytes before pixel `cut_x(i)` (the filter byte and the pixels).
    fn before(&self, i: usize) -> &[Piece] {
        self.before[i]
            .get_or_init(|| self.filtered.chunks_exact(STRIDE).map(|r| Piece::of(&r[..1 + 3 * cut_x(i)])).collect())
    }

    /// Each row's stream bytes from pixel `cut_x(i)` on.
    fn after(&self, i: usize) -> &[Piece] {
        self.after[i]
            .get_or_init(|| self.filtered.chunks_exact(STRIDE).map(|r| Piece::of(&r[1 + 3 * cut_x(i)..])).collect())
    }

    /// Each row's stream bytes of block `k` alone.
    fn block(&self, k: usize) -> &[Piece] {
        self.blocks[k].get_or_init(|| {
            let (a, b) = (1 + 3 * cut_x(k), 1 + 3 * cut_x(k + 1));
            self.filtered.chunks_exact(STRIDE).map(|r| Piece::of(&r[a..b])).collect()
        })
    }
}

/// Which blocks of a row were drawn on over the layer (bit `k` for block
/// `k`), counting the pixel right of a drawn one: with the Paeth filter a
/// drawn pixel also changes the bytes right of it (and below it).
pub(super) type Dirt = u64;

/// The `Dirt` of drawing pixels `from..to` of a row (`from < to`).
pub(super) fn dirt(from: usize, to: usize) -> Dirt {
    let (a, b) = (from / CUT, to.min(W - 1) / CUT);
    (u64::MAX >> (63 - b)) & (u64::MAX << a)
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// The stream of a card being written: its bits and the Adler-32 of its bytes so far.
struct Stream {
    bits: Bits,
    adler: u32,
}

impl Stream {
    /// Appends a piece compressed before.
    fn piece(&mut self, p: &Piece) {
        self.bits.append(p);
        self.adler = adler_join(self.adler, p.adler, p.len);
    }

    /// Compresses `data` and appends it.
    fn fresh(&mut self, data: &[u8]) {
        self.bits.data(data);
        self.adler = adler_join(self.adler, adler32(data), data.len());
    }
}

/// Encodes a card as PNG from its rows (RGB, `row(y)`), which are
/// `layer`'s except in the blocks `dirt` names (one per row).
pub(super) fn encode<'a>(layer: &Layer, row: impl Fn(usize) -> &'a [u8], dirt: &[Dirt]) -> Vec<u8> {
    assert_eq!(dirt.len(), H, "a whole card");
    // Room for a busy card: growing the buffer would copy it.
    let mut out = Vec::with_capacity(256 * 1024);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&WIDTH.to_be_bytes());
    ihdr.extend_from_slice(&HEIGHT.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, filters, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    // The IDAT chunk: its length is filled in at the end.
    let idat = out.len();
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(b"IDAT");
    out.extend_from_slice(&HEADER[..53]);
    let mut bits = Bits::new(out);
    bits.put(u64::from(HEADER[53]), 5);
    let mut s = Stream { bits, adler: 1 };
    let mut middle = Vec::with_capacity(3 * W);
    for y in 0..H {
        // The filtered bytes of a row change where it or the row above was drawn on.
        let m = dirt[y] | if y > 0 { dirt[y - 1] } else { 0 };
        if m == 0 {
            s.piece(&layer.rows[y]);
            continue;
        }
        let (first, last) = (m.trailing_zeros() as usize, 63 - m.leading_zeros() as usize);
        s.piece(&layer.before(first)[y]);
        let mut k = first;
        while k <= last {
            if m >> k & 1 == 0 {
                s.piece(&layer.block(k)[y]);
                k += 1;
                continue;
            }
            let end = k + (m >> k).trailing_ones() as usize;
            paeth(row(y), y.checked_sub(1).map(&row), cut_x(k), cut_x(end), &mut middle);
            s.fresh(&middle);
            k = end;
        }
        s.piece(&layer.after(last + 1)[y]);
    }
    let Stream { mut bits, adler } = s;
    bits.put(u64::from(CODES[256]), u32::from(LENGTHS[256]));
    let mut out = bits.finish();
    out.extend_from_slice(&adler.to_be_bytes());
    let len = out.len() - idat - 8;
    out[idat..idat + 4].copy_from_slice(&(len as u32).to_be_bytes());
    let crc = crc32fast::hash(&out[idat + 4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    chunk(&mut out, b"IEND", &[]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_checksums_are_the_checksum_of_the_whole() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for cut in [0, 1, 5552, 65521, 70_000, 100_000] {
            let (a, b) = data.split_at(cut);
            assert_eq!(adler_join(adler32(a), adler32(b), b.len()), adler32(&data), "cut at {cut}");
        }
    }

    #[test]
    fn pixels_drawn_anywhere_decode_back_exactly() {
        // A layer with runs of zeros and literals after filtering.
        let layer: Vec<u8> = (0..3 * W * H).map(|i| ((i / 3 % W) / 7 + (i / (3 * W)) / 5) as u8).collect();
        let layer = Layer::new(layer);
        let mut rows: Vec<Vec<u8>> = (0..H).map(|y| layer.row(y).to_vec()).collect();
        let mut dirty = vec![0; H];
        // Corners, both sides of a cut, and a whole row.
        let mut dots: Vec<(usize, usize)> =
            vec![(0, 0), (W - 1, 0), (0, H - 1), (W - 1, H - 1), (31, 5), (32, 5), (63, 6)];
        dots.extend((0..W).map(|x| (x, 300)));
        for (x, y) in dots {
            rows[y][3 * x..3 * x + 3].copy_from_slice(&[255, (x % 256) as u8, (y % 256) as u8]);
            dirty[y] |= dirt(x, x + 1);
        }
        let png = encode(&layer, |y| rows[y].as_slice(), &dirty);
        let back = image::load_from_memory(&png).expect("decodes").to_rgb8();
        assert_eq!(back.as_raw(), &rows.concat());
        // The zlib stream is whole with its Adler-32 (which PNG decoders may skip), the CRC right.
        let len = u32::from_be_bytes(png[33..37].try_into().expect("4 bytes")) as usize;
        assert_eq!(&png[37..41], b"IDAT");
        let crc = u32::from_be_bytes(png[41 + len..45 + len].try_into().expect("4 bytes"));
        assert_eq!(crc32fast::hash(&png[37..41 + len]), crc);
        let stream = fdeflate::decompress_to_vec(&png[41..41 + len]).expect("a valid zlib stream");
        assert_eq!(stream.len(), H * STRIDE);
        assert_eq!(&png[45 + len..], b"\0\0\0\0IEND\xae\x42\x60\x82");
        // Nothing drawn: the layer itself.
        let png = encode(&layer, |y| layer.row(y), &[0; H]);
        let back = image::load_from_memory(&png).expect("decodes").to_rgb8();
        assert_eq!(back.as_raw(), &layer.pixels);
    }
}
