//! WGS84 lon/lat <-> British National Grid (EPSG:27700), in pure Rust.
//!
//! Every analysis works on one plane: British National Grid metres. Lon/lat inputs are moved
//! there with the Ordnance Survey's published method: a 7-parameter Helmert transformation from
//! WGS84 to OSGB36 (Airy 1830), then the OSGB36 Transverse Mercator projection, both from
//! *A guide to coordinate systems in Great Britain* (OS, 2020). The Helmert step is the same
//! one PROJ uses when the OSTN15 grid is not installed: positions agree with OSTN15 to about
//! 2 m (5 m at worst), far below the hundreds of metres that separate generalised boundaries,
//! and it works everywhere (OSTN15 implementations reject the Isles of Scilly).
//!
//! Areas: British National Grid is conformal, not equal-area; its scale factor runs from
//! 0.9996 on the central meridian to about 1.0009 at the edges of England, so planar areas are
//! off by -0.08% to +0.18%. [`area_scale`] gives the local area scale (k²) so that callers can
//! turn planar square metres into true square metres on the ground.

use std::sync::OnceLock;

/// Where lon/lat positions may be taken to British National Grid, degrees (min, max): the
/// EPSG:27700 area of use (lon -9.01..2.01, lat 49.75..61.01: Great Britain, the Isle of Man
/// and their seas) widened by 3° of longitude and 2° of latitude, which takes in all of
/// Ireland, the Channel Islands and a coast's width of France. Over it the grid's scale
/// stays within 0.6%, which true areas correct for ([`area_scale`]); far outside it the
/// projection folds and areas come out negative or meaningless, so the loader refuses such
/// features.
pub const BNG_DOMAIN: ([f64; 2], [f64; 2]) = ([-12.01, 47.75], [5.01, 63.01]);

/// Whether a lon/lat extent (min, max) lies inside [`BNG_DOMAIN`].
pub fn in_bng_domain(min: [f64; 2], max: [f64; 2]) -> bool {
    let (lo, hi) = BNG_DOMAIN;
    min[0] >= lo[0] && min[1] >= lo[1] && max[0] <= hi[0] && max[1] <= hi[1]
}

/// Airy 1830 ellipsoid (OSGB36).
const AIRY_A: f64 = 6_377_563.396;
const AIRY_B: f64 = 6_356_256.909;
/// GRS80 / WGS84 ellipsoid.
const WGS_A: f64 = 6_378_137.0;
const WGS_B: f64 = 6_356_752.314_140;
/// National Grid projection constants.
const F0: f64 = 0.999_601_271_7;
const LAT0: f64 = 49.0 * std::f64::consts::PI / 180.0;
const LON0: f64 = -2.0 * std::f64::consts::PI / 180.0;
/// False easting of the grid's true origin (the central meridian, 2°W), metres.
pub const E0: f64 = 400_000.0;
const N0: f64 = -100_000.0;

/// WGS84 -> OSGB36 Helmert parameters (metres, ppm, arc-seconds), from the OS guide.
const HELMERT: Helmert = Helmert {
    tx: -446.448,
    ty: 125.157,
    tz: -542.060,
    s_ppm: 20.4894,
    rx_sec: -0.1502,
    ry_sec: -0.2470,
    rz_sec: -0.8421,
};

struct Helmert {
    tx: f64,
    ty: f64,
    tz: f64,
    s_ppm: f64,
    rx_sec: f64,
    ry_sec: f64,
    rz_sec: f64,
}

impl Helmert {
    /// The transformation as x' = t + M x.
    fn affine(&self) -> ([f64; 3], [[f64; 3]; 3]) {
        let sec = std::f64::consts::PI / (180.0 * 3600.0);
        let s = 1.0 + self.s_ppm * 1e-6;
        let (rx, ry, rz) = (self.rx_sec * sec, self.ry_sec * sec, self.rz_sec * sec);
        (
            [self.tx, self.ty, self.tz],
            [[s, -rz, ry], [rz, s, -rx], [-ry, rx, s]],
        )
    }

