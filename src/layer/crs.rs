//! Coordinate reference systems: which ones we read, and how we recognise them.

use std::fmt;
use std::str::FromStr;

/// The coordinate systems a layer may be in. Everything is analysed in British National Grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// WGS84 longitude/latitude in degrees (EPSG:4326, OGC CRS84; ETRS89 is taken as equal).
    Wgs84,
    /// OSGB36 / British National Grid, metres (EPSG:27700).
    Bng,
}

impl Crs {
    pub fn epsg(self) -> &'static str {
        match self {
            Crs::Wgs84 => "EPSG:4326",
            Crs::Bng => "EPSG:27700",
        }
    }

    /// Recognise a CRS name as written in a GeoJSON `crs` member or on the command line:
    /// `EPSG:27700`, `urn:ogc:def:crs:EPSG::27700`, `http://www.opengis.net/def/crs/EPSG/0/4326`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`, `27700`, `bng`, `wgs84`, `lonlat`.
    pub fn from_name(name: &str) -> Option<Crs> {
        let upper = name.trim().to_ascii_uppercase();
        match upper.as_str() {
            "BNG" | "OSGB" | "OSGB36" | "BRITISH NATIONAL GRID" => return Some(Crs::Bng),
            "WGS84" | "WGS 84" | "LONLAT" | "LON/LAT" | "CRS84" => return Some(Crs::Wgs84),
            _ => {}
        }
        if upper.ends_with("CRS84") {
            return Some(Crs::Wgs84);
        }
        let digits: String = upper
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let plain_number = digits.len() == upper.len();
        if !(upper.contains("EPSG") || plain_number) {
            return None;
        }
        match digits.as_str() {
            "4326" | "4258" | "4979" | "4937" => Some(Crs::Wgs84),
            "27700" => Some(Crs::Bng),
            _ => None,
        }
    }

    /// Guess from the bounding box of all coordinates. `None` when neither system fits.
    pub fn from_extent(min: [f64; 2], max: [f64; 2]) -> Option<Crs> {
        if min[0] >= -180.0 && max[0] <= 180.0 && min[1] >= -90.0 && max[1] <= 90.0 {
            Some(Crs::Wgs84)
        } else if min[0] >= -100_000.0
            && max[0] <= 800_000.0
            && min[1] >= -200_000.0
            && max[1] <= 1_400_000.0
        {
            Some(Crs::Bng)
        } else {
            None
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.epsg())
    }
}

impl FromStr for Crs {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Crs::from_name(s).ok_or_else(|| {
            format!("unknown CRS {s:?}: use EPSG:4326 (WGS84 lon/lat) or EPSG:27700 (British National Grid)")
        })
    }
}

/// Bounding box (min, max) of positions; None when there are none.
pub fn bounds<'a>(points: impl IntoIterator<Item = &'a [f64; 2]>) -> Option<([f64; 2], [f64; 2])> {
    points.into_iter().fold(None, |acc, p| {
        let (mut min, mut max) = acc.unwrap_or((*p, *p));
        for i in 0..2 {
            min[i] = min[i].min(p[i]);
            max[i] = max[i].max(p[i]);
        }
        Some((min, max))
    })
}

/// Whether a lon/lat extent lies roughly over Great Britain, and if not, whether it looks like
/// latitude and longitude were swapped.
pub fn lonlat_extent_problem(min: [f64; 2], max: [f64; 2]) -> Option<String> {
    let in_gb = |lon: f64, lat: f64| (-9.5..=3.5).contains(&lon) && (49.0..=61.5).contains(&lat);
    if in_gb(min[0], min[1]) && in_gb(max[0], max[1]) {
        return None;
    }
    if in_gb(min[1], min[0]) && in_gb(max[1], max[0]) {
        return Some(
            "coordinates look like latitude, longitude (swapped): GeoJSON positions are \
             [longitude, latitude]; fix the file"
                .to_string(),
        );
    }
    Some(format!(
        "lon/lat extent [{:.3}, {:.3}] - [{:.3}, {:.3}] reaches outside Great Britain; \
         British National Grid measures are unreliable far from it",
        min[0], min[1], max[0], max[1]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_found_in_the_wild() {
        for (name, crs) in [
            ("urn:ogc:def:crs:EPSG::27700", Crs::Bng),
            ("EPSG:27700", Crs::Bng),
            ("epsg:27700", Crs::Bng),
            ("http://www.opengis.net/def/crs/EPSG/0/27700", Crs::Bng),
            ("27700", Crs::Bng),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
            ("urn:ogc:def:crs:EPSG::4326", Crs::Wgs84),
            ("EPSG:4258", Crs::Wgs84),
            ("wgs84", Crs::Wgs84),
        ] {
            assert_eq!(Crs::from_name(name), Some(crs), "{name}");
        }
        assert_eq!(Crs::from_name("EPSG:3857"), None);
        assert_eq!(Crs::from_name("urn:ogc:def:crs:EPSG::2770"), None);
        assert_eq!(Crs::from_name("foo27700"), None);
    }

    #[test]
    fn extents() {
        assert_eq!(
            Crs::from_extent([-5.7, 50.0], [1.8, 55.8]),
            Some(Crs::Wgs84)
        );
        assert_eq!(
            Crs::from_extent([85_000.0, 7_000.0], [655_000.0, 657_000.0]),
            Some(Crs::Bng)
        );
        assert_eq!(Crs::from_extent([-2e7, -2e7], [2e7, 2e7]), None);
        assert!(lonlat_extent_problem([50.0, -5.0], [55.0, 1.0])
            .unwrap()
            .contains("swapped"));
        assert!(lonlat_extent_problem([-5.7, 50.0], [1.8, 55.8]).is_none());
    }
}
