//! The archive list (`GET /archive`, `GET /api/cases`) from the archive's index: 50 a page,
//! sorted, filtered, the filters kept across pages; checked against what the bags say.

mod common;
use common::serve::{Client, Server};
use common::synth_archive;
use okno::index::Row;
use serde_json::Value;
use std::path::Path;

/// The day the test server counts deadlines to (`Server::start`).
const TODAY: &str = "2026-11-24";
const QUARTER_END: &str = "2026-12-31";

/// The case IDs in the list's table, in order.
fn listed(html: &str) -> Vec<String> {
    let body = html
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    body.split("href=\"/archive/case/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

fn api(c: &mut Client, query: &str) -> Value {
    let r = c.get(&format!("/api/cases?{query}"));
    assert_eq!(r.status, 200, "{query}: {}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

fn ids(v: &Value) -> Vec<String> {
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_id"].as_str().unwrap().to_string())
        .collect()
}

/// Every page of a query through the API: all its case IDs, in order; no page over 50.
fn all_pages(c: &mut Client, query: &str) -> (u64, Vec<String>) {
    let mut out = Vec::new();
    let first = api(c, &format!("{query}&page=1"));
    let total = first["total"].as_u64().unwrap();
    for page in 1..=total.div_ceil(50).max(1) {
        let v = api(c, &format!("{query}&page={page}"));
        assert_eq!(v["total"].as_u64(), Some(total), "{query}");
        let got = ids(&v);
        assert!(got.len() <= 50, "{query}: page {page} lists {}", got.len());
        out.extend(got);
    }
    (total, out)
}

/// The index rows as the bags give them (the truth the list must agree with).
fn truth(arch: &Path, n: usize) -> Vec<Row> {
    (1..=n)
        .map(|i| okno::archive::index_row(arch, &format!("L-{i:04}"), 1).unwrap())
        .collect()
}

/// Which cases a filter keeps, by the bags.
type Keep = Box<dyn Fn(&Row) -> bool>;

fn opened(r: &Row) -> Option<chrono::NaiveDate> {
    r.opened.or(r.received).or(r.sent)
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn the_list_is_paged_sorted_and_filtered_from_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    synth_archive::write(&arch, 120);
    let rows = truth(&arch, 120);
    let server = Server::start(&arch, &[]);
    let mut c = Client::new(&server.url);

    // Paging: 120 cases, 3 pages of 50, 50, 20, in case-ID order, every case once.
    let page = |c: &mut Client, q: &str| {
        let r = c.get(&format!("/archive{q}"));
        assert_eq!(r.status, 200);
        r.text()
    };
    let first = page(&mut c, "");
    assert!(
        first.contains("id=\"case-count\">120<"),
        "the total is shown"
    );
    let mut seen = Vec::new();
    for (n, want) in [(1, 50), (2, 50), (3, 20)] {
        let html = page(&mut c, &format!("?page={n}"));
        let got = listed(&html);
        assert_eq!(got.len(), want, "page {n}");
        assert!(
            html.contains("Страница ") && html.contains(" из 3"),
            "page {n}"
        );
        seen.extend(got);
    }
    let mut all: Vec<String> = rows.iter().map(|r| r.case_id.clone()).collect();
    all.sort();
    assert_eq!(
        seen, all,
        "the pages together list every case once, in order"
    );
    assert_eq!(listed(&first), all[..50]);
    assert!(
        first.contains("href=\"/archive?page=2\""),
        "a link to page 2"
    );
    assert!(
        first.contains("href=\"/archive?page=3\""),
        "a link to the last page"
    );
    assert!(listed(&page(&mut c, "?page=4")).is_empty());

    // The search form at the top, and verify still there.
    assert!(first.contains("action=\"/archive/search\""));
    assert!(first.contains("name=\"q\""));
    assert!(first.contains("id=\"verify\""));
    // Columns: the child's name to the (local) signed-in user.
    let r0 = rows.iter().find(|r| r.case_id == "L-0001").unwrap();
    assert!(!r0.child.is_empty());
    assert!(first.contains(&r0.child), "the child's name is listed");

    // The API's shape.
    let v = api(&mut c, "page=1");
    assert_eq!(v["total"].as_u64(), Some(120));
    let one = &v["cases"][0];
    let mut keys: Vec<&str> = one
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "agency",
            "birth_date",
            "case_id",
            "child",
            "level",
            "opened",
            "territory",
            "version"
        ]
    );
    assert_eq!(one["case_id"], "L-0001");
    assert_eq!(one["child"].as_str(), Some(r0.child.as_str()));
    assert_eq!(
        one["birth_date"].as_str().map(day),
        r0.birth,
        "ISO birth date"
    );
    assert_eq!(one["level"].as_str(), r0.level.as_deref());
    assert_eq!(one["territory"].as_str(), r0.territory.as_deref());
    assert_eq!(one["version"], 1);
    assert_eq!(ids(&api(&mut c, "page=3")).len(), 20);

    // Sorting: by case ID descending; by opened date and by level in order, ties by case ID.
    let (_, desc) = all_pages(&mut c, "sort=case&dir=desc");
    let mut rev = all.clone();
    rev.reverse();
    assert_eq!(desc, rev);
    let by_id = |id: &str| rows.iter().find(|r| r.case_id == id).unwrap();
    let (_, by_opened) = all_pages(&mut c, "sort=opened");
    let keys: Vec<(bool, Option<chrono::NaiveDate>)> = by_opened
        .iter()
        .map(|id| (opened(by_id(id)).is_none(), opened(by_id(id))))
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] <= w[1]),
        "opened ascending, none last"
    );
    let (_, by_opened_desc) = all_pages(&mut c, "sort=opened&dir=desc");
    let d: Vec<Option<chrono::NaiveDate>> =
        by_opened_desc.iter().map(|id| opened(by_id(id))).collect();
    assert!(
        d.windows(2).all(|w| w[1].is_none() || w[0] >= w[1]),
        "opened descending"
    );
    let rank = |id: &String| {
        by_id(id).level.as_deref().map(|l| {
            okno::model::RiskLevel::ALL
                .iter()
                .position(|x| x.code() == l)
                .unwrap()
        })
    };
    let (_, by_level) = all_pages(&mut c, "sort=level");
    let ranks: Vec<(bool, Option<usize>, &String)> = by_level
        .iter()
        .map(|id| (rank(id).is_none(), rank(id), id))
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "levels in their order"
    );
    let territories = okno::catalog::catalog().list("territory");
    let place = |id: &String| {
        let t = by_id(id).territory.clone();
        let at = territories
            .iter()
            .position(|(code, _)| Some(code) == t.as_ref());
        (at.is_none(), at)
    };
    for dir in ["", "&dir=desc"] {
        let (_, by_territory) = all_pages(&mut c, &format!("sort=territory{dir}"));
        // Territories in the catalog's order, none last, ties by case ID, all reversed but
        // the none.
        let mut want = all.clone();
        want.sort_by(|a, b| {
            let (pa, pb) = (place(a), place(b));
            let by = pa.1.cmp(&pb.1).then(a.cmp(b));
            pa.0.cmp(&pb.0)
                .then(if dir.is_empty() { by } else { by.reverse() })
        });
        assert_eq!(
            by_territory, want,
            "territories in the catalog's order{dir}"
        );
    }
    let (_, by_version) = all_pages(&mut c, "sort=version");
    assert_eq!(by_version.len(), 120);
    // The sorted HTML page links its next page with the sort kept.
    let html = page(&mut c, "?sort=opened&dir=desc");
    assert_eq!(listed(&html), by_opened_desc[..50]);
    assert!(
        html.contains("href=\"/archive?sort=opened&amp;dir=desc&amp;page=2\""),
        "the pages keep the sort"
    );

    // Each filter: exactly the cases the bags say, every page at most 50.
    let today = day(TODAY);
    let qend = day(QUARTER_END);
    let level = rows.iter().find_map(|r| r.level.clone()).unwrap();
    let kind = rows.iter().find_map(|r| r.agency_kind.clone()).unwrap();
    let from = day("2026-01-01");
    let to = day("2026-06-30");
    let mut filters: Vec<(String, Keep)> = vec![
        (format!("level={level}"), {
            let l = level.clone();
            Box::new(move |r: &Row| r.level.as_deref() == Some(l.as_str()))
        }),
        (
            "t=berdsk".into(),
            Box::new(|r: &Row| r.territory.as_deref() == Some("berdsk")),
        ),
        (format!("kind={kind}"), {
            let k = kind.clone();
            Box::new(move |r: &Row| r.agency_kind.as_deref() == Some(k.as_str()))
        }),
        (
            "state=overdue".into(),
            Box::new(move |r: &Row| r.dues.iter().any(|d| d.due < today)),
        ),
        (
            "state=due".into(),
            Box::new(move |r: &Row| r.dues.iter().any(|d| d.due >= today && d.due <= qend)),
        ),
        (
            "from=01.01.2026&to=30.06.2026".into(),
            Box::new(move |r: &Row| opened(r).is_some_and(|o| o >= from && o <= to)),
        ),
    ];
    for s in okno::index::STATES {
        filters.push((format!("work={s}"), Box::new(move |r: &Row| r.state == s)));
        // The API's `state=` takes a work state too.
        filters.push((format!("state={s}"), Box::new(move |r: &Row| r.state == s)));
    }
    for (query, keep) in &filters {
        let mut want: Vec<String> = rows
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.case_id.clone())
            .collect();
        want.sort();
        let (total, got) = all_pages(&mut c, query);
        assert_eq!(got, want, "{query}");
        assert_eq!(total as usize, want.len(), "{query}");
        // The HTML page: the same first 50, the filter kept in the pager's links.
        let html = page(&mut c, &format!("?{query}"));
        assert_eq!(listed(&html), want[..want.len().min(50)], "{query}");
        assert!(
            html.contains(&format!("id=\"case-count\">{}<", want.len())),
            "{query}"
        );
        if want.len() > 50 {
            let kept = query.replace('&', "&amp;");
            assert!(
                html.contains(&format!("href=\"/archive?{kept}&amp;page=2\"")),
                "{query}"
            );
        }
    }
    // Filters together, and across pages.
    let both: Vec<String> = rows
        .iter()
        .filter(|r| r.territory.as_deref() == Some("berdsk") && r.state == "open")
        .map(|r| r.case_id.clone())
        .collect();
    assert_eq!(all_pages(&mut c, "t=berdsk&work=open").1, both);
    // The filter's choice stays selected on the page.
    let html = page(&mut c, "?t=berdsk&work=open&page=1");
    assert!(html.contains("<option value=\"berdsk\" selected>"));
    assert!(html.contains("<option value=\"open\" selected>"));
    // A period that is not a date: said at its place, nothing lost.
    let html = page(&mut c, "?from=32.13.2026");
    assert!(html.contains("role=\"alert\""));
    assert_eq!(listed(&html).len(), 50);
    assert_eq!(c.get("/api/cases?from=32.13.2026").status, 400);
    // A filter value the list does not know is said, never dropped into «all cases».
    for (q, what) in [
        ("t=nowhere", "Территория: «nowhere»"),
        ("level=%27%20OR%201=1--", "Уровень: «' OR 1=1--»"),
        ("kind=zzz", "Орган: «zzz»"),
        ("state=bogus", "Сроки: «bogus»"),
    ] {
        let r = c.get(&format!("/api/cases?{q}"));
        assert_eq!(r.status, 400, "{q}");
        assert!(r.text().contains(what), "{q}: {}", r.text());
        let html = page(&mut c, &format!("?{q}"));
        assert!(html.contains("role=\"alert\""), "{q}");
    }
}

#[test]
fn without_an_index_the_list_is_empty_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    std::fs::create_dir_all(&arch).unwrap();
    let server = Server::start(&arch, &[]);
    let mut c = Client::new(&server.url);
    let r = c.get("/archive");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Случаев нет."));
    assert_eq!(api(&mut c, "page=1")["total"], 0);
}
