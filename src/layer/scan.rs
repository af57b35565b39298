//! The fast path of the GeoJSON reader: a hand-written scanner for well-formed files.
//!
//! Profiling showed the serde-driven reader (`geojson::parse_serde`) spending most of its time
//! in generic number parsing and per-element visitor calls. This scanner reads the common shape
//! of a boundary file (a FeatureCollection of Features) directly: coordinates go digit by digit
//! into the flat buffers of [`Nested`], and only the small members (`properties`, `id`, `crs`,
//! unknown members) are handed to serde_json, which also validates them.
//!
//! It is deliberately strict and does not report errors: anything it does not expect (a syntax
//! error, an escape in a key, a lone Feature document, ...) makes it give up, and the caller parses the file again with the
//! serde reader, which accepts or rejects it with its precise, located error message. So the
//! result, and every error message, is the same as the serde reader's; only the speed differs.

use serde::de::IgnoredAny;
use serde_json::Value;

use super::raw::{
    crs_member_name, id_text, Nested, PropertiesOrNull, RawFeature, RawGeometry,
    MAX_POSITION_NUMBERS,
};

/// Why the fast path stopped: the caller falls back to the serde reader.
#[derive(Debug)]
pub struct GiveUp;

type R<T> = Result<T, GiveUp>;

