//! Well-known binary (ISO WKB, with the EWKB flags some writers use) to the readers' flat
//! coordinates, and the GeoPackage geometry header in front of it.

use geo::Coord;

use super::raw::{Nested, RawGeometry};

/// A geometry from WKB; Z and M are read past and dropped. An error says what is wrong with
/// the bytes.
pub(super) fn parse(bytes: &[u8]) -> Result<RawGeometry, String> {
    let mut r = Reader { bytes, at: 0 };
    let mut out = RawGeometry::default();
    let kind = r.geometry(&mut out.coords, 0)?;
    if r.at != bytes.len() {
        return Err(format!(
            "{} bytes follow the end of the geometry",
            bytes.len() - r.at
        ));
    }
    out.has_geometries = kind == Kind::Collection;
    out.kind = Some(kind.name().to_string());
    Ok(out)
}

/// The WKB inside a GeoPackage geometry blob, and the blob's `srs_id`; `None` for a blob
/// flagged empty.
pub(super) fn gpkg_blob(blob: &[u8]) -> Result<Option<(&[u8], i32)>, String> {
    let [b'G', b'P', _version, flags, ..] = *blob else {
        return Err("a geometry blob without the GeoPackage header (\"GP\")".into());
    };
    let little = flags & 1 == 1;
    let envelope = match (flags >> 1) & 7 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => {
            return Err(format!(
                "a geometry blob with envelope code {other} (0-4 exist)"
            ))
        }
    };
    if flags & 0x20 != 0 {
        return Err("an extended GeoPackage geometry (not a simple feature)".into());
    }
    let Some(srs) = blob.get(4..8) else {
        return Err("a geometry blob cut short in its header".into());
    };
    let srs: [u8; 4] = srs.try_into().unwrap_or_default();
    let srs_id = if little {
        i32::from_le_bytes(srs)
    } else {
        i32::from_be_bytes(srs)
    };
    let Some(wkb) = blob.get(8 + envelope..) else {
        return Err("a geometry blob cut short in its envelope".into());
    };
    if flags & 0x10 != 0 && wkb.is_empty() {
        return Ok(None);
    }
    Ok(Some((wkb, srs_id)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Point,
    LineString,
    Polygon,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
    Collection,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Point => "Point",
            Kind::LineString => "LineString",
            Kind::Polygon => "Polygon",
            Kind::MultiPoint => "MultiPoint",
            Kind::MultiLineString => "MultiLineString",
            Kind::MultiPolygon => "MultiPolygon",
            Kind::Collection => "GeometryCollection",
        }
    }
}

