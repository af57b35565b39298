//! Seeded random polygons through the loader, the overlay engine and validate: no panic gets
//! out, every pair is computed or reported as failed, areas are finite and not negative, and
//! the pieces of valid layers are valid as written. A few hundred cases here; the long run is
//! the `analyse` target under `fuzz/`.
//!
//! The layers are written as GeoJSON text and loaded as a user's file would be, so the
//! cleaning of degenerate rings on load is part of what is tested. Cases mix ordinary star
//! shapes with what breaks kernels: holes collapsed to a point (within 1e-9 degrees), repeated
//! points, zero-width spikes, rings along one line, shared vertices and edges (a coarse grid).

use std::fmt::Write as _;
use std::path::Path;

use crate::analysis::overlay::overlay;
use crate::analysis::tolerance::suggested_m;
use crate::analysis::validate;
use crate::layer::{load_bytes, LoadOptions};
use crate::report::geojson_out;
use crate::test_rng::unit;

/// A ring as lon/lat positions (closed).
type Ring = Vec<(f64, f64)>;

/// A star-shaped ring of `n` vertices about `c`, radius up to `r` degrees, on a grid of `snap`
/// degrees (0: none), either way round.
fn star(seed: &mut u64, c: (f64, f64), r: f64, n: usize, snap: f64) -> Ring {
    let mut pts: Ring = (0..n)
        .map(|k| {
            let t = (k as f64 + 0.8 * unit(seed)) / n as f64 * std::f64::consts::TAU;
            let rr = r * (0.3 + 0.7 * unit(seed));
            let p = (c.0 + rr * t.cos(), c.1 + 0.6 * rr * t.sin());
            if snap > 0.0 {
                ((p.0 / snap).round() * snap, (p.1 / snap).round() * snap)
            } else {
                p
            }
        })
        .collect();
    if unit(seed) < 0.5 {
        pts.reverse();
    }
    pts.push(pts[0]);
    pts
}

/// Some damage, or none: a repeated point, a spike, a point moved by a hair.
fn damage(seed: &mut u64, ring: &mut Ring) {
    let n = ring.len() - 1;
    let k = (unit(seed) * n as f64) as usize % n;
    match (unit(seed) * 6.0) as u32 {
        0 => ring.insert(k + 1, ring[k]),
        1 => {
            // Out to a tip and straight back.
            let (a, b) = (ring[k], ring[k + 1]);
            let tip = (a.0 + (b.1 - a.1) * 0.3, a.1 - (b.0 - a.0) * 0.3);
            ring.splice(k + 1..k + 1, [tip, a]);
        }
        2 => {
            ring[k + 1].0 += 1e-10;
        }
        _ => {}
    }
    ring[n] = ring[0];
    let last = ring.len() - 1;
    ring[last] = ring[0];
}

/// A ring whose vertices all lie within `spread` degrees of `c`.
fn speck(seed: &mut u64, c: (f64, f64), spread: f64) -> Ring {
    let n = 3 + (unit(seed) * 5.0) as usize;
    let mut pts: Ring = (0..n)
        .map(|_| {
            (
                c.0 + (unit(seed) - 0.5) * spread,
                c.1 + (unit(seed) - 0.5) * spread,
            )
        })
        .collect();
    pts.push(pts[0]);
    pts
}

/// One random polygon: shell and holes.
fn polygon(seed: &mut u64, centre: (f64, f64), size: f64, snap: f64) -> Vec<Ring> {
    let c = (
        centre.0 + (unit(seed) - 0.5) * size,
        centre.1 + (unit(seed) - 0.5) * size,
    );
    let n = 3 + (unit(seed) * 10.0) as usize;
    let mut shell = star(seed, c, size, n, snap);
    if unit(seed) < 0.3 {
        damage(seed, &mut shell);
    }
    if unit(seed) < 0.05 {
        // All on one line.
        shell = vec![c, (c.0 + size, c.1), (c.0 + 2.0 * size, c.1), c, c];
    }
    let mut rings = vec![shell];
    let holes = (unit(seed) * 3.0) as usize;
    for _ in 0..holes {
        let h = (
            c.0 + (unit(seed) - 0.5) * size * 0.4,
            c.1 + (unit(seed) - 0.5) * size * 0.2,
        );
        let ring = match (unit(seed) * 3.0) as u32 {
            0 => {
                let spread = 1e-9 * 10f64.powf(unit(seed) * 2.0 - 1.0);
                speck(seed, h, spread)
            }
            1 => speck(seed, h, 1e-12),
            _ => {
                let n = 3 + (unit(seed) * 5.0) as usize;
                star(seed, h, size * 0.1, n, 0.0)
            }
        };
        rings.push(ring);
    }
    rings
}

