//! No input makes okno panic: random bytes, truncated and damaged spreadsheets and case files
//! are either read or refused with a message.

use okno::ingest::{case_from_value, read_bytes};
use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;

fn template_xlsx() -> &'static [u8] {
    static T: OnceLock<Vec<u8>> = OnceLock::new();
    T.get_or_init(|| okno::workbooks::case_workbook().expect("template"))
}

fn register_xlsx() -> &'static [u8] {
    static T: OnceLock<Vec<u8>> = OnceLock::new();
    T.get_or_init(|| okno::synth::register_xlsx(5, 1).expect("register"))
}

fn fixture_json() -> &'static [u8] {
    static T: OnceLock<Vec<u8>> = OnceLock::new();
    T.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cases");
        let first = std::fs::read_dir(dir).ok().and_then(|mut d| {
            d.find_map(|e| {
                e.ok()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
            })
        });
        first
            .and_then(|p| std::fs::read(p).ok())
            .unwrap_or_else(|| br#"{"case_id":"X-1"}"#.to_vec())
    })
}

/// Reading must return: Ok, or Err with a message naming the problem.
fn read_any(name: &str, bytes: &[u8]) {
    match read_bytes(name, bytes) {
        Ok(_) => {}
        Err(e) => assert!(!e.message.is_empty(), "an unreadable file needs a message"),
    }
}

const NAMES: &[&str] = &["x.xlsx", "x.ods", "x.xls", "x.json", "x.toml"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), kind in 0usize..5) {
        read_any(NAMES[kind], &bytes);
    }

    #[test]
    fn truncated_spreadsheets_never_panic(cut in 0usize..100_000, register in any::<bool>()) {
        let src = if register { register_xlsx() } else { template_xlsx() };
        let cut = cut % src.len();
        read_any("x.xlsx", &src[..cut]);
    }

    #[test]
    fn damaged_spreadsheets_never_panic(pos in proptest::collection::vec((0usize..100_000, any::<u8>()), 1..8)) {
        let mut bytes = register_xlsx().to_vec();
        let len = bytes.len();
        for (p, b) in pos {
            bytes[p % len] = b;
        }
        read_any("x.xlsx", &bytes);
    }

    #[test]
    fn truncated_case_files_never_panic(cut in 0usize..100_000) {
        let src = fixture_json();
        let cut = cut % (src.len() + 1);
        read_any("x.json", &src[..cut]);
        read_any("x.toml", &src[..cut]);
    }

    #[test]
    fn any_json_shape_is_read_or_reported(v in json_value()) {
        let (_case, diags) = case_from_value(v, true);
        for d in diags {
            prop_assert!(!d.message.is_empty());
        }
    }
}

/// Random JSON, biased towards the model's own keys so that deep fields are reached.
fn json_value() -> impl Strategy<Value = Value> {
    let keys = prop_oneof![
        Just("case_id"),
        Just("family"),
        Just("children"),
        Just("name"),
        Just("birth_date"),
        Just("sex"),
        Just("notification"),
        Just("date_sent"),
        Just("child"),
        Just("marks"),
        Just("criterion"),
        Just("indicator"),
        Just("present"),
        Just("conclusion"),
        Just("risk_level"),
        Just("support_card"),
        Just("domains"),
        Just("level"),
        Just("monitoring"),
        Just("tasks"),
        Just("x"),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        "[а-яА-Я0-9 .:+\\-/]{0,12}".prop_map(Value::String),
        Just(Value::String("31.02.2026".into())),
        Just(Value::String("Ж".into())),
    ];
    leaf.prop_recursive(4, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

#[test]
fn a_corrupt_workbook_is_refused_with_a_clear_message() {
    let mut bytes = template_xlsx().to_vec();
    bytes.truncate(bytes.len() / 2);
    let err = read_bytes("книга.xlsx", &bytes).expect_err("half a zip is not a workbook");
    assert!(err.message.contains("повреждён"), "{}", err.message);
}
