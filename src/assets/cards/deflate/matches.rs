//! LZ77 matches for the rows of a layer (part of stage 4, assets; pure):
//! a hash-chain match finder with one step of lazy matching (zlib's
//! `deflate_slow`, smaller), that weighs a copy by what it saves in bits
//! with the layer's table (`Costs`), not by its length: a filtered card's
//! literals are short codes, and a short copy from far back costs more
//! than its literals. Takes a buffer and the range of it to code; returns
//! tokens (literals, and copies of earlier bytes) that never copy from
//! before `floor` (the start of a piece, so pieces stay joinable; the
//! first row for copies from the rows above) or run past the range's end. Used once per layer and build, never on what a
//! card draws (that keeps `Bits::data`, literals and runs of zeros).

use super::table::Costs;

/// Deflate's longest distance, shortest and longest match.
pub(in crate::assets::cards) const WINDOW: usize = 32_768;
const MIN: usize = 3;
const MAX: usize = 258;
/// Candidates tried at a position, and a match long enough not to look
/// one byte further (zlib level 6 to 9). A layer's rows are mostly zeros
/// and small values, so chains are long: on the 1,000-post corpus
/// (2026-12-03) 16 candidates make cards 3% larger than 64, 4 make them 6%.
const CHAIN: usize = 64;
const LAZY: usize = 32;

/// A literal byte, or a copy of `len` bytes from `dist` back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::assets::cards) struct Token(u32);

impl Token {
    fn literal(b: u8) -> Token {
        Token(u32::from(b))
    }

    fn copy(len: usize, dist: usize) -> Token {
        Token((len as u32) << 16 | dist as u32)
    }

    /// The length of a copy; 0 for a literal.
    pub(in crate::assets::cards) fn len(self) -> usize {
        (self.0 >> 16) as usize
    }

    pub(in crate::assets::cards) fn dist(self) -> usize {
        (self.0 & 0xffff) as usize
    }

    pub(super) fn byte(self) -> u8 {
        self.0 as u8
    }

    /// Bytes of the stream the token stands for.
    pub(in crate::assets::cards) fn span(self) -> usize {
        self.len().max(1)
    }
}

/// Hash chains over absolute positions of one buffer (position + 1; 0 is none).
pub(in crate::assets::cards) struct Finder {
    head: Vec<u32>,
    prev: Vec<u32>,
    bits: u32,
    /// The bits of the literals of the range being parsed, summed from its start.
    sums: Vec<u32>,
    /// Distances tried after the chains (a row's length, and a pixel either
    /// side: the bytes above), which may be further down a chain than it goes.
    hints: Vec<usize>,
}

/// A copy found: its length, distance and the bits it saves over literals.
#[derive(Clone, Copy)]
struct Copy {
    len: usize,
    dist: usize,
    saves: i64,
}

const NONE: Copy = Copy { len: 0, dist: 0, saves: 0 };

impl Finder {
    /// A finder for matches at most `span` bytes back (at most `WINDOW`).
    pub(in crate::assets::cards) fn new(span: usize) -> Finder {
        let ring = span.next_power_of_two().clamp(64, WINDOW);
        let bits = ring.trailing_zeros().min(15);
        Finder { head: vec![0; 1 << bits], prev: vec![0; ring], bits, sums: Vec::new(), hints: Vec::new() }
    }

    /// The same, trying copies from `hints` back after the chains.
    pub(in crate::assets::cards) fn with_hints(span: usize, hints: &[usize]) -> Finder {
        Finder { hints: hints.to_vec(), ..Finder::new(span) }
    }

    #[inline]
    fn hash(&self, buf: &[u8], p: usize) -> usize {
        let v = u32::from(buf[p]) | u32::from(buf[p + 1]) << 8 | u32::from(buf[p + 2]) << 16;
        (v.wrapping_mul(0x9e37_79b1) >> (32 - self.bits)) as usize
    }

    #[inline]
    fn insert(&mut self, buf: &[u8], p: usize) {
        if p + MIN <= buf.len() {
            let h = self.hash(buf, p);
            let mask = self.prev.len() - 1;
            self.prev[p & mask] = self.head[h];
            self.head[h] = (p + 1) as u32;
        }
    }

    /// The copy for `p` (`from` being where the range starts) ending by
    /// `end`, from `floor` on, that saves the most bits; `NONE` if none saves any.
    /// Candidates come nearest first, so a later one must be longer to save more.
    fn best(&self, buf: &[u8], (from, p, end): (usize, usize, usize), floor: usize, costs: &Costs) -> Copy {
        let limit = (end - p).min(MAX);
        if limit < MIN {
            return NONE;
        }
        let lowest = floor.max(p.saturating_sub(self.prev.len()));
        let mask = self.prev.len() - 1;
        let mut best = NONE;
        let mut chain = CHAIN;
        let mut cand = self.head[self.hash(buf, p)] as usize;
        while cand > lowest && chain > 0 {
            let c = cand - 1;
            if c >= p {
                break;
            }
            if buf[c + best.len] == buf[p + best.len] {
                let len = common(buf, c, p, limit);
                if len >= MIN && len > best.len {
                    let literals = self.sums[p + len - from] - self.sums[p - from];
                    let saves = i64::from(literals) - i64::from(costs.copy(len, p - c));
                    if saves > best.saves {
                        best = Copy { len, dist: p - c, saves };
                    }
                    if len >= limit {
                        break;
                    }
                }
            }
            let next = self.prev[c & mask] as usize;
            if next >= cand {
                break;
            }
            cand = next;
            chain -= 1;
        }
        for &d in &self.hints {
            if p < lowest + d {
                continue;
            }
            let c = p - d;
            let len = common(buf, c, p, limit);
            if len >= MIN && len >= best.len {
                let literals = self.sums[p + len - from] - self.sums[p - from];
                let saves = i64::from(literals) - i64::from(costs.copy(len, d));
                if saves > best.saves {
                    best = Copy { len, dist: d, saves };
                }
            }
        }
        best
    }

