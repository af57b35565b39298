//! Command-line interface: clap derive only. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use footprint::analysis::tolerance::ToleranceArg;

/// Output formats of the tabular reports (mapped to `footprint::report::Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    /// An Excel workbook (to a file: -o report.xlsx).
    Xlsx,
}

impl From<Format> for footprint::report::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => footprint::report::Format::Table,
            Format::Csv => footprint::report::Format::Csv,
            Format::Json => footprint::report::Format::Json,
            Format::Xlsx => footprint::report::Format::Xlsx,
        }
    }
}

/// Coordinates of a GeoPackage polygon layer (mapped to `footprint::report::geojson_out::Grid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GpkgCrs {
    /// WGS84 lon/lat (EPSG:4326): the GeoJSON's coordinates.
    Wgs84,
    /// British National Grid metres (EPSG:27700), to the millimetre.
    Bng,
}

impl From<GpkgCrs> for footprint::report::geojson_out::Grid {
    fn from(c: GpkgCrs) -> Self {
        match c {
            GpkgCrs::Wgs84 => footprint::report::geojson_out::Grid::Wgs84,
            GpkgCrs::Bng => footprint::report::geojson_out::Grid::Bng,
        }
    }
}

/// The coordinates of a polygon output written as a GeoPackage.
#[derive(Debug, Args, Clone)]
pub struct GpkgArgs {
    /// Coordinates of a GeoPackage (.gpkg) polygon output: wgs84 (lon/lat, EPSG:4326, the
    /// same coordinates as the GeoJSON; the default) or bng (British National Grid metres,
    /// EPSG:27700, to the millimetre). GeoJSON is WGS84 only (RFC 7946): bng with a .geojson
    /// file or `-` is refused.
    #[arg(long, value_enum, value_name = "wgs84|bng")]
    pub gpkg_crs: Option<GpkgCrs>,
}

#[derive(Debug, Parser)]
#[command(
    name = "footprint",
    version,
    about = "Boundary analysis for English health and local-government planning",
    long_about = "Boundary analysis for English health and local-government planning.\n\n\
        Reads polygon layers from GeoJSON, GeoPackage (FILE.gpkg, or FILE.gpkg:LAYER), \
        FlatGeobuf and Shapefile (FILE.shp beside its .dbf, or zipped: FILE.zip, \
        FILE.zip:inner/name.shp) files, told apart by their content, in WGS84 lon/lat or \
        British National Grid; finds each layer's code and name fields (ONS style ...CD/...NM), \
        and reports overlaps, coterminosity, providers spanning plans and layer facts; validates \
        proposed footprints as coverages, builds footprints from units, and runs rule files for CI. Areas are \
        true areas on the ground in km²; shares are fractions 0..1; tolerances are in metres.\n\n\
        Exit codes: 0 ran and nothing failed; 1 a check failed; 2 could not run.",
    after_help = "Examples:\n  footprint inspect data/demo/councils.geojson\n  \
        footprint inspect tests/fixtures/formats/demo.gpkg:councils\n  \
        footprint coterminosity data/demo/footprints.geojson --units data/demo/councils.geojson\n  \
        footprint validate data/demo/footprints.geojson --extent data/demo/councils.geojson\n  \
        footprint check data/demo/rules.toml --junit results.xml"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Inspect(InspectArgs),
    Overlaps(OverlapsArgs),
    Coterminosity(CoterminosityArgs),
    Spanning(SpanningArgs),
    Changes(ChangesArgs),
    Validate(ValidateArgs),
    Build(BuildArgs),
    Check(CheckArgs),
    Map(MapArgs),
    Matrix(MatrixArgs),
    Completions(CompletionsArgs),
    Man(ManArgs),
}

/// How each layer is read. ROLE names a layer of the command (shown in its help); without
/// `ROLE=` a setting applies to every layer.
#[derive(Debug, Args, Clone, Default)]
pub struct LayerArgs {
    /// Code field, as [ROLE=]FIELD (default: the ...CD property with unique values, else
    /// code/id). Example: --code units=LAD21CD
    #[arg(long = "code", value_name = "[ROLE=]FIELD")]
    pub code: Vec<String>,

    /// Name field, as [ROLE=]FIELD (default: the ...NM matching the code, else name).
    #[arg(long = "name", value_name = "[ROLE=]FIELD")]
    pub name: Vec<String>,

    /// Coordinate system, as [ROLE=]CRS: EPSG:4326 (lon/lat) or EPSG:27700 (British National
    /// Grid). Default: the file's crs member, else recognised from the coordinates.
    #[arg(long = "crs", value_name = "[ROLE=]CRS")]
    pub crs: Vec<String>,

