//! The deflate stream of a card (part of stage 4, assets; pure): a bit
//! writer that codes literals and runs of zeros with one Huffman table, the
//! pieces of a stream compressed apart and joined bit by bit, and the
//! table itself, made per layer from what the layer's rows are made of.
//!
//! One Huffman block per card: literals, and runs of zeros as a literal 0
//! followed by copies at distance 1. A run never reaches back before the
//! piece it is in, so pieces compressed apart can be joined bit by bit;
//! Adler-32 checksums of the pieces are combined. The table is a layer's
//! (issue 19): its rows are most of every card's bytes, so their own
//! symbol counts set the code lengths, mixed with fdeflate's fixed lengths
//! for filtered images (what cards used before) so that every symbol has a
//! code and what a card draws over the layer (text edges, photos) still
//! costs about what it did.

/// Code lengths of the literal/length alphabet from fdeflate 0.3 (MIT OR
/// Apache-2.0): short codes for 0 and the small values a filtered image is
/// made of. Here the prior of every layer's table.
const PRIOR: [u8; 286] = [
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

/// The prior's weight: its counts add up to the layer's divided by this.
/// Hardly matters: on the 1,035 cards of a 1,000-post corpus (2026-12-03)
/// 2, 4, 8, 16, 32 and 64 all give 92.5 to 92.8 KB a card; 16 the least.
const PRIOR_SHARE: u64 = 16;

/// Symbols of the literal/length alphabet; 256 ends the block.
const SYMBOLS: usize = 286;
const END: usize = 256;
/// Deflate's longest literal/length code, and code-length code.
const MAX_BITS: u8 = 15;
const MAX_CL_BITS: u8 = 7;
/// The order code-length code lengths are sent in.
const CL_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

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

/// A Huffman table for the literal/length alphabet (every symbol has a
/// code), with the zlib header and the block header that declare it.
pub(super) struct Table {
    codes: [u16; SYMBOLS],
    lengths: [u8; SYMBOLS],
    /// The code of 0 repeated 0 to 4 times (a short run).
    zeros: [(u64, u32); 5],
    /// The zlib header (2 bytes) and the block header, as bits.
    header: Piece,
}

impl Table {
    /// The table for streams made of `data` (and of what is drawn over them).
    pub(super) fn for_data<'a>(data: impl Iterator<Item = &'a [u8]>) -> Table {
        let mut freq = [0u64; SYMBOLS];
        for d in data {
            count(d, &mut freq);
        }
        freq[END] += 1;
        let prior = freq.iter().sum::<u64>() / PRIOR_SHARE;
        for (f, &len) in freq.iter_mut().zip(&PRIOR) {
            *f += (prior >> len).max(1);
        }
        Table::new(&code_lengths(&freq, MAX_BITS))
    }

    /// fdeflate's table (the prior alone).
    #[cfg(test)]
    pub(super) fn fixed() -> Table {
        Table::new(&PRIOR)
    }

    fn new(lengths: &[u8]) -> Table {
        let lengths: [u8; SYMBOLS] = lengths.try_into().unwrap_or_else(|_| unreachable!("one length per symbol"));
        let codes: [u16; SYMBOLS] =
            canonical_codes(&lengths).try_into().unwrap_or_else(|_| unreachable!("one code per symbol"));
        let mut zeros = [(0u64, 0u32); 5];
        for i in 1..5 {
            let (bits, n) = zeros[i - 1];
            zeros[i] = (bits | u64::from(codes[0]) << n, n + u32::from(lengths[0]));
        }
        let header = block_header(&lengths);
        Table { codes, lengths, zeros, header }
    }
}

/// Counts the symbols `Bits::data` would send for `data` (runs of zeros
/// counted whole: near enough for code lengths).
fn count(data: &[u8], freq: &mut [u64; SYMBOLS]) {
    let mut run = 0u32;
    let flush = |run: u32, freq: &mut [u64; SYMBOLS]| {
        if run == 0 {
            return;
        }
        freq[0] += 1;
        let rest = run - 1;
        freq[285] += u64::from(rest / 258);
        let rest = rest % 258;
        if rest > 4 {
            freq[257 + LEN_SYMBOL[rest as usize - 3] as usize] += 1;
        } else {
            freq[0] += u64::from(rest);
        }
    };
    for &b in data {
        if b == 0 {
            run += 1;
        } else {
            flush(run, freq);
            run = 0;
            freq[b as usize] += 1;
        }
    }
    flush(run, freq);
}

