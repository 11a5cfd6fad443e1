//! The vendored, patched krilla (vendor/README.md) is the one typst-pdf writes with. Should
//! typst-pdf move to another krilla version, `[patch.crates-io]` silently stops applying and
//! this test fails: the PDF's streams would be deflated at krilla's own level 6 again.

use okno::forms::documents;
use okno::ingest::read_path;
use okno::render::Format;

/// The zlib header's second byte names the level class (RFC 1950, FLEVEL): 0x5E for levels
/// 2–5, 0x9C for the default 6, 0xDA for 7–9, 0x01 for 0–1.
const LEVEL_2_TO_5: u8 = 0x5E;

#[test]
fn pdf_streams_are_deflated_by_the_patched_krilla() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let case = read_path(&root.join("fixtures/cases/NSK-2026-0004.json"))
        .unwrap()
        .cases
        .remove(0)
        .case;
    let pdf = Format::Pdf
        .write(&documents(&case, Some(&["notification".into()]), false)[0])
        .unwrap();
    let mut levels = Vec::new();
    let mut rest = &pdf[..];
    while let Some(at) = rest.windows(7).position(|w| w == b"stream\n") {
        let body = &rest[at + 7..];
        if body.len() > 2 && body[0] == 0x78 {
            levels.push(body[1]);
        }
        rest = body;
    }
    assert!(levels.len() >= 5, "{} deflated streams", levels.len());
    assert!(
        levels.iter().all(|l| *l == LEVEL_2_TO_5),
        "streams not deflated by vendor/krilla (zlib level bytes {levels:02x?}): is the patch still applied?"
    );
}
