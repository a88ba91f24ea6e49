//! The deflate stream of a card (part of stage 4, assets; pure): a bit
//! writer that codes with one Huffman table, and the pieces of a stream
//! compressed apart and joined bit by bit. The table (`table.rs`) is made
//! per layer from what the layer's rows are made of; the layer's pieces
//! are coded with LZ77 matches (`matches.rs`).
//!
//! One Huffman block per card. What a card draws is coded fast: literals,
//! and runs of zeros as a literal 0 followed by copies at distance 1. A
//! layer's whole rows, compressed once per build, are also coded with
//! copies at any distance inside the row (issue 19). A copy never reaches
//! back before the piece it is in, so pieces compressed apart can be
//! joined bit by bit; the one exception is a whole row of the layer with
//! copies from the rows above it, used only after those rows of the layer
//! (`png.rs` checks). Adler-32 checksums of the pieces are combined.

mod matches;
mod table;

pub(super) use matches::{Finder, Token, WINDOW};
use table::{dist_extra, dist_symbol, DIST_BASE, END, LEN_BASE, LEN_EXTRA, LEN_SYMBOL};
pub(super) use table::{Counts, Table};

/// A little-endian bit writer coding with one table.
pub(super) struct Bits<'t> {
    out: Vec<u8>,
    buf: u64,
    n: u32,
    table: Option<&'t Table>,
}

impl<'t> Bits<'t> {
    fn new(out: Vec<u8>) -> Bits<'t> {
        Bits { out, buf: 0, n: 0, table: None }
    }

    /// A stream coded with `table`, after its headers, appended to `out`.
    pub(super) fn start(mut out: Vec<u8>, table: &'t Table) -> Bits<'t> {
        out.extend_from_slice(&table.header.bytes);
        let mut bits = Bits { out, buf: 0, n: 0, table: Some(table) };
        bits.put(table.header.tail, table.header.tail_bits);
        bits
    }

    fn table(&self) -> &'t Table {
        self.table.unwrap_or_else(|| unreachable!("only headers are written without a table"))
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
    fn literal(&mut self, t: &Table, b: u8) {
        self.put(u64::from(t.codes[b as usize]), u32::from(t.lengths[b as usize]));
    }

    /// Literals, four codes (at most 60 bits) at a time.
    #[inline]
    fn literals(&mut self, t: &Table, bytes: &[u8]) {
        let mut quads = bytes.chunks_exact(4);
        for q in &mut quads {
            let (mut bits, mut n) = (0u64, 0u32);
            for &b in q {
                bits |= u64::from(t.codes[b as usize]) << n;
                n += u32::from(t.lengths[b as usize]);
            }
            self.put(bits, n);
        }
        for &b in quads.remainder() {
            self.literal(t, b);
        }
    }

    /// A run of `run` zero bytes: a literal 0, then copies at distance 1.
    fn run(&mut self, t: &Table, run: u32) {
        self.literal(t, 0);
        let mut rest = run - 1;
        let (one, one_bits) = t.one;
        while rest >= 258 {
            // Length 258, distance 1.
            let n = u32::from(t.lengths[285]);
            self.put(u64::from(t.codes[285]) | one << n, n + one_bits);
            rest -= 258;
        }
        if rest > 4 {
            let s = LEN_SYMBOL[rest as usize - 3] as usize;
            self.put(u64::from(t.codes[257 + s]), u32::from(t.lengths[257 + s]));
            self.put(u64::from(rest - LEN_BASE[s]) | one << LEN_EXTRA[s], LEN_EXTRA[s] + one_bits);
        } else {
            let (bits, n) = t.zeros[rest as usize];
            self.put(bits, n);
        }
    }

    /// Codes tokens found by a `Finder`.
    pub(super) fn tokens(&mut self, tokens: &[Token]) {
        let t = self.table();
        for &tok in tokens {
            let len = tok.len();
            if len == 0 {
                self.literal(t, tok.byte());
                continue;
            }
            let s = usize::from(LEN_SYMBOL[len - 3]);
            let (mut bits, mut n) = (u64::from(t.codes[257 + s]), u32::from(t.lengths[257 + s]));
            bits |= u64::from(len as u32 - LEN_BASE[s]) << n;
            n += LEN_EXTRA[s];
            let d = dist_symbol(tok.dist());
            bits |= u64::from(t.dist_codes[d]) << n;
            n += u32::from(t.dist_lengths[d]);
            bits |= u64::from(tok.dist() as u32 - DIST_BASE[d]) << n;
            n += dist_extra(d);
            self.put(bits, n);
        }
    }

    /// Compresses `data` on its own: no run reaches before it or past it.
    pub(super) fn data(&mut self, data: &[u8]) {
        let t = self.table();
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
                self.run(t, run + lead);
                self.literals(t, &chunk[lead as usize..8 - tail as usize]);
            } else {
                self.literals(t, &chunk[..8 - tail as usize]);
            }
            run = tail;
        }
        if run > 0 {
            self.run(t, run);
        }
        for &b in chunks.remainder() {
            self.literal(t, b);
        }
    }

    /// Appends the bits of a piece compressed apart: its whole words
    /// shifted into place (a piece's bytes are whole words, see `put`),
    /// then its tail.
    pub(super) fn append(&mut self, p: &Piece) {
        let mut chunks = p.bytes.chunks_exact(8);
        if self.n == 0 {
            self.out.extend_from_slice(&p.bytes[..p.bytes.len() - chunks.remainder().len()]);
        } else {
            let n = self.n;
            self.out.reserve(p.bytes.len());
            for c in &mut chunks {
                let word = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
                self.out.extend_from_slice(&(self.buf | word << n).to_le_bytes());
                self.buf = word >> (64 - n);
            }
        }
        for &b in chunks.remainder() {
            self.put(u64::from(b), 8);
        }
        self.put(p.tail, p.tail_bits);
    }

    /// Ends the block, pads to a whole byte and returns the bytes.
    pub(super) fn finish(mut self) -> Vec<u8> {
        let t = self.table();
        self.put(u64::from(t.codes[END]), u32::from(t.lengths[END]));
        let bytes = self.n.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.buf.to_le_bytes()[..bytes]);
        self.out
    }
}