    /// Keep only the features whose property FIELD matches PATTERN, as
    /// [ROLE:]FIELD=PATTERN: a glob (* any characters, ? one), or several separated by
    /// commas, ignoring case. Repeatable; a feature is kept when all match. The features left
    /// out are counted in the report. Example: --where units:LTLA21CD=E* (English councils),
    /// --where units:LTLA21CD=E06000001,E06000002
    #[arg(long = "where", value_name = "[ROLE:]FIELD=PATTERN")]
    pub filters: Vec<String>,
}

/// Output options shared by the reports.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format: table (for reading), csv (for spreadsheets), json (for scripts), xlsx
    /// (an Excel workbook: an About sheet, then a sheet per table). Without it, taken from
    /// -o's extension (.csv, .json, .xlsx), else table.
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// Write the report to FILE (replaced whole or not at all; never an input) instead of
    /// standard output (`-`).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Do not print warnings on standard error (they stay in JSON output).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Write CSV text cells exactly as they are. By default a cell that a spreadsheet would
    /// run as a formula (starting with = + - @, tab or CR, and not a number) gets a leading '.
    #[arg(long)]
    pub raw_csv: bool,
}

/// Noise tolerance and population weights, shared by the analyses.
#[derive(Debug, Args, Clone)]
pub struct AnalysisArgs {
    /// Boundary differences narrower than this do not count: auto (estimated from the coarser
    /// layer, stated on stderr), 0 (raw geometry), or a distance such as 250m or 0.5km.
    #[arg(
        long,
        short = 't',
        default_value = "auto",
        value_name = "auto|0|<N>m|<N>km"
    )]
    pub tolerance: ToleranceArg,

    /// Points that weight the shares, e.g. population: CSV with lon,lat (or easting,northing)
    /// columns and a weight column, or a layer of points (GeoJSON, GeoPackage, FlatGeobuf,
    /// Shapefile). Adds ..._weight_share columns and the head counts behind them
    /// (overlap_weight: the weight in the part); warns when a part of a split feature holds no
    /// point although its size says it should (points too coarse).
    #[arg(long, value_name = "POINTS")]
    pub weights: Option<PathBuf>,

    /// The weight column of --weights (without it each point weighs 1).
    #[arg(long, default_value = "population", value_name = "COLUMN")]
    pub weight_column: String,
}

/// Describe one layer: features, fields, CRS, extent, resolution, defects and the noise
/// tolerance analyses will use for it.
///
/// JSON keys include feature_count, code_field, name_field, crs, bbox_wgs84, vertex_count,
/// mean_segment_m, suggested_tolerance_m, and counts of each defect.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  footprint inspect data/demo/councils.geojson --format json")]
pub struct InspectArgs {
    /// The layer: GeoJSON, GeoPackage (FILE.gpkg or FILE.gpkg:LAYER), FlatGeobuf or
    /// Shapefile (FILE.shp, FILE.zip, FILE.zip:inner/name.shp) (ROLE: layer).
    pub layer: PathBuf,

    #[command(flatten)]
    pub layer_args: LayerArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Overlap report between two layers: one row per overlapping pair.
///
/// CSV columns: a_code, a_name, b_code, b_name, overlap_km2 (true area on the ground),
/// a_share and b_share (overlap / that feature's area, 0..1), then with --weights
/// a_weight_share, b_weight_share, a_overlap_weight and b_overlap_weight (the weight in the
/// overlap, counted from a's points and from b's), then retained_by (width: a part wider than the
/// tolerance; best_fit: the feature lies mostly here but every part is narrower than the
/// tolerance; raw: tolerance 0).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  footprint overlaps data/demo/trusts.geojson data/demo/footprints.geojson \
    --format csv -o overlaps.csv --pieces overlaps.geojson\n  \
    footprint overlaps data/demo/trusts.geojson data/demo/footprints.geojson \
    --pieces overlaps.gpkg --gpkg-crs bng   # a GeoPackage in British National Grid, for QGIS"
)]
pub struct OverlapsArgs {
    /// First layer (ROLE: a).
    pub a: PathBuf,
    /// Second layer (ROLE: b).
    pub b: PathBuf,

    /// Also write the overlap polygons (with both codes, area and width), for QGIS: GeoJSON in
    /// WGS84, or a GeoPackage when the name ends in .gpkg (its layer named after the file:
    /// overlaps.gpkg holds the layer overlaps; see --gpkg-crs).
    #[arg(long, value_name = "OUT.geojson|OUT.gpkg")]
    pub pieces: Option<PathBuf>,

    #[command(flatten)]
    pub gpkg: GpkgArgs,

    #[command(flatten)]
    pub analysis: AnalysisArgs,