/// Nesting deeper than this is refused (a collection of collections of ...).
const MAX_DEPTH: usize = 32;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let end = self.at + N;
        let Some(b) = self.bytes.get(self.at..end) else {
            return Err(format!(
                "the geometry is cut short at byte {} of {}",
                self.at,
                self.bytes.len()
            ));
        };
        self.at = end;
        Ok(b.try_into().unwrap_or([0; N]))
    }

    fn u32(&mut self, little: bool) -> Result<u32, String> {
        let b = self.take::<4>()?;
        Ok(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, little: bool) -> Result<f64, String> {
        let b = self.take::<8>()?;
        Ok(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    /// A count of items of at least `min_bytes` each: no more than the bytes left can hold.
    fn count(&mut self, little: bool, min_bytes: usize, what: &str) -> Result<usize, String> {
        let n = self.u32(little)? as usize;
        let left = self.bytes.len() - self.at;
        if n.saturating_mul(min_bytes) > left {
            return Err(format!(
                "the geometry claims {n} {what}, more than its {left} remaining bytes hold"
            ));
        }
        Ok(n)
    }

    /// One geometry (with its byte-order mark and type) into `out`.
    fn geometry(&mut self, out: &mut Nested, depth: usize) -> Result<Kind, String> {
        if depth > MAX_DEPTH {
            return Err(format!("geometries nested more than {MAX_DEPTH} deep"));
        }
        let little = match self.take::<1>()?[0] {
            0 => false,
            1 => true,
            other => return Err(format!("byte-order mark {other} (0 or 1 expected)")),
        };
        let code = self.u32(little)?;
        // EWKB flags (PostGIS, some Shapefile converters), then ISO's thousands.
        let (mut z, mut m) = (code & 0x8000_0000 != 0, code & 0x4000_0000 != 0);
        if code & 0x2000_0000 != 0 {
            self.u32(little)?; // an EWKB SRID
        }
        let iso = code & 0x0FFF_FFFF;
        match iso / 1000 {
            0 => {}
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => return Err(format!("unknown WKB geometry type {code}")),
        }
        let dims = 2 + z as usize + m as usize;
        let kind = match iso % 1000 {
            1 => Kind::Point,
            2 => Kind::LineString,
            3 => Kind::Polygon,
            4 => Kind::MultiPoint,
            5 => Kind::MultiLineString,
            6 => Kind::MultiPolygon,
            7 => Kind::Collection,
            8 => return Err("a CircularString (curves are not read)".into()),
            9..=12 => {
                return Err(
                    "a curved geometry (CompoundCurve, CurvePolygon, MultiCurve or \
                     MultiSurface); convert it to polygons, e.g. ogr2ogr -nlt MULTIPOLYGON"
                        .into(),
                )
            }
            15..=17 => return Err("a polyhedral surface, TIN or triangle".into()),
            _ => return Err(format!("unknown WKB geometry type {code}")),
        };
        match kind {
            Kind::Point => {
                let p = self.position(dims, little)?;
                // POINT EMPTY is written as NaN coordinates.
                if !(p.x.is_nan() && p.y.is_nan()) {
                    out.points.push(p);
                    out.height = Some(0);
                }
            }
            Kind::LineString => {
                self.positions(out, dims, little)?;
                out.ring_ends.push(out.points.len());
                set_height(out, 1);
            }
            Kind::Polygon => {
                self.rings(out, dims, little)?;
                set_height(out, 2);
            }
            Kind::MultiPoint | Kind::MultiLineString | Kind::MultiPolygon => {
                let parts = self.count(little, 5, "parts")?;
                let part = match kind {
                    Kind::MultiPoint => Kind::Point,
                    Kind::MultiLineString => Kind::LineString,
                    _ => Kind::Polygon,
                };
                for _ in 0..parts {
                    let got = self.geometry(out, depth + 1)?;
                    if got != part {
                        return Err(format!(
                            "a {} holds a {} (only {}s may be its parts)",
                            kind.name(),
                            got.name(),
                            part.name()
                        ));
                    }
                }
                // A MultiPoint's points each count as a position, not a part.
                if kind == Kind::MultiPoint {
                    out.height = (!out.points.is_empty()).then_some(1);
                } else if parts > 0 {
                    out.height = Some(if kind == Kind::MultiPolygon { 3 } else { 2 });
                }
            }
            Kind::Collection => {
                // Only what it holds is counted; a collection is never a polygon feature.
                let parts = self.count(little, 5, "parts")?;
                let mut inner = Nested::default();
                for _ in 0..parts {
                    self.geometry(&mut inner, depth + 1)?;
                }
            }
        }
        Ok(kind)
    }

    fn position(&mut self, dims: usize, little: bool) -> Result<Coord<f64>, String> {
        let x = self.f64(little)?;
        let y = self.f64(little)?;
        for _ in 2..dims {
            self.f64(little)?;
        }
        Ok(Coord { x, y })
    }

    fn positions(&mut self, out: &mut Nested, dims: usize, little: bool) -> Result<(), String> {
        let n = self.count(little, 8 * dims, "positions")?;
        out.points.reserve(n);
        for _ in 0..n {
            let p = self.position(dims, little)?;
            out.points.push(p);
        }
        Ok(())
    }

    fn rings(&mut self, out: &mut Nested, dims: usize, little: bool) -> Result<(), String> {
        let rings = self.count(little, 4, "rings")?;
        for _ in 0..rings {
            self.positions(out, dims, little)?;
            out.ring_ends.push(out.points.len());
        }
        out.polygon_ends.push(out.ring_ends.len());
        Ok(())
    }
}

/// A single geometry's height, unless it is empty.
fn set_height(out: &mut Nested, height: u8) {
    if !out.points.is_empty() {
        out.height = Some(height);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polygon_wkb(little: bool, rings: &[&[(f64, f64)]]) -> Vec<u8> {
        let mut b = vec![little as u8];
        let u = |v: u32| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let f = |v: f64| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        b.extend(u(3));
        b.extend(u(rings.len() as u32));
        for r in rings {
            b.extend(u(r.len() as u32));
            for &(x, y) in *r {
                b.extend(f(x));
                b.extend(f(y));
            }
        }
        b
    }

    const SQUARE: &[(f64, f64)] = &[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)];

    #[test]
    fn polygons_and_multipolygons_either_byte_order() {
        for little in [true, false] {
            let g = parse(&polygon_wkb(little, &[SQUARE])).unwrap();
            assert_eq!(g.kind.as_deref(), Some("Polygon"));
            assert_eq!(g.coords.height, Some(2));
            assert_eq!(g.coords.ring_ends, vec![5]);
            assert_eq!(g.coords.polygon_ends, vec![1]);
            assert_eq!(g.coords.points[2], Coord { x: 1.0, y: 1.0 });
        }
        let mut multi = vec![1u8];
        multi.extend(6u32.to_le_bytes());
        multi.extend(2u32.to_le_bytes());
        multi.extend(polygon_wkb(true, &[SQUARE, SQUARE]));
        multi.extend(polygon_wkb(false, &[SQUARE]));
        let g = parse(&multi).unwrap();
        assert_eq!(g.kind.as_deref(), Some("MultiPolygon"));
        assert_eq!(g.coords.height, Some(3));
        assert_eq!(g.coords.ring_ends, vec![5, 10, 15]);
        assert_eq!(g.coords.polygon_ends, vec![2, 3]);
    }

    #[test]
    fn z_and_m_are_dropped() {
        let mut b = vec![1u8];
        b.extend(3003u32.to_le_bytes()); // Polygon ZM
        b.extend(1u32.to_le_bytes());
        b.extend(4u32.to_le_bytes());
        for (x, y) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)] {
            for v in [x, y, 9.0, 7.0] {
                b.extend(f64::to_le_bytes(v));
            }
        }
        let g = parse(&b).unwrap();
        assert_eq!(g.coords.points.len(), 4);
        assert_eq!(g.coords.points[1], Coord { x: 1.0, y: 0.0 });
    }

    #[test]
    fn bad_bytes_are_errors_not_panics() {
        let good = polygon_wkb(true, &[SQUARE]);
        for cut in 0..good.len() {
            assert!(parse(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut huge = vec![1u8];
        huge.extend(3u32.to_le_bytes());
        huge.extend(u32::MAX.to_le_bytes());
        assert!(parse(&huge).unwrap_err().contains("claims"));
        let mut deep = Vec::new();
        for _ in 0..100 {
            deep.push(1u8);
            deep.extend(7u32.to_le_bytes());
            deep.extend(1u32.to_le_bytes());
        }
        assert!(parse(&deep).unwrap_err().contains("nested"));
        assert!(parse(&[2, 0, 0, 0, 0]).unwrap_err().contains("byte-order"));
        let mut curve = vec![1u8];
        curve.extend(10u32.to_le_bytes());
        assert!(parse(&curve).unwrap_err().contains("curved"));
    }

    #[test]
    fn gpkg_header() {
        let wkb = polygon_wkb(true, &[SQUARE]);
        let mut blob = vec![b'G', b'P', 0, 0b0000_0011];
        blob.extend(27700i32.to_le_bytes());
        blob.extend([0u8; 32]);
        blob.extend(&wkb);
        let (inner, srs) = gpkg_blob(&blob).unwrap().unwrap();
        assert_eq!((inner, srs), (&wkb[..], 27700));
        assert!(gpkg_blob(b"XX").is_err());
        assert!(gpkg_blob(&blob[..20]).is_err());
        let empty = [b'G', b'P', 0, 0b0001_0001, 0, 0, 0, 0];
        assert_eq!(gpkg_blob(&empty).unwrap(), None);
    }
}