    fn forward(&self, p: [f64; 3]) -> [f64; 3] {
        let (t, m) = self.affine();
        std::array::from_fn(|i| t[i] + m[i][0] * p[0] + m[i][1] * p[1] + m[i][2] * p[2])
    }

    /// The exact inverse, x = M^-1 (x' - t), by Cramer's rule.
    fn inverse(&self, p: [f64; 3]) -> [f64; 3] {
        let (t, m) = self.affine();
        let d = [p[0] - t[0], p[1] - t[1], p[2] - t[2]];
        let det3 = |c: [[f64; 3]; 3]| {
            c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1])
                - c[0][1] * (c[1][0] * c[2][2] - c[1][2] * c[2][0])
                + c[0][2] * (c[1][0] * c[2][1] - c[1][1] * c[2][0])
        };
        let det = det3(m);
        std::array::from_fn(|col| {
            let mut c = m;
            for (row, value) in d.iter().enumerate() {
                c[row][col] = *value;
            }
            det3(c) / det
        })
    }
}

fn to_cartesian(lat: f64, lon: f64, a: f64, b: f64) -> [f64; 3] {
    let e2 = 1.0 - (b * b) / (a * a);
    let (sl, cl) = lat.sin_cos();
    let nu = a / (1.0 - e2 * sl * sl).sqrt();
    let (so, co) = lon.sin_cos();
    [nu * cl * co, nu * cl * so, nu * (1.0 - e2) * sl]
}

fn to_geodetic([x, y, z]: [f64; 3], a: f64, b: f64) -> (f64, f64) {
    let e2 = 1.0 - (b * b) / (a * a);
    let p = (x * x + y * y).sqrt();
    let mut lat = z.atan2(p * (1.0 - e2));
    for _ in 0..4 {
        let sl = lat.sin();
        let nu = a / (1.0 - e2 * sl * sl).sqrt();
        lat = (z + e2 * nu * sl).atan2(p);
    }
    (lat, y.atan2(x))
}

/// Meridional arc from the true origin's latitude to `lat` (OS guide, C.1 "M").
fn meridional_arc(lat: f64) -> f64 {
    let n = (AIRY_A - AIRY_B) / (AIRY_A + AIRY_B);
    let (n2, n3) = (n * n, n * n * n);
    let dl = lat - LAT0;
    let sl = lat + LAT0;
    AIRY_B
        * F0
        * ((1.0 + n + 1.25 * n2 + 1.25 * n3) * dl
            - (3.0 * n + 3.0 * n2 + 2.625 * n3) * dl.sin() * sl.cos()
            + (1.875 * n2 + 1.875 * n3) * (2.0 * dl).sin() * (2.0 * sl).cos()
            - (35.0 / 24.0) * n3 * (3.0 * dl).sin() * (3.0 * sl).cos())
}

/// Radii of curvature (nu, rho) on Airy 1830 scaled by F0, at latitude `lat`.
fn radii(lat: f64) -> (f64, f64) {
    let e2 = 1.0 - (AIRY_B * AIRY_B) / (AIRY_A * AIRY_A);
    let s2 = lat.sin().powi(2);
    let nu = AIRY_A * F0 / (1.0 - e2 * s2).sqrt();
    let rho = AIRY_A * F0 * (1.0 - e2) / (1.0 - e2 * s2).powf(1.5);
    (nu, rho)
}

/// OSGB36 latitude/longitude (radians) -> National Grid easting/northing (metres).
#[cfg(test)]
fn osgb36_to_grid(lat: f64, lon: f64) -> (f64, f64) {
    let (sl, cl) = lat.sin_cos();
    grid_from_trig(lat, sl, cl, lon)
}

