//! Each layer's Huffman table (part of stage 4, assets; pure): code
//! lengths for literals, lengths and distances made from the symbols of
//! the layer's coded rows, mixed with fdeflate's fixed lengths for
//! filtered images (what cards used before) so that every symbol has a
//! code and what a card draws over the layer (text edges, photos) still
//! costs about what it did; and the zlib and block headers declaring them.

use super::matches::Token;
use super::{Bits, Piece};

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
/// The same for a table of matches (`Table::for_counts`): on the 20 sample
/// cards (2026-12-03) 4, 8 and 16 are within 1%; 8 the least.
const MATCHED_PRIOR_SHARE: u64 = 8;

/// Symbols of the literal/length alphabet; 256 ends the block.
pub(super) const SYMBOLS: usize = 286;
pub(super) const END: usize = 256;
/// Symbols of the distance alphabet.
pub(super) const DISTANCES: usize = 30;
/// Deflate's longest literal/length code, and code-length code.
const MAX_BITS: u8 = 15;
const MAX_CL_BITS: u8 = 7;
/// The order code-length code lengths are sent in.
const CL_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/// Match lengths: the first length of each length symbol (257..=285) and its extra bits.
pub(super) const LEN_BASE: [u32; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
pub(super) const LEN_EXTRA: [u32; 29] =
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/// For a match of length 3 + i, the index into `LEN_BASE`.
pub(super) const LEN_SYMBOL: [u8; 256] = {
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

/// Distances: the first distance of each distance symbol and its extra bits.
pub(super) const DIST_BASE: [u32; DISTANCES] = {
    let mut t = [0u32; DISTANCES];
    let mut c = 0;
    while c < DISTANCES {
        t[c] = if c < 4 { c as u32 + 1 } else { (1 << (c / 2 - 1)) * (2 + (c as u32 & 1)) + 1 };
        c += 1;
    }
    t
};

/// The distance symbol of distance `d` (1..=32768).
#[inline]
pub(super) fn dist_symbol(d: usize) -> usize {
    if d <= 4 {
        d - 1
    } else {
        let l = (usize::BITS - 1 - (d - 1).leading_zeros()) as usize;
        2 * l + ((d - 1) >> (l - 1) & 1)
    }
}

/// The extra bits of distance symbol `c`.
#[inline]
pub(super) fn dist_extra(c: usize) -> u32 {
    if c < 4 {
        0
    } else {
        (c / 2 - 1) as u32
    }
}

/// Huffman tables for the literal/length and distance alphabets (every
/// symbol has a code), with the zlib header and the block header that
/// declare them.
pub(in crate::assets::cards) struct Table {
    pub(super) codes: [u16; SYMBOLS],
    pub(super) lengths: [u8; SYMBOLS],
    /// Distance codes (only distance 1 in the tables of runs only).
    pub(super) dist_codes: Vec<u16>,
    pub(super) dist_lengths: Vec<u8>,
    /// The code of 0 repeated 0 to 4 times (a short run).
    pub(super) zeros: [(u64, u32); 5],
    /// The code of distance 1.
    pub(super) one: (u64, u32),
    /// The zlib header (2 bytes) and the block header, as bits.
    pub(super) header: Piece,
}

/// What a table's codes cost, in bits (code and extra bits), to weigh
/// copies against the literals they stand for.
pub(in crate::assets::cards) struct Costs {
    lit: [u32; 256],
    len: [u32; 259],
    dist: [u32; DISTANCES],
}

impl Costs {
    #[inline]
    pub(in crate::assets::cards) fn literal(&self, b: u8) -> u32 {
        self.lit[usize::from(b)]
    }

    /// A copy of `len` (3..=258) bytes from `dist` back.
    #[inline]
    pub(in crate::assets::cards) fn copy(&self, len: usize, dist: usize) -> u32 {
        self.len[len] + self.dist[dist_symbol(dist)]
    }
}

/// Symbol counts of streams.
pub(in crate::assets::cards) struct Counts {
    lit: [u64; SYMBOLS],
    dist: [u64; DISTANCES],
}

impl Counts {
    pub(in crate::assets::cards) fn new() -> Counts {
        Counts { lit: [0; SYMBOLS], dist: [0; DISTANCES] }
    }

    /// Counts the symbols of `data` coded as literals and runs of zeros.
    pub(in crate::assets::cards) fn runs(&mut self, data: &[u8]) {
        let mut freq = [0u64; SYMBOLS];
        count(data, &mut freq);
        for (i, f) in freq.iter().enumerate() {
            self.lit[i] += f;
            if i > END {
                self.dist[0] += f;
            }
        }
    }

    /// Counts the symbols of `tokens`.
    pub(in crate::assets::cards) fn tokens(&mut self, tokens: &[Token]) {
        for t in tokens {
            match t.len() {
                0 => self.lit[usize::from(t.byte())] += 1,
                len => {
                    self.lit[257 + usize::from(LEN_SYMBOL[len - 3])] += 1;
                    self.dist[dist_symbol(t.dist())] += 1;
                }
            }
        }
    }
}

impl Table {
    /// What its codes cost. A distance the table has no code for (a table
    /// of runs only has one, distance 1) is guessed at 6 bits and its extra bits.
    pub(in crate::assets::cards) fn costs(&self) -> Costs {
        let mut costs = Costs { lit: [0; 256], len: [0; 259], dist: [0; DISTANCES] };
        for (c, &l) in costs.lit.iter_mut().zip(&self.lengths) {
            *c = u32::from(l);
        }
        for len in 3..=258 {
            let s = usize::from(LEN_SYMBOL[len - 3]);
            costs.len[len] = u32::from(self.lengths[257 + s]) + LEN_EXTRA[s];
        }
        for (c, d) in costs.dist.iter_mut().enumerate() {
            *d = u32::from(self.dist_lengths.get(c).copied().unwrap_or(6)) + dist_extra(c);
        }
        costs
    }

    /// The table for streams coded as `counts` (and for what is drawn over
    /// them: literals and runs of zeros, which are copies at distance 1).
    pub(in crate::assets::cards) fn for_counts(counts: &Counts) -> Table {
        let mut freq = counts.lit;
        freq[END] += 1;
        let prior = freq.iter().sum::<u64>() / MATCHED_PRIOR_SHARE;
        for (f, &len) in freq.iter_mut().zip(&PRIOR) {
            *f += (prior >> len).max(1);
        }
        let mut dist = counts.dist;
        // The runs of zeros drawn over the layer: about one per length symbol of the prior.
        dist[0] += (257..SYMBOLS).map(|s| prior >> PRIOR[s]).sum::<u64>();
        for d in &mut dist {
            *d += 1;
        }
        Table::new(&code_lengths(&freq, MAX_BITS), &code_lengths(&dist, MAX_BITS))
    }

    /// The table for streams made of `data` coded as literals and runs of
    /// zeros only (what each layer had before matches).
    pub(in crate::assets::cards) fn for_runs<'a>(data: impl Iterator<Item = &'a [u8]>) -> Table {
        let mut freq = [0u64; SYMBOLS];
        for d in data {
            count(d, &mut freq);
        }
        freq[END] += 1;
        let prior = freq.iter().sum::<u64>() / PRIOR_SHARE;
        for (f, &len) in freq.iter_mut().zip(&PRIOR) {
            *f += (prior >> len).max(1);
        }
        Table::new(&code_lengths(&freq, MAX_BITS), &[1])
    }

    /// fdeflate's table (the prior alone).
    #[cfg(test)]
    pub(in crate::assets::cards) fn fixed() -> Table {
        Table::new(&PRIOR, &[1])
    }

    fn new(lengths: &[u8], dist_lengths: &[u8]) -> Table {
        let lengths: [u8; SYMBOLS] = lengths.try_into().unwrap_or_else(|_| unreachable!("one length per symbol"));
        let codes: [u16; SYMBOLS] =
            canonical_codes(&lengths).try_into().unwrap_or_else(|_| unreachable!("one code per symbol"));
        let mut zeros = [(0u64, 0u32); 5];
        for i in 1..5 {
            let (bits, n) = zeros[i - 1];
            zeros[i] = (bits | u64::from(codes[0]) << n, n + u32::from(lengths[0]));
        }
        let dist_codes = canonical_codes(dist_lengths);
        let one = (u64::from(dist_codes[0]), u32::from(dist_lengths[0]));
        let header = block_header(&lengths, dist_lengths);
        Table { codes, lengths, dist_codes, dist_lengths: dist_lengths.to_vec(), zeros, one, header }
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
/// for literals and lengths and `dist` for distances.
fn block_header(lengths: &[u8; SYMBOLS], dist: &[u8]) -> Piece {
    // The code lengths, run-length coded: (symbol, extra bits, their count).
    let all: Vec<u8> = lengths.iter().chain(dist).copied().collect();
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
    bits.put((dist.len() - 1) as u64, 5);
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

#[cfg(test)]
mod tests {
    use super::super::{adler32, Finder, WINDOW};
    use super::*;

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
        let table = Table::for_runs([skewed.as_slice()].into_iter());
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
    fn streams_with_matches_decode_back() {
        // A table made from one buffer's matches codes its matches, and
        // literals and runs of zeros of data it has never seen.
        let mut rows: Vec<u8> = (0..40_000u32).map(|i| ((i % 3601) / 40 + i / 3601) as u8).collect();
        rows.extend((0..3000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
        let mut tokens = Vec::new();
        let costs = Table::for_runs([rows.as_slice()].into_iter()).costs();
        Finder::new(WINDOW).parse(&rows, (0, rows.len()), 0, &costs, &mut tokens);
        let mut counts = Counts::new();
        counts.tokens(&tokens);
        let table = Table::for_counts(&counts);
        assert!(table.lengths.iter().chain(&table.dist_lengths).all(|&l| (1..=MAX_BITS).contains(&l)));
        assert_eq!(table.dist_lengths.len(), DISTANCES);
        let mut bits = Bits::start(Vec::new(), &table);
        bits.tokens(&tokens);
        let mut z = bits.finish();
        z.extend_from_slice(&adler32(&rows).to_be_bytes());
        assert_eq!(fdeflate::decompress_to_vec(&z).expect("a valid zlib stream"), rows);
        assert!(z.len() * 4 < stream(&table, &rows).len(), "matches pay: {} bytes", z.len());
        let runs: Vec<u8> = (0..9_000u32).map(|i| if i % 1000 < 600 { 0 } else { (i % 3) as u8 }).collect();
        assert_eq!(fdeflate::decompress_to_vec(&stream(&table, &runs)).expect("a valid zlib stream"), runs);
    }

    #[test]
    fn distance_symbols_cover_every_distance() {
        for d in 1..=32_768usize {
            let c = dist_symbol(d);
            let base = DIST_BASE[c] as usize;
            assert!(base <= d && d - base < 1 << dist_extra(c), "distance {d}: symbol {c}");
        }
        assert_eq!(dist_symbol(32_768), DISTANCES - 1);
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