/// Parse `bytes` (BOM already removed), handing each feature to `sink` with the offset reached.
/// Returns the `crs` member's name.
pub fn parse(bytes: &[u8], sink: &mut dyn FnMut(RawFeature, usize)) -> R<Option<String>> {
    let mut s = Scanner {
        b: bytes,
        i: 0,
        scratch: Nested::default(),
    };
    s.ws();
    s.expect(b'{')?;
    let mut kind_ok = true;
    let mut features = false;
    let mut crs_name = None;
    s.ws();
    if s.peek() == Some(b'}') {
        return Err(GiveUp);
    }
    loop {
        s.ws();
        let key = s.key()?;
        s.ws();
        s.expect(b':')?;
        s.ws();
        match key {
            b"type" => kind_ok = s.string()? == b"FeatureCollection",
            // A repeated member replaces the first: too odd to stream.
            b"features" if features => return Err(GiveUp),
            b"features" => {
                s.features(sink)?;
                features = true;
            }
            b"crs" => crs_name = crs_member_name(&s.serde::<Value>()?),
            // A lone Feature's members at the top level: leave it to the serde reader.
            b"properties" | b"geometry" | b"id" => return Err(GiveUp),
            _ => {
                s.serde::<IgnoredAny>()?;
            }
        }
        s.ws();
        match s.next()? {
            b',' => continue,
            b'}' => break,
            _ => return Err(GiveUp),
        }
    }
    s.ws();
    if s.i != s.b.len() || !kind_ok {
        return Err(GiveUp);
    }
    if features {
        Ok(crs_name)
    } else {
        Err(GiveUp)
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    /// Reused buffers for one geometry's coordinates, copied out at their exact size.
    scratch: Nested,
}

/// Deepest member value (arrays and objects within it) read on the fast path. Well below
/// serde_json's recursion limit (128) minus the depth of any member in a document (4).
const MAX_MEMBER_DEPTH: usize = 100;

/// How deeply arrays and objects nest in the JSON `text` (brackets inside strings ignored).
fn nesting(text: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &c in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else {
            match c {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    max = max.max(depth);
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    max
}

/// Exact powers of ten: with a significand of at most 2^53, one multiplication or division by
/// one of these is correctly rounded (Clinger's fast path).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

impl<'a> Scanner<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn next(&mut self) -> R<u8> {
        let c = *self.b.get(self.i).ok_or(GiveUp)?;
        self.i += 1;
        Ok(c)
    }

    #[inline]
    fn expect(&mut self, c: u8) -> R<()> {
        if self.next()? == c {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    /// A string without escapes or control characters, as raw (UTF-8 checked) bytes.
    fn string(&mut self) -> R<&'a [u8]> {
        self.expect(b'"')?;
        let start = self.i;
        loop {
            match self.next()? {
                b'"' => break,
                b'\\' => return Err(GiveUp),
                c if c < 0x20 => return Err(GiveUp),
                _ => {}
            }
        }
        let s = &self.b[start..self.i - 1];
        std::str::from_utf8(s).map_err(|_| GiveUp)?;
        Ok(s)
    }

    fn key(&mut self) -> R<&'a [u8]> {
        self.string()
    }

    /// One value deserialised by serde_json from here (which checks its syntax).
    fn serde<T: serde::de::DeserializeOwned>(&mut self) -> R<T> {
        let mut stream = serde_json::Deserializer::from_slice(&self.b[self.i..]).into_iter::<T>();
        let value = stream.next().ok_or(GiveUp)?.map_err(|_| GiveUp)?;
        let text = &self.b[self.i..self.i + stream.byte_offset()];
        // A fresh deserializer counts depth from 0, but in the whole document this value sits
        // a few levels down, where serde_json's limit of 128 may reject it: leave deep values
        // to the serde reader (a value nested deeper than this is at least twice as long).
        if text.len() > 2 * MAX_MEMBER_DEPTH && nesting(text) > MAX_MEMBER_DEPTH {
            return Err(GiveUp);
        }
        self.i += text.len();
        Ok(value)
    }

    fn features(&mut self, sink: &mut dyn FnMut(RawFeature, usize)) -> R<()> {
        self.expect(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            self.ws();
            let f = self.feature(index)?;
            index += 1;
            sink(f, self.i);
            self.ws();
            match self.next()? {
                b',' => continue,
                b']' => break,
                _ => return Err(GiveUp),
            }
        }
        Ok(())
    }

    fn feature(&mut self, index: usize) -> R<RawFeature> {
        let mut f = RawFeature {
            index,
            ..RawFeature::default()
        };
        self.expect(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(f);
        }
        let mut seen = 0u8;
        loop {
            self.ws();
            let key = self.key()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            match key {
                b"type" => {
                    f.member_seen(&mut seen, "type");
                    if self.string()? != b"Feature" {
                        return Err(GiveUp);
                    }
                }
                b"properties" => {
                    f.member_seen(&mut seen, "properties");
                    let p = self.serde::<PropertiesOrNull>()?;
                    f.set_properties(p);
                }
                b"geometry" => {
                    f.member_seen(&mut seen, "geometry");
                    f.geometry = self.geometry()?.map(Box::new);
                }
                b"id" => {
                    f.member_seen(&mut seen, "id");
                    f.id = id_text(&self.serde::<Value>()?);
                }
                _ => {
                    self.serde::<IgnoredAny>()?;
                }
            }
            self.ws();
            match self.next()? {
                b',' => continue,
                b'}' => break,
                _ => return Err(GiveUp),
            }
        }
        Ok(f)
    }

    fn geometry(&mut self) -> R<Option<RawGeometry>> {
        if self.b[self.i..].starts_with(b"null") {
            self.i += 4;
            return Ok(None);
        }
        self.expect(b'{')?;
        let mut g = RawGeometry::default();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Some(g));
        }
        loop {
            self.ws();
            let key = self.key()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            match key {
                b"type" => {
                    let kind = self.string()?;
                    // Checked by `string`.
                    g.kind = Some(String::from_utf8_lossy(kind).into_owned());
                }
                b"coordinates" => {
                    self.scratch.points.clear();
                    self.scratch.ring_ends.clear();
                    self.scratch.polygon_ends.clear();
                    self.scratch.height = None;
                    if self.peek() != Some(b'[') {
                        return Err(GiveUp);
                    }
                    let height = self.coords(0)?;
                    self.scratch.height = height;
                    // Appends, as the serde reader does for a repeated member.
                    let n = &mut g.coords;
                    let base_points = n.points.len();
                    let base_rings = n.ring_ends.len();
                    n.points.reserve_exact(self.scratch.points.len());
                    n.points.extend_from_slice(&self.scratch.points);
                    n.ring_ends
                        .extend(self.scratch.ring_ends.iter().map(|e| e + base_points));
                    n.polygon_ends
                        .extend(self.scratch.polygon_ends.iter().map(|e| e + base_rings));
                    if height.is_some() {
                        n.height = height;
                    }
                }
                b"geometries" => {
                    g.has_geometries = true;
                    self.serde::<IgnoredAny>()?;
                }
                _ => {
                    self.serde::<IgnoredAny>()?;
                }
            }
            self.ws();
            match self.next()? {
                b',' => continue,
                b'}' => break,
                _ => return Err(GiveUp),
            }
        }
        Ok(Some(g))
    }

    /// A coordinate array (the cursor is on its `[`), with the serde reader's rules: returns
    /// its height (0 = a position), or None for an array with no positions below it.
    fn coords(&mut self, depth: usize) -> R<Option<u8>> {
        // Deeper nesting is an error or a curiosity: the serde reader decides.
        if depth > 4 {
            return Err(GiveUp);
        }
        self.expect(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(None);
        }
        if self.peek() != Some(b'[') {
            // A position: numbers only.
            let mut position = [0.0f64; 2];
            let mut numbers = 0usize;
            loop {
                self.ws();
                let v = self.number()?;
                if numbers < 2 {
                    position[numbers] = v;
                }
                numbers += 1;
                if numbers > MAX_POSITION_NUMBERS {
                    // Too many numbers for a position: the serde reader says so.
                    return Err(GiveUp);
                }
                self.ws();
                match self.next()? {
                    b',' => continue,
                    b']' => break,
                    _ => return Err(GiveUp),
                }
            }
            if numbers < 2 || !position.iter().all(|v| v.is_finite()) {
                return Err(GiveUp);
            }
            self.scratch.points.push(geo::Coord {
                x: position[0],
                y: position[1],
            });
            return Ok(Some(0));
        }
        let mut child_height: Option<u8> = None;
        loop {
            self.ws();
            if self.peek() != Some(b'[') {
                return Err(GiveUp);
            }
            // Most children are plain `[x, y]` positions: read those without recursing.
            if depth < 4 && child_height != Some(1) && child_height != Some(2) {
                if let Some(c) = self.position2() {
                    self.scratch.points.push(c);
                    child_height = Some(0);
                    self.ws();
                    match self.next()? {
                        b',' => continue,
                        b']' => break,
                        _ => return Err(GiveUp),
                    }
                }
            }
            match (child_height, self.coords(depth + 1)?) {
                (_, None) => {}
                (None, Some(h)) => child_height = Some(h),
                (Some(a), Some(b)) if a != b => return Err(GiveUp),
                _ => {}
            }
            self.ws();
            match self.next()? {
                b',' => continue,
                b']' => break,
                _ => return Err(GiveUp),
            }
        }
        let height = match child_height {
            Some(h) if h >= 3 => return Err(GiveUp),
            Some(h) => h + 1,
            None => return Ok(None),
        };
        match height {
            1 => self.scratch.ring_ends.push(self.scratch.points.len()),
            2 => self.scratch.polygon_ends.push(self.scratch.ring_ends.len()),
            _ => {}
        }
        Ok(Some(height))
    }

    /// A position of exactly two finite numbers, `[x, y]`, with the cursor on its `[`; or
    /// `None`, with the cursor left where it was, for anything else (more numbers, nesting,
    /// a syntax error), which `coords` then reads the general way.
    #[inline]
    fn position2(&mut self) -> Option<geo::Coord<f64>> {
        let start = self.i;
        let mut read = || -> R<geo::Coord<f64>> {
            self.expect(b'[')?;
            self.ws();
            let x = self.number()?;
            self.ws();
            self.expect(b',')?;
            self.ws();
            let y = self.number()?;
            self.ws();
            self.expect(b']')?;
            if x.is_finite() && y.is_finite() {
                Ok(geo::Coord { x, y })
            } else {
                Err(GiveUp)
            }
        };
        match read() {
            Ok(c) => Some(c),
            Err(GiveUp) => {
                self.i = start;
                None
            }
        }
    }

    /// A JSON number, correctly rounded (IEEE round-to-nearest of the exact decimal, as
    /// `str::parse::<f64>` and serde_json with `float_roundtrip` give it).
    ///
    /// The fast path is Clinger's: a significand of at most 2^53 is exact as an f64, and so is
    /// 10^e for |e| <= 22, so one multiplication or division rounds the exact value once,
    /// correctly. Every other number (16-17 significant digits and more, large exponents)
    /// goes to the standard library's parser, which is correct for all inputs.
    ///
    /// Written over a local slice with plain index loops, so the compiler drops the bounds
    /// checks: this reads every coordinate of the file (12 million numbers for LSOA11
    /// densified x16).
    #[inline(always)]
    fn number(&mut self) -> R<f64> {
        let start = self.i;
        let b = &self.b[start..];
        let n = b.len();
        let negative = n > 0 && b[0] == b'-';
        let mut k = negative as usize;
        let mut significand: u64 = 0;
        // Integer part: 0, or a non-zero digit and more digits.
        let int_start = k;
        k = digits_into(b, k, &mut significand);
        let mut digits = k - int_start;
        if digits == 0 || (digits > 1 && b[int_start] == b'0') {
            return Err(GiveUp);
        }
        let mut exponent: i64 = 0;
        if k < n && b[k] == b'.' {
            k += 1;
            let before = k;
            k = digits_into(b, k, &mut significand);
            if k == before {
                return Err(GiveUp);
            }
            digits += k - before;
            exponent -= (k - before) as i64;
        }
        if k < n && (b[k] == b'e' || b[k] == b'E') {
            k += 1;
            let negative_exp = k < n && b[k] == b'-';
            if k < n && (b[k] == b'-' || b[k] == b'+') {
                k += 1;
            }
            let before = k;
            let mut e: i64 = 0;
            while k < n && b[k].is_ascii_digit() {
                e = (e * 10 + (b[k] - b'0') as i64).min(1_000_000);
                k += 1;
            }
            if k == before {
                return Err(GiveUp);
            }
            exponent += if negative_exp { -e } else { e };
        }
        self.i = start + k;
        // Up to 19 digits cannot overflow u64 (more may have wrapped: then the slow path).
        if digits > 19
            || significand > MAX_EXACT_SIGNIFICAND
            || exponent.unsigned_abs() as usize >= POW10.len()
        {
            return self.slow_number(start);
        }
        let mut f = significand as f64;
        if exponent >= 0 {
            f *= POW10[exponent as usize];
        } else {
            f /= POW10[(-exponent) as usize];
        }
        Ok(if negative { -f } else { f })
    }

    /// Numbers outside Clinger's fast path, already checked as JSON syntax: the standard
    /// library's correctly rounded parser (Eisel-Lemire, with an exact fallback). Out of range
    /// comes back infinite, which the callers give up on, as serde_json rejects it.
    #[cold]
    fn slow_number(&mut self, start: usize) -> R<f64> {
        let text = std::str::from_utf8(&self.b[start..self.i]).map_err(|_| GiveUp)?;
        text.parse::<f64>().map_err(|_| GiveUp)
    }
}