    #[command(flatten)]
    pub layer_args: LayerArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Which footprints are coterminous with a unit layer (councils, CCGs), which units they
/// split, and by how much.
///
/// CSV columns, one row per (unit, footprint) pair: unit_code, unit_name, footprint_code,
/// footprint_name, overlap_km2, unit_share (of the unit's area, 0..1), status (whole: the
/// unit lies in one footprint; split: in two or more; partly_outside: at the shore, in none
/// beyond slivers but wholly within the tolerance of one, and given to it; outside: in
/// none; out_of_scope: in none, and of another country than every footprint, see
/// --all-countries), then unit_weight_share, overlap_weight (the weight in the part, e.g.
/// residents) and unit_weight (the unit's) with --weights, and best_fit (the footprint the
/// unit fits best: largest weight share, else area). With --by footprint: one row per
/// footprint with its verdict (and its weight, with --weights).
///
/// With --small-areas SMALL (e.g. LSOAs), each split unit is explained by its small areas: a
/// small area belongs to the unit it fits best and goes whole to one footprint (most of its
/// weight with --weights where it holds any, else most of its area; the same overlay and
/// tolerance as the units). The table sums each part (small areas, km², weight, the largest
/// few) and lists small areas that straddle a footprint line. --by small-area writes one row
/// per small area of a split unit: unit_code, unit_name, footprint_code, footprint_name,
/// small_area_code, small_area_name, small_area_km2, small_area_weight (with --weights), best_fit
/// (the footprint is the unit's best fit), small_area_share (of the small area in this
/// footprint), assigned (it goes whole here), straddles (two footprints hold it beyond the
/// tolerance: it has a row in each; the footprints were not built from these small areas).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  footprint coterminosity data/demo/footprints.geojson --units data/demo/councils.geojson \
    --weights data/demo/population.csv\n  \
    footprint coterminosity data/demo/footprints.geojson --units data/demo/councils.geojson \
    --small-areas data/demo/neighbourhoods.geojson --by small-area -o split-neighbourhoods.csv\n  \
    footprint coterminosity data/demo/footprints.geojson --units data/demo/councils.geojson \
    --weights data/demo/population.csv --max-split-share 0.05   # exit 1 if a split goes past 5%\n  \
    footprint coterminosity stp21.geojson --units ltla21.geojson --where units:LTLA21CD=E*   # English councils only"
)]
pub struct CoterminosityArgs {
    /// Footprint layer, e.g. STPs or proposed plans (ROLE: footprints).
    pub footprints: PathBuf,

    /// Unit layer, e.g. local authorities (ROLE: units).
    #[arg(long, value_name = "UNITS")]
    pub units: PathBuf,

    /// Rows per unit-footprint pair (unit), one per footprint with its verdict (footprint),
    /// or one per small area of a split unit (small-area, with --small-areas).
    #[arg(long, value_enum, default_value_t = By::Unit)]
    pub by: By,

    /// Explain each split unit by its small areas (e.g. LSOAs; ROLE: small-areas): each small
    /// area of a split unit goes whole to one footprint, the one holding most of its weight
    /// (with --weights, where it holds any), else most of its area; one that two footprints
    /// hold beyond the tolerance straddles the line, and is listed in each part and flagged.
    #[arg(long, value_name = "SMALL")]
    pub small_areas: Option<PathBuf>,

    /// Exit 1 when any footprint splits a unit (the same as --max-split-units 0).
    #[arg(long)]
    pub require_coterminous: bool,

    /// Exit 1 when more than N units are split (a `coterminous` rule's max_split_units).
    #[arg(long, value_name = "N")]
    pub max_split_units: Option<usize>,

    /// Exit 1 when a split unit has more than this fraction (of its weight with --weights,
    /// else of its area) outside its best-fit footprint; alone, it allows any number of such
    /// splits (a `coterminous` rule's max_split_share).
    #[arg(long, value_name = "F")]
    pub max_split_share: Option<f64>,

    /// Count units of every country as the footprints' own. By default, when every
    /// footprint's code is a GSS code of one country (E54...: England), units of other
    /// countries outside every footprint are out of scope (status out_of_scope), not
    /// outside every footprint.
    #[arg(long)]
    pub all_countries: bool,

    #[command(flatten)]
    pub analysis: AnalysisArgs,

    #[command(flatten)]
    pub layer_args: LayerArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    Unit,
    Footprint,
    SmallArea,
}

impl From<By> for footprint::report::coterminosity::By {
    fn from(b: By) -> Self {
        match b {
            By::Unit => footprint::report::coterminosity::By::Unit,
            By::Footprint => footprint::report::coterminosity::By::Footprint,
            By::SmallArea => footprint::report::coterminosity::By::SmallArea,
        }
    }
}