/// National Grid easting/northing (metres) -> OSGB36 latitude/longitude (radians).
fn grid_to_osgb36(east: f64, north: f64) -> (f64, f64) {
    let mut lat = (north - N0) / (AIRY_A * F0) + LAT0;
    let mut m = meridional_arc(lat);
    let mut guard = 0;
    while (north - N0 - m).abs() >= 1e-5 && guard < 20 {
        lat += (north - N0 - m) / (AIRY_A * F0);
        m = meridional_arc(lat);
        guard += 1;
    }
    let (nu, rho) = radii(lat);
    let eta2 = nu / rho - 1.0;
    let tl = lat.tan();
    let (t2, t4, t6) = (tl * tl, tl.powi(4), tl.powi(6));
    let sec = 1.0 / lat.cos();
    let vii = tl / (2.0 * rho * nu);
    let viii = tl / (24.0 * rho * nu.powi(3)) * (5.0 + 3.0 * t2 + eta2 - 9.0 * t2 * eta2);
    let ix = tl / (720.0 * rho * nu.powi(5)) * (61.0 + 90.0 * t2 + 45.0 * t4);
    let x = sec / nu;
    let xi = sec / (6.0 * nu.powi(3)) * (nu / rho + 2.0 * t2);
    let xii = sec / (120.0 * nu.powi(5)) * (5.0 + 28.0 * t2 + 24.0 * t4);
    let xiia = sec / (5040.0 * nu.powi(7)) * (61.0 + 662.0 * t2 + 1320.0 * t4 + 720.0 * t6);
    let de = east - E0;
    let (de2, de3) = (de * de, de * de * de);
    let lat = lat - vii * de2 + viii * de2 * de2 - ix * de3 * de3;
    let lon = LON0 + x * de - xi * de3 + xii * de3 * de2 - xiia * de3 * de3 * de;
    (lat, lon)
}

/// WGS84 longitude/latitude in degrees -> British National Grid easting/northing in metres.
///
/// ```
/// // The Royal Observatory, Greenwich.
/// let (e, n) = footprint::project::wgs84_to_bng(-0.001_475, 51.477_81);
/// assert!((e - 538_885.0).abs() < 1.0 && (n - 177_321.0).abs() < 1.0, "{e} {n}");
/// ```
pub fn wgs84_to_bng(lon: f64, lat: f64) -> (f64, f64) {
    // The same chain as `reference_wgs84_to_bng` (cartesian, Helmert, geodetic, Transverse
    // Mercator), rearranged for speed: it runs on every vertex. The latitude iteration works on
    // its tangent, and the Transverse Mercator series use sin/cos of the latitude and multiple
    // angle identities, so a vertex costs 2 sin_cos, 1 atan, 1 atan2 and a few square roots
    // instead of about 25 trigonometric calls. Agrees with the reference to micrometres.
    let [x, y, z] = HELMERT.forward(to_cartesian(
        lat.to_radians(),
        lon.to_radians(),
        WGS_A,
        WGS_B,
    ));
    const E2: f64 = 1.0 - (AIRY_B * AIRY_B) / (AIRY_A * AIRY_A);
    let p = (x * x + y * y).sqrt();
    // tan(lat) of the first guess, then fixed-point steps as in `to_geodetic`.
    let mut t = z / (p * (1.0 - E2));
    // The first guess is exact on the ellipsoid; points within ~100 m of it are off by under a
    // millimetre, and each step divides the error by about 150: two steps reach micrometres.
    for _ in 0..2 {
        let sl = t / (1.0 + t * t).sqrt();
        let nu = AIRY_A / (1.0 - E2 * sl * sl).sqrt();
        t = (z + E2 * nu * sl) / p;
    }
    let lat = t.atan();
    let lon = y.atan2(x);
    let cl = 1.0 / (1.0 + t * t).sqrt();
    let sl = t * cl;
    grid_from_trig(lat, sl, cl, lon)
}

/// [`wgs84_to_bng`] over a lon/lat extent, by piecewise polynomials: the fast way to project a
/// whole layer.
///
/// The extent is cut into cells of [`Projector::CELL_DEGREES`]; in each, easting and northing
/// are bicubic Chebyshev interpolants through 4 x 4 exactly projected points, evaluated in
/// powers of the position within the cell. The mapping is smooth (its fourth derivatives are
/// of the order of the Earth's radius per radian⁴), so the interpolation error is about a
/// micrometre, while a vertex costs 30 multiply-adds instead of the trigonometry of the exact
/// chain. Identical inputs give identical outputs, so
/// shared boundaries stay shared. Points outside the extent are projected exactly.
pub struct Projector {
    lon0: f64,
    lat0: f64,
    nx: usize,
    ny: usize,
    /// Per cell: Chebyshev coefficients of easting then northing, `c[i * 4 + j]` for
    /// T_i(u) T_j(v), fitted when the cell is first used.
    cells: Vec<OnceLock<[[f64; 16]; 2]>>,
}

