//! The map report in a real browser: headless Chromium draws the demo report, and we check the
//! screenshot shows the map's colours and the rendered DOM holds every shape, with the script
//! run to the end.
//!
//! Skips (saying why) when no Chromium is installed, so a fresh clone's `cargo test` passes;
//! `.ci/run` installs Chromium and sets FOOTPRINT_REQUIRE_CHROMIUM=1, which turns the skip
//! into a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{demo, footprint};

/// Colours of the report's unit fills (see `report::map`).
const WHOLE: [u8; 3] = [0xcf, 0xe3, 0xf0];
const SPLIT: [u8; 3] = [0xf4, 0xa2, 0x59];
const OUTSIDE: [u8; 3] = [0xf2, 0xb8, 0xc6];

fn say(msg: &str) {
    // Straight to stderr: the harness captures eprintln!, and a skip must show.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{msg}");
}

fn chromium() -> Option<PathBuf> {
    let candidates = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    if let Ok(p) = std::env::var("FOOTPRINT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in candidates {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    let required = std::env::var("FOOTPRINT_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "FOOTPRINT_REQUIRE_CHROMIUM=1 but no chromium on PATH (apt-get install -y chromium)"
    );
    say(&format!(
        "skipped: the map browser test needs Chromium ({} not on PATH; apt-get install -y chromium, \
         or set FOOTPRINT_CHROMIUM)",
        candidates.join(", ")
    ));
    None
}

/// Run headless Chromium on `page` with extra arguments; killed after two minutes.
fn run_chromium(browser: &Path, page: &Path, extra: &[String]) -> Output {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1200,800",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Read the pipes on threads so a full pipe cannot stall the browser.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut v).ok();
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut v).ok();
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Pixels of an RGB(A) PNG as RGB triples, with the image size.
fn decode_png(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    (info.width, info.height, pixels)
}

/// Write the demo's map report to DIR/demo.html.
fn demo_report(dir: &Path) -> PathBuf {
    let page = dir.join("demo.html");
    footprint()
        .args([
            "map",
            &demo("footprints.geojson"),
            "--units",
            &demo("councils.geojson"),
            "--providers",
            &demo("trusts.geojson"),
            "--weights",
            &demo("population.csv"),
            "-q",
            "-o",
        ])
        .arg(&page)
        .assert()
        .success();
    page
}

#[test]
fn the_demo_map_draws_in_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = demo_report(dir.path());

    // The screenshot: the three unit colours are there in force, and the page is not blank.
    let shot = dir.path().join("shot.png");
    let out = run_chromium(
        &browser,
        &page,
        &[format!("--screenshot={}", shot.display())],
    );
    assert!(
        shot.exists(),
        "no screenshot; chromium said: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (width, height, pixels) = decode_png(&shot);
    assert_eq!((width, height), (1200, 800));
    let share =
        |rgb: [u8; 3]| pixels.iter().filter(|p| **p == rgb).count() as f64 / pixels.len() as f64;
    let (whole, split, outside) = (share(WHOLE), share(SPLIT), share(OUTSIDE));
    say(&format!(
        "screenshot: whole {whole:.3}, split {split:.3}, outside {outside:.3} of the pixels"
    ));
    // The demo's 8 councils fill most of the map pane: 5 whole, a split one, a gap.
    assert!(
        whole > 0.15,
        "whole units cover {whole:.3} of the screenshot"
    );
    assert!(split > 0.02, "split units cover {split:.3}");
    assert!(outside > 0.02, "the gap covers {outside:.3}");
    let mut colours: Vec<[u8; 3]> = pixels.clone();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 50, "only {} colours", colours.len());

    // The DOM after the script ran: every shape, and the script's ready mark.
    let out = run_chromium(&browser, &page, &["--dump-dom".to_string()]);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("data-map=\"ready\""),
        "the script did not finish; chromium said: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(dom.matches("<path data-kind=\"unit\"").count(), 8);
    assert_eq!(dom.matches("<path data-kind=\"footprint\"").count(), 3);
    assert_eq!(dom.matches("<path data-kind=\"provider\"").count(), 3);
    assert_eq!(dom.matches("<path data-kind=\"part\"").count(), 4);
    // The script sized the labels for the screen (metres per pixel, not the fallback).
    assert!(dom.contains("--px:"), "no --px on the map");
}

/// What a person does: scroll to zoom, click a unit, click a table row. A probe script added
/// after the report's own plays these events and writes what it saw into the DOM.
#[test]
fn zoom_click_and_table_rows_work_in_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = demo_report(dir.path());
    let probe = r#"<script>