/// The largest significand that converts to f64 exactly on the fast path: 2^53 (every
/// integer up to it is an f64).
const MAX_EXACT_SIGNIFICAND: u64 = 1 << 53;

/// Appends the decimal digits of `b` from `k` on to `significand` (wrapping, like
/// serde_json: more than 19 digits go to the slow path anyway); returns where they end.
///
/// Eight bytes at a time while the buffer allows: bit masks find how many digits lead the
/// word, and three multiplications convert them (as simdjson does), instead of a step per
/// digit.
#[inline(always)]
fn digits_into(b: &[u8], mut k: usize, significand: &mut u64) -> usize {
    const POW10_U64: [u64; 9] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
    ];
    while k + 8 <= b.len() {
        let word = u64::from_le_bytes(b[k..k + 8].try_into().expect("eight bytes"));
        let x = word.wrapping_sub(0x3030_3030_3030_3030);
        // A byte is a digit when it is 0..=9 after the subtraction: then neither it nor it
        // plus 0x76 has the high bit. Borrows and carries only run from a digit's byte into
        // later bytes, which matter only after the first non-digit.
        let bad = (x | x.wrapping_add(0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080;
        let n = (bad.trailing_zeros() / 8) as usize;
        if n == 0 {
            return k;
        }
        // The n digits moved to the top of the word: the bytes below read as leading zeros.
        let v = (x << (64 - 8 * n)) & 0x0F0F_0F0F_0F0F_0F0F;
        let v = (v.wrapping_mul(2561) >> 8) & 0x00FF_00FF_00FF_00FF;
        let v = (v.wrapping_mul(6_553_601) >> 16) & 0x0000_FFFF_0000_FFFF;
        let v = v.wrapping_mul(42_949_672_960_001) >> 32;
        *significand = significand.wrapping_mul(POW10_U64[n]).wrapping_add(v);
        k += n;
        if n < 8 {
            return k;
        }
    }
    while k < b.len() && b[k].is_ascii_digit() {
        *significand = significand
            .wrapping_mul(10)
            .wrapping_add((b[k] - b'0') as u64);
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::super::geojson::parse_serde;
    use super::*;

    use super::super::raw::RawDocument;

    fn fast(s: &str) -> Option<RawDocument> {
        let mut features = Vec::new();
        let crs_name = parse(s.as_bytes(), &mut |f, _| features.push(f)).ok()?;
        Some(RawDocument { crs_name, features })
    }

    /// The fast path either gives up or gives exactly the serde reader's result.
    fn agrees(s: &str) -> bool {
        match fast(s) {
            None => false,
            Some(doc) => {
                let want = parse_serde(s.as_bytes())
                    .unwrap_or_else(|e| panic!("fast path accepted what serde rejects ({e}): {s}"));
                assert_eq!(format!("{doc:?}"), format!("{want:?}"), "{s}");
                true
            }
        }
    }

    #[test]
    fn digits_eight_at_a_time_match_one_at_a_time() {
        let mut seed = 9u64;
        let mut next = |m: u64| (crate::test_rng::step(&mut seed) >> 33) % m;
        for _ in 0..20_000 {
            let len = next(30) as usize;
            let mut text: Vec<u8> = (0..len).map(|_| b'0' + next(10) as u8).collect();
            // A terminator (or none), then anything.
            let tail = [b',', b']', b'.', b'e', b'/', b':', b' ', 0xff, b'0'];
            for _ in 0..next(12) {
                text.push(tail[next(tail.len() as u64) as usize]);
            }
            let start = next(3) as usize;
            let (mut fast, mut slow) = (next(1000), 0);
            slow += fast;
            let k_fast = digits_into(&text, start.min(text.len()), &mut fast);
            let mut k = start.min(text.len());
            while k < text.len() && text[k].is_ascii_digit() {
                slow = slow.wrapping_mul(10).wrapping_add((text[k] - b'0') as u64);
                k += 1;
            }
            assert_eq!(
                (k_fast, fast),
                (k, slow),
                "{:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }

    /// The x coordinate the fast path reads from a one-point document with `text` for x
    /// and y; `None` when it gives up.
    fn fast_number(text: &str) -> Option<f64> {
        let doc = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":[{text},{text}]}}}}]}}"#
        );
        let got = fast(&doc)?.features[0].geometry.as_ref()?.coords.points[0];
        assert!(agrees(&doc), "{text}");
        Some(got.x)
    }

    /// `text` reads as the correctly rounded f64 (`str::parse`), bit for bit, on the fast
    /// path and in the serde reader (`agrees`), and so does its negation.
    fn correctly_rounded(text: &str) {
        for t in [text.to_string(), format!("-{text}")] {
            let want: f64 = t.parse().unwrap_or_else(|e| panic!("{t}: {e}"));
            if !want.is_finite() {
                // Out of range: the serde reader's error, not a number.
                assert_eq!(fast_number(&t), None, "{t}");
                continue;
            }
            let got = fast_number(&t).unwrap_or_else(|| panic!("gave up on {t}"));
            assert_eq!(got.to_bits(), want.to_bits(), "{t}: {got:e} vs {want:e}");
            let serde: f64 = serde_json::from_str(&t).unwrap();
            assert_eq!(serde.to_bits(), want.to_bits(), "serde_json: {t}");
        }
    }

    #[test]
    fn numbers_are_correctly_rounded() {
        for text in [
            "0",
            "1",
            "0.5",
            "0.0",
            "51.4778100",
            "1.2345678",
            "400000",
            "1e3",
            "1E+2",
            "2.5e-3",
            "123456789012345678",
            "1234567890123456789012",
            "0.1234567890123456789",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "9007199254740993",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
        ] {
            correctly_rounded(text);
        }
        // Out of range: the fast path gives up (serde_json rejects it with its message).
        assert_eq!(fast_number("1e400"), None);
        assert_eq!(fast_number("-1e400"), None);
    }

    #[test]
    fn hard_decimals_are_correctly_rounded() {
        for text in [
            // 16-17 significant digits, as Python, R and GDAL write full-precision floats:
            // one multiplication of a rounded significand lands an ulp off on some of these.
            "0.30000000000000004",
            "0.30000000000000003",
            "0.1000000000000000055511151231257827",
            "0.10000000000000002",
            "0.10000000000000001",
            "1.2345678901234567",
            "51.507350912345678",
            "53.198769040000002",
            "0.097266000000000001",
            "0.8039302000000001",
            "51.789705000000003",
            "530291.40000000002",
            "180694.99999999997",
            "9.9999999999999995e-08",
            "1.7976931348623157e308",
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "2.2250738585072014e-308",
            // 2^53 + 1 and neighbours: ties go to even.
            "9007199254740992",
            "9007199254740993",
            "9007199254740995",
            "9007199254740993.0",
            "900719925474099.3e1",
            "9007199254740993e-5",
            // 19 digits, the most a u64 holds whole, and 20 and more.
            "1234567890123456789",
            "9999999999999999999",
            "0.9999999999999999999",
            "12345678901234567890",
            "123456789012345678901234567890",
            "0.000000000000000000000000000000000123456789012345678901234567890",
            // Exactly half-way between 1 and the next f64 (ties to even, down), and just above.
            "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203126",
            // Big and small exponents, subnormals, underflow to zero.
            "1e308",
            "8.988465674311579e307",
            "1e-307",
            "123e-330",
            "4.9e-324",
            "5e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "1e-1000000000",
            "0e999999999",
            "7.3177701707893310e+15",
            "1e0023",
        ] {
            correctly_rounded(text);
        }
    }

    #[test]
    fn random_long_decimals_are_correctly_rounded() {
        // 16 to 25 significant digits with exponents near coordinates' (lon/lat degrees,
        // grid metres) and far from them, from a fixed sequence: the same numbers every run.
        let mut seed = 15u64;
        let mut next = |m: u64| (crate::test_rng::step(&mut seed) >> 33) % m;
        for _ in 0..20_000 {
            let digits = 16 + next(10) as usize;
            let mut mantissa: String = (0..digits)
                .map(|i| {
                    let d = next(10) as u8;
                    (b'0' + if i == 0 { d.max(1) } else { d }) as char
                })
                .collect();
            let point = next(digits as u64 + 1) as usize;
            mantissa.insert(point.max(1), '.');
            if mantissa.ends_with('.') {
                mantissa.push('0');
            }
            let text = match next(4) {
                0 => format!("{mantissa}e{}", next(600) as i64 - 300),
                _ => mantissa,
            };
            correctly_rounded(&text);
        }
    }

    #[test]
    fn well_formed_documents_take_the_fast_path() {
        for s in [
            r#"{"type":"FeatureCollection","features":[]}"#,
            r#"{"features":[{"geometry":{"coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2],[0.1,0.1]]],[[[5,5],[6,5],[6,6],[5,5]]]],"type":"MultiPolygon"},"properties":{"A":1},"type":"Feature"}],"type":"FeatureCollection"}"#,
            r#" { "type" : "FeatureCollection", "bbox": [0, 1, 2, 3], "crs": {"type":"name","properties":{"name":"EPSG:27700"}},
                 "features" : [ { "type" : "Feature", "id": 7, "properties" : null, "geometry" : null },
                 { "type":"Feature", "properties":{"n":"x\u00e9"}, "geometry": {"type":"Polygon","coordinates":[ [ [0,0,9] , [1,0], [1,1], [0,0] ] ], "bbox": [1]} },
                 {"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[]}},
                 {"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[],[[]],[[[0,0],[1,0],[1,1],[0,0]]]]}},
                 {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0]]],"coordinates":[[[2,2],[3,2]]]}}
                 ] } "#,
        ] {
            assert!(agrees(s), "gave up on {s}");
        }
    }

    #[test]
    fn anything_unusual_goes_to_the_serde_reader() {
        for s in [
            "",
            "not json",
            r#"{"type":"Feature","properties":{},"geometry":null}"#,
            r#"{"type":"FeatureCollection","features":{}}"#,
            r#"{"type":"FeatureCollection"}"#,
            r#"{"type":"FeatureCollection","features":[]} x"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[["a",0]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0],[1,1]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[[1,1]]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[01,0]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1.,0]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1e999,0]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Featur","geometry":null}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null},]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":"x"}]}"#,
            r#"{"typ\u0065":"FeatureCollection","features":[]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[[[0,0]]]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]"#,
        ] {
            assert!(!agrees(s), "took the fast path: {s}");
        }
    }

    #[test]
    fn damaged_documents_never_disagree() {
        // Cut and corrupt a document at every byte: the fast path must give up or agree.
        let s = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{"XCD":"A","v":[1,{"k":null}]},"geometry":{"type":"MultiPolygon","coordinates":[[[[-1.5,51.25],[-1.4,51.25e0],[-1.4,51.3],[-1.5,51.25]]]]}},{"type":"Feature","properties":null,"geometry":null}]}"#;
        for i in 0..s.len() {
            let _ = agrees(&s[..i]);
            for c in [
                b'"', b'[', b']', b',', b'{', b'}', b'-', b'e', b'0', b' ', b':',
            ] {
                let mut b = s.as_bytes().to_vec();
                b[i] = c;
                if let Ok(t) = String::from_utf8(b) {
                    let _ = agrees(&t);
                }
            }
        }
    }

    #[test]
    fn deeply_nested_members_agree_with_the_recursion_limit() {
        // Members handed to serde_json get a fresh deserializer, whose depth count starts
        // again at 0; nested inside the document they may exceed serde_json's limit of 128.
        for n in 100..140 {
            let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
            for s in [
                format!(r#"{{"type":"FeatureCollection","x":{deep},"features":[]}}"#),
                format!(r#"{{"type":"FeatureCollection","crs":{deep},"features":[]}}"#),
                format!(
                    r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"a":{deep}}},"geometry":null}}]}}"#
                ),
                format!(
                    r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":{deep},"x":{deep},"geometry":null}}]}}"#
                ),
                format!(
                    r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","geometry":{{"type":"Point","x":{deep},"geometries":{deep},"coordinates":[0,0]}}}}]}}"#
                ),
            ] {
                let _ = agrees(&s);
            }
        }
    }

    #[test]
    fn every_file_in_the_repository_and_the_shared_data_agrees() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "tests/fixtures/bad",
            "tests/fixtures/bad/loadable",
            "data/demo",
            "../shared/data/england",
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "geojson") && p.is_file() {
                    files.push(p);
                }
            }
        }
        assert!(files.len() > 20, "{files:?}");
        for p in files {
            let bytes = std::fs::read(&p).unwrap();
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            if let Some(doc) = std::str::from_utf8(body).ok().and_then(fast) {
                let want = parse_serde(&bytes).expect("serde accepts what the fast path accepts");
                assert!(format!("{doc:?}") == format!("{want:?}"), "{}", p.display());
                coordinates_are_correctly_rounded(body, &doc, &p.display().to_string());
            }
        }
    }

    /// Every coordinate of `doc`, in order, is `str::parse::<f64>` of a number token of
    /// `text`, bit for bit (the fuzz target `scan_agrees` checks the same): tokens found by a
    /// lexer of its own, matched greedily in order (which finds them whenever they are there).
    fn coordinates_are_correctly_rounded(text: &[u8], doc: &RawDocument, name: &str) {
        let mut tokens = Vec::new();
        let (mut i, mut in_string, mut escaped) = (0, false, false);
        while i < text.len() {
            let c = text[i];
            i += 1;
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == b'\\' {
                    escaped = true;
                } else if c == b'"' {
                    in_string = false;
                }
            } else if c == b'"' {
                in_string = true;
            } else if c == b'-' || c.is_ascii_digit() {
                let start = i - 1;
                while i < text.len() && b"0123456789-+.eE".contains(&text[i]) {
                    i += 1;
                }
                if let Ok(v) = std::str::from_utf8(&text[start..i]).unwrap().parse::<f64>() {
                    tokens.push(v);
                }
            }
        }
        let mut next = tokens.iter();
        for f in &doc.features {
            for c in f.geometry.iter().flat_map(|g| &g.coords.points) {
                for v in [c.x, c.y] {
                    assert!(
                        next.any(|t| t.to_bits() == v.to_bits()),
                        "{name}: feature #{}: {v:e} is not correctly rounded",
                        f.index
                    );
                }
            }
        }
    }
}
