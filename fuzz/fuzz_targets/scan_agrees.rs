//! Differential check of the fast scanner: whenever it reads a document, the serde reader must
//! read the same document (not reject it) and give exactly the same features, properties,
//! coordinates (bit for bit, through `Debug`) and `crs` name. And every coordinate must be the
//! correctly rounded value of a number in the text: the coordinates, in order, are matched
//! bit for bit against `str::parse::<f64>` of the document's number tokens (found by a lexer
//! of its own here, independent of both readers).
#![no_main]

use footprint::layer::geojson::{parse_fast, parse_serde, RawDocument};
use libfuzzer_sys::fuzz_target;

/// The JSON number tokens outside strings, in order, each parsed by the standard library
/// (correctly rounded); tokens that are not numbers to it are left out.
fn numbers(data: &[u8]) -> Vec<f64> {
    let mut out = Vec::new();
    let (mut i, mut in_string, mut escaped) = (0, false, false);
    while i < data.len() {
        let c = data[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
            i += 1;
        } else if c == b'"' {
            in_string = true;
            i += 1;
        } else if c == b'-' || c.is_ascii_digit() {
            let start = i;
            while i < data.len() && matches!(data[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
            {
                i += 1;
            }
            if let Some(v) = std::str::from_utf8(&data[start..i])
                .ok()
                .and_then(|t| t.parse::<f64>().ok())
            {
                out.push(v);
            }
        } else {
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let mut features = Vec::new();
    let Ok(crs_name) = parse_fast(data, &mut |f, offset| {
        assert!(offset <= data.len(), "offset {offset} past the end");
        features.push(f);
    }) else {
        return;
    };
    let fast = RawDocument { crs_name, features };
    let slow = match parse_serde(data) {
        Ok(doc) => doc,
        Err(e) => panic!("the fast scanner accepted what the serde reader rejects: {e}"),
    };
    assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "the readers disagree");
    // Each coordinate, in document order, is the next matching token, bit for bit: greedy
    // matching finds them whenever they are correctly rounded values of tokens in that order.
    let tokens = numbers(data);
    let mut next = tokens.iter();
    for f in &fast.features {
        let Some(g) = &f.geometry else { continue };
        for c in &g.coords.points {
            for v in [c.x, c.y] {
                assert!(
                    next.any(|t| t.to_bits() == v.to_bits()),
                    "coordinate {v:e} of feature #{} is not a correctly rounded number of the text",
                    f.index
                );
            }
        }
    }
});