(function(){
var svg=document.getElementById('map'),vb=svg.viewBox.baseVal,w0=vb.width,r=svg.getBoundingClientRect(),out=[];
svg.dispatchEvent(new WheelEvent('wheel',{deltaY:-100,clientX:r.left+r.width/2,clientY:r.top+r.height/2,bubbles:true,cancelable:true}));
out.push('zoom='+(vb.width/w0).toFixed(2));
document.querySelector('path[data-kind="unit"][data-code="X07000004"]').dispatchEvent(new MouseEvent('click',{bubbles:true}));
out.push('info='+document.getElementById('info').textContent.split('\n')[0]);
out.push('highlighted='+document.querySelectorAll('.hl').length);
document.querySelector('tr[data-code="X07000008"]').click();
out.push('row='+document.getElementById('info').textContent.split('\n')[0]);
document.getElementById('home').click();
out.push('reset='+(vb.width/w0).toFixed(2));
document.body.setAttribute('data-probe',out.join(';'));
})();
</script>
</body>"#;
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, html.replace("</body>", probe)).unwrap();
    let out = run_chromium(&browser, &page, &["--dump-dom".to_string()]);
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("data-probe=\"").expect("the probe ran") + "data-probe=\"".len();
    let seen = &dom[start..start + dom[start..].find('"').unwrap()];
    say(&format!("probe: {seen}"));
    assert_eq!(
        seen,
        "zoom=0.80;info=X07000004 Oakhurst and Wendle;highlighted=3;\
         row=X07000008 Greywater;reset=1.00"
    );
}

/// Labels shown after the script ran, at the opening view and zoomed out 16 times:
/// "shown=N,names=N,overlaps=N" for each.
fn label_views(browser: &Path, page: &Path) -> Vec<String> {
    let probe = r#"<script>
(function(){
var out=[];
function look(){var shown=Array.prototype.slice.call(document.querySelectorAll('.label')).filter(function(l){return l.style.display!=='none';}),
r=shown.map(function(l){return l.getBoundingClientRect();}),over=0,names=0;
for(var i=0;i<r.length;i++){for(var j=i+1;j<r.length;j++){if(r[i].left<r[j].right&&r[j].left<r[i].right&&r[i].top<r[j].bottom&&r[j].top<r[i].bottom)over++;}}
shown.forEach(function(l){if(l.lastChild.nodeValue===l.getAttribute('data-name'))names++;});
return 'shown='+shown.length+',names='+names+',overlaps='+over;}
out.push(look());
for(var k=0;k<4;k++)document.getElementById('zout').click();
out.push(look());
document.body.setAttribute('data-probe',out.join(';'));
})();
</script>
</body>"#;
    let html = std::fs::read_to_string(page).unwrap();
    std::fs::write(page, html.replace("</body>", probe)).unwrap();
    let out = run_chromium(browser, page, &["--dump-dom".to_string()]);
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("data-probe=\"").expect("the probe ran") + "data-probe=\"".len();
    let seen = &dom[start..start + dom[start..].find('"').unwrap()];
    say(&format!("probe: {seen}"));
    seen.split(';').map(String::from).collect()
}

/// Footprints are labelled by name where they have room, by code where only that fits, and
/// no label is drawn over another, at the opening view and zoomed out.
#[test]
fn labels_show_names_and_never_overlap_in_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let views = label_views(&browser, &demo_report(dir.path()));
    // Opening view: every footprint named, none over another.
    assert_eq!(views[0], "shown=3,names=3,overlaps=0", "{views:?}");
    // Zoomed out 16 times: fewer labels, or codes, but still none over another.
    assert!(views[1].ends_with(",overlaps=0"), "{views:?}");
    assert_ne!(views[1], views[0], "zooming out changed nothing: {views:?}");
    // England's 42 STPs, whose codes collided (E54000048 and E54000054): none over another.
    let Some(england) = common::england() else {
        return;
    };
    let page = dir.path().join("england.html");
    footprint()
        .arg("map")
        .arg(england.join("stp21.geojson"))
        .arg("--units")
        .arg(england.join("ltla21.geojson"))
        .arg("-q")
        .arg("-o")
        .arg(&page)
        .assert()
        .success();
    let views = label_views(&browser, &page);
    assert!(
        views.iter().all(|v| v.ends_with(",overlaps=0")),
        "{views:?}"
    );
    assert!(
        !views[0].contains("names=0,"),
        "no footprint named: {views:?}"
    );
}