/// Huffman code lengths of at most `max` bits for symbol counts `freq`
/// (0 for a symbol never seen). Deterministic: ties go to the lower symbol.
/// Too long a code halves the counts and tries again (deflate's trees are
/// small; the loss is negligible).
fn code_lengths(freq: &[u64], max: u8) -> Vec<u8> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut freq = freq.to_vec();
    loop {
        let used: Vec<usize> = (0..freq.len()).filter(|&i| freq[i] > 0).collect();
        let mut lengths = vec![0u8; freq.len()];
        if used.len() <= 1 {
            // A single code still needs one bit.
            for &i in &used {
                lengths[i] = 1;
            }
            return lengths;
        }
        // Nodes: the symbols, then the joined pairs; parents to walk up.
        let mut parent = vec![usize::MAX; 2 * freq.len()];
        let mut heap: BinaryHeap<Reverse<(u64, usize)>> = used.iter().map(|&i| Reverse((freq[i], i))).collect();
        let mut next = freq.len();
        while heap.len() > 1 {
            let (Some(Reverse((fa, a))), Some(Reverse((fb, b)))) = (heap.pop(), heap.pop()) else { break };
            parent[a] = next;
            parent[b] = next;
            heap.push(Reverse((fa + fb, next)));
            next += 1;
        }
        let mut longest = 0;
        for &i in &used {
            let (mut depth, mut n) = (0u8, i);
            while parent[n] != usize::MAX {
                depth = depth.saturating_add(1);
                n = parent[n];
            }
            lengths[i] = depth;
            longest = longest.max(depth);
        }
        if longest <= max {
            return lengths;
        }
        for f in freq.iter_mut().filter(|f| **f > 0) {
            *f = f.div_ceil(2);
        }
    }
}

/// Deflate's canonical codes for code lengths, bit-reversed (deflate sends
/// codes most significant bit first into a least-significant-first stream).
fn canonical_codes(lengths: &[u8]) -> Vec<u16> {
    let mut codes = vec![0u16; lengths.len()];
    let mut code = 0u32;
    for len in 1..=MAX_BITS {
        for (i, &l) in lengths.iter().enumerate() {
            if l == len {
                codes[i] = (code as u16).reverse_bits() >> (16 - u32::from(len));
                code += 1;
            }
        }
        code <<= 1;
    }
    codes
}

