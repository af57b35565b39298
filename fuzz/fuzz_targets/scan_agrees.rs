//! Differential check of the fast scanner: whenever it reads a document, the serde reader must
//! read the same document (not reject it) and give exactly the same features, properties,
//! coordinates (bit for bit, through `Debug`) and `crs` name.
#![no_main]

use footprint::layer::geojson::{parse_fast, parse_serde, RawDocument};
use libfuzzer_sys::fuzz_target;

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
});