/// Providers (e.g. hospital-trust catchments) that serve several plans.
///
/// CSV columns, one row per (provider, plan) pair counted: provider_code, provider_name,
/// plan_code, plan_name, overlap_km2, provider_share (of the provider's area, 0..1),
/// plans_spanned (how many plans the provider counts), then provider_weight_share,
/// overlap_weight and provider_weight with --weights. A provider counts a plan when its share there (its weight share, with
/// --weights) is at least --min-share.
///
/// By flows (--flows FLOWS.csv --areas AREAS, instead of a provider layer): where the
/// providers' patients live. FLOWS has one row per (provider, area) with a value: a count of
/// people (patients, catchment population) or a share of the area's residents, which is
/// multiplied by the area's weight from --weights. Each area is placed in the plans by the
/// same overlay, tolerance, shore and scope rules as coterminosity (areas x plans): a split
/// area's flow is divided by its weight shares (area shares without weights), an area in no
/// plan counts as outside, one of another country than every plan as out of scope. CSV
/// columns: provider_code, provider_name, plan_code, plan_name, flow (people),
/// provider_flow_share (of the provider's whole flow, 0..1), plans_spanned, areas (the
/// provider's areas with flow in the plan), provider_flow. Every row of FLOWS is used or
/// listed as skipped with its reason (not a number, negative, empty code, duplicate, area not
/// in the area layer).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  footprint spanning data/demo/trusts.geojson --plans data/demo/footprints.geojson \
    --weights data/demo/population.csv\n  \
    footprint spanning --flows data/demo/trust_flows.csv --areas data/demo/councils.geojson \
    --plans data/demo/footprints.geojson\n  \
    footprint spanning --flows trust_msoa_flows.csv --areas msoa11.geojson --plans stp21.geojson \
    --flow-value proportion --weights msoa11_population.csv   # shares x MSOA populations"
)]
pub struct SpanningArgs {
    /// Provider layer, e.g. trust catchments (ROLE: providers); not with --flows.
    #[arg(
        required_unless_present = "flows",
        conflicts_with_all = ["flows", "areas"],
        value_name = "PROVIDERS"
    )]
    pub providers: Option<PathBuf>,

    /// Plan layer, e.g. STPs or ICBs (ROLE: plans).
    #[arg(long, value_name = "PLANS")]
    pub plans: PathBuf,

    /// Smallest share of a provider (0..1) that counts a plan as served.
    #[arg(long, default_value_t = 0.05, value_name = "F")]
    pub min_share: f64,

    /// Exit 1 when any provider spans more than N plans.
    #[arg(long, value_name = "N")]
    pub max_plans: Option<usize>,

    #[command(flatten)]
    pub flows: FlowArgs,

    #[command(flatten)]
    pub analysis: AnalysisArgs,

    #[command(flatten)]
    pub layer_args: LayerArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// What changed between two editions of one geography: which old features became which new ones.
///
/// Councils, CCGs and small areas merge and split between editions. OLD and NEW are overlaid
/// with the tolerance of every other command: slivers between two generalisations of one line
/// are no link. Each remaining (old, new) overlap is a link, with old_share (the part of the
/// old feature that went to the new one) and new_share (the part of the new feature that came
/// from the old one). A link holding at least a quarter of its old or of its new feature is
/// major (so are all links of a feature that has no such link); the others are transfers of
/// ground between features that stay. Features joined by major links form a group, and each
/// group is one change:
///
///   unchanged         one old, one new, the same code and name, no transfer
///   boundary_changed  one old, one new, the same code, ground gained or lost by transfers
///                     beyond the tolerance (km², and people with --weights)
///   renamed           one old, one new, the same code, another name, no transfer
///   recoded           one old, one new, a new code
///   merged            several old into one new
///   split             one old into several new
///   complex           several old into several new
///   new, removed      a new feature with no link, an old feature with no link
///
/// Every feature of both layers is in exactly one group. Ground that no feature of the other
/// edition holds (a coastline redrawn) is not a change. Features of every country are
/// compared alike (two editions of one geography cover the same countries); to compare one,
/// filter each layer, e.g. --where old:LTLA19CD=E* --where new:LTLA21CD=E*.
///
/// CSV columns, one row per link: old_code, old_name, new_code, new_name, change (the
/// group's, or boundary_changed for a transfer between two groups), old_share, new_share,
/// area_km2, then weight with --weights (the weight of the old feature's points in the link).
/// A new or removed feature has one row with the other side, the shares and the area empty
/// (and its own weight). The table lists the rows of each kind of change and leaves
/// unchanged features to a count. JSON has the rows (each with major, best_fit and its group), the groups (with
/// gained_km2 and lost_km2) and the counts per kind; xlsx has Groups, Links and Best fit
/// sheets.
///
/// An old-to-new best-fit lookup: for each old_code, the row with the largest old_share (with
/// --weights, the largest weight); JSON marks it best_fit, and the workbook's Best fit sheet
/// holds only those rows.
#[derive(Debug, Args)]
#[command(
    verbatim_doc_comment,
    after_help = "Examples:\n  footprint changes data/demo/councils.geojson data/demo/councils_next.geojson\n  \
    footprint changes ltla19.geojson ltla21.geojson --format csv -o ltla19_ltla21.csv\n  \
    footprint changes ltla19.geojson ltla21.geojson --weights msoa11_population.csv\n  \
    footprint changes published.geojson latest.geojson --require-unchanged   # exit 1 if anything changed\n  \
    footprint changes old.geojson new.geojson -f json | jq '.links[] | select(.best_fit) | [.old_code, .new_code]'   # best-fit lookup"
)]
pub struct ChangesArgs {
    /// The older edition (ROLE: old).
    pub old: PathBuf,

