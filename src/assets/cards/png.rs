//! Encoding a card as PNG (part of stage 4, assets; pure): a card is its
//! layer (what many cards share: the background and the site's mark, name
//! and domain, see `draw.rs`) with a few rows drawn over, so only the drawn
//! part of a row is compressed; the rest of every row is compressed once per
//! layer and its bits copied. Takes the card's pixels, the layer and which
//! pixels of each row were drawn; returns the PNG file. Never compresses a
//! row of a layer twice, never allocates per row.
//!
//! Rows use PNG's Paeth filter. The stream (`deflate/`) is one Huffman
//! block coded with the layer's own table, made from its filtered rows.
//! The layer's whole rows are coded with LZ77 copies (issue 19): inside the
//! row, or also from the rows above it, a piece used only where those rows
//! of the card are the layer's. The cut rows and what a card draws are
//! literals and runs of zeros.

use super::deflate::{adler32, adler_join, Bits, Counts, Finder, Piece, Table, Token, WINDOW};
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

/// The part of many cards that is the same, with its rows compressed once:
/// whole, and cut before and after every multiple of `CUT` pixels (each cut
/// compressed the first time a card needs it).
pub(super) struct Layer {
    /// RGB, `WIDTH` x `HEIGHT`.
    pixels: Vec<u8>,
    table: Table,
    filtered: Vec<u8>,
    /// Each row on its own (copies inside it only), and, where that is
    /// smaller, with copies from the rows above.
    rows: Vec<Piece>,
    reaching: Vec<Option<Reaching>>,
    before: Vec<OnceLock<Vec<Piece>>>,
    after: Vec<OnceLock<Vec<Piece>>>,
    blocks: Vec<OnceLock<Vec<Piece>>>,
}

/// A whole row of the layer coded with copies from the `above` rows
/// before it, which a card's rows must equal for the piece to be used.
struct Reaching {
    piece: Piece,
    above: usize,
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

/// The stream bytes of `pixels` (a whole layer): each row's filter byte and its filtered pixels.
fn filter(pixels: &[u8]) -> Vec<u8> {
    assert_eq!(pixels.len(), 3 * W * H, "a layer is a whole card");
    let mut filtered = Vec::with_capacity(STRIDE * H);
    let mut row = Vec::with_capacity(3 * W);
    for y in 0..H {
        let above = y.checked_sub(1).map(|a| &pixels[a * 3 * W..(a + 1) * 3 * W]);
        paeth(&pixels[y * 3 * W..(y + 1) * 3 * W], above, 0, W, &mut row);
        filtered.push(PAETH);
        filtered.extend_from_slice(&row);
    }
    filtered
}

/// How far before `start` (where they begin) `tokens` copy from, in bytes.
fn reach(start: usize, tokens: &[Token]) -> usize {
    let (mut p, mut reach) = (start, 0);
    for t in tokens {
        if t.len() > 0 {
            reach = reach.max((start + t.dist()).saturating_sub(p));
        }
        p += t.span();
    }
    reach
}

/// The pixel where cut `i` falls.
fn cut_x(i: usize) -> usize {
    (i * CUT).min(W)
}

impl Layer {
    /// The layer of `pixels`: its rows filtered and matched (copies from
    /// the row itself and the rows above), its table made from those
    /// matches and from the rows coded as runs only, and the rows coded with
    /// it: each as runs only or with its own copies, whichever is smaller
    /// (the pieces a card joins after a drawn row), and with copies from the
    /// rows above where that is smaller still.
    pub(super) fn new(pixels: Vec<u8>) -> Layer {
        let filtered = filter(&pixels);
        // Copies are weighed with the table of runs only (made again from
        // the matches, it hardly changes what saves bits: 0.3% a card).
        let costs = Table::for_runs(filtered.chunks_exact(STRIDE)).costs();
        // The bytes above (and a pixel either side) are often further down a chain than it is followed.
        let mut finder = Finder::with_hints(WINDOW, &[STRIDE, STRIDE - 3, STRIDE + 3]);
        let mut counts = Counts::new();
        let matched: Vec<Vec<Token>> = filtered
            .chunks_exact(STRIDE)
            .enumerate()
            .map(|(y, row)| {
                let mut tokens = Vec::new();
                finder.parse(&filtered, (y * STRIDE, (y + 1) * STRIDE), 0, &costs, &mut tokens);
                counts.tokens(&tokens);
                // What a card's drawn blocks and the layer's cut rows are coded as.
                counts.runs(row);
                tokens
            })
            .collect();
        let table = Table::for_counts(&counts);
        let (mut rows, mut reaching) = (Vec::with_capacity(H), Vec::with_capacity(H));
        for (y, (row, tokens)) in filtered.chunks_exact(STRIDE).zip(&matched).enumerate() {
            let runs = Piece::of(row, &table);
            let piece = Piece::coded(row, tokens, &table);
            match reach(y * STRIDE, tokens).div_ceil(STRIDE) {
                _ if piece.bits() >= runs.bits() => {
                    rows.push(runs);
                    reaching.push(None);
                }
                0 => {
                    rows.push(piece);
                    reaching.push(None);
                }
                above => {
                    rows.push(runs);
                    reaching.push(Some(Reaching { piece, above }));
                }
            }
        }
        Layer::with_rows(pixels, filtered, table, rows, reaching)
    }

