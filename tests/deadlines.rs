//! «Сроки»: the archive's pending deadlines on the page (filters, pages), as XLSX read back
//! by openpyxl, as JSON, and the number overdue beside «Сроки» in the menu.

mod common;
use common::serve::{Client, Server};
use common::{archive_into, python_has};
use okno::index::{DueFilter, Index, Scope};

const TODAY: (i32, u32, u32) = (2026, 11, 24);

fn archive() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    archive_into(&arch, &["fixtures/cases", "fixtures/register"]);
    (dir, arch)
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap()
}

#[test]
fn the_deadlines_page_its_filters_api_xlsx_and_the_menu_count() {
    let (dir, arch) = archive();
    let ix = Index::open_read(&arch).unwrap();
    let (total, all) = ix
        .deadlines(&Scope::All, &DueFilter::default(), 0, 10_000)
        .unwrap();
    let overdue = ix.overdue(&Scope::All, today()).unwrap();
    assert!(total > 0 && overdue > 0, "{total} {overdue}");
    assert!(
        all.windows(2).all(|w| w[0].due <= w[1].due),
        "sorted by due date"
    );
    let server = Server::start(&arch, &[]);
    let mut c = Client::new(&server.url);

    // The menu says how many are overdue, on every page.
    for path in ["/", "/archive", "/deadlines"] {
        let page = c.get(path).text();
        assert!(page.contains(&format!("Сроки ({overdue})")), "{path}");
    }

    // The page: every deadline counted, the first page's rows, overdue ones marked.
    let page = c.get("/deadlines").text();
    assert!(page.contains(&format!("<b id=\"due-total\">{total}</b>")));
    assert_eq!(
        page.matches("<tr class=\"overdue\">").count() as u64,
        overdue.min(100)
    );
    assert!(page.contains("просрочено на "));
    let first = &all[0];
    assert!(page.contains(&format!("href=\"/archive/case/{}\"", first.case_id)));

    // A territory filter keeps that territory's deadlines only.
    let t = ix.row(&first.case_id).unwrap().unwrap().territory.unwrap();
    let (in_t, _) = ix
        .deadlines(
            &Scope::All,
            &DueFilter {
                territory: Some(t.clone()),
                ..DueFilter::default()
            },
            0,
            10_000,
        )
        .unwrap();
    assert!(in_t > 0 && in_t <= total);
    let page = c.get(&format!("/deadlines?t={t}")).text();
    assert!(
        page.contains(&format!("<b id=\"due-total\">{in_t}</b>")),
        "{t}"
    );
    // An agency's name, by its start; a curator nobody has.
    let agency = all.iter().find_map(|d| d.agency.clone()).unwrap();
    let start: String = agency.chars().take(5).collect();
    let page = c
        .get(&format!("/deadlines?agency={}", percent(&start)))
        .text();
    assert!(page.contains(&agency));
    let page = c.get("/deadlines?curator=%D0%AF%D1%8F%D1%8F").text();
    assert!(page.contains("<b id=\"due-total\">0</b>"));

    // The API: the shape, days_over positive when overdue, negative for days left.
    let r = c.get(&format!("/api/deadlines?t={t}"));
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, in_t.min(100));
    for it in items {
        for key in ["case_id", "rule", "what", "due"] {
            assert!(it[key].is_string(), "{it}");
        }
        let due =
            chrono::NaiveDate::parse_from_str(it["due"].as_str().unwrap(), "%d.%m.%Y").unwrap();
        assert_eq!(
            it["days_over"].as_i64().unwrap(),
            (today() - due).num_days()
        );
    }
    let none: serde_json::Value =
        serde_json::from_slice(&c.get("/api/deadlines?t=nowhere").body).unwrap();
    assert_eq!(none["items"].as_array().unwrap().len(), 0);

    // The XLSX: named by the date, no names; every row of the filtered list.
    let r = c.get(&format!("/deadlines/xlsx?t={t}"));
    assert_eq!(r.status, 200);
    let disposition = r.header("content-disposition").unwrap().to_string();
    assert!(disposition.contains("2026-11-24.xlsx"), "{disposition}");
    if python_has("openpyxl") {
        let file = dir.path().join("due.xlsx");
        std::fs::write(&file, &r.body).unwrap();
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg(
                "import sys, openpyxl\n\
                 ws = openpyxl.load_workbook(sys.argv[1]).active\n\
                 rows = list(ws.iter_rows(values_only=True))\n\
                 print(ws.title, len(rows) - 1, rows[1][3], rows[1][0])",
            )
            .arg(&file)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        let want_first = ix
            .deadlines(
                &Scope::All,
                &DueFilter {
                    territory: Some(t.clone()),
                    ..DueFilter::default()
                },
                0,
                1,
            )
            .unwrap()
            .1
            .remove(0);
        assert_eq!(
            said.trim(),
            format!(
                "Сроки {in_t} {} {}",
                want_first.case_id,
                want_first.due.format("%d.%m.%Y")
            ),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        eprintln!("note: openpyxl is missing; the XLSX is not read back");
    }
}

/// Percent-encodes a query value.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
