//! `inspect`'s bbox_wgs84 is the least and greatest of the data's coordinates, not the
//! projected box taken back to lon/lat (which said 55.7437 and -6.98 for STP21).

mod common;

use common::{england, json};

#[test]
fn stp21_bbox_wgs84_is_the_data_extent() {
    let Some(e) = england() else { return };
    let path = e.join("stp21.geojson");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    fn walk(v: &serde_json::Value, b: &mut [f64; 4]) {
        let a = v.as_array().unwrap();
        if let (Some(x), Some(y)) = (a[0].as_f64(), a.get(1).and_then(|y| y.as_f64())) {
            *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        } else {
            a.iter().for_each(|c| walk(c, b));
        }
    }
    for f in doc["features"].as_array().unwrap() {
        walk(&f["geometry"]["coordinates"], &mut b);
    }
    let report = json(&["inspect", path.to_str().unwrap(), "-f", "json"]);
    let got: Vec<f64> = report["bbox_wgs84"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    for (g, w) in got.iter().zip(b) {
        assert!((g - w).abs() < 1e-6, "bbox_wgs84 {got:?}, data {b:?}");
    }
    assert!(
        (got[3] - 55.8112).abs() < 1e-4 && (got[0] + 6.3603).abs() < 1e-4,
        "{got:?}"
    );
}
