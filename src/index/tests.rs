use super::*;
use crate::model::Case;

fn case(id: &str, child: &str, birth: &str) -> Case {
    serde_json::from_value(serde_json::json!({
        "case_id": id,
        "family": {
            "children": [{"name": child, "birth_date": birth}],
            "legal_representatives": [{"name": "Петрова Анна Сергеевна"}],
            "address_actual": "г. Бердск, ул. Лесная, д. 1"
        },
        "notification": {"child": 0, "agency": "МБОУ СОШ № 1", "date_sent": "2026-10-01"}
    }))
    .expect("case")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn a_put_row_reads_back_as_given_and_a_newer_version_replaces_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut ix = Index::open(dir.path()).expect("open");
    let v1 = Row::of(
        &case("nsk-1", "Петров Иван Олегович", "2015-03-04"),
        1,
        day("2026-10-02"),
    );
    ix.put(&v1).expect("put");
    assert_eq!(ix.row("nsk-1").expect("row"), Some(v1.clone()));
    assert!(
        v1.words
            .iter()
            .any(|(w, who)| w == "петров" && *who == Who::Child)
    );
    assert!(
        v1.words
            .iter()
            .any(|(w, who)| w == "анна" && *who == Who::Parent)
    );
    let v2 = Row::of(
        &case("nsk-1", "Петров Иван Олегович", "2015-04-03"),
        2,
        day("2026-10-05"),
    );
    ix.put(&v2).expect("put");
    // An older version put in later (a catch-up) adds its version, not its facts.
    ix.put(&v1).expect("put");
    assert_eq!(ix.row("nsk-1").expect("row"), Some(v2.clone()));
    assert!(ix.agrees(&v2).expect("agrees"));
    assert!(!ix.agrees(&v1).expect("agrees"));
    assert_eq!(ix.indexed_versions().expect("v")["nsk-1"], vec![1, 2]);
    let before = ix.generation().expect("g");
    ix.remove(&["nsk-1".into()]).expect("remove");
    assert_eq!(ix.row("nsk-1").expect("row"), None);
    assert!(ix.generation().expect("g") > before);
}

#[test]
fn a_version_1_file_is_migrated_and_keeps_its_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join(FILE);
    {
        let mut conn = Connection::open(&path).expect("open");
        schema::migrate_to(&mut conn, 1).ok().expect("v1");
        conn.execute(
            "INSERT INTO cases (case_id, version, bagged, child, child_key, parents, state) \
             VALUES ('nsk-7', 3, '2026-01-02', 'Сидорова Мария', 'сидорова мария', '', 'open')",
            [],
        )
        .expect("row");
    }
    // A reader does not migrate: an old file reads as missing until a writer opens it.
    assert!(matches!(
        Index::open_read(dir.path()),
        Err(Error::Missing(_))
    ));
    let ix = Index::open(dir.path()).expect("migrated");
    assert_eq!(schema::version(ix.conn()).expect("v"), SCHEMA_VERSION);
    let row = ix.row("nsk-7").expect("row").expect("kept");
    assert_eq!(
        (row.version, row.child.as_str(), row.family),
        (3, "Сидорова Мария", None)
    );
    assert!(Index::open_read(dir.path()).is_ok());
}

#[test]
fn a_file_of_a_newer_okno_is_refused_not_changed() {
    let dir = tempfile::tempdir().expect("tmp");
    {
        let ix = Index::open(dir.path()).expect("open");
        ix.conn()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("bump");
    }
    let e = Index::open(dir.path()).err().expect("refused");
    assert!(matches!(e, Error::Newer { found, .. } if found == SCHEMA_VERSION + 1));
    assert!(e.to_string().contains("okno index --archive"), "{e}");
}