    /// The newer edition (ROLE: new).
    pub new: PathBuf,

    /// Exit 1 when anything changed (an `unchanged` rule of `check`): a guard for a published
    /// lookup.
    #[arg(long)]
    pub require_unchanged: bool,

    #[command(flatten)]
    pub analysis: AnalysisArgs,

    #[command(flatten)]
    pub layer_args: LayerArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Providers by their flows (`spanning --flows`), instead of a provider layer.
#[derive(Debug, Args, Clone, Default)]
pub struct FlowArgs {
    /// Flows CSV, one row per (provider, area) with a value, e.g. trust_msoa_flows.csv
    /// (trust_code,trust_name,msoa_code,proportion,catchment_population). Needs --areas.
    #[arg(
        long,
        value_name = "FLOWS.csv",
        requires = "areas",
        help_heading = "Flows"
    )]
    pub flows: Option<PathBuf>,

    /// The area layer the flows' area codes name, e.g. MSOAs (ROLE: areas).
    #[arg(long, value_name = "AREAS", requires = "flows", help_heading = "Flows")]
    pub areas: Option<PathBuf>,

    /// The provider code column of --flows (default: provider_code, trust_code, org_code, ...).
    #[arg(
        long,
        value_name = "COLUMN",
        requires = "flows",
        help_heading = "Flows"
    )]
    pub flow_provider: Option<String>,

    /// The provider name column (default: provider_name, trust_name, ...; optional).
    #[arg(
        long,
        value_name = "COLUMN",
        requires = "flows",
        help_heading = "Flows"
    )]
    pub flow_name: Option<String>,

    /// The area code column (default: area_code, msoa_code, lsoa_code, MSOA11CD, ...).
    #[arg(
        long,
        value_name = "COLUMN",
        requires = "flows",
        help_heading = "Flows"
    )]
    pub flow_area: Option<String>,

    /// The value column (default: a count column such as patients, admissions or
    /// catchment_population, else a share column such as proportion).
    #[arg(
        long,
        value_name = "COLUMN",
        requires = "flows",
        help_heading = "Flows"
    )]
    pub flow_value: Option<String>,

    /// How to read the value: count (people, used as they are) or share (of the area's
    /// residents, multiplied by the area's weight from --weights). Default: share when the
    /// column is called proportion, share or fraction, else count.
    #[arg(
        long,
        value_enum,
        value_name = "KIND",
        requires = "flows",
        help_heading = "Flows"
    )]
    pub flow_kind: Option<FlowKind>,
}

/// How the values of a flows file are read (mapped to `footprint::analysis::flows::FlowKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FlowKind {
    Count,
    Share,
}

impl From<FlowKind> for footprint::analysis::flows::FlowKind {
    fn from(k: FlowKind) -> Self {
        match k {
            FlowKind::Count => footprint::analysis::flows::FlowKind::Count,
            FlowKind::Share => footprint::analysis::flows::FlowKind::Share,
        }
    }
}

/// Check a layer as a coverage: no gaps, no overlaps, valid geometry, one code per feature.
///
/// For footprints meant to tile an area. Exits 1 when any finding is an error.
///
/// One row per finding. CSV columns: kind, code, other_code, area_km2, severity, detail,
/// then lon, lat (a point at the problem, WGS84) and neighbours (features bordering a gap).
///
/// Kinds: invalid_geometry (reason and location), empty_geometry, not_polygon,
/// duplicate_code, missing_code, overlap (area covered by both code and other_code), gap
/// (a hole in the layer's union; with --extent, any part of the extent not covered) and,
/// with --extent, outside_extent. Gaps and overlaps narrower than the tolerance (mean width
/// 2 x area / perimeter) are slivers, reported as warnings; wider ones are errors. Pieces
/// under 1 m² are numerical dust and are not reported.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  footprint validate data/demo/footprints.geojson\n  \
    footprint validate data/demo/footprints.geojson --extent data/demo/councils.geojson --format csv -o findings.csv\n  \
    footprint validate data/demo/footprints.geojson --extent data/demo/councils.geojson --polygons problems.gpkg   # open it in QGIS"
)]
pub struct ValidateArgs {
    /// The layer to check, e.g. proposed footprints (ROLE: layer).
    pub layer: PathBuf,

    /// The area the layer must cover, e.g. the councils of a region (ROLE: extent).
    #[arg(long, value_name = "LAYER")]
    pub extent: Option<PathBuf>,