/// The zlib header and a final dynamic block's header declaring `lengths`
/// for literals and lengths and one distance code (distance 1, one bit).
fn block_header(lengths: &[u8; SYMBOLS]) -> Piece {
    // The code lengths, run-length coded: (symbol, extra bits, their count).
    let all: Vec<u8> = lengths.iter().copied().chain([1]).collect();
    let mut rle: Vec<(usize, u64, u32)> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let l = all[i];
        let same = all[i..].iter().take_while(|&&x| x == l).count();
        if l == 0 && same >= 11 {
            let n = same.min(138);
            rle.push((18, (n - 11) as u64, 7));
            i += n;
        } else if l == 0 && same >= 3 {
            let n = same.min(10);
            rle.push((17, (n - 3) as u64, 3));
            i += n;
        } else if l != 0 && same >= 4 {
            // The length once, then repeats of 3 to 6.
            rle.push((usize::from(l), 0, 0));
            let n = (same - 1).min(6);
            rle.push((16, (n - 3) as u64, 2));
            i += 1 + n;
        } else {
            rle.push((usize::from(l), 0, 0));
            i += 1;
        }
    }
    let mut cl_freq = [0u64; 19];
    for &(s, _, _) in &rle {
        cl_freq[s] += 1;
    }
    let cl_lengths = code_lengths(&cl_freq, MAX_CL_BITS);
    let cl_codes = canonical_codes(&cl_lengths);
    let hclen = CL_ORDER.iter().rposition(|&s| cl_lengths[s] > 0).map_or(4, |p| (p + 1).max(4));
    let mut bits = Bits::new(vec![0x78, 0x01]);
    bits.put(1, 1); // the last block
    bits.put(2, 2); // dynamic Huffman codes
    bits.put((SYMBOLS - 257) as u64, 5);
    bits.put(0, 5); // one distance code
    bits.put((hclen - 4) as u64, 4);
    for &s in &CL_ORDER[..hclen] {
        bits.put(u64::from(cl_lengths[s]), 3);
    }
    for (s, extra, n) in rle {
        bits.put(u64::from(cl_codes[s]), u32::from(cl_lengths[s]));
        bits.put(extra, n);
    }
    Piece { bytes: bits.out, tail: bits.buf, tail_bits: bits.n, adler: 1, len: 0 }
}

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
        while rest >= 258 {
            // Length 258; the distance code (distance 1) is one 0 bit.
            self.put(u64::from(t.codes[285]), u32::from(t.lengths[285]) + 1);
            rest -= 258;
        }
        if rest > 4 {
            let s = LEN_SYMBOL[rest as usize - 3] as usize;
            self.put(u64::from(t.codes[257 + s]), u32::from(t.lengths[257 + s]));
            self.put(u64::from(rest - LEN_BASE[s]), LEN_EXTRA[s] + 1);
        } else {
            let (bits, n) = t.zeros[rest as usize];
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
    pub(super) fn of(data: &[u8], table: &Table) -> Piece {
        let mut bits = Bits { out: Vec::new(), buf: 0, n: 0, table: Some(table) };
        bits.data(data);
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

    /// A whole zlib stream of `data` coded with `table`.
    fn stream(table: &Table, data: &[u8]) -> Vec<u8> {
        let mut bits = Bits::start(Vec::new(), table);
        bits.data(data);
        let mut out = bits.finish();
        out.extend_from_slice(&adler32(data).to_be_bytes());
        out
    }

    #[test]
    fn streams_with_a_layers_table_decode_back() {
        // Skewed data (the table is made from it), then data it has never seen.
        let skewed: Vec<u8> = (0..50_000u32).map(|i| if i % 7 == 0 { (i % 5) as u8 } else { 0 }).collect();
        let table = Table::for_data([skewed.as_slice()].into_iter());
        assert!(table.lengths.iter().all(|&l| (1..=MAX_BITS).contains(&l)), "every symbol has a code");
        assert!(table.lengths[200] > PRIOR[200], "a byte the data lacks costs more than in the prior");
        let other: Vec<u8> = (0..70_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let runs: Vec<u8> = (0..9_000u32).map(|i| if i % 1000 < 600 { 0 } else { (i % 3) as u8 }).collect();
        for data in [&skewed, &other, &runs, &Vec::new()] {
            let z = stream(&table, data);
            assert_eq!(&fdeflate::decompress_to_vec(&z).expect("a valid zlib stream"), data);
        }
        let fixed = stream(&Table::fixed(), &skewed);
        assert_eq!(fdeflate::decompress_to_vec(&fixed).expect("a valid zlib stream"), skewed);
        assert!(stream(&table, &skewed).len() < fixed.len(), "smaller than with the fixed table");
    }

    #[test]
    fn code_lengths_are_limited_and_complete() {
        // Fibonacci counts make the deepest Huffman trees.
        let mut freq = vec![1u64, 1];
        while freq.len() < 40 {
            let n = freq.len();
            freq.push(freq[n - 1] + freq[n - 2]);
        }
        let lengths = code_lengths(&freq, 15);
        assert!(lengths.iter().all(|&l| (1..=15).contains(&l)), "{lengths:?}");
        let kraft: f64 = lengths.iter().map(|&l| 0.5f64.powi(i32::from(l))).sum();
        assert!((kraft - 1.0).abs() < 1e-9, "a complete code: {kraft}");
    }
}