    /// Appends the tokens of `buf[from..to]` to `out`, copying only from
    /// `floor..` (`floor <= from`). Positions between `floor` and `from`
    /// must have been parsed by this finder before (the rows of a layer,
    /// one after the other); a new finder starts at `from == floor`.
    pub(in crate::assets::cards) fn parse(
        &mut self,
        buf: &[u8],
        (from, to): (usize, usize),
        floor: usize,
        costs: &Costs,
        out: &mut Vec<Token>,
    ) {
        self.sums.clear();
        self.sums.push(0);
        let mut sum = 0;
        for &b in &buf[from..to] {
            sum += costs.literal(b);
            self.sums.push(sum);
        }
        // A copy found at `p - 1`, kept while `p` is tried (lazy matching).
        let mut held: Option<Copy> = None;
        let mut p = from;
        while p < to {
            let cur = match held {
                Some(h) if h.len >= LAZY => NONE,
                _ => self.best(buf, (from, p, to), floor, costs),
            };
            self.insert(buf, p);
            match held {
                Some(h) if cur.saves > h.saves => {
                    out.push(Token::literal(buf[p - 1]));
                    held = Some(cur);
                    p += 1;
                }
                Some(h) => {
                    out.push(Token::copy(h.len, h.dist));
                    let end = p - 1 + h.len;
                    for q in p + 1..end {
                        self.insert(buf, q);
                    }
                    held = None;
                    p = end;
                }
                None if cur.saves > 0 => {
                    held = Some(cur);
                    p += 1;
                }
                None => {
                    out.push(Token::literal(buf[p]));
                    p += 1;
                }
            }
        }
        if let Some(h) = held {
            out.push(Token::copy(h.len, h.dist));
        }
    }
}

/// How many bytes from `a` and `b` (`a < b`) are equal, at most `limit`.
#[inline]
fn common(buf: &[u8], a: usize, b: usize, limit: usize) -> usize {
    let mut n = 0;
    while n + 8 <= limit {
        let x = u64::from_le_bytes(buf[a + n..a + n + 8].try_into().unwrap_or([0; 8]));
        let y = u64::from_le_bytes(buf[b + n..b + n + 8].try_into().unwrap_or([0; 8]));
        if x != y {
            return n + ((x ^ y).trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while n < limit && buf[a + n] == buf[b + n] {
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes tokens stand for, with `history` before them.
    fn expand(history: &[u8], tokens: &[Token]) -> Vec<u8> {
        let mut out = history.to_vec();
        for t in tokens {
            if t.len() == 0 {
                out.push(t.byte());
            } else {
                for _ in 0..t.len() {
                    out.push(out[out.len() - t.dist()]);
                }
            }
        }
        out.split_off(history.len())
    }

    #[test]
    fn tokens_stand_for_their_bytes_and_never_copy_from_before_the_floor() {
        let mut buf: Vec<u8> = (0..20_000u32).map(|i| ((i / 3) % 17 + (i / 1000)) as u8).collect();
        buf.extend(std::iter::repeat_n(0, 1000));
        buf.extend((0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 27) as u8));
        let costs = super::super::Table::for_runs([buf.as_slice()].into_iter()).costs();
        for (from, to) in [(0, buf.len()), (7, 3608), (10_000, 10_096), (20_500, 21_100), (25_990, 26_000)] {
            let mut tokens = Vec::new();
            Finder::new(to - from).parse(&buf, (from, to), from, &costs, &mut tokens);
            assert_eq!(expand(&[], &tokens), &buf[from..to], "{from}..{to}");
            assert!(tokens.iter().any(|t| t.len() > 0) || to - from < 100, "{from}..{to} has matches");
        }
        // Row by row, copying from earlier rows within the window.
        let mut finder = Finder::with_hints(WINDOW, &[3601, 3598]);
        for row in buf.chunks(3601).enumerate().map(|(i, r)| i * 3601..i * 3601 + r.len()) {
            let mut tokens = Vec::new();
            finder.parse(&buf, (row.start, row.end), 0, &costs, &mut tokens);
            assert_eq!(expand(&buf[..row.start], &tokens), &buf[row.clone()]);
            assert!(tokens.iter().all(|t| t.dist() <= WINDOW));
        }
    }
}