    /// Gaps and overlaps narrower than this are slivers (warnings): auto (estimated from the
    /// layer, stated on stderr), 0 (every gap and overlap is an error), or a distance such as
    /// 250m or 0.5km.
    #[arg(
        long,
        short = 't',
        default_value = "auto",
        value_name = "auto|0|<N>m|<N>km"
    )]
    pub tolerance: ToleranceArg,

    /// Treat warnings as errors (exit 1 on any finding).
    #[arg(long)]
    pub strict: bool,

    /// Also write the gaps, overlaps and parts outside the extent as polygons, for QGIS: one
    /// feature per finding (kind, code, other_code, area_km2, severity, detail, neighbours)
    /// with the pieces its area counts. GeoJSON in WGS84, or a GeoPackage when the name ends
    /// in .gpkg (its layer named after the file; see --gpkg-crs).
    #[arg(long, value_name = "OUT.geojson|OUT.gpkg")]
    pub polygons: Option<PathBuf>,

    #[command(flatten)]
    pub gpkg: GpkgArgs,

    /// Check against the whole extent. By default, when every code of the layer is a GSS code
    /// of one country (E54...: England), extent features of other countries are left out
    /// (out of scope), with a note.
    #[arg(long)]
    pub all_countries: bool,

    #[command(flatten)]
    pub layer_args: LayerArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Build footprints from units by a mapping CSV: each footprint's units dissolved into one
/// MultiPolygon.
///
/// The footprints are written as a GeoJSON layer (WGS84) that the other commands read directly
/// (code field FOOTPRINTCD, name field FOOTPRINTNM), or as a GeoPackage for QGIS (-o
/// OUT.gpkg).
///
/// The mapping has columns unit_code,footprint_code and optionally footprint_name (or name
/// others with --columns). A unit may appear on several rows (as in an LSOA lookup) but only
/// ever with one footprint. Thin holes left where units' boundaries do not quite meet
/// (narrower than the tolerance, and filled by no other unit) are filled.
///
/// The report (one row per footprint: footprint_code, footprint_name, unit_count, area_km2,
/// seams_filled) goes to standard output. Units of the layer missing from the mapping, and
/// mapped codes missing from the layer, are warnings; with --strict they exit 1.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  footprint build data/demo/ccgs.geojson --mapping data/demo/ccg_footprints.csv -o footprints.geojson\n  \
    footprint build ccg21.geojson --mapping lookup.csv --columns ccg21_code,stp21_code,stp21_name -o stp.geojson\n  \
    footprint build data/demo/ccgs.geojson --mapping data/demo/ccg_footprints.csv -o footprints.gpkg --gpkg-crs bng"
)]
pub struct BuildArgs {
    /// Unit layer, e.g. CCGs (ROLE: units).
    pub units: PathBuf,

    /// CSV mapping each unit code to a footprint code (and optionally a footprint name).
    #[arg(long, value_name = "MAP.csv")]
    pub mapping: PathBuf,

    /// The mapping's unit, footprint and (optional) name columns, if not
    /// unit_code,footprint_code,footprint_name.
    #[arg(long, value_name = "UNIT,FOOTPRINT[,NAME]")]
    pub columns: Option<String>,

    /// Where to write the footprints, whole or not at all: GeoJSON (WGS84), or a GeoPackage
    /// when the name ends in .gpkg (its layer named after the file; see --gpkg-crs). `-` is
    /// standard output (GeoJSON), and the summary then goes to standard error.
    #[arg(long, short = 'o', value_name = "OUT.geojson|OUT.gpkg")]
    pub output: PathBuf,

    #[command(flatten)]
    pub gpkg: GpkgArgs,

    /// Holes narrower than this between units are seams, filled: auto (estimated from the
    /// units), 0 (fill nothing), or a distance such as 250m.
    #[arg(
        long,
        short = 't',
        default_value = "auto",
        value_name = "auto|0|<N>m|<N>km"
    )]
    pub tolerance: ToleranceArg,

    /// Exit 1 when a unit is not mapped or a mapped code is not in the layer.
    #[arg(long)]
    pub strict: bool,

    /// Report format on standard output: table, csv or json.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Do not print warnings on standard error (they stay in JSON output).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Write CSV text cells exactly as they are (see --raw-csv of the other commands).
    #[arg(long)]
    pub raw_csv: bool,

    #[command(flatten)]
    pub layer_args: LayerArgs,
}

/// Run every rule of a rules file (TOML) and exit 1 if any fails: the one command for CI.
///
/// The file names the layers (paths relative to it) and the rules a proposal must meet: a layer
/// validates; footprints are coterminous with a unit layer (or split at most N units, or none
/// by more than a share of its weight); every unit is mapped; a provider spans at most N plans
/// (by its catchment, or by its patients' flows); one layer nests in another (as `matrix`
/// decides it); nothing changed between two editions of a layer.
/// The format is shown below (`--help`).
///
/// Output: a readable summary (or --format json), and with --junit FILE a JUnit XML file in
/// which each rule is a test case, for CI systems to show.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  footprint check data/demo/rules.toml --junit check-results.xml",
    after_long_help = RULES_HELP
)]
pub struct CheckArgs {
    /// The rules file (TOML).
    pub rules: PathBuf,