    /// The same layer coded with fdeflate's fixed table (what cards used
    /// before each layer had its own), to compare sizes.
    #[cfg(test)]
    pub(super) fn with_fixed_table(&self) -> Layer {
        self.runs_only(Table::fixed())
    }

    /// The same layer coded as literals and runs of zeros with a table made
    /// for that (what cards used before matches), to compare sizes.
    #[cfg(test)]
    pub(super) fn with_runs_only(&self) -> Layer {
        self.runs_only(Table::for_runs(self.filtered.chunks_exact(STRIDE)))
    }

    #[cfg(test)]
    fn runs_only(&self, table: Table) -> Layer {
        let filtered = self.filtered.clone();
        let rows = filtered.chunks_exact(STRIDE).map(|r| Piece::of(r, &table)).collect();
        Layer::with_rows(self.pixels.clone(), filtered, table, rows, (0..H).map(|_| None).collect())
    }

    fn with_rows(
        pixels: Vec<u8>,
        filtered: Vec<u8>,
        table: Table,
        rows: Vec<Piece>,
        reaching: Vec<Option<Reaching>>,
    ) -> Layer {
        Layer {
            pixels,
            table,
            filtered,
            rows,
            reaching,
            before: (0..CUTS).map(|_| OnceLock::new()).collect(),
            after: (0..CUTS).map(|_| OnceLock::new()).collect(),
            blocks: (0..BLOCKS).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Row `y`'s pixels.
    pub(super) fn row(&self, y: usize) -> &[u8] {
        &self.pixels[y * 3 * W..(y + 1) * 3 * W]
    }

    /// Bytes `a..b` of every row's stream bytes, each a piece.
    /// Cut rows are coded as runs only: with copies (every cut a card
    /// needs, once per layer) they cost 0.5 s of CPU a cold 1,000-post
    /// build and saved 20 bytes a card (2026-12-03).
    fn pieces(&self, a: usize, b: usize) -> Vec<Piece> {
        self.filtered.chunks_exact(STRIDE).map(|r| Piece::of(&r[a..b], &self.table)).collect()
    }

    /// Each row's stream bytes before pixel `cut_x(i)` (the filter byte and the pixels).
    fn before(&self, i: usize) -> &[Piece] {
        self.before[i].get_or_init(|| self.pieces(0, 1 + 3 * cut_x(i)))
    }

    /// Each row's stream bytes from pixel `cut_x(i)` on.
    fn after(&self, i: usize) -> &[Piece] {
        self.after[i].get_or_init(|| self.pieces(1 + 3 * cut_x(i), STRIDE))
    }

    /// Each row's stream bytes of block `k` alone.
    fn block(&self, k: usize) -> &[Piece] {
        self.blocks[k].get_or_init(|| self.pieces(1 + 3 * cut_x(k), 1 + 3 * cut_x(k + 1)))
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
struct Stream<'t> {
    bits: Bits<'t>,
    adler: u32,
}

impl Stream<'_> {
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
    let mut s = Stream { bits: Bits::start(out, &layer.table), adler: 1 };
    let mut middle = Vec::with_capacity(3 * W);
    // Rows right before this one whose stream bytes are the layer's.
    let mut clean = 0;
    for y in 0..H {
        // The filtered bytes of a row change where it or the row above was drawn on.
        let m = dirt[y] | if y > 0 { dirt[y - 1] } else { 0 };
        if m == 0 {
            match &layer.reaching[y] {
                // Its copies find the layer's bytes: the card's are the same.
                Some(r) if r.above <= clean => s.piece(&r.piece),
                _ => s.piece(&layer.rows[y]),
            }
            clean += 1;
            continue;
        }
        clean = 0;
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
    let Stream { bits, adler } = s;
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