/// A layer of 1 to 4 features, as GeoJSON.
fn layer_text(seed: &mut u64) -> String {
    let size = 10f64.powf(-4.0 + 3.0 * unit(seed));
    let snap = if unit(seed) < 0.5 { size / 4.0 } else { 0.0 };
    let centre = (-1.5 + unit(seed), 52.0 + unit(seed));
    let count = 1 + (unit(seed) * 4.0) as usize;
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[");
    for i in 0..count {
        if i > 0 {
            s.push(',');
        }
        let parts = 1 + (unit(seed) * 1.3) as usize;
        let polygons: Vec<String> = (0..parts)
            .map(|_| {
                let rings: Vec<String> = polygon(seed, centre, size, snap)
                    .iter()
                    .map(|r| {
                        let pts: Vec<String> =
                            r.iter().map(|(x, y)| format!("[{x:?},{y:?}]")).collect();
                        format!("[{}]", pts.join(","))
                    })
                    .collect();
                format!("[{}]", rings.join(","))
            })
            .collect();
        let _ = write!(
            s,
            "{{\"type\":\"Feature\",\"properties\":{{\"CODE\":\"X{i:08}\"}},\"geometry\":\
             {{\"type\":\"MultiPolygon\",\"coordinates\":[{}]}}}}",
            polygons.join(",")
        );
    }
    s.push_str("]}");
    s
}

/// Cases run by `cargo test` (`FOOTPRINT_FUZZ_CASES=N` for more); the fuzz target runs the
/// same paths for as long as it is let.
fn cases() -> u64 {
    std::env::var("FOOTPRINT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

#[test]
fn random_polygons_never_panic_and_give_sane_results() {
    let mut failed_pairs = 0;
    let mut loaded = 0;
    let cases = cases();
    for case in 0..cases {
        let mut seed = 0x5eed_0000 + case;
        let (ta, tb) = (layer_text(&mut seed), layer_text(&mut seed));
        let load = |t: &str| {
            load_bytes(
                Path::new("fuzz.geojson"),
                t.as_bytes(),
                &LoadOptions::default(),
            )
        };
        let (Ok(a), Ok(b)) = (load(&ta), load(&tb)) else {
            continue;
        };
        loaded += 1;
        for tolerance_m in [0.0, suggested_m(&a.resolution)] {
            for (x, y) in [(&a, &b), (&a, &a)] {
                let o = overlay(&x.features, &y.features, tolerance_m, true);
                failed_pairs += o.failed.len();
                let valid_inputs = x.invalid_count() == 0 && y.invalid_count() == 0;
                for p in &o.pairs {
                    assert!(
                        p.area_m2.is_finite() && p.area_m2 >= 0.0 && p.raw_m2 >= p.area_m2 - 1e-6,
                        "case {case}: pair area {} raw {}",
                        p.area_m2,
                        p.raw_m2
                    );
                    if valid_inputs {
                        for piece in &p.pieces {
                            let g = geojson_out::grid(std::slice::from_ref(&piece.polygon));
                            assert!(g.valid, "case {case}: piece invalid as written\n{ta}\n{tb}");
                        }
                    }
                }
            }
            match validate::check(&a, Some(&b), tolerance_m) {
                Ok(findings) => {
                    for f in findings {
                        assert!(
                            f.area_km2.is_none_or(|x| x.is_finite() && x >= 0.0),
                            "case {case}: finding area {:?}",
                            f.area_km2
                        );
                    }
                }
                Err(_) => failed_pairs += 1,
            }
        }
    }
    assert!(loaded > cases / 2, "only {loaded} of {cases} cases loaded");
    // Cleaning on load leaves the kernel nothing it is known to fail on.
    assert_eq!(failed_pairs, 0, "kernel failures (contained)");
}

#[test]
fn a_kernel_panic_is_contained_at_the_pair() {
    // Whatever a kernel does, a panic inside `contained` comes back as an error.
    let r = crate::geometry::kernel::contained(|| -> Vec<geo::Polygon<f64>> {
        panic!("index out of bounds: the len is 0 but the index is 9223372036854775807")
    });
    assert!(r.unwrap_err().0.contains("9223372036854775807"));
}