    /// Also write the results as JUnit XML (each rule a test case).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Draw footprints, units and their splits as one HTML map report, with tables beside it.
///
/// One self-contained file (inline SVG, a few lines of JavaScript, no network): it opens
/// offline, from an email attachment too. Footprints are outlined and labelled; units are
/// coloured whole, split or outside every footprint; the parts of split units are drawn over
/// them, hatched where a part lies outside the unit's best fit; providers (optional) are dashed
/// outlines. Hover over or click a shape for its code, name, km² and shares; scroll to zoom,
/// drag to pan. The tables list split units part by part and providers spanning more than
/// one plan, as `coterminosity` and `spanning` count them.
///
/// It does not draw a `changes` report (old outlines against new): the map is built around
/// one overlay of units against footprints, its colours and tables are theirs, and a second
/// edition would need its own. Open both editions in QGIS with the `changes` CSV joined on
/// old_code instead.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  footprint map data/demo/footprints.geojson --units data/demo/councils.geojson \
    --providers data/demo/trusts.geojson --weights data/demo/population.csv -o map.html"
)]
pub struct MapArgs {
    /// Footprint layer, e.g. STPs or proposed plans (ROLE: footprints).
    pub footprints: PathBuf,

    /// Unit layer, e.g. local authorities (ROLE: units).
    #[arg(long, value_name = "UNITS")]
    pub units: PathBuf,

    /// Provider layer, e.g. trust catchments (ROLE: providers): drawn as dashed outlines,
    /// with a table of the providers that span more than one footprint.
    #[arg(long, value_name = "PROVIDERS")]
    pub providers: Option<PathBuf>,

    /// Write the HTML report to FILE (written whole or not at all; `-` is standard output).
    #[arg(long, short = 'o', value_name = "FILE.html")]
    pub output: PathBuf,

    /// Title of the report (default: the footprint and unit file names).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// Boundaries are simplified for drawing by up to this distance: auto (a quarter of a
    /// pixel on a 1000-pixel-wide map of the whole extent: 160 m for England), 0 (as
    /// loaded), or a distance such as 50m. Analysis always uses the full geometry.
    #[arg(long, default_value = "auto", value_name = "auto|0|<N>m|<N>km")]
    pub simplify: ToleranceArg,

    /// Smallest share of a provider (0..1) that counts a footprint as served (see spanning).
    #[arg(long, default_value_t = 0.05, value_name = "F")]
    pub min_share: f64,

    /// Draw units of every country as the footprints' own (see coterminosity
    /// --all-countries); by default units of other countries are drawn grey, out of scope.
    #[arg(long)]
    pub all_countries: bool,

    /// Do not print warnings on standard error (they are listed in the report).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    #[command(flatten)]
    pub analysis: AnalysisArgs,

    #[command(flatten)]
    pub layer_args: LayerArgs,
}

/// What nests in what: every pair of several layers (CCGs, STPs, districts...), each overlaid
/// once.
///
/// For each ordered pair (A, B): how many of A's features are whole in one B feature, split
/// across several, outside every B, or out of scope (of another country than every B
/// feature, see --all-countries), as `coterminosity B --units A` counts them; whether A nests
/// in B (every in-scope A feature whole in one B); and whether B is built from A (A nests in B
/// and covers every in-scope B feature: the part of a B feature that A leaves uncovered is no
/// larger than a strip as wide as the tolerance along its boundary). The tolerance is decided
/// for each pair from its coarser layer, as `coterminosity` decides it, unless -t fixes it for
/// all. A layer is labelled by its file stem, or by NAME in NAME=PATH; the labels are the ROLEs
/// of --code, --name, --crs and --where.
///
/// The table is a grid (rows A, columns B: "106/106 N" when all 106 in-scope A features are
/// whole in B, N for nests, B for built from; else "15 split"), then each pair's split
/// features and the B features they are split across. CSV columns, one row per ordered pair:
/// a_layer, b_layer, a_features, a_whole, a_split, a_outside, a_nested_in_b (yes/no),
/// a_out_of_scope, b_built_from_a (yes/no), tolerance_m, tolerance_source, a_at_shore (of
/// a_whole, those at the shore given to their nearest B), b_features, b_uncovered (in-scope B
/// features A does not cover), with --weights a_split_weight_share (of A's in-scope weight, in
/// split features) and a_split_away_weight_share (in their parts outside their best fit),
/// then a_split_codes, a_outside_codes and b_uncovered_codes (space-separated). JSON adds
/// every split part and both verdicts; the workbook has a Split parts sheet.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  footprint matrix data/demo/councils.geojson data/demo/ccgs.geojson data/demo/footprints.geojson\n  \
    footprint matrix CCG21=ccg21.geojson STP21=stp21.geojson LTLA21=ltla21.geojson --require-nested CCG21:STP21   # exit 1 unless CCGs nest in STPs\n  \
    footprint matrix ccg21.geojson stp21.geojson --weights msoa11_population.csv -o matrix.xlsx"
)]
pub struct MatrixArgs {
    /// The layers, two or more, each PATH or NAME=PATH (ROLE: its label, the file stem unless
    /// NAME is given).
    #[arg(required = true, num_args = 2.., value_name = "[NAME=]LAYER")]
    pub layers: Vec<String>,

