//! Issue 20, item 4: one contract between the stages. A case that `validate` passes without
//! errors renders every form (PDF and DOCX), writes DOCX whose every XML part is well-formed,
//! and archives as a bag that `verify` calls intact, in a folder Windows can store.
//!
//! The property test drives the project's generators (`okno::synth`: the funnel of cases and
//! register rows) and random mutations of the fixtures (texts with control characters, CJK,
//! emoji, invisible marks and very long words; dates dropped; case IDs Windows cannot store)
//! through ingest → validate → render → DOCX XML → archive → verify. `OKNO_CONTRACT_CASES`
//! sets how many cases it tries (default 2,000).

use okno::archive::{Archive, Prepared, Source};
use okno::validate::Settings;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn settings() -> Settings {
    Settings {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
    }
}

fn templates() -> Vec<okno::Case> {
    okno::synth::fixture_templates(&root().join("fixtures/cases"))
}

/// Every XML part of a DOCX parses: what Word and LibreOffice need to open it at all.
fn docx_well_formed(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| e.to_string())?;
        let name = part.name().to_string();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut text = String::new();
        part.read_to_string(&mut text)
            .map_err(|e| format!("{name}: {e}"))?;
        roxmltree::Document::parse(&text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// A folder name Windows stores as it is: no device name, no trailing dot or space, none of
/// `<>:"/\|?*` or controls, at most 255 characters.
fn windows_storable(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    let device = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    !name.is_empty()
        && !device
        && !name.ends_with('.')
        && !name.ends_with(' ')
        && name.chars().count() <= 255
        && !name
            .chars()
            .any(|c| c.is_control() || "<>:\"/\\|?*".contains(c))
}

/// What happened to one input after validation: why the contract broke, if it did.
enum Outcome {
    Refused,
    Archived,
}

/// Ingest → validate → render → DOCX XML → archive → verify, for one JSON input.
fn through(archive: &Archive, bytes: &[u8]) -> Result<Outcome, String> {
    let Ok(ingested) = okno::ingest::read_bytes("case.json", bytes) else {
        return Ok(Outcome::Refused);
    };
    if ingested
        .diagnostics
        .iter()
        .any(|d| d.severity == okno::Severity::Error)
    {
        return Ok(Outcome::Refused);
    }
    let mut outcome = Outcome::Refused;
    for ic in ingested.cases {
        let source = Source::of(&ic, Path::new("case.json"), bytes);
        let checked = okno::run::check_case(ic, &settings());
        if checked.has_errors() {
            continue;
        }
        let case = &checked.ingested.case;
        let id = &case.case_id;
        let payload = okno::archive::payload(case, &source)
            .map_err(|e| format!("case {id} passed validation, render failed: {e}"))?;
        for f in payload.iter().filter(|f| f.path.ends_with(".docx")) {
            docx_well_formed(&f.bytes)
                .map_err(|e| format!("case {id}: {} is not well-formed: {e}", f.path))?;
        }
        let prepared = match archive.prepare(case, &payload, settings().today) {
            // Designed: another child under an archived ID that differs only in letter case
            // (the archive cannot know it at validation) is refused, naming the folder.
            Err(e @ okno::archive::Error::CaseFolded { .. })
                if e.to_string().contains("только регистром букв") =>
            {
                return Ok(Outcome::Refused);
            }
            other => other,
        };
        let bag = match prepared
            .map_err(|e| format!("case {id} passed validation, archive failed: {e}"))?
        {
            Prepared::Bag(bag) => archive
                .commit(bag)
                .map_err(|e| format!("case {id}: commit failed: {e}"))?,
            Prepared::Unchanged { .. } => continue,
        };
        let folder = bag.parent().and_then(|p| p.file_name()).unwrap();
        let folder = folder.to_string_lossy();
        if !windows_storable(&folder) {
            return Err(format!(
                "case {id}: folder «{folder}» cannot be stored on Windows"
            ));
        }
        let report = okno::bagit::verify_bag(&bag);
        if !report.is_valid() {
            return Err(format!("case {id}: verify: {:?}", report.errors));
        }
        outcome = Outcome::Archived;
    }
    Ok(outcome)
}

/// Strings a secretary's file may hold, printable or not.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[а-яА-ЯёЁ ,.;:()№-]{1,20}",
        1 => "[a-zA-Z0-9 ]{1,10}",
        1 => Just("\t".to_string()),
        1 => Just("\r\n".to_string()),
        1 => Just("\r".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("\u{a0}".to_string()),
        1 => Just("\u{ad}".to_string()),
        1 => Just("\u{200b}".to_string()),
        1 => Just("\u{feff}".to_string()),
        1 => Just("_x000B_".to_string()),
        1 => prop::char::range('\u{0}', '\u{1f}').prop_map(String::from),
        1 => prop::char::range('\u{7f}', '\u{9f}').prop_map(String::from),
        1 => prop_oneof![Just('\u{fffe}'), Just('\u{ffff}'), Just('\u{fdd0}')].prop_map(String::from),
        1 => "[中文字😀👪🇷🇺ไทยعربي]{1,3}",
        1 => "[\u{2000}-\u{206f}]{1,2}",
        1 => "[À-ɏΑ-ωЀ-ӿ]{1,4}",
        1 => "[а-я]{60,200}",
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 1..6).prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the n-th text (mod their count) by this string.
    Text(usize, String),
    /// Drop the n-th date.
    DropDate(usize),
    /// Give the case this ID.
    CaseId(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<usize>(), hostile_text()).prop_map(|(n, s)| Mutation::Text(n, s)),
        2 => any::<usize>().prop_map(Mutation::DropDate),
        1 => prop_oneof![
            Just("CON"), Just("con.1"), Just("Aux"), Just("NUL.txt"), Just("COM1"), Just("lpt9.x"),
            Just("ABC."), Just("A B"), Just("a:b"), Just("КОМ1"), Just("COM10"), Just("NSK-2026-0001"),
            Just("nsk-2026-0001"),
        ]
        .prop_map(|s| Mutation::CaseId(s.to_string())),
    ]
}