/// A piece of the stream compressed apart: its bits and the Adler-32 of its bytes.
pub(super) struct Piece {
    bytes: Vec<u8>,
    tail: u64,
    tail_bits: u32,
    pub(super) adler: u32,
    pub(super) len: usize,
}

impl Piece {
    /// Its length in bits.
    pub(super) fn bits(&self) -> usize {
        8 * self.bytes.len() + self.tail_bits as usize
    }

    /// `data` coded as literals and runs of zeros.
    pub(super) fn of(data: &[u8], table: &Table) -> Piece {
        let mut bits = Bits { out: Vec::new(), buf: 0, n: 0, table: Some(table) };
        bits.data(data);
        Piece { bytes: bits.out, tail: bits.buf, tail_bits: bits.n, adler: adler32(data), len: data.len() }
    }

    /// `data` coded as `tokens` (which stand for it).
    pub(super) fn coded(data: &[u8], tokens: &[Token], table: &Table) -> Piece {
        let mut bits = Bits { out: Vec::new(), buf: 0, n: 0, table: Some(table) };
        bits.tokens(tokens);
        Piece { bytes: bits.out, tail: bits.buf, tail_bits: bits.n, adler: adler32(data), len: data.len() }
    }
}

pub(super) fn adler32(data: &[u8]) -> u32 {
    let mut a = simd_adler32::Adler32::new();
    a.write(data);
    a.finish()
}

/// The Adler-32 of two pieces joined, from theirs (zlib's `adler32_combine`).
pub(super) fn adler_join(first: u32, second: u32, second_len: usize) -> u32 {
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
}