    /// Exit 1 unless layer A nests in layer B (every in-scope A feature whole in one B), as
    /// A:B by their labels; repeatable (a `nesting` rule of `check`).
    #[arg(long, value_name = "A:B")]
    pub require_nested: Vec<String>,

    /// Count features of every country as in scope (see coterminosity --all-countries).
    #[arg(long)]
    pub all_countries: bool,

    #[command(flatten)]
    pub analysis: AnalysisArgs,

    #[command(flatten)]
    pub layer_args: LayerArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Print a shell completion script to standard output.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples (each folder made first; a new shell then completes):\n  \
    mkdir -p ~/.local/share/bash-completion/completions && \
    footprint completions bash > ~/.local/share/bash-completion/completions/footprint\n  \
    mkdir -p ~/.zfunc && footprint completions zsh > ~/.zfunc/_footprint   \
    # and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)\n  \
    mkdir -p ~/.config/fish/completions && \
    footprint completions fish > ~/.config/fish/completions/footprint.fish"
)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Print the manual page (roff), for `man`; or write every page into a folder.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  footprint man map | man -l -\n  \
    footprint man --dir ~/.local/share/man/man1 && man footprint   # every page, where man finds them")]
pub struct ManArgs {
    /// A command whose own page to print (default: the main page, which lists the commands).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,

    /// Write the page to FILE (replaced whole or not at all; never an input) instead of
    /// standard output (`-`).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write every page into DIR (made if missing): footprint.1, and footprint-COMMAND.1 for
    /// each command, the pages the main page refers to.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["command", "output"])]
    pub dir: Option<PathBuf>,
}

const RULES_HELP: &str = r#"Rules file format (paths are relative to the file):

  tolerance = "auto"                 # optional: the default for every rule

  [layers]
  footprints = "footprints.geojson"
  councils = { path = "councils.geojson", code = "LADCD" }   # also name, crs, and
                                     # where = ["LADCD=E*"] (keep matching features, as --where)

  [weights]                          # optional
  population = "population.csv"      # or { path = "...", column = "..." }

  [[rule]]                           # the layer validates as a coverage
  name = "Footprints tile the region"
  validate = "footprints"
  extent = "councils"                # optional; strict = true fails on warnings

  [[rule]]                           # footprints follow unit boundaries
  coterminous = "footprints"
  units = "councils"
  max_split_units = 1                # default 0 (no limit when only a share is given)
  max_split_share = 0.05             # no unit with more than this outside its best fit
  weights = "population"             # optional: shares by weight, not area

  [[rule]]                           # every unit is mapped
  mapped = "ccgs"
  mapping = "ccg_footprints.csv"     # columns = "UNIT,FOOTPRINT" if not unit_code,footprint_code
  # footprints = "footprints"        # instead of mapping: every unit lies in a footprint

  [[rule]]                           # providers serve few plans
  spanning = "trusts"
  plans = "footprints"
  max_plans = 2
  min_share = 0.05                   # optional, default 0.05

  [flows]                            # optional: providers by where their patients live
  admissions = "trust_flows.csv"     # or { path = "...", provider = "COLUMN", name = "COLUMN",
                                     #   area = "COLUMN", value = "COLUMN", kind = "share" }
                                     # (columns detected as spanning --flows detects them)

  [[rule]]                           # trusts serve few plans, by their patients
  spanning = "admissions"            # with areas, a [flows] entry instead of a provider layer
  areas = "msoas"                    # the layer the flows' area codes name
  plans = "footprints"
  max_plans = 2
  weights = "population"             # needed when the values are shares of residents

  [[rule]]                           # every ccg lies whole in one footprint
  nesting = "ccgs"
  in = "footprints"
  built_from = true                  # optional: and the ccgs cover every footprint

  [[rule]]                           # nothing changed between two editions (as
  unchanged = "published"            # `changes --require-unchanged`): the old edition
  new = "latest"                     # and the new one

When every footprint's (or validated layer's) code is a GSS code of one country, units and
extent features of other countries are out of scope, as in the commands; all_countries = true
in a validate, coterminous, nesting or mapped (footprints) rule keeps them, as --all-countries does.
Every rule may set name and tolerance. Any other key is an error (exit 2): a rule takes
only its own kind's keys, and a layer or weights table only the keys shown.
Exit codes: 0 all rules pass, 1 a rule failed, 2 the rules file or a layer could not be read.

Example:
  footprint check data/demo/rules.toml --junit check-results.xml"#;