/// Pointers of a case's strings: (texts, dates).
fn strings(v: &Value, at: String, texts: &mut Vec<String>, dates: &mut Vec<String>) {
    match v {
        Value::String(s) if at != "/case_id" => {
            let is_date = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
            if is_date {
                dates.push(at)
            } else {
                texts.push(at)
            }
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| strings(x, format!("{at}/{i}"), texts, dates)),
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| strings(x, format!("{at}/{k}"), texts, dates)),
        _ => {}
    }
}

fn mutate(case: &okno::Case, id: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut v = serde_json::to_value(case).unwrap();
    v["case_id"] = Value::String(id.to_string());
    let (mut texts, mut dates) = (Vec::new(), Vec::new());
    strings(&v, String::new(), &mut texts, &mut dates);
    for m in mutations {
        match m {
            Mutation::Text(n, s) if !texts.is_empty() => {
                *v.pointer_mut(&texts[n % texts.len()]).unwrap() = Value::String(s.clone())
            }
            Mutation::DropDate(n) if !dates.is_empty() => {
                *v.pointer_mut(&dates[n % dates.len()]).unwrap() = Value::Null
            }
            Mutation::CaseId(s) => v["case_id"] = Value::String(s.clone()),
            _ => {}
        }
    }
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn a_case_that_validates_renders_and_archives() {
    let n: u32 = std::env::var("OKNO_CONTRACT_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let templates = templates();
    // The project's generators: the funnel of cases and a register's rows.
    let mut pool: Vec<okno::Case> = templates.clone();
    pool.extend(okno::synth::cases(&templates, 200, 7));
    let register = okno::synth::register_xlsx(50, 11).expect("register");
    let rows = okno::ingest::read_bytes("register.xlsx", &register).expect("register reads");
    pool.extend(rows.cases.into_iter().map(|c| c.case));
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(&dir.path().join("archive")).unwrap();
    let (tried, archived) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    });
    let strategy = (0..pool.len(), prop::collection::vec(mutation(), 0..4));
    let result = runner.run(&strategy, |(k, mutations)| {
        let id = format!("C-{}", tried.fetch_add(1, Ordering::Relaxed));
        let bytes = mutate(&pool[k], &id, &mutations);
        match through(&archive, &bytes) {
            Ok(Outcome::Archived) => {
                archived.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Ok(Outcome::Refused) => Ok(()),
            Err(e) => Err(TestCaseError::fail(format!(
                "{e}\ninput: {}",
                String::from_utf8_lossy(&bytes)
            ))),
        }
    });
    eprintln!(
        "contract: {} inputs tried, {} validated and archived",
        tried.load(Ordering::Relaxed),
        archived.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // Every case folder of the archive is one folder on Windows too.
    let mut folded = std::collections::HashSet::new();
    for (id, _) in okno::archive::list_cases(&dir.path().join("archive")) {
        assert!(
            folded.insert(id.to_lowercase()),
            "two folders for {id} on Windows"
        );
    }
}

fn fixture(name: &str) -> okno::Case {
    okno::ingest::read_path(&root().join("fixtures/cases").join(name))
        .expect("fixture")
        .cases
        .remove(0)
        .case
}

fn errors(case: &okno::Case, rule: &str) -> Vec<okno::Diagnostic> {
    okno::validate::validate(case, &settings())
        .into_iter()
        .filter(|d| d.rule == rule && d.severity == okno::Severity::Error)
        .collect()
}

/// The issue: a conclusion, child assessment, housing act or monitoring without its date
/// passed validation, and its PDF/A could not be written («missing document date»).
#[test]
fn a_document_without_its_date_is_an_error_at_its_field() {
    let base = fixture("NSK-2026-0003.json");
    assert!(errors(&base, "I-DOC-DATE").is_empty());
    type Drop = fn(&mut okno::Case);
    let drops: [(&str, Drop); 6] = [
        ("/conclusion/date", |c| {
            c.conclusion.as_mut().unwrap().date = None
        }),
        ("/child_assessment/date", |c| {
            c.child_assessment.as_mut().unwrap().date = None
        }),
        ("/housing_inspection/date", |c| {
            c.housing_inspection.as_mut().unwrap().date = None
        }),
        // Issue 21 gave the family assessment a form, and a form needs its date.
        ("/family_assessment/date", |c| {
            c.family_assessment.as_mut().unwrap().date = None
        }),
        ("/monitoring/0/date", |c| c.monitoring[0].date = None),
        ("/support_card/compiled_date", |c| {
            let k = c.support_card.as_mut().unwrap();
            (k.compiled_date, k.completed, k.assessment_started) = (None, None, None);
        }),
    ];
    for (pointer, drop) in drops {
        let mut case = base.clone();
        drop(&mut case);
        let found = errors(&case, "I-DOC-DATE");
        assert_eq!(found.len(), 1, "{pointer}: {found:?}");
        assert_eq!(found[0].pointer, pointer);
        assert!(
            found[0].message.starts_with("не указана дата"),
            "{}",
            found[0].message
        );
    }
    // Whatever validation passes, every form has its date (what the PDF/A needs).
    for case in okno::synth::cases(&templates(), 300, 3) {
        let ok = !okno::validate::validate(&case, &settings())
            .iter()
            .any(|d| d.severity == okno::Severity::Error);
        for d in okno::forms::case_documents(&case, None) {
            assert!(
                !ok || d.date.is_some(),
                "{}: {} has no date",
                case.case_id,
                d.form
            );
        }
    }
}

/// The issue: a control character or one outside the fonts passed validation and failed the
/// PDF in English, or (a vertical tab) made the DOCX unreadable.
#[test]
fn characters_a_form_cannot_print_are_errors_naming_them() {
    let base = fixture("NSK-2026-0001.json");
    for (text, says) in [
        ("ул. Мира\u{7}", "знак U+0007 (управляющий)"),
        ("ул. Мира\u{b}", "_x000B_"),
        (
            "ул. 中 Мира",
            "знак «中» (U+4E2D) отсутствует в шрифтах формы",
        ),
        (
            "ул. Мира 한",
            "знак «한» (U+D55C) отсутствует в шрифтах формы",
        ),
        ("ул. Мира\u{fffe}", "U+FFFE не является символом текста"),
        ("\u{1b}[31m", "U+001B"),
        ("ул. Мира\u{7f}", "U+007F"),
    ] {
        let mut case = base.clone();
        case.family.address_actual = Some(text.into());
        let found = errors(&case, "I-CHAR");
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        assert_eq!(found[0].pointer, "/family/address_actual");
        assert!(found[0].message.contains(says), "{}", found[0].message);
    }
    // Replaced without loss: a warning, and the form prints the replacement.
    let mut case = base.clone();
    case.family.address_actual = Some("ул.\tМира,\r\nд. 1\u{200b}".into());
    let diags = okno::validate::validate(&case, &settings());
    let chars: Vec<_> = diags.iter().filter(|d| d.rule == "I-CHAR").collect();
    assert_eq!(chars.len(), 2, "{chars:?}");
    assert!(chars.iter().all(|d| d.severity == okno::Severity::Warning));
    let docs = okno::forms::case_documents(&case, Some(&["notification".to_string()]));
    let pdf = okno::render::pdf::pdf(&docs[0]).expect("the notification prints");
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains("ул. Мира,"), "{text}");
}

/// `_x000B_` in a cell is how Excel stores a vertical tab: reported at its sheet and cell.
#[test]
fn an_excel_vertical_tab_is_an_error_at_its_cell() {
    use std::io::Write;
    let book = std::fs::read(root().join("fixtures/workbooks/NSK-2026-0001.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        if name == "xl/sharedStrings.xml" {
            let xml = String::from_utf8(bytes).unwrap().replace(
                "ул. Станиславского, д. 31",
                "ул. Станиславского,_x000B_д. 31",
            );
            bytes = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    let book = out.finish().unwrap().into_inner();
    let ingested = okno::ingest::read_bytes("book.xlsx", &book).expect("reads");
    let checked = okno::run::check_case(ingested.cases.into_iter().next().unwrap(), &settings());
    let found: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.rule == "I-CHAR")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, okno::Severity::Error);
    assert!(found[0].message.contains("U+000B"), "{}", found[0].message);
    assert!(
        found[0].sheet.is_some() && found[0].cell.is_some(),
        "{:?}",
        found[0]
    );
}

/// Defence in depth: whatever reaches the DOCX writer, its XML stays well-formed.
#[test]
fn the_docx_writer_never_writes_a_character_xml_forbids() {
    let mut case = fixture("NSK-2026-0001.json");
    case.family.address_actual = Some("ул.\u{b}Мира\u{0}, д.\u{1f} 1\u{fffe}".into());
    for d in okno::forms::case_documents(&case, None) {
        let docx = okno::render::docx::docx(&d).expect("docx");
        docx_well_formed(&docx).unwrap_or_else(|e| panic!("{}: {e}", d.form));
    }
}

/// A bag of ours whose DOCX does not open is not intact, even with every checksum right.
#[test]
fn verify_fails_a_bag_whose_docx_is_not_well_formed() {
    let case = fixture("NSK-2026-0001.json");
    let source = Source {
        name: "input.json".into(),
        bytes: b"{}".to_vec(),
    };
    let mut payload = okno::archive::payload(&case, &source).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let good = match archive.prepare(&case, &payload, settings().today).unwrap() {
        Prepared::Bag(b) => archive.commit(b).unwrap(),
        Prepared::Unchanged { .. } => unreachable!(),
    };
    assert!(okno::bagit::verify_bag(&good).is_valid());
    // The same forms, one DOCX with a vertical tab in its text, as okno wrote them before.
    let docx = payload
        .iter_mut()
        .find(|f| f.path == "forms/notification.docx")
        .unwrap();
    docx.bytes = rezip(&docx.bytes, |xml| {
        xml.replacen("<w:t ", "<w:t>\u{b}</w:t><w:t ", 1)
    });
    let bad = match archive.prepare(&case, &payload, settings().today).unwrap() {
        Prepared::Bag(b) => archive.commit(b).unwrap(),
        Prepared::Unchanged { .. } => unreachable!(),
    };
    let report = okno::bagit::verify_bag(&bad);
    assert!(!report.is_valid());
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(
        report.errors[0].contains("forms/notification.docx")
            && report.errors[0].contains("word/document.xml")
            && report.errors[0].contains("неправильный XML"),
        "{}",
        report.errors[0]
    );
}

/// `bytes` (a DOCX) with its word/document.xml changed by `f`.
fn rezip(bytes: &[u8], f: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().to_string();
        let mut text = Vec::new();
        part.read_to_end(&mut text).unwrap();
        if name == "word/document.xml" {
            text = f(std::str::from_utf8(&text).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The issue: `CON` passed validation and failed to write, `ABC.` was stored as `ABC`.
#[test]
fn case_ids_windows_cannot_store_are_errors_at_the_case_id() {
    let base = fixture("NSK-2026-0001.json");
    for id in [
        "CON",
        "con",
        "Aux.1",
        "NUL.txt",
        "COM1",
        "lpt9",
        "ABC.",
        "NSK-2026-0001.",
    ] {
        let mut case = base.clone();
        case.case_id = id.into();
        let found = errors(&case, "I-FORMAT");
        assert_eq!(found.len(), 1, "{id}: {found:?}");
        assert_eq!(found[0].pointer, "/case_id");
        assert!(found[0].message.contains(id), "{}", found[0].message);
        assert!(found[0].message.contains("Windows"), "{}", found[0].message);
    }
    for id in ["CONS", "COM10", "A.CON", "NSK-2026-0001", "ЛПТ1"] {
        let mut case = base.clone();
        case.case_id = id.into();
        assert!(errors(&case, "I-FORMAT").is_empty(), "{id}");
    }
}

/// The issue: `nsk-2026-0001` and `NSK-2026-0001` are one folder on Windows.
#[test]
fn case_ids_that_differ_only_in_letter_case_are_one_case() {
    use okno::validate::{CaseKey, same_id};
    let a = fixture("NSK-2026-0001.json");
    let mut b = fixture("NSK-2026-0002.json");
    b.case_id = "nsk-2026-0001".into();
    let (ka, kb) = (CaseKey::of(&a), CaseKey::of(&b));
    let found = same_id(&[(&ka, "a.json"), (&kb, "b.json")]);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|(_, d)| d.rule == "I-SAME-ID"
        && d.message.contains("NSK-2026-0001 и nsk-2026-0001")
        && d.message.contains("регистром")));

    // The archive: another child under such an ID is refused, naming the folder; the same
    // child is a new version of its folder.
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let source = Source {
        name: "input.json".into(),
        bytes: b"{}".to_vec(),
    };
    let stored = archive.store(&a, &source, settings().today).unwrap();
    assert!(matches!(
        stored,
        okno::archive::Stored::Created { version: 1, .. }
    ));
    let err = archive
        .store(&b, &source, settings().today)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("«NSK-2026-0001»") && err.contains("регистром"),
        "{err}"
    );
    let mut same_child = a.clone();
    same_child.case_id = "nsk-2026-0001".into();
    same_child.family.address_actual = Some("г. Новосибирск, ул. Новая, д. 1".into());
    let stored = archive
        .store(&same_child, &source, settings().today)
        .unwrap();
    match stored {
        okno::archive::Stored::Created { version, path } => {
            assert_eq!(version, 2);
            assert!(path.ends_with("NSK-2026-0001/v2"), "{}", path.display());
        }
        other => panic!("{other:?}"),
    }
    let ids: Vec<String> = okno::archive::list_cases(dir.path())
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, ["NSK-2026-0001"]);
}

#[test]
fn a_draft_with_an_unprintable_character_prints_its_code() {
    // `--draft` renders a case with its errors: a bell character (I-CHAR) must not make the
    // PDF fail in Typst's English; the draft shows the character's code instead.
    let text = std::fs::read_to_string(root().join("fixtures/cases/NSK-2026-0001.json")).unwrap();
    let hostile = text.replacen("Мельникова Варвара", "Мельникова Вар\\u0007вара", 1);
    assert_ne!(hostile, text, "the fixture's surname moved");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("NSK-2026-0001.json");
    std::fs::write(&input, hostile).unwrap();
    let out = dir.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_okno"))
        .args([
            "--today",
            "2026-11-24",
            "render",
            "--draft",
            "--format",
            "pdf",
        ])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("I-CHAR"), "{said}");
    assert!(!said.contains("ошибка записи"), "{said}");
    assert!(!said.contains("could not be displayed"), "{said}");
    let pdfs = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .count();
    assert!(pdfs >= 3, "{pdfs} PDFs:\n{said}");
}