/// One projector for Great Britain, Ireland and their seas (lon -11..4, lat 49..62), shared by
/// every layer and thread: its cells lie on the same 0.25° lattice as any layer's own, so the
/// results are the same, and a cell is fitted once, when first used.
pub fn british_isles() -> &'static Projector {
    static P: std::sync::LazyLock<Projector> =
        std::sync::LazyLock::new(|| Projector::new([-11.0, 49.0], [4.0, 62.0]));
    &P
}

impl Projector {
    /// Cell size in degrees.
    pub const CELL_DEGREES: f64 = 0.25;
    /// Larger extents (more cells than this) are projected exactly.
    const MAX_CELLS: usize = 40_000;

    /// A projector for positions within `min`..`max` (lon, lat degrees).
    pub fn new(min: [f64; 2], max: [f64; 2]) -> Projector {
        let h = Self::CELL_DEGREES;
        let lon0 = (min[0] / h).floor() * h;
        let lat0 = (min[1] / h).floor() * h;
        let span = |lo: f64, hi: f64| (((hi - lo) / h).floor() as usize + 1).max(1);
        let (nx, ny) = (span(lon0, max[0]), span(lat0, max[1]));
        let ok = min.iter().chain(&max).all(|v| v.is_finite())
            && (-180.0..=180.0).contains(&min[0])
            && (-180.0..=180.0).contains(&max[0])
            && (-89.0..=89.0).contains(&min[1])
            && (-89.0..=89.0).contains(&max[1])
            && nx.saturating_mul(ny) <= Self::MAX_CELLS;
        if !ok {
            return Projector {
                lon0,
                lat0,
                nx: 0,
                ny: 0,
                cells: Vec::new(),
            };
        }
        Projector {
            lon0,
            lat0,
            nx,
            ny,
            cells: (0..nx * ny).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The coefficients of cell (`cx`, `cy`): easting and northing interpolated through 4 x 4
    /// exactly projected Chebyshev nodes.
    fn fit(&self, cx: usize, cy: usize) -> [[f64; 16]; 2] {
        let h = Self::CELL_DEGREES;
        // Chebyshev nodes of the first kind on [-1, 1], and T_0..T_3 at each.
        let nodes: [f64; 4] =
            std::array::from_fn(|k| ((2 * k + 1) as f64 * std::f64::consts::PI / 8.0).cos());
        let cheb = |x: f64| [1.0, x, 2.0 * x * x - 1.0, (4.0 * x * x - 3.0) * x];
        let t: [[f64; 4]; 4] = std::array::from_fn(|k| cheb(nodes[k]));
        let (x0, y0) = (self.lon0 + cx as f64 * h, self.lat0 + cy as f64 * h);
        let mut values = [[[0.0; 2]; 4]; 4];
        for (k, &u) in nodes.iter().enumerate() {
            for (l, &v) in nodes.iter().enumerate() {
                let lon = x0 + (u + 1.0) * 0.5 * h;
                let lat = y0 + (v + 1.0) * 0.5 * h;
                let (e, n) = wgs84_to_bng(lon, lat);
                values[k][l] = [e, n];
            }
        }
        let mut c = [[0.0; 16]; 2];
        for i in 0..4 {
            for j in 0..4 {
                let norm = if i == 0 { 1.0 } else { 2.0 } * if j == 0 { 1.0 } else { 2.0 } / 16.0;
                for (out, cell) in c.iter_mut().enumerate() {
                    let mut sum = 0.0;
                    for k in 0..4 {
                        for l in 0..4 {
                            sum += values[k][l][out] * t[k][i] * t[l][j];
                        }
                    }
                    cell[i * 4 + j] = sum * norm;
                }
            }
        }
        // The same polynomials in powers of the position within the cell, s and t in [0, 1)
        // (u = 2s - 1): T_i(2s - 1) = sum over r of B[i][r] s^r. Evaluated by Horner's rule,
        // they cost 15 multiply-adds a coordinate instead of 36.
        const B: [[f64; 4]; 4] = [
            [1.0, 0.0, 0.0, 0.0],
            [-1.0, 2.0, 0.0, 0.0],
            [1.0, -8.0, 8.0, 0.0],
            [-1.0, 18.0, -48.0, 32.0],
        ];
        let mut power = [[0.0; 16]; 2];
        for (out, cell) in power.iter_mut().enumerate() {
            for r in 0..4 {
                for q in 0..4 {
                    let mut sum = 0.0;
                    for i in 0..4 {
                        for j in 0..4 {
                            sum += c[out][i * 4 + j] * B[i][r] * B[j][q];
                        }
                    }
                    cell[r * 4 + q] = sum;
                }
            }
        }
        power
    }

    /// WGS84 lon/lat degrees -> British National Grid metres.
    #[inline]
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let h = Self::CELL_DEGREES;
        let fx = (lon - self.lon0) / h;
        let fy = (lat - self.lat0) / h;
        // Truncation is floor for the non-negative values let through (and, unlike `floor`,
        // needs no library call on the baseline x86-64 target).
        if !(fx >= 0.0 && fy >= 0.0) {
            return wgs84_to_bng(lon, lat);
        }
        let (ix, iy) = (fx as usize, fy as usize);
        if ix >= self.nx || iy >= self.ny {
            return wgs84_to_bng(lon, lat);
        }
        let c = self.cells[iy * self.nx + ix].get_or_init(|| self.fit(ix, iy));
        let (s, t) = (fx - ix as f64, fy - iy as f64);
        let eval = |k: &[f64; 16]| {
            let row =
                |r: usize| ((k[r * 4 + 3] * t + k[r * 4 + 2]) * t + k[r * 4 + 1]) * t + k[r * 4];
            ((row(3) * s + row(2)) * s + row(1)) * s + row(0)
        };
        (eval(&c[0]), eval(&c[1]))
    }
}

/// `osgb36_to_grid` given sin and cos of the latitude (see [`wgs84_to_bng`]).
fn grid_from_trig(lat: f64, sl: f64, cl: f64, lon: f64) -> (f64, f64) {
    let tl = sl / cl;
    let t2 = tl * tl;
    let e2 = 1.0 - (AIRY_B * AIRY_B) / (AIRY_A * AIRY_A);
    let w = 1.0 - e2 * sl * sl;
    let nu = AIRY_A * F0 / w.sqrt();
    let rho = AIRY_A * F0 * (1.0 - e2) / (w * w.sqrt());
    let eta2 = nu / rho - 1.0;
    // Meridional arc: sin(k dl) cos(k sl) = (sin(2k lat) - sin(2k LAT0)) / 2.
    let (s2, c2) = (2.0 * sl * cl, cl * cl - sl * sl);
    let (s4, c4) = (2.0 * s2 * c2, c2 * c2 - s2 * s2);
    let s6 = s4 * c2 + c4 * s2;
    let n = (AIRY_A - AIRY_B) / (AIRY_A + AIRY_B);
    let (n2, n3) = (n * n, n * n * n);
    let m = AIRY_B
        * F0
        * ((1.0 + n + 1.25 * n2 + 1.25 * n3) * (lat - LAT0)
            - (3.0 * n + 3.0 * n2 + 2.625 * n3) * 0.5 * (s2 - (2.0 * LAT0).sin())
            + (1.875 * n2 + 1.875 * n3) * 0.5 * (s4 - (4.0 * LAT0).sin())
            - (35.0 / 24.0) * n3 * 0.5 * (s6 - (6.0 * LAT0).sin()));
    let (cl3, cl5) = (cl * cl * cl, cl * cl * cl * cl * cl);
    let i = m + N0;
    let ii = nu / 2.0 * sl * cl;
    let iii = nu / 24.0 * sl * cl3 * (5.0 - t2 + 9.0 * eta2);
    let iiia = nu / 720.0 * sl * cl5 * (61.0 - 58.0 * t2 + t2 * t2);
    let iv = nu * cl;
    let v = nu / 6.0 * cl3 * (nu / rho - t2);
    let vi = nu / 120.0 * cl5 * (5.0 - 18.0 * t2 + t2 * t2 + 14.0 * eta2 - 58.0 * t2 * eta2);
    let dl = lon - LON0;
    let (dl2, dl3) = (dl * dl, dl * dl * dl);
    let north = i + ii * dl2 + iii * dl2 * dl2 + iiia * dl3 * dl3;
    let east = E0 + iv * dl + v * dl3 + vi * dl3 * dl2;
    (east, north)
}

/// The OS guide's steps one by one: the reference [`wgs84_to_bng`] is checked against.
#[cfg(test)]
fn reference_wgs84_to_bng(lon: f64, lat: f64) -> (f64, f64) {
    let xyz = to_cartesian(lat.to_radians(), lon.to_radians(), WGS_A, WGS_B);
    let (lat, lon) = to_geodetic(HELMERT.forward(xyz), AIRY_A, AIRY_B);
    osgb36_to_grid(lat, lon)
}

/// British National Grid easting/northing in metres -> WGS84 longitude/latitude in degrees.
/// The inverse of [`wgs84_to_bng`] to about a millimetre (the limit of the OS series).
pub fn bng_to_wgs84(east: f64, north: f64) -> (f64, f64) {
    let (lat, lon) = grid_to_osgb36(east, north);
    let xyz = to_cartesian(lat, lon, AIRY_A, AIRY_B);
    let (lat, lon) = to_geodetic(HELMERT.inverse(xyz), WGS_A, WGS_B);
    (lon.to_degrees(), lat.to_degrees())
}

/// ρν (metres², scaled by F0²) at the latitude of a northing: the square of the mean radius
/// of curvature that sets how fast the grid's scale grows away from the central meridian.
pub fn rho_nu(north: f64) -> f64 {
    let lat = (north - N0) / (AIRY_A * F0) + LAT0;
    let (nu, rho) = radii(lat);
    rho * nu
}

/// Area scale factor (k²) of British National Grid at a point: planar area / true area.
/// Divide a planar area measured near (east, north) by this to get the area on the ground.
pub fn area_scale(east: f64, north: f64) -> f64 {
    // Latitude only matters through the radii; an approximate latitude from the northing is
    // plenty (the factor varies by 1e-7 across a degree of latitude).
    let lat = (north - N0) / (AIRY_A * F0) + LAT0;
    let (nu, rho) = radii(lat);
    let de = east - E0;
    let k = F0 * (1.0 + de * de / (2.0 * rho * nu) + de.powi(4) / (24.0 * (rho * nu).powi(2)));
    k * k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dms(d: f64, m: f64, s: f64) -> f64 {
        (d + m / 60.0 + s / 3600.0).to_radians()
    }

    /// The OS guide's worked example (Annex C): OSGB36 52°39'27.2531"N 1°43'4.5177"E.
    #[test]
    fn os_worked_example_forward_and_back() {
        let (e, n) = osgb36_to_grid(dms(52.0, 39.0, 27.2531), dms(1.0, 43.0, 4.5177));
        assert!((e - 651_409.903).abs() < 0.002, "easting {e}");
        assert!((n - 313_177.270).abs() < 0.002, "northing {n}");
        let (lat, lon) = grid_to_osgb36(651_409.903, 313_177.270);
        assert!((lat - dms(52.0, 39.0, 27.2531)).abs() < 1e-9);
        assert!((lon - dms(1.0, 43.0, 4.5177)).abs() < 1e-9);
    }

    #[test]
    fn fast_forward_equals_the_reference_steps() {
        let mut worst = 0.0f64;
        for i in 0..=60 {
            for j in 0..=60 {
                let lon = -8.7 + 11.0 * i as f64 / 60.0;
                let lat = 49.8 + 11.2 * j as f64 / 60.0;
                let (e, n) = wgs84_to_bng(lon, lat);
                let (re, rn) = reference_wgs84_to_bng(lon, lat);
                worst = worst.max((e - re).hypot(n - rn));
            }
        }
        assert!(worst < 1e-5, "worst difference {worst} m");
    }

    #[test]
    fn projector_equals_the_exact_chain_to_micrometres() {
        let p = Projector::new([-6.5, 49.8], [1.9, 55.9]);
        let mut worst = 0.0f64;
        let mut seed = 1u64;
        let mut next = || crate::test_rng::unit(&mut seed);
        for _ in 0..100_000 {
            let lon = -6.5 + 8.4 * next();
            let lat = 49.8 + 6.1 * next();
            let (e, n) = p.project(lon, lat);
            let (re, rn) = wgs84_to_bng(lon, lat);
            worst = worst.max((e - re).hypot(n - rn));
        }
        assert!(worst < 1e-5, "worst difference {worst} m");
        // Cell corners and the edges of the extent, and a point outside it.
        for (lon, lat) in [
            (-6.5, 49.8),
            (1.9, 55.9),
            (-2.0, 52.0),
            (-2.25, 52.25),
            (3.0, 57.0),
        ] {
            let (e, n) = p.project(lon, lat);
            let (re, rn) = wgs84_to_bng(lon, lat);
            assert!((e - re).hypot(n - rn) < 1e-5, "{lon},{lat}");
        }
    }

    #[test]
    fn round_trip_across_great_britain() {
        for &(lon, lat) in &[
            (-5.7, 50.06),
            (1.75, 52.48),
            (-3.2, 55.95),
            (-6.3, 49.91),
            (-1.5, 60.8),
        ] {
            let (e, n) = wgs84_to_bng(lon, lat);
            let (lon2, lat2) = bng_to_wgs84(e, n);
            assert!(
                (lon - lon2).abs() < 1e-7 && (lat - lat2).abs() < 1e-7,
                "{lon},{lat}: {lon2},{lat2}"
            );
        }
    }

    /// Reference values from PROJ 9 (`EPSG:4326` -> `EPSG:27700` with no grid installed: the same
    /// OS Helmert parameters), so this pins the whole chain to well under a metre.
    #[test]
    fn agrees_with_proj_helmert_pipeline() {
        let cases = [
            ((1.716_073_973, 52.658_007_914), (651_411.222, 313_180.606)),
            ((0.340_781_866, 50.897_340_285), (564_705.801, 113_482.903)),
            ((-0.001_475, 51.477_81), (538_884.864, 177_321.465)),
            ((-3.2, 55.95), (325_160.297, 673_646.563)),
            ((-1.5, 52.25), (434_231.560, 261_431.240)),
        ];
        for ((lon, lat), (e, n)) in cases {
            let (pe, pn) = wgs84_to_bng(lon, lat);
            let d = ((pe - e).powi(2) + (pn - n).powi(2)).sqrt();
            assert!(d < 0.5, "({lon},{lat}) off by {d:.3} m: {pe:.3} {pn:.3}");
        }
    }

    #[test]
    fn area_scale_matches_projection_distortion() {
        // Compare k² with the ratio of a small projected square to its true size.
        for &(lon, lat) in &[(-2.0, 52.0), (1.5, 52.5), (-5.5, 50.2)] {
            let d = 1e-4;
            let (e1, n1) = osgb36_to_grid(f64::to_radians(lat), f64::to_radians(lon));
            let (e2, n2) = osgb36_to_grid(f64::to_radians(lat), f64::to_radians(lon + d));
            let (nu, _) = radii(f64::to_radians(lat));
            let true_dx = nu / F0 * f64::to_radians(lat).cos() * f64::to_radians(d);
            let k = (e2 - e1).hypot(n2 - n1) / true_dx;
            let s = area_scale(e1, n1);
            assert!((s - k * k).abs() < 2e-6, "{lon},{lat}: {s} vs {}", k * k);
        }
    }
}
